package dev.storyreel.core.spi;

import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.Objects;

/**
 * One segment as the renderer sees it: its picture and the stretch of the narration it covers.
 *
 * @param index the segment index, from 0
 * @param image the decoded picture, any size (the renderer scales and crops to cover the frame);
 *     not modified by the renderer
 * @param start when the segment's narration starts, relative to the start of the video
 * @param end when it ends; after {@code start}
 */
public record RenderSegment(int index, BufferedImage image, Duration start, Duration end) {

  /** @throws IllegalArgumentException if the interval is empty */
  public RenderSegment {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    if (start.isNegative() || end.compareTo(start) <= 0) {
      throw new IllegalArgumentException(
          "segment " + index + ": bad interval " + start + ".." + end);
    }
  }

  /** @return how long the segment is on screen */
  public Duration duration() {
    return end.minus(start);
  }
}
