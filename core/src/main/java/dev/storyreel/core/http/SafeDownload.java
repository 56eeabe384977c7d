package dev.storyreel.core.http;

import dev.storyreel.core.NonRetriableException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Fetches and checks files a provider generated (an image URL from Replicate or an OpenAI
 * compatible server) before they are used:
 *
 * <ul>
 *   <li>{@code https} only; plain {@code http} only to a loopback address (for tests and local
 *       servers). No credential is ever sent with a download;
 *   <li>at most {@code maxBytes} are read: a longer file is refused;
 *   <li>the {@code Content-Type} must be one of the expected media types and the first bytes must
 *       be that format's signature (PNG, JPEG, WebP), so an HTML error page or a truncated file
 *       never passes as an image;
 *   <li>{@link #decodeImage} reads the width and height from the header and refuses an image over
 *       the pixel cap <em>before</em> decoding it (no decompression bombs), then decodes it
 *       fully, so a truncated file fails here.
 * </ul>
 *
 * <p>Failures are {@link NonRetriableException}s except network failures and 5xx/429 answers,
 * which are retriable (downloading twice costs nothing). Immutable and thread-safe.
 */
public final class SafeDownload {
  /** Default size cap: 32 MiB. */
  public static final long DEFAULT_MAX_BYTES = 32L << 20;
  /** Default pixel cap: 40 megapixels (a 4K image is 8.3). */
  public static final long DEFAULT_MAX_PIXELS = 40_000_000L;
  /** The image media types StoryReel accepts. */
  public static final Set<String> IMAGE_TYPES = Set.of("image/png", "image/jpeg", "image/webp");

  private final HttpClient client;
  private final long maxBytes;
  private final Duration timeout;

  /**
   * @param maxBytes the largest file accepted, in bytes, {@code >= 1}
   * @param timeout how long one download may take; positive
   */
  public SafeDownload(long maxBytes, Duration timeout) {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be >= 1, was " + maxBytes);
    }
    this.maxBytes = maxBytes;
    this.timeout = timeout;
    this.client = HttpClient.newBuilder()
        .connectTimeout(timeout)
        .followRedirects(HttpClient.Redirect.NORMAL) // https to http is never followed
        .version(HttpClient.Version.HTTP_1_1)
        .build();
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
   * Downloads an image and checks its size, media type and signature.
   *
   * @param provider the provider, for messages
   * @param uri where the file is
   * @param context what it is for ({@code "segment 3"}), or {@code null}
   * @return the checked bytes
   * @throws NonRetriableException if the URL, size, type or signature is not acceptable
   * @throws dev.storyreel.core.RetriableException on network failures, 429 and 5xx
   */
  public Download image(String provider, URI uri, String context) {
    checkUrl(provider, uri);
    CallInfo call = new CallInfo(provider, "GET", uri.getScheme() + "://" + uri.getHost()
        + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + uri.getRawPath(), context);
    HttpResponse<InputStream> r;
    byte[] bytes;
    try {
      r = client.send(HttpRequest.newBuilder(uri).timeout(timeout)
          .header("User-Agent", HttpTransport.USER_AGENT).GET().build(),
          HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = r.body()) {
        bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException(call + " was interrupted");
    } catch (IOException e) {
      throw HttpFailures.forIo(call, e, false);
    }
    if (r.statusCode() / 100 != 2) {
      throw HttpFailures.forStatus(call, r.statusCode(), r.headers(), bytes, false);
    }
    if (bytes.length > maxBytes) {
      throw new NonRetriableException(call + ": the file is over the " + maxBytes
          + "-byte cap; refused.");
    }
    String ct = r.headers().firstValue("content-type").orElse("");
    int semi = ct.indexOf(';');
    String type = (semi >= 0 ? ct.substring(0, semi) : ct).strip().toLowerCase(Locale.ROOT);
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
   * Decodes an image with a pixel cap read from its header before any pixel is decoded.
   *
   * @param provider the provider, for messages
   * @param bytes the encoded image
   * @param maxPixels the most pixels accepted, {@code width * height}
   * @param context what it is for, or {@code null}
   * @return the decoded image
   * @throws NonRetriableException if no reader knows the format (WebP without a plugin), the
   *     image is over the cap, or it is truncated or corrupt
   */
  public static BufferedImage decodeImage(String provider, byte[] bytes, long maxPixels,
      String context) {
    String where = provider + (context == null ? "" : " (" + context + ")");
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new NonRetriableException(where + ": no decoder for this image ("
            + sniffImage(bytes) + ", " + bytes.length + " bytes); ask for PNG or JPEG.");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        long w = reader.getWidth(0);
        long h = reader.getHeight(0);
        if (w <= 0 || h <= 0 || w * h > maxPixels) {
          throw new NonRetriableException(where + ": the image is " + w + "x" + h
              + " pixels, over the cap of " + maxPixels + "; refused before decoding.");
        }
        BufferedImage img = reader.read(0);
        if (img == null) {
          throw new NonRetriableException(where + ": the image cannot be decoded.");
        }
        return img;
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof NonRetriableException n) {
        throw n;
      }
      throw new NonRetriableException(where + ": the image (" + bytes.length
          + " bytes) is truncated or corrupt: " + e.getMessage(), e);
    }
  }

  /** @return this downloader's limits, for diagnostics */
  public Map<String, Object> limits() {
    return Map.of("maxBytes", maxBytes, "timeout", timeout);
  }
}
