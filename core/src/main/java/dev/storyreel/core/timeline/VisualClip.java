package dev.storyreel.core.timeline;

import dev.storyreel.core.spi.ImageSource;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.Objects;

/**
 * What is on screen for one segment: its picture, from {@code start} to {@code end}, moved with
 * the renderer's Ken Burns motion and joined to its neighbours with the renderer's transition.
 *
 * @param segment the segment's index, from 0; the clip's position on the visual track
 * @param image the picture, loaded when the renderer reaches this clip; never {@code null}
 * @param start when the clip starts, from the video's start; never negative
 * @param end when it ends; after {@code start}
 */
public record VisualClip(int segment, ImageSource image, Duration start, Duration end) {

  /**
   * @param segment the segment's index, from 0; the clip's position on the visual track
   * @param image the picture, loaded when the renderer reaches this clip; never {@code null}
   * @param start when the clip starts, from the video's start; never negative
   * @param end when it ends; after {@code start}
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if the interval is empty or starts before zero
   */
  public VisualClip {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    if (start.isNegative() || end.compareTo(start) <= 0) {
      throw new IllegalArgumentException(
          "visual clip " + segment + ": bad interval " + start + ".." + end);
    }
  }

  /**
   * @return the picture, loaded (or read back from storage) now
   * @throws IllegalStateException if the source returns {@code null}
   */
  public BufferedImage loadImage() {
    BufferedImage img = image.load();
    if (img == null) {
      throw new IllegalStateException("segment " + segment + ": the image source returned null");
    }
    return img;
  }

  /** @return {@code end - start} */
  public Duration duration() {
    return end.minus(start);
  }
}
