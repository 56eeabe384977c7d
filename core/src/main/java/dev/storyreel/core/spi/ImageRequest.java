package dev.storyreel.core.spi;

import java.util.Objects;

/**
 * What an {@link ImageProvider} is asked to draw.
 *
 * @param segmentIndex the segment the image is for, from 0 (for messages and file names)
 * @param prompt the full prompt, style included; never blank
 * @param widthPx the wanted width in pixels; providers with fixed sizes return the closest and
 *     the renderer crops to fit
 * @param heightPx the wanted height in pixels
 * @param seed the random seed; the same request with the same seed should give the same picture
 *     where the provider supports it
 */
public record ImageRequest(int segmentIndex, String prompt, int widthPx, int heightPx, long seed) {

  /**
   * @param segmentIndex the segment the image is for, from 0 (for messages and file names)
   * @param prompt the full prompt, style included; never blank
   * @param widthPx the wanted width in pixels; providers with fixed sizes return the closest and
   *     the renderer crops to fit
   * @param heightPx the wanted height in pixels
   * @param seed the random seed; the same request with the same seed should give the same picture
   *     where the provider supports it
   * @throws IllegalArgumentException if the prompt is blank or a size is not positive
   */
  public ImageRequest {
    Objects.requireNonNull(prompt, "prompt");
    if (prompt.isBlank()) {
      throw new IllegalArgumentException("prompt is blank");
    }
    if (widthPx <= 0 || heightPx <= 0) {
      throw new IllegalArgumentException("size must be positive, was " + widthPx + "x" + heightPx);
    }
  }
}
