package dev.storyreel.core;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A stored asset: where it is and what it is.
 *
 * @param key the storage key, {@code /}-separated, relative (for example {@code
 *     jobs/abc/video.mp4}); never blank
 * @param mediaType the IANA media type, for example {@code video/mp4}; never blank
 * @param sizeBytes the stored size in bytes, {@code >= 0}
 * @param sha256 the SHA-256 of the stored bytes as 64 lower-case hex digits
 */
public record AssetRef(String key, String mediaType, long sizeBytes, String sha256) {
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

  /**
   * @param key the storage key, {@code /}-separated, relative (for example {@code
   *     jobs/abc/video.mp4}); never blank
   * @param mediaType the IANA media type, for example {@code video/mp4}; never blank
   * @param sizeBytes the stored size in bytes, {@code >= 0}
   * @param sha256 the SHA-256 of the stored bytes as 64 lower-case hex digits
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if a field is blank, negative or malformed
   */
  public AssetRef {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(sha256, "sha256");
    if (key.isBlank()) {
      throw new IllegalArgumentException("key is blank");
    }
    if (mediaType.isBlank()) {
      throw new IllegalArgumentException("mediaType is blank");
    }
    if (sizeBytes < 0) {
      throw new IllegalArgumentException("sizeBytes must be >= 0, was " + sizeBytes);
    }
    if (!HEX64.matcher(sha256).matches()) {
      throw new IllegalArgumentException("sha256 must be 64 lower-case hex digits, was " + sha256);
    }
  }
}
