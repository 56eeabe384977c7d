package dev.storyreel.core;

import java.util.Locale;

/**
 * Frame size and frame rate of the finished video.
 *
 * <p>Width and height must be even because H.264 in yuv420p subsamples chroma by two in both
 * directions. Presets: {@link #portrait()} 1080x1920 (Shorts, Reels, TikTok), {@link
 * #landscape()} 1920x1080, {@link #square()} 1080x1080, each at 30 fps.
 *
 * @param widthPx frame width in pixels, even, 16..7680
 * @param heightPx frame height in pixels, even, 16..7680
 * @param fps frames per second, 1..120
 */
public record VideoFormat(int widthPx, int heightPx, int fps) {

  /** Smallest accepted width or height in pixels. */
  public static final int MIN_SIDE_PX = 16;
  /** Largest accepted width or height in pixels (8K UHD). */
  public static final int MAX_SIDE_PX = 7680;
  /** Largest accepted frame rate. */
  public static final int MAX_FPS = 120;

  /**
   * @param widthPx frame width in pixels, even, 16..7680
   * @param heightPx frame height in pixels, even, 16..7680
   * @param fps frames per second, 1..120
   * @throws InvalidInputException if a side is odd or out of range, or fps is out of 1..120
   */
  public VideoFormat {
    checkSide("width", widthPx);
    checkSide("height", heightPx);
    if (fps < 1 || fps > MAX_FPS) {
      throw new InvalidInputException("fps must be 1.." + MAX_FPS + ", was " + fps);
    }
  }

  private static void checkSide(String name, int px) {
    if (px < MIN_SIDE_PX || px > MAX_SIDE_PX) {
      throw new InvalidInputException(
          name + " must be " + MIN_SIDE_PX + ".." + MAX_SIDE_PX + " pixels, was " + px);
    }
    if (px % 2 != 0) {
      throw new InvalidInputException(
          name + " must be even (H.264 yuv420p halves chroma), was " + px + "; try " + (px + 1));
    }
  }

  /** @return 1080x1920 at 30 fps, for vertical video */
  public static VideoFormat portrait() {
    return new VideoFormat(1080, 1920, 30);
  }

  /** @return 1920x1080 at 30 fps */
  public static VideoFormat landscape() {
    return new VideoFormat(1920, 1080, 30);
  }

  /** @return 1080x1080 at 30 fps */
  public static VideoFormat square() {
    return new VideoFormat(1080, 1080, 30);
  }

  /**
   * A custom size at 30 fps.
   *
   * @param widthPx even width in pixels
   * @param heightPx even height in pixels
   * @return the format
   * @throws InvalidInputException if a side is odd or out of range
   */
  public static VideoFormat of(int widthPx, int heightPx) {
    return new VideoFormat(widthPx, heightPx, 30);
  }

  /**
   * Parses {@code portrait}, {@code landscape}, {@code square} or {@code WIDTHxHEIGHT} (for
   * example {@code 720x1280}), at 30 fps.
   *
   * @param text the name or size, case-insensitive; never {@code null}
   * @return the format
   * @throws InvalidInputException if the text is none of those, naming what is accepted
   */
  public static VideoFormat parse(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    switch (t) {
      case "portrait":
        return portrait();
      case "landscape":
        return landscape();
      case "square":
        return square();
      default:
        break;
    }
    int x = t.indexOf('x');
    if (x > 0) {
      try {
        return of(Integer.parseInt(t.substring(0, x)), Integer.parseInt(t.substring(x + 1)));
      } catch (NumberFormatException e) {
        // fall through to the error below
      }
    }
    throw new InvalidInputException(
        "Unknown format '" + text + "': use portrait, landscape, square or WIDTHxHEIGHT such as"
            + " 720x1280");
  }

  /**
   * @param newFps frames per second, 1..120
   * @return this size at another frame rate
   * @throws InvalidInputException if {@code newFps} is out of range
   */
  public VideoFormat withFps(int newFps) {
    return new VideoFormat(widthPx, heightPx, newFps);
  }

  /** @return {@code true} when taller than wide */
  public boolean isPortrait() {
    return heightPx > widthPx;
  }

  /** @return e.g. {@code 1080x1920@30} */
  @Override
  public String toString() {
    return widthPx + "x" + heightPx + "@" + fps;
  }
}
