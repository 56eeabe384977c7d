package dev.storyreel.core;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How burned-in captions look: font, size, colours, outline, position, an optional background
 * box, and how many lines and words a cue may hold.
 *
 * <p>Colours are packed integers: {@code 0xRRGGBB} for opaque colours and {@code 0xAARRGGBB} for
 * the box (alpha 0 is transparent, 255 opaque). Sizes relative to the font are fractions of the
 * font size in pixels. The default, {@link #CLASSIC}, is the look StoryReel has always had: a
 * bold sans serif sized by the frame (4.5% of the width upright, 6% of the height in landscape),
 * white with the spoken word yellow, a black outline, in the lower third.
 *
 * <p>{@link #burnIn()} {@code false} draws nothing on the video; the SRT and WebVTT files are
 * still written. Immutable and thread-safe.
 *
 * <p>Example: {@code CaptionStyle.preset("bold").toBuilder().position(Position.TOP).build()}.
 *
 * @param font a font family name (for example {@code SansSerif}, {@code DejaVu Sans}) or the path
 *     of a TrueType/OpenType file (ending in {@code .ttf} or {@code .otf}); never blank
 * @param bold whether the family is used in its bold face (ignored for a font file)
 * @param sizePx the font size in pixels, 0 for a size relative to the frame; 0..400
 * @param sizePermilleOfHeight the font size in thousandths of the frame height, used when {@code
 *     sizePx} is 0; 0 (with {@code sizePx} 0) for the classic size that follows the frame's shape;
 *     0..250
 * @param textRgb fill of the words not being spoken, {@code 0xRRGGBB}
 * @param highlightRgb fill of the word being spoken, {@code 0xRRGGBB}
 * @param outlineRgb outline colour, {@code 0xRRGGBB}
 * @param outlineWidth outline stroke width as a fraction of the font size; half of it shows
 *     outside the glyph; 0 for no outline; 0..1; classic 0.25
 * @param position where the caption block sits; never null
 * @param marginPercent distance of the block from the frame's top (TOP) or bottom (BOTTOM)
 *     edge, percent of the height; -1 for the classic placement (block bottom at 80% of the
 *     height upright, 88% landscape, or 8% from the top for TOP); ignored for MIDDLE; -1..45
 * @param box whether a box is drawn behind the text
 * @param boxArgb the box colour with alpha, {@code 0xAARRGGBB}
 * @param boxPadding space between the text and the box edge, fraction of the font size; 0..2
 * @param highlightSpoken whether words already spoken stay highlighted (karaoke), not only the
 *     word being spoken
 * @param maxLinesPerCue the most lines a cue is wrapped into on screen; 1..4; classic 2
 * @param maxWordsPerCue the most words in one cue, 0 for no limit; 0..100
 * @param burnIn whether captions are drawn on the video at all
 */
public record CaptionStyle(
    String font,
    boolean bold,
    int sizePx,
    int sizePermilleOfHeight,
    int textRgb,
    int highlightRgb,
    int outlineRgb,
    double outlineWidth,
    Position position,
    int marginPercent,
    boolean box,
    int boxArgb,
    double boxPadding,
    boolean highlightSpoken,
    int maxLinesPerCue,
    int maxWordsPerCue,
    boolean burnIn) {

  /** Where the caption block sits vertically; it is always centred horizontally. */
  public enum Position {
    /** Near the top edge. */
    TOP,
    /** Centred vertically. */
    MIDDLE,
    /** In the lower third (the classic place). */
    BOTTOM
  }

  /** The font family of the classic look: {@value}. */
  public static final String DEFAULT_FONT = "SansSerif";

  /** Today's look: white bold sans serif, yellow spoken word, black outline, lower third. */
  public static final CaptionStyle CLASSIC = new CaptionStyle(DEFAULT_FONT, true, 0, 0, 0xFFFFFF,
      0xFFD600, 0x000000, 0.25, Position.BOTTOM, -1, false, 0x99000000, 0.3, false, 2, 0, true);

  /** Large text, yellow spoken word, thick outline, short cues. */
  public static final CaptionStyle BOLD = CLASSIC.toBuilder().sizePermilleOfHeight(42)
      .highlightRgb(0xFFEB3B).outlineWidth(0.4).maxWordsPerCue(4).build();

  /** Small text, no outline, on a translucent dark box, one line. */
  public static final CaptionStyle MINIMAL = CLASSIC.toBuilder().bold(false)
      .sizePermilleOfHeight(22).highlightRgb(0xFFFFFF).outlineWidth(0).box(true)
      .boxArgb(0xB0000000).maxLinesPerCue(1).build();

  /** Spoken words turn cyan and stay so while the cue is up, as in karaoke. */
  public static final CaptionStyle KARAOKE = CLASSIC.toBuilder().highlightRgb(0x00E5FF)
      .highlightSpoken(true).build();

  /** The preset names {@link #preset(String)} accepts. */
  public static final List<String> PRESETS = List.of("classic", "bold", "minimal", "karaoke");

  /**
   * @param font a font family name (for example {@code SansSerif}, {@code DejaVu Sans}) or the path
   *     of a TrueType/OpenType file (ending in {@code .ttf} or {@code .otf}); never blank
   * @param bold whether the family is used in its bold face (ignored for a font file)
   * @param sizePx the font size in pixels, 0 for a size relative to the frame; 0..400
   * @param sizePermilleOfHeight the font size in thousandths of the frame height, used when {@code
   *     sizePx} is 0; 0 (with {@code sizePx} 0) for the classic size that follows the frame's shape;
   *     0..250
   * @param textRgb fill of the words not being spoken, {@code 0xRRGGBB}
   * @param highlightRgb fill of the word being spoken, {@code 0xRRGGBB}
   * @param outlineRgb outline colour, {@code 0xRRGGBB}
   * @param outlineWidth outline stroke width as a fraction of the font size; half of it shows
   *     outside the glyph; 0 for no outline; 0..1; classic 0.25
   * @param position where the caption block sits; never null
   * @param marginPercent distance of the block from the frame's top (TOP) or bottom (BOTTOM)
   *     edge, percent of the height; -1 for the classic placement (block bottom at 80% of the
   *     height upright, 88% landscape, or 8% from the top for TOP); ignored for MIDDLE; -1..45
   * @param box whether a box is drawn behind the text
   * @param boxArgb the box colour with alpha, {@code 0xAARRGGBB}
   * @param boxPadding space between the text and the box edge, fraction of the font size; 0..2
   * @param highlightSpoken whether words already spoken stay highlighted (karaoke), not only the
   *     word being spoken
   * @param maxLinesPerCue the most lines a cue is wrapped into on screen; 1..4; classic 2
   * @param maxWordsPerCue the most words in one cue, 0 for no limit; 0..100
   * @param burnIn whether captions are drawn on the video at all
   * @throws IllegalArgumentException if a value is out of the range given above; the message
   *     names it
   */
  public CaptionStyle {
    Objects.requireNonNull(font, "font");
    Objects.requireNonNull(position, "position");
    if (font.isBlank()) {
      throw new IllegalArgumentException("caption font must be a family name or a .ttf/.otf file,"
          + " was blank");
    }
    font = font.strip();
    range("caption size", sizePx, 0, 400, "px");
    range("caption size", sizePermilleOfHeight, 0, 250, "per mille of the height");
    rgb("text colour", textRgb);
    rgb("highlight colour", highlightRgb);
    rgb("outline colour", outlineRgb);
    if (!(outlineWidth >= 0 && outlineWidth <= 1)) {
      throw new IllegalArgumentException(
          "caption outline width must be 0..1 of the font size, was " + outlineWidth);
    }
    range("caption margin", marginPercent, -1, 45, "percent of the height (-1 for the classic"
        + " place)");
    if (!(boxPadding >= 0 && boxPadding <= 2)) {
      throw new IllegalArgumentException(
          "caption box padding must be 0..2 of the font size, was " + boxPadding);
    }
    range("caption lines per cue", maxLinesPerCue, 1, 4, "lines");
    range("caption words per cue", maxWordsPerCue, 0, 100, "words (0 for no limit)");
  }

  private static void range(String what, int v, int min, int max, String unit) {
    if (v < min || v > max) {
      throw new IllegalArgumentException(
          what + " must be " + min + ".." + max + " " + unit + ", was " + v);
    }
  }

  private static void rgb(String what, int v) {
    if ((v & 0xFF000000) != 0) {
      throw new IllegalArgumentException(
          "caption " + what + " must be 0xRRGGBB (no alpha), was 0x" + Integer.toHexString(v));
    }
  }

  /**
   * A named preset.
   *
   * @param name {@code classic}, {@code bold}, {@code minimal} or {@code karaoke}; case ignored
   * @return the preset
   * @throws IllegalArgumentException if the name is none of them; the message lists them
   */
  public static CaptionStyle preset(String name) {
    String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
    return switch (n) {
      case "classic" -> CLASSIC;
      case "bold" -> BOLD;
      case "minimal" -> MINIMAL;
      case "karaoke" -> KARAOKE;
      default -> throw new IllegalArgumentException(
          "caption style must be one of " + PRESETS + ", was '" + name + "'");
    };
  }

  /**
   * @return whether {@link #font()} names a font file rather than a family
   */
  public boolean fontIsFile() {
    String f = font.toLowerCase(Locale.ROOT);
    return f.endsWith(".ttf") || f.endsWith(".otf");
  }

  /**
   * A stable text that changes whenever the drawn captions would, for cache keys.
   *
   * @return for example {@code font=SansSerif:bold,size=auto,...}
   */
  public String fingerprint() {
    if (!burnIn) {
      return "off";
    }
    String size = sizePx > 0 ? sizePx + "px"
        : sizePermilleOfHeight > 0 ? sizePermilleOfHeight + "permille" : "auto";
    return "font=" + font + (bold ? ":bold" : "") + ",size=" + size + ",text=" + hex(textRgb)
        + ",hl=" + hex(highlightRgb) + (highlightSpoken ? ":spoken" : "") + ",outline="
        + hex(outlineRgb) + ":" + outlineWidth + ",pos=" + position.name().toLowerCase(Locale.ROOT)
        + ":" + marginPercent + ",box=" + (box ? hex(boxArgb) + ":" + boxPadding : "none")
        + ",lines=" + maxLinesPerCue + ",words=" + maxWordsPerCue;
  }

  private static String hex(int v) {
    return String.format("%06x", v);
  }

  /** @return a builder holding the {@link #CLASSIC} values */
  public static Builder builder() {
    return CLASSIC.toBuilder();
  }

  /** @return a builder holding this style's values */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Collects a {@link CaptionStyle}; {@link #build()} validates it. Not thread-safe.
   */
  public static final class Builder {
    private String font;
    private boolean bold;
    private int sizePx;
    private int sizePermilleOfHeight;
    private int textRgb;
    private int highlightRgb;
    private int outlineRgb;
    private double outlineWidth;
    private Position position;
    private int marginPercent;
    private boolean box;
    private int boxArgb;
    private double boxPadding;
    private boolean highlightSpoken;
    private int maxLinesPerCue;
    private int maxWordsPerCue;
    private boolean burnIn;

    private Builder(CaptionStyle s) {
      font = s.font;
      bold = s.bold;
      sizePx = s.sizePx;
      sizePermilleOfHeight = s.sizePermilleOfHeight;
      textRgb = s.textRgb;
      highlightRgb = s.highlightRgb;
      outlineRgb = s.outlineRgb;
      outlineWidth = s.outlineWidth;
      position = s.position;
      marginPercent = s.marginPercent;
      box = s.box;
      boxArgb = s.boxArgb;
      boxPadding = s.boxPadding;
      highlightSpoken = s.highlightSpoken;
      maxLinesPerCue = s.maxLinesPerCue;
      maxWordsPerCue = s.maxWordsPerCue;
      burnIn = s.burnIn;
    }

    /**
     * @param font a family name or a {@code .ttf}/{@code .otf} file path; never blank
     * @return this builder
     */
    public Builder font(String font) {
      this.font = font;
      return this;
    }

    /**
     * @param bold whether the family's bold face is used
     * @return this builder
     */
    public Builder bold(boolean bold) {
      this.bold = bold;
      return this;
    }

    /**
     * Sets the font size in pixels, replacing a relative size.
     *
     * @param px 1..400, or 0 to go back to a relative size
     * @return this builder
     */
    public Builder sizePx(int px) {
      this.sizePx = px;
      return this;
    }

    /**
     * Sets the font size relative to the frame height, replacing a pixel size.
     *
     * @param permille thousandths of the frame height, 1..250, or 0 for the classic size
     * @return this builder
     */
    public Builder sizePermilleOfHeight(int permille) {
      this.sizePermilleOfHeight = permille;
      this.sizePx = 0;
      return this;
    }

    /**
     * @param rgb fill of the words not being spoken, {@code 0xRRGGBB}
     * @return this builder
     */
    public Builder textRgb(int rgb) {
      this.textRgb = rgb;
      return this;
    }

    /**
     * @param rgb fill of the word being spoken, {@code 0xRRGGBB}
     * @return this builder
     */
    public Builder highlightRgb(int rgb) {
      this.highlightRgb = rgb;
      return this;
    }

    /**
     * @param rgb outline colour, {@code 0xRRGGBB}
     * @return this builder
     */
    public Builder outlineRgb(int rgb) {
      this.outlineRgb = rgb;
      return this;
    }

    /**
     * @param fractionOfFont stroke width as a fraction of the font size, 0 (none)..1
     * @return this builder
     */
    public Builder outlineWidth(double fractionOfFont) {
      this.outlineWidth = fractionOfFont;
      return this;
    }

    /**
     * @param position top, middle or bottom; never null
     * @return this builder
     */
    public Builder position(Position position) {
      this.position = position;
      return this;
    }

    /**
     * @param percent distance from the top or bottom edge, percent of the height, 0..45, or -1
     *     for the classic place
     * @return this builder
     */
    public Builder marginPercent(int percent) {
      this.marginPercent = percent;
      return this;
    }

    /**
     * @param on whether a box is drawn behind the text
     * @return this builder
     */
    public Builder box(boolean on) {
      this.box = on;
      return this;
    }

    /**
     * @param argb the box colour with alpha, {@code 0xAARRGGBB}
     * @return this builder
     */
    public Builder boxArgb(int argb) {
      this.boxArgb = argb;
      return this;
    }

    /**
     * @param fractionOfFont space between text and box edge, fraction of the font size, 0..2
     * @return this builder
     */
    public Builder boxPadding(double fractionOfFont) {
      this.boxPadding = fractionOfFont;
      return this;
    }

    /**
     * @param on whether words already spoken stay highlighted
     * @return this builder
     */
    public Builder highlightSpoken(boolean on) {
      this.highlightSpoken = on;
      return this;
    }

    /**
     * @param lines the most lines a cue is wrapped into, 1..4
     * @return this builder
     */
    public Builder maxLinesPerCue(int lines) {
      this.maxLinesPerCue = lines;
      return this;
    }

    /**
     * @param words the most words in one cue, 1..100, or 0 for no limit
     * @return this builder
     */
    public Builder maxWordsPerCue(int words) {
      this.maxWordsPerCue = words;
      return this;
    }

    /**
     * @param on whether captions are drawn on the video (SRT/VTT are written either way)
     * @return this builder
     */
    public Builder burnIn(boolean on) {
      this.burnIn = on;
      return this;
    }

    /**
     * @return the style
     * @throws IllegalArgumentException if a value is out of range; the message names it
     */
    public CaptionStyle build() {
      return new CaptionStyle(font, bold, sizePx, sizePermilleOfHeight, textRgb, highlightRgb,
          outlineRgb, outlineWidth, position, marginPercent, box, boxArgb, boxPadding,
          highlightSpoken, maxLinesPerCue, maxWordsPerCue, burnIn);
    }
  }
}
