package dev.storyreel.core.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link ClipProvider} is asked for: a short video that sets one segment's still in motion.
 *
 * @param segmentIndex the segment, from 0
 * @param image the segment's still, encoded (PNG, JPEG or WebP as {@code imageMediaType} says),
 *     the first frame the clip should start from; copied
 * @param imageMediaType for example {@code image/png}
 * @param prompt the segment's image prompt; not blank
 * @param motion the planner's motion hint (for example "slow push-in, leaves drifting"), or an
 *     empty string for none; never {@code null}
 * @param duration how long the segment's narration lasts: the clip is fitted to it afterwards
 *     ({@link dev.storyreel.core.timeline.ClipFit}), so providers ask for the nearest length their
 *     model offers; positive
 * @param widthPx the video's width in pixels (the model may return another size; the renderer
 *     scales and crops to cover)
 * @param heightPx the video's height in pixels
 * @param seed a seed for models that take one, so that a retry asks for the same clip
 */
public record ClipRequest(int segmentIndex, byte[] image, String imageMediaType, String prompt,
    String motion, Duration duration, int widthPx, int heightPx, long seed) {

  /**
   * @param segmentIndex the segment, from 0
   * @param image the still, encoded; copied
   * @param imageMediaType its media type
   * @param prompt the image prompt
   * @param motion the motion hint, or empty
   * @param duration the narration's length
   * @param widthPx width in pixels
   * @param heightPx height in pixels
   * @param seed the seed
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if the index is negative, the image empty, the prompt blank,
   *     the duration not positive or a size not positive
   */
  public ClipRequest {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(imageMediaType, "imageMediaType");
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(motion, "motion");
    Objects.requireNonNull(duration, "duration");
    if (segmentIndex < 0) {
      throw new IllegalArgumentException("segmentIndex must be >= 0, was " + segmentIndex);
    }
    if (image.length == 0) {
      throw new IllegalArgumentException("segment " + segmentIndex + ": the still has no bytes");
    }
    if (prompt.isBlank()) {
      throw new IllegalArgumentException("segment " + segmentIndex + ": the prompt is blank");
    }
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("duration must be positive, was " + duration);
    }
    if (widthPx <= 0 || heightPx <= 0) {
      throw new IllegalArgumentException("size must be positive, was " + widthPx + "x" + heightPx);
    }
    image = image.clone();
  }

  /** @return a copy of the encoded still */
  @Override
  public byte[] image() {
    return image.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClipRequest r && r.segmentIndex == segmentIndex
        && java.util.Arrays.equals(r.image, image) && r.imageMediaType.equals(imageMediaType)
        && r.prompt.equals(prompt) && r.motion.equals(motion) && r.duration.equals(duration)
        && r.widthPx == widthPx && r.heightPx == heightPx && r.seed == seed;
  }

  @Override
  public int hashCode() {
    return Objects.hash(segmentIndex, java.util.Arrays.hashCode(image), prompt, motion, duration,
        widthPx, heightPx, seed);
  }

  @Override
  public String toString() {
    return "ClipRequest[segment " + segmentIndex + ", " + image.length + " bytes of "
        + imageMediaType + ", " + duration + ", " + widthPx + "x" + heightPx + "]";
  }
}
