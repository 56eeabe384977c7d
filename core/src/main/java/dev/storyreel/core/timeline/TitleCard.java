package dev.storyreel.core.timeline;

import java.time.Duration;
import java.util.Objects;

/**
 * Text on screen that is not a caption: a title card at the start or an end card, centred on a
 * panel over the pictures, fading in and out. Drawn once and blended like a caption, never drawn
 * per frame.
 *
 * @param text the text; lines are broken to fit 80 % of the frame's width; not blank
 * @param start when it starts fading in, from the video's start
 * @param end when it has faded out; after {@code start}
 * @param fontFamily a font family name Java2D knows (for example {@code SansSerif}); never
 *     {@code null}
 * @param fontSizePx the text's size in output pixels, 8..400
 * @param textArgb the text colour, {@code 0xAARRGGBB}
 * @param panelArgb the panel behind the text, {@code 0xAARRGGBB}; alpha 0 for none
 * @param fade how long the fade in and the fade out each last; zero for none; at most half of
 *     {@code end - start}
 */
public record TitleCard(String text, Duration start, Duration end, String fontFamily,
    int fontSizePx, int textArgb, int panelArgb, Duration fade) implements Overlay {

  /** 3 s, the default title card's length. */
  public static final Duration DEFAULT_DURATION = Duration.ofSeconds(3);

  /**
   * @param text the text
   * @param start when it starts
   * @param end when it ends
   * @param fontFamily the font family
   * @param fontSizePx the size in pixels
   * @param textArgb the text colour
   * @param panelArgb the panel colour
   * @param fade the fade in and out
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if the text is blank, the interval empty or negative, the
   *     size out of range or the fade longer than half the card
   */
  public TitleCard {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    Objects.requireNonNull(fontFamily, "fontFamily");
    Objects.requireNonNull(fade, "fade");
    if (text.isBlank()) {
      throw new IllegalArgumentException("a title card needs text");
    }
    if (start.isNegative() || end.compareTo(start) <= 0) {
      throw new IllegalArgumentException("title card: bad interval " + start + ".." + end);
    }
    if (fontSizePx < 8 || fontSizePx > 400) {
      throw new IllegalArgumentException("title card font size must be 8..400 px, was "
          + fontSizePx);
    }
    if (fade.isNegative() || fade.multipliedBy(2).compareTo(end.minus(start)) > 0) {
      throw new IllegalArgumentException("title card fade must be 0.." + end.minus(start)
          .dividedBy(2) + ", was " + fade);
    }
  }

  /**
   * A white title on a translucent black panel, 96 px SansSerif, from 0 for
   * {@link #DEFAULT_DURATION}, fading 400 ms in and out.
   *
   * @param text the title
   * @return the card
   */
  public static TitleCard title(String text) {
    return new TitleCard(text, Duration.ZERO, DEFAULT_DURATION, "SansSerif", 96, 0xFFFFFFFF,
        0xB0000000, Duration.ofMillis(400));
  }

  /**
   * @param t a moment, from the video's start
   * @return the card's opacity then, 0..1: rising over the fade in, 1, falling over the fade out
   */
  public double opacityAt(Duration t) {
    if (t.compareTo(start) < 0 || t.compareTo(end) >= 0) {
      return 0;
    }
    if (fade.isZero()) {
      return 1;
    }
    double f = fade.toNanos();
    double in = t.minus(start).toNanos() / f;
    double out = end.minus(t).toNanos() / f;
    return Math.max(0, Math.min(1, Math.min(in, out)));
  }
}
