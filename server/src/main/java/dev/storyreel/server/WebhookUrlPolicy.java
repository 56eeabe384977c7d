package dev.storyreel.server;

import dev.storyreel.core.InvalidInputException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Decides whether the server may call a webhook URL, so that a client cannot make it reach into
 * its own network (SSRF): {@code https} only; no user info; the host must resolve, and every
 * address it resolves to must be public, unless the configuration allows loopback (then plain
 * {@code http} on loopback is allowed too, for tests) or private addresses. Checked when a job is
 * submitted and again before each delivery. Immutable and thread-safe.
 *
 * @param allowLoopback whether loopback addresses (and {@code http} on them) are allowed
 * @param allowPrivate whether private, link-local, CGNAT and unique-local addresses are allowed
 */
public record WebhookUrlPolicy(boolean allowLoopback, boolean allowPrivate) {

  /**
   * @param url the URL as given
   * @return the parsed URL
   * @throws InvalidInputException saying why it is refused and what is accepted
   */
  public URI check(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new InvalidInputException("webhookUrl is not a valid URL: " + e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost();
    if (host == null || !uri.isAbsolute()) {
      throw new InvalidInputException("webhookUrl must be an absolute https URL with a host,"
          + " for example https://hooks.example.com/storyreel");
    }
    if (uri.getRawUserInfo() != null) {
      throw new InvalidInputException("webhookUrl must not carry a user name or password;"
          + " the server signs each call instead");
    }
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      throw new InvalidInputException("webhookUrl's host " + host + " cannot be resolved;"
          + " give a host name that resolves to a public address");
    }
    boolean allLoopback = true;
    for (InetAddress a : addresses) {
      if (a.isLoopbackAddress()) {
        if (!allowLoopback) {
          throw new InvalidInputException("webhookUrl's host " + host + " is a loopback address"
              + " (" + a.getHostAddress() + "); the server calls only public addresses");
        }
        continue;
      }
      allLoopback = false;
      if (!allowPrivate && !isPublic(a)) {
        throw new InvalidInputException("webhookUrl's host " + host + " resolves to a private,"
            + " link-local or reserved address (" + a.getHostAddress() + "); the server calls"
            + " only public addresses");
      }
    }
    if (!scheme.equals("https") && !(scheme.equals("http") && allowLoopback && allLoopback)) {
      throw new InvalidInputException("webhookUrl must use https, was " + scheme + ":"
          + (allowLoopback ? " (plain http is allowed only on loopback)" : ""));
    }
    return uri;
  }

  /** @return whether an address is one the public internet routes */
  static boolean isPublic(InetAddress a) {
    if (a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isLinkLocalAddress()
        || a.isSiteLocalAddress() || a.isMulticastAddress()) {
      return false;
    }
    byte[] b = a.getAddress();
    if (a instanceof Inet4Address) {
      int b0 = b[0] & 0xff;
      int b1 = b[1] & 0xff;
      return !(b0 == 0 || (b0 == 100 && b1 >= 64 && b1 < 128) || (b0 == 192 && b1 == 0)
          || (b0 == 198 && (b1 == 18 || b1 == 19)) || b0 >= 224);
    }
    if (a instanceof Inet6Address) {
      int b0 = b[0] & 0xff;
      // fc00::/7 unique local; fec0::/10 site-local is caught above
      return (b0 & 0xfe) != 0xfc;
    }
    return false;
  }
}
