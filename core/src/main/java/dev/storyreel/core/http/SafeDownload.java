package dev.storyreel.core.http;

import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.RetriableException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;

/**
 * Fetches and checks files a provider generated (an image or audio URL from Replicate or an
 * OpenAI compatible server) before they are used:
 *
 * <ul>
 *   <li>{@code https} only; plain {@code http} only to a loopback address (for tests and local
 *       servers). No credential is ever sent with a download;
 *   <li>never to a private (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7), link-local
 *       (169.254/16, fe80::/10, where cloud metadata services live), unspecified (0.0.0.0/8,
 *       ::) or multicast address, unless the downloader was built with {@link
 *       Builder#allowPrivateAddresses()}; the host is resolved and every address it resolves to
 *       is checked before connecting. Loopback is allowed for a first URL (tests, local servers)
 *       and, after a redirect, only when the first URL was loopback too;
 *   <li>redirects (301, 302, 303, 307, 308) are followed by this class, not by the JDK client,
 *       at most {@link #DEFAULT_MAX_REDIRECTS} hops by default, and every {@code Location} is
 *       checked with the same rules as the first URL before it is requested;
 *   <li>at most {@code maxBytes} are read: a longer file is refused;
 *   <li>the {@code Content-Type} must be one of the expected media types and the first bytes must
 *       be that format's signature (PNG, JPEG, WebP; WAV, MP3), so an HTML error page never
 *       passes as an image or a sound; {@link #audio} streams the file to disk instead of
 *       holding it in memory;
 *   <li>{@link #decodeImage} decodes through {@link ImageChecks}: pixel cap, size against file
 *       size, and a shared memory budget, all before decoding; then a full decode, so a
 *       truncated file fails here.
 * </ul>
 *
 * <p>The addresses are checked when the host is resolved here; the JDK client resolves it again
 * to connect, so a DNS server that answers differently within milliseconds (DNS rebinding) is
 * not stopped by this class. Downloads come from vendors' CDN URLs, which makes that an
 * accepted gap; put an egress proxy in front where it is not.
 *
 * <p>Failures are {@link NonRetriableException}s except network failures and 5xx/429 answers,
 * which are retriable (downloading twice costs nothing). Immutable and thread-safe.
 */
public final class SafeDownload {
  /** Default size cap: 32 MiB. */
  public static final long DEFAULT_MAX_BYTES = 32L << 20;
  /** Default pixel cap: {@link ImageChecks#DEFAULT_MAX_PIXELS} (4096 x 4096). */
  public static final long DEFAULT_MAX_PIXELS = ImageChecks.DEFAULT_MAX_PIXELS;
  /** Default number of redirects followed: 5. */
  public static final int DEFAULT_MAX_REDIRECTS = 5;
  /** The image media types StoryReel accepts. */
  public static final Set<String> IMAGE_TYPES = Set.of("image/png", "image/jpeg", "image/webp");

  /**
   * The audio media types {@link #audio} accepts: WAV under its usual names, and MP3. Files
   * served as {@code application/octet-stream} or {@code binary/octet-stream} are taken by their
   * signature.
   */
  public static final Set<String> AUDIO_TYPES =
      Set.of("audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave", "audio/mpeg");
  private static final Map<String, String> AUDIO_ALIASES = Map.of("audio/wav", "audio/wav",
      "audio/x-wav", "audio/wav", "audio/wave", "audio/wav", "audio/vnd.wave", "audio/wav",
      "audio/mpeg", "audio/mpeg", "audio/mp3", "audio/mpeg");
  private static final Set<String> OCTET_STREAMS =
      Set.of("application/octet-stream", "binary/octet-stream");

  private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

  private final HttpClient client;
  private final long maxBytes;
  private final Duration timeout;
  private final int maxRedirects;
  private final boolean allowPrivate;

