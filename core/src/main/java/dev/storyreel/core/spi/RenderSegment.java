package dev.storyreel.core.spi;

import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.Objects;

/**
 * One segment as the renderer sees it: where its picture comes from and the stretch of the
 * narration it covers.
 *
 * <p>The picture is an {@link ImageSource}, not a decoded image, so that a request of many
 * segments does not hold every decoded picture at once: the renderer loads each picture when it
 * starts to need it and drops it when it is done with it.
 *
 * @param index the segment index, from 0
 * @param image where the picture comes from; the picture may be any size (the renderer scales
 *     and crops to cover the frame) and is not modified by the renderer
 * @param start when the segment's narration starts, relative to the start of the video
 * @param end when it ends; after {@code start}
 */
public record RenderSegment(int index, ImageSource image, Duration start, Duration end) {

  /**
   * @param index the segment index, from 0
   * @param image where the picture comes from; the picture may be any size (the renderer scales
   *     and crops to cover the frame) and is not modified by the renderer
   * @param start when the segment's narration starts, relative to the start of the video
   * @param end when it ends; after {@code start}
   * @throws IllegalArgumentException if the interval is empty
   */
  public RenderSegment {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    if (start.isNegative() || end.compareTo(start) <= 0) {
      throw new IllegalArgumentException(
          "segment " + index + ": bad interval " + start + ".." + end);
    }
  }

  /**
   * A segment whose picture is already decoded and held in memory ({@link ImageSource#of}).
   *
   * @param index the segment index, from 0
   * @param image the decoded picture, any size; not modified by the renderer
   * @param start when the segment's narration starts
   * @param end when it ends; after {@code start}
   * @throws IllegalArgumentException if the interval is empty
   */
  public RenderSegment(int index, BufferedImage image, Duration start, Duration end) {
    this(index, ImageSource.of(image), start, end);
  }

  /**
   * Loads the segment's picture: {@code image().load()}.
   *
   * @return the decoded picture, never {@code null}
   * @throws RuntimeException whatever the source throws when it cannot load the picture
   */
  public BufferedImage loadImage() {
    BufferedImage img = image.load();
    if (img == null) {
      throw new IllegalStateException("segment " + index + ": the image source returned null");
    }
    return img;
  }

  /** @return how long the segment is on screen */
  public Duration duration() {
    return end.minus(start);
  }
}
