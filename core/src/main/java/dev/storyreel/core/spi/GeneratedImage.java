package dev.storyreel.core.spi;

import java.util.Objects;

/**
 * An encoded image made by an {@link ImageProvider}.
 *
 * @param bytes the encoded file (PNG, JPEG or WebP as {@code mediaType} says); copied
 * @param mediaType for example {@code image/png}
 * @param widthPx the decoded width in pixels
 * @param heightPx the decoded height in pixels
 * @param usage what making it consumed as the vendor reported it (for example GPT image tokens),
 *     or {@link dev.storyreel.core.Usage#NONE} when the provider reports nothing and the pipeline
 *     counts one image; its cost is filled in by the pipeline from the job's price table
 */
public record GeneratedImage(
    byte[] bytes, String mediaType, int widthPx, int heightPx, dev.storyreel.core.Usage usage) {

  /**
   * An image whose provider reports no usage.
   *
   * @param bytes the encoded file; copied
   * @param mediaType for example {@code image/png}
   * @param widthPx the decoded width in pixels
   * @param heightPx the decoded height in pixels
   */
  public GeneratedImage(byte[] bytes, String mediaType, int widthPx, int heightPx) {
    this(bytes, mediaType, widthPx, heightPx, dev.storyreel.core.Usage.NONE);
  }

  /**
   * @param bytes the encoded file; copied
   * @param mediaType for example {@code image/png}
   * @param widthPx the decoded width in pixels
   * @param heightPx the decoded height in pixels
   * @param usage what making it consumed as the vendor reported it (for example GPT image tokens),
   *     or {@link dev.storyreel.core.Usage#NONE} when the provider reports nothing and the pipeline
   *     counts one image; its cost is filled in by the pipeline from the job's price table
   * @throws IllegalArgumentException if there are no bytes or a size is not positive
   */
  public GeneratedImage {
    Objects.requireNonNull(bytes, "bytes");
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(usage, "usage");
    if (bytes.length == 0) {
      throw new IllegalArgumentException("image has no bytes");
    }
    if (widthPx <= 0 || heightPx <= 0) {
      throw new IllegalArgumentException("size must be positive, was " + widthPx + "x" + heightPx);
    }
    bytes = bytes.clone();
  }

  /** @return a copy of the encoded bytes */
  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GeneratedImage g
        && java.util.Arrays.equals(g.bytes, bytes)
        && g.mediaType.equals(mediaType)
        && g.widthPx == widthPx
        && g.heightPx == heightPx;
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(bytes) * 31 + mediaType.hashCode();
  }

  @Override
  public String toString() {
    return "GeneratedImage[" + mediaType + ", " + widthPx + "x" + heightPx + ", " + bytes.length
        + " bytes]";
  }
}