  /**
   * A downloader with {@link #DEFAULT_MAX_REDIRECTS} redirects and no private addresses.
   *
   * @param maxBytes the largest file accepted, in bytes, {@code >= 1}
   * @param timeout how long one download may take; positive
   * @throws IllegalArgumentException if a value is out of range
   */
  public SafeDownload(long maxBytes, Duration timeout) {
    this(builder().maxBytes(maxBytes).timeout(timeout));
  }

  private SafeDownload(Builder b) {
    if (b.maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be >= 1, was " + b.maxBytes);
    }
    Objects.requireNonNull(b.timeout, "timeout");
    if (b.timeout.isNegative() || b.timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + b.timeout);
    }
    if (b.maxRedirects < 0 || b.maxRedirects > 20) {
      throw new IllegalArgumentException("maxRedirects must be 0..20, was " + b.maxRedirects);
    }
    this.maxBytes = b.maxBytes;
    this.timeout = b.timeout;
    this.maxRedirects = b.maxRedirects;
    this.allowPrivate = b.allowPrivate;
    this.client = HttpClient.newBuilder()
        .connectTimeout(timeout)
        // Redirects are followed in image(), each Location checked like the first URL.
        .followRedirects(HttpClient.Redirect.NEVER)
        .version(HttpClient.Version.HTTP_1_1)
        .build();
  }

  /** @return a builder with the defaults: 32 MiB, 60 s, 5 redirects, no private addresses */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link SafeDownload}; not thread-safe. */
  public static final class Builder {
    private long maxBytes = DEFAULT_MAX_BYTES;
    private Duration timeout = Duration.ofSeconds(60);
    private int maxRedirects = DEFAULT_MAX_REDIRECTS;
    private boolean allowPrivate;

    private Builder() {}

    /**
     * @param v the largest file accepted, in bytes, {@code >= 1}; default 32 MiB
     * @return this builder
     */
    public Builder maxBytes(long v) {
      maxBytes = v;
      return this;
    }

    /**
     * @param v how long one request may take (each hop of a redirect chain); positive; default
     *     60 s
     * @return this builder
     */
    public Builder timeout(Duration v) {
      timeout = v;
      return this;
    }

    /**
     * @param v how many redirects are followed, 0..20; 0 refuses every redirect; default 5
     * @return this builder
     */
    public Builder maxRedirects(int v) {
      maxRedirects = v;
      return this;
    }

    /**
     * Allows private, link-local, unspecified and multicast addresses, and redirects to
     * loopback from a non-loopback URL: for a provider that is itself on a private network.
     * The scheme rule (https, or http to loopback) still holds.
     *
     * @return this builder
     */
    public Builder allowPrivateAddresses() {
      allowPrivate = true;
      return this;
    }

    /**
     * @return the downloader
     * @throws IllegalArgumentException if a value is out of range
     */
    public SafeDownload build() {
      return new SafeDownload(this);
    }
  }

  /** @return a downloader with a 32 MiB cap and a 60 s timeout */
  public static SafeDownload defaults() {
    return new SafeDownload(DEFAULT_MAX_BYTES, Duration.ofSeconds(60));
  }

  /**
   * A downloaded file.
   *
   * @param bytes the content
   * @param mediaType its checked media type, for example {@code image/png}
   */
  public record Download(byte[] bytes, String mediaType) {}

  /**
   * An audio file {@link #audio} wrote.
   *
   * @param path where it was written
   * @param sizeBytes its size, in bytes
   * @param mediaType its media type from its signature: {@code audio/wav} or {@code audio/mpeg}
   */
  public record AudioFile(Path path, long sizeBytes, String mediaType) {}

  /**
   * Downloads an image and checks its size, media type and signature.
   *
   * @param provider the provider, for messages
   * @param uri where the file is
   * @param context what it is for ({@code "segment 3"}), or {@code null}
   * @return the checked bytes
   * @throws NonRetriableException if the URL (or a redirect's), its addresses, the size, type or
   *     signature is not acceptable, or there are too many redirects
   * @throws RetriableException on network failures, an unresolvable host, 429 and 5xx
   */
  public Download image(String provider, URI uri, String context) {
    return get(provider, uri, context, (call, r, in) -> {
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
      return checked(call, r, bytes);
    });
  }

  /**
   * Downloads a video clip (an image-to-video model's output) and checks it with {@link
   * ClipChecks#check}: the size cap, the container's magic ({@code ftyp} for MP4), an image
   * refused as "an image instead of a video", and the declared type against the magic. The same
   * URL and address rules as {@link #image} apply. The clip is held in memory: clips are a few
   * MiB, and the cap bounds them.
   *
   * @param provider the provider, for messages
   * @param uri where the file is
   * @param context what it is for ({@code "segment 3"}), or {@code null}
   * @return the checked bytes, with the media type from their magic ({@code video/mp4}, {@code
   *     video/quicktime} or {@code video/webm})
   * @throws NonRetriableException if the URL (or a redirect's), its addresses, the size, type or
   *     magic is not acceptable, the file is an image, or there are too many redirects
   * @throws RetriableException on network failures (also part-way through the body), an
   *     unresolvable host, 429 and 5xx
   */
  public Download video(String provider, URI uri, String context) {
    return get(provider, uri, context, (call, r, in) -> {
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
      if (r.statusCode() / 100 != 2) {
        throw HttpFailures.forStatus(call, r.statusCode(), r.headers(), bytes, false);
      }
      return new Download(bytes, ClipChecks.check(provider, bytes, declaredType(r), maxBytes,
          context));
    });
  }

  /**
   * Downloads an audio file straight into {@code target}, never holding it whole in memory, and
   * checks its size, media type and signature (WAV: {@code RIFF....WAVE}; MP3: an ID3 tag or an
   * MPEG frame sync). The same URL and address rules as {@link #image} apply. On any failure
   * {@code target} is deleted.
   *
   * @param provider the provider, for messages; never {@code null}
   * @param uri where the file is; never {@code null}
   * @param context what it is for ({@code "music bed (dread)"}), or {@code null}
   * @param target the file to write (replaced if it exists); its folder must exist; never {@code
   *     null}
   * @return what was written
   * @throws NonRetriableException if the URL (or a redirect's), its addresses, the size, type or
   *     signature is not acceptable, there are too many redirects, or {@code target} cannot be
   *     written
   * @throws RetriableException on network failures (also part-way through the body), an
   *     unresolvable host, 429 and 5xx
   */
  public AudioFile audio(String provider, URI uri, String context, Path target) {
    Objects.requireNonNull(target, "target");
    try {
      return get(provider, uri, context, (call, r, in) -> {
        if (r.statusCode() / 100 != 2) {
          throw HttpFailures.forStatus(call, r.statusCode(), r.headers(), in.readNBytes(64 << 10),
              false);
        }
        String type = declaredType(r);
        byte[] head = in.readNBytes(12);
        String sniffed = sniffAudio(head);
        if (sniffed == null) {
          throw new NonRetriableException(call + ": the file (" + (type.isEmpty() ? "no type"
              : type) + ") is not a WAV or MP3 file.");
        }
        String declared = AUDIO_ALIASES.get(type);
        if (!type.isEmpty() && !OCTET_STREAMS.contains(type) && !sniffed.equals(declared)) {
          throw new NonRetriableException(call + ": served as " + type + " but the bytes are "
              + sniffed + "; refused.");
        }
        long written = copyCapped(call, head, in, target);
        return new AudioFile(target, written, sniffed);
      });
    } catch (RuntimeException e) {
      deleteQuietly(target);
      throw e;
    }
  }

  private long copyCapped(CallInfo call, byte[] head, InputStream in, Path target)
      throws IOException {
    long written = head.length;
    try (OutputStream out = Files.newOutputStream(target)) {
      out.write(head);
      byte[] buf = new byte[64 << 10];
      for (int n; (n = in.read(buf)) > 0; ) {
        written += n;
        if (written > maxBytes) {
          throw new NonRetriableException(call + ": the file is over the " + maxBytes
              + "-byte cap; refused.");
        }
        out.write(buf, 0, n);
      }
    } catch (FileSystemException e) {
      throw new NonRetriableException(call + ": the download cannot be written to " + target
          + " (" + e.getMessage() + "); check the folder exists and is writable.", e);
    }
    return written;
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // best effort: the caller deletes its folder
    }
  }

  /** Reads the body of a final (non-redirect) answer; may throw StoryReel failures. */
  @FunctionalInterface
  private interface BodyReader<R> {
    R read(CallInfo call, HttpResponse<InputStream> response, InputStream body)
        throws IOException;
  }

  /** Follows redirects (each checked like the first URL) and hands the final answer over. */
  private <R> R get(String provider, URI uri, String context, BodyReader<R> reader) {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(uri, "uri");
    boolean firstIsLoopback = uri.getHost() != null && isLoopback(uri.getHost());
    URI at = uri;
    for (int hop = 0; ; hop++) {
      CallInfo call = callInfo(provider, at, context);
      boolean loopbackAllowed = hop == 0 || firstIsLoopback;
      boolean literal = at.getHost() != null && isIpLiteral(at.getHost());
      if (literal) {
        checkAddresses(call, at, loopbackAllowed); // no DNS needed: the most precise message
      }
      checkUrl(provider, at);
      if (!literal) {
        checkAddresses(call, at, loopbackAllowed);
      }
      HttpResponse<InputStream> r;
      R result = null;
      try {
        // Only the User-Agent is sent: never a credential, on any hop.
        r = client.send(HttpRequest.newBuilder(at).timeout(timeout)
            .header("User-Agent", HttpTransport.USER_AGENT).GET().build(),
            HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
          if (!REDIRECTS.contains(r.statusCode())) {
            result = reader.read(call, r, in);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CancellationException(call + " was interrupted");
      } catch (IOException e) {
        throw HttpFailures.forIo(call, e, false);
      }
      if (!REDIRECTS.contains(r.statusCode())) {
        return result;
      }
      String location = r.headers().firstValue("location").orElse(null);
      if (location == null || location.isBlank()) {
        throw new NonRetriableException(call + ": answered " + r.statusCode()
            + " without a Location header; the download URL is not usable.");
      }
      if (hop >= maxRedirects) {
        throw new NonRetriableException(call + ": more than " + maxRedirects
            + " redirects; refused. The provider's download URL loops or is misconfigured.");
      }
      try {
        at = at.resolve(new URI(location.strip()));
      } catch (URISyntaxException | IllegalArgumentException e) {
        throw new NonRetriableException(call + ": answered " + r.statusCode()
            + " with a malformed Location; refused.", e);
      }
    }
  }

  private static String declaredType(HttpResponse<?> r) {
    String ct = r.headers().firstValue("content-type").orElse("");
    int semi = ct.indexOf(';');
    return (semi >= 0 ? ct.substring(0, semi) : ct).strip().toLowerCase(Locale.ROOT);
  }

  private Download checked(CallInfo call, HttpResponse<InputStream> r, byte[] bytes) {
    if (r.statusCode() / 100 != 2) {
      throw HttpFailures.forStatus(call, r.statusCode(), r.headers(), bytes, false);
    }
    if (bytes.length > maxBytes) {
      throw new NonRetriableException(call + ": the file is over the " + maxBytes
          + "-byte cap; refused.");
    }
    String type = declaredType(r);
    String sniffed = sniffImage(bytes);
    if (sniffed == null) {
      throw new NonRetriableException(call + ": the file (" + (type.isEmpty() ? "no type" : type)
          + ", " + bytes.length + " bytes) is not a PNG, JPEG or WebP image.");
    }
    if (!type.isEmpty() && !type.equals("application/octet-stream")
        && !type.equals(sniffed)) {
      throw new NonRetriableException(call + ": served as " + type + " but the bytes are "
          + sniffed + "; refused.");
    }
    return new Download(bytes, sniffed);
  }

  private static CallInfo callInfo(String provider, URI uri, String context) {
    return new CallInfo(provider, "GET", uri.getScheme() + "://" + uri.getHost()
        + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + uri.getRawPath(), context);
  }

  /**
   * Resolves the host and refuses it when any address it resolves to is not public (see the
   * class comment).
   */
  private void checkAddresses(CallInfo call, URI uri, boolean loopbackAllowed) {
    String host = uri.getHost();
    String bare = host.startsWith("[") && host.endsWith("]")
        ? host.substring(1, host.length() - 1) : host;
    InetAddress[] all;
    try {
      all = InetAddress.getAllByName(bare);
    } catch (UnknownHostException e) {
      throw new RetriableException(call + ": the host " + host + " cannot be resolved; check"
          + " the network and DNS.", e);
    }
    for (InetAddress a : all) {
      if (a.isLoopbackAddress()) {
        if (loopbackAllowed || allowPrivate) {
          continue;
        }
        throw new NonRetriableException(call + ": refused a redirect to a loopback address ("
            + a.getHostAddress() + ") from a URL that was not on loopback.");
      }
      String kind = nonPublicKind(a);
      if (kind != null && !allowPrivate) {
        throw new NonRetriableException(call + ": refused to connect: " + host
            + (bare.equals(a.getHostAddress()) ? "" : " resolves to " + a.getHostAddress())
            + " (" + kind + " address). Downloads only go to public addresses; build the"
            + " downloader with allowPrivateAddresses() if the provider is on a private"
            + " network.");
      }
    }
  }

  /**
   * @param a an address
   * @return what kind of non-public address it is ({@code "private"}, {@code "link-local"},
   *     {@code "unspecified"}, {@code "multicast"}), or {@code null} for a public or loopback
   *     one
   */
  static String nonPublicKind(InetAddress a) {
    byte[] b = a.getAddress();
    if (a.isAnyLocalAddress() || (b.length == 4 && b[0] == 0)) {
      return "unspecified";
    }
    if (a.isLinkLocalAddress()) {
      return "link-local";
    }
    if (a.isMulticastAddress()) {
      return "multicast";
    }
    if (a.isSiteLocalAddress()
        || (b.length == 4 && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64) // 100.64/10 (CGNAT)
        || (b.length == 16 && (b[0] & 0xfe) == 0xfc)) { // fc00::/7 unique local
      return "private";
    }
    if (b.length == 16 && isMappedOrCompatible(b)) {
      // ::ffff:a.b.c.d or ::a.b.c.d reach the IPv4 address inside.
      try {
        InetAddress inner = InetAddress.getByAddress(Arrays.copyOfRange(b, 12, 16));
        String kind = nonPublicKind(inner);
        return kind != null ? kind : inner.isLoopbackAddress() ? "loopback" : null;
      } catch (UnknownHostException e) {
        return "unspecified";
      }
    }
    return null;
  }

  private static boolean isIpLiteral(String host) {
    return host.startsWith("[") || host.chars().allMatch(c -> Character.isDigit(c) || c == '.');
  }

  private static boolean isMappedOrCompatible(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return (b[10] == 0 && b[11] == 0) || (b[10] == (byte) 0xff && b[11] == (byte) 0xff);
  }

  /**
   * Checks a URL may be downloaded from: https, or http to a loopback address.
   *
   * @param provider the provider, for messages
   * @param uri the URL
   * @throws NonRetriableException if not
   */
  public static void checkUrl(String provider, URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (uri.getHost() == null) {
      throw new NonRetriableException(provider + ": refusing to download from a URL without a"
          + " host");
    }
    if (scheme.equals("https")) {
      return;
    }
    if (scheme.equals("http") && isLoopback(uri.getHost())) {
      return;
    }
    throw new NonRetriableException(provider + ": refusing to download " + scheme + "://"
        + uri.getHost() + uri.getRawPath() + ": only https (or http to loopback) is allowed.");
  }

  /**
   * @param host a host name or address
   * @return whether it is {@code localhost} or a loopback address (resolved without DNS for
   *     literals; {@code localhost} is taken at its word)
   */
  public static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.equals("localhost") || h.startsWith("127.") || h.equals("[::1]") || h.equals("::1")) {
      return true;
    }
    if (h.chars().allMatch(c -> Character.isDigit(c) || c == '.' || c == ':' || c == '['
        || c == ']')) {
      try {
        return InetAddress.getByName(h.replace("[", "").replace("]", "")).isLoopbackAddress();
      } catch (UnknownHostException e) {
        return false;
      }
    }
    return false;
  }

  /**
   * @param bytes the start of a file
   * @return {@code image/png}, {@code image/jpeg} or {@code image/webp} from the signature, or
   *     {@code null}
   */
  public static String sniffImage(byte[] bytes) {
    if (bytes.length >= 8 && (bytes[0] & 0xff) == 0x89 && bytes[1] == 'P' && bytes[2] == 'N'
        && bytes[3] == 'G' && bytes[4] == 0x0d && bytes[5] == 0x0a && bytes[6] == 0x1a
        && bytes[7] == 0x0a) {
      return "image/png";
    }
    if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xff && (bytes[1] & 0xff) == 0xd8
        && (bytes[2] & 0xff) == 0xff) {
      return "image/jpeg";
    }
    if (bytes.length >= 12 && bytes[0] == 'R' && bytes[1] == 'I' && bytes[2] == 'F'
        && bytes[3] == 'F' && bytes[8] == 'W' && bytes[9] == 'E' && bytes[10] == 'B'
        && bytes[11] == 'P') {
      return "image/webp";
    }
    return null;
  }

  /**
   * @param bytes the start of a file (12 bytes are enough)
   * @return {@code audio/wav} ({@code RIFF....WAVE}) or {@code audio/mpeg} (an ID3v2 tag or an
   *     MPEG audio frame sync) from the signature, or {@code null}
   */
  public static String sniffAudio(byte[] bytes) {
    if (bytes.length >= 12 && bytes[0] == 'R' && bytes[1] == 'I' && bytes[2] == 'F'
        && bytes[3] == 'F' && bytes[8] == 'W' && bytes[9] == 'A' && bytes[10] == 'V'
        && bytes[11] == 'E') {
      return "audio/wav";
    }
    if (bytes.length >= 3 && bytes[0] == 'I' && bytes[1] == 'D' && bytes[2] == '3') {
      return "audio/mpeg";
    }
    if (bytes.length >= 2 && (bytes[0] & 0xff) == 0xff && (bytes[1] & 0xe0) == 0xe0) {
      return "audio/mpeg";
    }
    return null;
  }

  /**
   * Decodes an image with a pixel cap, a size-against-file-size check and the shared memory
   * budget, all before any pixel is decoded; the same as {@link ImageChecks#decode}.
   *
   * @param provider the provider, for messages
   * @param bytes the encoded image
   * @param maxPixels the most pixels accepted, {@code width * height}
   * @param context what it is for, or {@code null}
   * @return the decoded image
   * @throws NonRetriableException if no reader knows the format (WebP without a plugin), the
   *     image is over the cap, declares more pixels than its bytes can hold, or is truncated or
   *     corrupt
   * @throws RetriableException if the decode budget stayed full for the whole wait
   */
  public static BufferedImage decodeImage(String provider, byte[] bytes, long maxPixels,
      String context) {
    return ImageChecks.decode(provider, bytes, maxPixels, context);
  }

  /** @return this downloader's limits, for diagnostics */
  public Map<String, Object> limits() {
    return Map.of("maxBytes", maxBytes, "timeout", timeout, "maxRedirects", maxRedirects,
        "allowPrivateAddresses", allowPrivate);
  }
}
