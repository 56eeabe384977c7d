package dev.storyreel.core.http;

import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.spi.VideoInfo;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Checks a video clip a provider produced (an image-to-video model's output), before and after it
 * is decoded. Beside {@link ImageChecks}: the checks that need no decoder are here; decoding is
 * the renderer's ({@link dev.storyreel.core.spi.Renderer#probeVideo}), and {@link #checkProbed}
 * applies the pixel and duration caps to what it read.
 *
 * <ol>
 *   <li>at most {@code maxBytes} ({@link #DEFAULT_MAX_BYTES} by default);
 *   <li>the container's magic: an ISO base media file (MP4, MOV) has a {@code ftyp} box at byte
 *       4; WebM and Matroska start with the EBML header {@code 1A 45 DF A3};
 *   <li>an image (PNG, JPEG, WebP signature) is refused with its own message: the model made a
 *       still, not a video, so asking again will not help;
 *   <li>a declared {@code Content-Type} must agree with the magic ({@code
 *       application/octet-stream} and {@code binary/octet-stream} are taken by their magic);
 *   <li>after probing: at most {@link #DEFAULT_MAX_PIXELS} pixels a frame and {@link
 *       #DEFAULT_MAX_DURATION} long.
 * </ol>
 *
 * <p>Every failure is a {@link NonRetriableException} naming the provider and the segment.
 * Stateless and thread-safe. Example: {@code String type = ClipChecks.check("replicate", bytes,
 * "video/mp4", ClipChecks.DEFAULT_MAX_BYTES, "segment 3");}
 */
public final class ClipChecks {
  /** Default size cap: 64 MiB (a 10 s 1080p H.264 clip is about 5-20 MiB). */
  public static final long DEFAULT_MAX_BYTES = 64L << 20;
  /** Default pixel cap per frame: 3840 x 2160 (4K UHD). */
  public static final long DEFAULT_MAX_PIXELS = 3840L * 2160L;
  /** Default duration cap: 60 s (image-to-video models make 2-10 s). */
  public static final Duration DEFAULT_MAX_DURATION = Duration.ofSeconds(60);
  /** The media types a clip may be served as. */
  public static final Set<String> VIDEO_TYPES = Set.of("video/mp4", "video/quicktime",
      "video/webm", "video/x-matroska");
  private static final Set<String> OCTET_STREAMS =
      Set.of("application/octet-stream", "binary/octet-stream");

  private ClipChecks() {}

  /**
   * @param bytes the start of a file (12 bytes are enough)
   * @return {@code video/mp4} (a {@code ftyp} box; {@code video/quicktime} for the {@code qt}
   *     brand), {@code video/webm} (an EBML header), or {@code null}
   */
  public static String sniffVideo(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length >= 12 && bytes[4] == 'f' && bytes[5] == 't' && bytes[6] == 'y'
        && bytes[7] == 'p') {
      return bytes[8] == 'q' && bytes[9] == 't' ? "video/quicktime" : "video/mp4";
    }
    if (bytes.length >= 4 && (bytes[0] & 0xff) == 0x1a && (bytes[1] & 0xff) == 0x45
        && (bytes[2] & 0xff) == 0xdf && (bytes[3] & 0xff) == 0xa3) {
      return "video/webm";
    }
    return null;
  }

  /**
   * Checks an encoded clip without decoding it.
   *
   * @param provider the provider, for messages
   * @param bytes the file
   * @param declaredType the {@code Content-Type} it was served with (parameters dropped), or
   *     empty or {@code null} when unknown
   * @param maxBytes the largest file accepted, in bytes
   * @param context what it is for ({@code "segment 3"}), or {@code null}
   * @return its media type from its magic: {@code video/mp4}, {@code video/quicktime} or {@code
   *     video/webm}
   * @throws NonRetriableException if it is empty or over the cap, is an image (the model made a
   *     still instead of a video), is no container this class knows, or was served as another
   *     type
   */
  public static String check(String provider, byte[] bytes, String declaredType, long maxBytes,
      String context) {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(bytes, "bytes");
    String where = provider + (context == null ? "" : " (" + context + ")");
    if (bytes.length == 0) {
      throw new NonRetriableException(where + ": the clip is empty.");
    }
    if (bytes.length > maxBytes) {
      throw new NonRetriableException(where + ": the clip is " + bytes.length
          + " bytes, over the " + maxBytes + "-byte cap; refused.");
    }
    String type = declaredType == null ? "" : declaredType.strip().toLowerCase(Locale.ROOT);
    String image = SafeDownload.sniffImage(bytes);
    if (image != null) {
      throw new NonRetriableException(where + ": the model returned an image (" + image + ", "
          + bytes.length + " bytes) instead of a video. Not retried: name an image-to-video"
          + " model (one whose output is an MP4), for example with --clip-model.");
    }
    String sniffed = sniffVideo(bytes);
    if (sniffed == null) {
      throw new NonRetriableException(where + ": the file (" + (type.isEmpty() ? "no type"
          : type) + ", " + bytes.length + " bytes) is not a video: no MP4 'ftyp' box or WebM"
          + " header. Check that the model makes videos.");
    }
    boolean agrees = type.isEmpty() || OCTET_STREAMS.contains(type)
        || family(type).equals(family(sniffed));
    if (!agrees) {
      throw new NonRetriableException(where + ": served as " + type + " but the bytes are "
          + sniffed + "; refused.");
    }
    return sniffed;
  }

  /** MP4 and MOV are one family (ISO base media), WebM and Matroska another. */
  private static String family(String type) {
    return switch (type) {
      case "video/mp4", "video/quicktime" -> "iso";
      case "video/webm", "video/x-matroska" -> "matroska";
      default -> type;
    };
  }

  /**
   * Applies the pixel and duration caps to what the renderer's decoder read from a clip.
   *
   * @param provider the provider, for messages
   * @param info what the clip holds
   * @param maxPixels the most pixels a frame may have
   * @param maxDuration the longest clip accepted
   * @param context what it is for, or {@code null}
   * @throws NonRetriableException if a frame has more pixels or the clip lasts longer
   */
  public static void checkProbed(String provider, VideoInfo info, long maxPixels,
      Duration maxDuration, String context) {
    Objects.requireNonNull(info, "info");
    Objects.requireNonNull(maxDuration, "maxDuration");
    String where = provider + (context == null ? "" : " (" + context + ")");
    long pixels = (long) info.widthPx() * info.heightPx();
    if (pixels > maxPixels) {
      throw new NonRetriableException(where + ": the clip is " + info.widthPx() + "x"
          + info.heightPx() + ", over the " + maxPixels + "-pixel cap; ask the model for a"
          + " lower resolution.");
    }
    if (info.duration().compareTo(maxDuration) > 0) {
      throw new NonRetriableException(where + ": the clip lasts " + info.duration().toMillis()
          + " ms, over the " + maxDuration.toSeconds() + " s cap; refused.");
    }
  }
}
