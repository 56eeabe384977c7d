package dev.storyreel.core.timeline;

import dev.storyreel.core.spi.ImageSource;
import java.time.Duration;
import java.util.Objects;

/**
 * A picture (a logo) in a corner of every frame from {@code start} to {@code end}, at an opacity.
 * Scaled once and blended like a caption, never drawn per frame.
 *
 * @param image the picture, with its alpha channel; never {@code null}
 * @param start when it appears
 * @param end when it disappears; after {@code start}
 * @param corner which corner
 * @param opacity 0 (invisible) to 1, multiplied with the picture's own alpha
 * @param widthFraction its width as a fraction of the frame's width, 0.02..0.5 (the height keeps
 *     the picture's aspect ratio)
 * @param marginPx the gap to the frame's edges in output pixels, 0..500
 */
public record Watermark(ImageSource image, Duration start, Duration end, Corner corner,
    double opacity, double widthFraction, int marginPx) implements Overlay {

  /** A corner of the frame. */
  public enum Corner {
    /** Top left. */
    TOP_LEFT,
    /** Top right. */
    TOP_RIGHT,
    /** Bottom left. */
    BOTTOM_LEFT,
    /** Bottom right. */
    BOTTOM_RIGHT;

    /**
     * @param name {@code top-left}, {@code top-right}, {@code bottom-left} or {@code
     *     bottom-right}, case-insensitive
     * @return the corner
     * @throws IllegalArgumentException naming the accepted values otherwise
     */
    public static Corner parse(String name) {
      String n = Objects.requireNonNull(name, "name").trim().toUpperCase(java.util.Locale.ROOT)
          .replace('-', '_');
      for (Corner c : values()) {
        if (c.name().equals(n)) {
          return c;
        }
      }
      throw new IllegalArgumentException("unknown corner '" + name
          + "': use top-left, top-right, bottom-left or bottom-right");
    }
  }

  /**
   * @param image the picture
   * @param start when it appears
   * @param end when it disappears
   * @param corner the corner
   * @param opacity 0..1
   * @param widthFraction 0.02..0.5
   * @param marginPx 0..500
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if a figure is out of range, naming it
   */
  public Watermark {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    Objects.requireNonNull(corner, "corner");
    if (start.isNegative() || end.compareTo(start) <= 0) {
      throw new IllegalArgumentException("watermark: bad interval " + start + ".." + end);
    }
    if (!(opacity >= 0 && opacity <= 1)) {
      throw new IllegalArgumentException("watermark opacity must be 0..1, was " + opacity);
    }
    if (!(widthFraction >= 0.02 && widthFraction <= 0.5)) {
      throw new IllegalArgumentException("watermark width must be 0.02..0.5 of the frame, was "
          + widthFraction);
    }
    if (marginPx < 0 || marginPx > 500) {
      throw new IllegalArgumentException("watermark margin must be 0..500 px, was " + marginPx);
    }
  }
}
