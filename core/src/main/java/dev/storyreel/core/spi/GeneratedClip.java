package dev.storyreel.core.spi;

import dev.storyreel.core.Usage;
import java.util.Objects;

/**
 * An encoded video made by a {@link ClipProvider}. Providers check what they can without decoding
 * (https source, size cap, container magic such as MP4's {@code ftyp}); the pipeline stores the
 * bytes first (the clip is paid for) and then decodes it with the renderer's
 * {@link Renderer#probeVideo} before it is used.
 *
 * @param bytes the encoded file (MP4 or WebM as {@code mediaType} says); copied
 * @param mediaType for example {@code video/mp4}
 * @param usage what making it consumed as the vendor reported it (for example GPU seconds), or
 *     {@link Usage#NONE}, in which case the pipeline counts one clip; its cost is filled in from
 *     the job's price table
 */
public record GeneratedClip(byte[] bytes, String mediaType, Usage usage) {

  /**
   * @param bytes the encoded file; copied
   * @param mediaType its media type
   * @param usage the vendor's usage, or {@link Usage#NONE}
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if there are no bytes
   */
  public GeneratedClip {
    Objects.requireNonNull(bytes, "bytes");
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(usage, "usage");
    if (bytes.length == 0) {
      throw new IllegalArgumentException("clip has no bytes");
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
    return o instanceof GeneratedClip c && java.util.Arrays.equals(c.bytes, bytes)
        && c.mediaType.equals(mediaType) && c.usage.equals(usage);
  }

  @Override
  public int hashCode() {
    return Objects.hash(java.util.Arrays.hashCode(bytes), mediaType, usage);
  }

  @Override
  public String toString() {
    return "GeneratedClip[" + bytes.length + " bytes of " + mediaType + "]";
  }
}
