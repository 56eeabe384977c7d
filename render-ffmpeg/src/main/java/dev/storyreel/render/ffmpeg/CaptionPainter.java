package dev.storyreel.render.ffmpeg;

import dev.storyreel.core.CaptionCue;
import dev.storyreel.core.CaptionStyle;
import dev.storyreel.core.Captions;
import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.WordTiming;
import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontFormatException;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.color.ColorSpace;
import java.awt.font.FontRenderContext;
import java.awt.font.GlyphVector;
import java.awt.font.LineMetrics;
import java.awt.geom.AffineTransform;
import java.awt.geom.Path2D;
import java.awt.geom.PathIterator;
import java.awt.geom.Rectangle2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferInt;
import java.awt.image.DirectColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Draws captions with Java2D (the FFmpeg builds have no libass) and blends them into frames.
 *
 * <p>Layout. "Upright" below means portrait or square (height at least the width), the shapes
 * Shorts, Reels and TikTok show with their buttons and description over the bottom of the video;
 * "landscape" means wider than high. The safe area leaves {@value #SIDE_MARGIN_PERCENT}% of the
 * width on each side and {@value #TOP_MARGIN_PERCENT}% of the height at the top; at the bottom it
 * leaves {@value #UPRIGHT_BOTTOM_MARGIN_PERCENT}% when upright and {@value
 * #LANDSCAPE_BOTTOM_MARGIN_PERCENT}% in landscape. The font is a bold sans serif of {@value
 * #UPRIGHT_FONT_PERMILLE}/1000 of the width when upright (48.6 px at 1080x1920) and {@value
 * #LANDSCAPE_FONT_PERMILLE}/1000 of the height in landscape (64.8 px at 1920x1080). A cue is
 * wrapped into one line, or two balanced lines, by font metrics, and the font shrinks in 8% steps
 * until the text fits. The caption block sits in the lower third, its bottom edge {@value
 * #UPRIGHT_BLOCK_BOTTOM_PERCENT}% (upright) or {@value #LANDSCAPE_BLOCK_BOTTOM_PERCENT}%
 * (landscape) of the way down, centred horizontally. Glyphs are filled white over a black
 * outline whose visible thickness is 1/8 of the font size; the word being spoken is filled
 * yellow.
 *
 * <p>That is the {@link CaptionStyle#CLASSIC} look; a {@link CaptionStyle} changes the font (a
 * family or a TrueType/OpenType file), its size (pixels or thousandths of the height), the
 * colours, the outline width (0: none), the place (top, middle or bottom, with a margin from the
 * edge; the block always stays inside the safe area), a translucent box behind the lines, karaoke
 * highlighting (spoken words stay highlighted) and up to 4 lines per cue (the lines are balanced:
 * the fewest lines that fit, with the shortest longest line). Words of languages written without
 * spaces are set without a space between them ({@link Captions#spaceBetween}).
 *
 * <p>Each (cue, active word) state is drawn once into a premultiplied ARGB {@link Bitmap} and
 * cached; frames blend the cached bitmap. Not thread-safe: one painter per render call.
 */
final class CaptionPainter {

  /** Safe-area margin on the left and on the right, percent of the width. */
  static final int SIDE_MARGIN_PERCENT = 8;
  /** Safe-area margin at the top, percent of the height. */
  static final int TOP_MARGIN_PERCENT = 8;
  /** Safe-area margin at the bottom of upright frames, percent of the height (apps' UI). */
  static final int UPRIGHT_BOTTOM_MARGIN_PERCENT = 15;
  /** Safe-area margin at the bottom of landscape frames, percent of the height. */
  static final int LANDSCAPE_BOTTOM_MARGIN_PERCENT = 8;
  /** Where the caption block's bottom edge goes in upright frames, percent of the height. */
  static final int UPRIGHT_BLOCK_BOTTOM_PERCENT = 80;
  /** Where the caption block's bottom edge goes in landscape frames, percent of the height. */
  static final int LANDSCAPE_BLOCK_BOTTOM_PERCENT = 88;
  /** Font size in upright frames, per mille of the width. */
  static final int UPRIGHT_FONT_PERMILLE = 45;
  /** Font size in landscape frames, per mille of the height. */
  static final int LANDSCAPE_FONT_PERMILLE = 60;

  /** Fill of the words not being spoken. */
  static final Color TEXT = Color.WHITE;
  /** Fill of the word being spoken. */
  static final Color HIGHLIGHT = new Color(255, 214, 0);
  /** Outline colour. */
  static final Color OUTLINE = Color.BLACK;

  // A few states are live at once (one cue, its words); 16 keeps memory per worker small
  // (a 1080x1920 caption bitmap is about 0.5 MB).
  private static final int CACHE_ENTRIES = 16;
  private static final double SHRINK = 0.92;
  private static final float MIN_FONT_PX = 6f;

  private final int frameW;
  private final int frameH;
  private final Rectangle safe;
  private final float baseFontPx;
  private final int blockBottom;
  private final CaptionStyle style;
  private final Font baseFont;
  private final FontRenderContext frc =
      new FontRenderContext(new AffineTransform(), true, true);
  /** Glyph outlines, line metrics and recent words, by font (its size included). */
  private final Map<Font, FontCache> fonts = new HashMap<>();
  /** Fonts whose glyphs are kept: a render uses its base size and a few shrunk ones. */
  private static final int MAX_GLYPH_FONTS = 8;
  /** Words kept per font: a story's common words, so that most cues make no glyph vector. */
  private static final int MAX_WORDS = 2048;
  private FontCache lastFontCache;
  private final Map<Long, Layout> layouts = lru();
  private final Map<Long, Bitmap> bitmaps = lru();
  /** The image {@link #yuvBitmap} draws into, kept while the size repeats. */
  private BufferedImage scratch;
  /**
   * The pixels behind {@link #scratch}, rows of the drawn bitmap's width: kept across cues and
   * grown only when a bitmap needs more, so that a long video allocates no ARGB image per cue.
   */
  private int[] scratchPixels;
  /** {@link #scratch}'s graphics, kept with it (drawing is confined to one thread at a time). */
  private Graphics2D scratchGraphics;
  private BasicStroke outlineStroke;
  private final Color textColour;
  private final Color highlightColour;
  private final Color outlineColour;
  private final Color boxColour;
  private static final AffineTransform IDENTITY = new AffineTransform();

  /** Premultiplied ARGB in packed ints, as {@link BufferedImage#TYPE_INT_ARGB_PRE}. */
  private static final DirectColorModel ARGB_PRE = new DirectColorModel(
      ColorSpace.getInstance(ColorSpace.CS_sRGB), 32, 0xff0000, 0xff00, 0xff, 0xff000000, true,
      DataBuffer.TYPE_INT);

  /**
   * A painter of the classic look.
   *
   * @param frameW frame width, pixels
   * @param frameH frame height, pixels
   */
  CaptionPainter(int frameW, int frameH) {
    this(frameW, frameH, CaptionStyle.CLASSIC);
  }

  /**
   * @param frameW frame width, pixels
   * @param frameH frame height, pixels
   * @param style how the captions look; never null
   * @throws ConfigurationException if the style names a font file that cannot be read as a
   *     TrueType/OpenType font
   */
  CaptionPainter(int frameW, int frameH, CaptionStyle style) {
    this.frameW = frameW;
    this.frameH = frameH;
    this.style = style;
    this.textColour = new Color(style.textRgb());
    this.highlightColour = new Color(style.highlightRgb());
    this.outlineColour = new Color(style.outlineRgb());
    this.boxColour = new Color(style.boxArgb(), true);
    this.safe = safeArea(frameW, frameH);
    boolean upright = frameH >= frameW;
    if (style.sizePx() > 0) {
      this.baseFontPx = style.sizePx();
    } else if (style.sizePermilleOfHeight() > 0) {
      this.baseFontPx = frameH * style.sizePermilleOfHeight() / 1000f;
    } else {
      this.baseFontPx =
          upright
              ? frameW * UPRIGHT_FONT_PERMILLE / 1000f
              : frameH * LANDSCAPE_FONT_PERMILLE / 1000f;
    }
    if (style.marginPercent() >= 0) {
      this.blockBottom = frameH - (int) Math.ceil(frameH * style.marginPercent() / 100.0);
    } else {
      int bottomPercent = upright ? UPRIGHT_BLOCK_BOTTOM_PERCENT : LANDSCAPE_BLOCK_BOTTOM_PERCENT;
      this.blockBottom = (int) Math.floor(frameH * bottomPercent / 100.0);
    }
    this.baseFont = loadFont(style);
  }

  private static Font loadFont(CaptionStyle style) {
    if (!style.fontIsFile()) {
      return new Font(style.font(), style.bold() ? Font.BOLD : Font.PLAIN, 1);
    }
    try {
      return Font.createFont(Font.TRUETYPE_FONT, Path.of(style.font()).toFile());
    } catch (IOException | FontFormatException e) {
      throw new ConfigurationException("caption font file '" + style.font()
          + "' could not be read as a TrueType or OpenType font (" + e.getMessage()
          + "); give a readable .ttf/.otf file or a font family name such as SansSerif");
    }
  }

  private static <V> Map<Long, V> lru() {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Long, V> eldest) {
        return size() > CACHE_ENTRIES;
      }
    };
  }

  /**
   * The rectangle captions stay inside, in frame pixels.
   *
   * @param frameW frame width, pixels
   * @param frameH frame height, pixels
   * @return the safe area
   */
  static Rectangle safeArea(int frameW, int frameH) {
    boolean upright = frameH >= frameW;
    int left = (int) Math.ceil(frameW * SIDE_MARGIN_PERCENT / 100.0);
    int right = frameW - left;
    int top = (int) Math.ceil(frameH * TOP_MARGIN_PERCENT / 100.0);
    int bottomPercent = upright ? UPRIGHT_BOTTOM_MARGIN_PERCENT : LANDSCAPE_BOTTOM_MARGIN_PERCENT;
    int bottom = frameH - (int) Math.ceil(frameH * bottomPercent / 100.0);
    return new Rectangle(left, top, right - left, bottom - top);
  }

  /**
   * A caption drawn for one state, ready to blend.
   *
   * @param x left edge in the frame, pixels
   * @param y top edge in the frame, pixels
   * @param width width, pixels
   * @param height height, pixels
   * @param argb premultiplied ARGB pixels, row by row
   */
  record Bitmap(int x, int y, int width, int height, int[] argb) {

    /** @return the bitmap's rectangle in frame pixels */
    Rectangle bounds() {
      return new Rectangle(x, y, width, height);
    }

    /**
     * Blends this bitmap over a frame ("source over", premultiplied).
     *
     * @param rgb the frame, packed {@code 0xRRGGBB} as in {@link BufferedImage#TYPE_INT_RGB}
     * @param frameW its width, pixels
     * @param frameH its height, pixels
     */
    void blendInto(int[] rgb, int frameW, int frameH) {
      int x0 = Math.max(0, x);
      int y0 = Math.max(0, y);
      int x1 = Math.min(frameW, x + width);
      int y1 = Math.min(frameH, y + height);
      for (int fy = y0; fy < y1; fy++) {
        int s = (fy - y) * width + (x0 - x);
        int o = fy * frameW + x0;
        for (int fx = x0; fx < x1; fx++, s++, o++) {
          int p = argb[s];
          int a = p >>> 24;
          if (a == 255) {
            rgb[o] = p & 0xffffff;
          } else if (a != 0) {
            int inv = 255 - a;
            int d = rgb[o];
            int r = ((p >> 16) & 0xff) + div255(((d >> 16) & 0xff) * inv);
            int g = ((p >> 8) & 0xff) + div255(((d >> 8) & 0xff) * inv);
            int b = (p & 0xff) + div255((d & 0xff) * inv);
            rgb[o] = (r << 16) | (g << 8) | b;
          }
        }
      }
    }

    /** @return the premultiplied pixel at frame position (fx, fy), transparent outside */
    private int at(int fx, int fy) {
      int sx = fx - x;
      int sy = fy - y;
      return sx < 0 || sy < 0 || sx >= width || sy >= height ? 0 : argb[sy * width + sx];
    }

    private static int div255(int v) {
      return (v + 1 + (v >> 8)) >> 8;
    }

    /**
     * This bitmap in the output's colour space (BT.601 limited-range yuv420p, as {@link
     * FrameCompositor#toYuv420p}), premultiplied, on an even grid so that each chroma sample
     * covers exactly 2x2 bitmap pixels.
     *
     * @return the planes
     */
    YuvBitmap toYuv() {
      return toYuv(null, false);
    }

    /**
     * As {@link #toYuv()}, into {@code recycle}'s planes when they are large enough: the first
     * {@code width * height} (luma) and {@code width/2 * height/2} (chroma) bytes of each are
     * overwritten, which is all that blending reads.
     *
     * @param recycle a bitmap whose planes nobody reads any more, or {@code null}
     * @param roomToGrow whether new planes get half as much again as this bitmap needs, so that
     *     once recycled they still fit the states of larger cues to come
     * @return the planes
     */
    YuvBitmap toYuv(YuvBitmap recycle, boolean roomToGrow) {
      int ex = x & ~1;
      int ey = y & ~1;
      int ew = (x + width - ex + 1) & ~1;
      int eh = (y + height - ey + 1) & ~1;
      int cw = ew / 2;
      int ch = eh / 2;
      boolean fits = recycle != null && recycle.luma().length >= ew * eh
          && recycle.lumaAlpha().length >= ew * eh && recycle.cb().length >= cw * ch
          && recycle.cr().length >= cw * ch && recycle.chromaAlpha().length >= cw * ch;
      int luma = roomToGrow ? ew * eh + ew * eh / 2 : ew * eh;
      int chroma = roomToGrow ? cw * ch + cw * ch / 2 : cw * ch;
      byte[] yp = fits ? recycle.luma() : new byte[luma];
      byte[] ya = fits ? recycle.lumaAlpha() : new byte[luma];
      byte[] up = fits ? recycle.cb() : new byte[chroma];
      byte[] vp = fits ? recycle.cr() : new byte[chroma];
      byte[] ca = fits ? recycle.chromaAlpha() : new byte[chroma];
      for (int j = 0; j < eh; j++) {
        for (int i = 0; i < ew; i++) {
          int p = at(ex + i, ey + j);
          int a = p >>> 24;
          // Premultiplied: Y(c) = 16 + M c is affine, so a * Y(c) = 16 a + M (a c).
          yp[j * ew + i] = (byte) ((66 * ((p >>> 16) & 0xff) + 129 * ((p >>> 8) & 0xff)
              + 25 * (p & 0xff) + 128 + 16 * 256 * a / 255) >> 8);
          ya[j * ew + i] = (byte) a;
        }
      }
      for (int j = 0; j < ch; j++) {
        for (int i = 0; i < cw; i++) {
          int r4 = 0;
          int g4 = 0;
          int b4 = 0;
          int a4 = 0;
          for (int d = 0; d < 4; d++) {
            int p = at(ex + 2 * i + (d & 1), ey + 2 * j + (d >> 1));
            a4 += p >>> 24;
            r4 += (p >>> 16) & 0xff;
            g4 += (p >>> 8) & 0xff;
            b4 += p & 0xff;
          }
          int c = j * cw + i;
          // Chroma offset 128 weighted by coverage, as luma's 16 above.
          up[c] = (byte) (((-38 * r4 - 74 * g4 + 112 * b4 + 512) >> 10) + (128 * a4 + 510) / 1020);
          vp[c] = (byte) (((112 * r4 - 94 * g4 - 18 * b4 + 512) >> 10) + (128 * a4 + 510) / 1020);
          ca[c] = (byte) ((a4 + 2) >> 2);
        }
      }
      return new YuvBitmap(ex, ey, ew, eh, yp, ya, up, vp, ca);
    }
  }

  /**
   * A caption state as premultiplied yuv420p planes with their coverage, ready to blend into a
   * frame: {@code out = pm + out * (255 - alpha) / 255} per plane.
   *
   * @param x left edge in the frame, pixels, even
   * @param y top edge, pixels, even
   * @param width width, pixels, even
   * @param height height, pixels, even
   * @param luma premultiplied Y, rows of {@code width}: at least {@code width * height} bytes (a
   *     recycled plane may be longer; only that many are read)
   * @param lumaAlpha coverage of each luma sample, 0..255, likewise
   * @param cb premultiplied Cb, rows of {@code width/2}: at least {@code (width/2) * (height/2)}
   * @param cr premultiplied Cr, likewise
   * @param chromaAlpha coverage of each chroma sample (mean of its 2x2 pixels), likewise
   */
  record YuvBitmap(int x, int y, int width, int height, byte[] luma, byte[] lumaAlpha, byte[] cb,
      byte[] cr, byte[] chromaAlpha) {

    /**
     * Blends this caption into a yuv420p frame.
     *
     * @param yuv the frame: {@code W*H} Y, then {@code (W/2)*(H/2)} Cb, then Cr
     * @param frameW frame width, pixels, even
     * @param frameH frame height, pixels, even
     */
    void blendInto(byte[] yuv, int frameW, int frameH) {
      blendPlane(yuv, 0, frameW, frameH, x, y, width, height, luma, lumaAlpha);
      int cw = frameW / 2;
      int ch = frameH / 2;
      int uBase = frameW * frameH;
      blendPlane(yuv, uBase, cw, ch, x / 2, y / 2, width / 2, height / 2, cb, chromaAlpha);
      blendPlane(yuv, uBase + cw * ch, cw, ch, x / 2, y / 2, width / 2, height / 2, cr,
          chromaAlpha);
    }

    private static void blendPlane(byte[] dst, int base, int dw, int dh, int bx, int by, int bw,
        int bh, byte[] pm, byte[] alpha) {
      int x0 = Math.max(0, bx);
      int y0 = Math.max(0, by);
      int x1 = Math.min(dw, bx + bw);
      int y1 = Math.min(dh, by + bh);
      for (int fy = y0; fy < y1; fy++) {
        int s = (fy - by) * bw + (x0 - bx);
        int o = base + fy * dw + x0;
        for (int fx = x0; fx < x1; fx++, s++, o++) {
          int a = alpha[s] & 0xff;
          if (a == 255) {
            dst[o] = pm[s];
          } else if (a != 0) {
            int v = (pm[s] & 0xff) + Bitmap.div255((dst[o] & 0xff) * (255 - a));
            dst[o] = (byte) Math.min(255, v);
          }
        }
      }
    }
  }

  /** A cue's font and line breaks, shared by all its highlight states. */
  private record Layout(Font font, float fontPx, List<List<Integer>> lines) {}

  /**
   * A cue's glyph outlines where they are drawn (one per word, with the word's index), their
   * bounds and the box behind them: the same for every highlight state of the cue, so they are
   * made once per cue rather than once per state (Java2D's outlines were a quarter of what a
   * long render allocated, issue 14).
   */
  private record Shapes(Layout layout, CaptionCue cue, List<Shape> outlines, List<Integer> words,
      Rectangle2D union, Rectangle2D boxRect) {}

  /** The last cue's shapes, by identity of its layout and cue: states of a cue come in a row. */
  private Shapes lastShapes;
  /** The paths behind {@link #lastShapes}' outlines, refilled for the next cue. */
  private final List<Path2D.Float> pathPool = new ArrayList<>();

  /**
   * The caption of one state, drawn once and cached.
   *
   * @param cuePosition the cue's position in the request's list
   * @param cue the cue
   * @param activeWord the highlighted word's index in the cue, or -1
   * @return the ARGB bitmap
   */
  Bitmap bitmap(int cuePosition, CaptionCue cue, int activeWord) {
    long key = ((long) cuePosition << 32) | (activeWord & 0xffffffffL);
    Bitmap b = bitmaps.get(key);
    if (b == null) {
      b = draw(layout(cuePosition, cue), cue, activeWord, false);
      bitmaps.put(key, b);
    }
    return b;
  }

  /**
   * The caption of one state in the output's colour space, drawn now (not cached here: the
   * render's plan keeps the YUV states it needs). The ARGB drawing goes into a scratch image that
   * is reused while the bitmap's size repeats, as it does for all the states of one cue, so a
   * render allocates one ARGB image per cue rather than one per state.
   *
   * @param cuePosition the cue's position in the request's list
   * @param cue the cue
   * @param activeWord the highlighted word's index in the cue, or -1
   * @return the YUV bitmap, owned by the caller
   */
  YuvBitmap yuvBitmap(int cuePosition, CaptionCue cue, int activeWord) {
    return draw(layout(cuePosition, cue), cue, activeWord, true).toYuv(null, false);
  }

  /**
   * As {@link #yuvBitmap(int, CaptionCue, int)}, drawing into the planes of {@code recycle} (a
   * state nobody blends any more) when they are large enough, else into new planes with half as
   * much again as needed, so that they fit larger states once recycled in turn: the result's
   * planes may be longer than its size needs.
   *
   * @param cuePosition the cue's position in the request's list
   * @param cue the cue
   * @param activeWord the highlighted word's index in the cue, or -1
   * @param recycle a state whose planes may be overwritten, or {@code null}
   * @return the YUV bitmap, owned by the caller
   */
  YuvBitmap yuvBitmap(int cuePosition, CaptionCue cue, int activeWord, YuvBitmap recycle) {
    return draw(layout(cuePosition, cue), cue, activeWord, true).toYuv(recycle, true);
  }

  /**
   * @param cuePosition the cue's position in the request's list
   * @param cue the cue
   * @return how many lines the cue is wrapped into: 1 to the style's lines per cue
   */
  int lineCount(int cuePosition, CaptionCue cue) {
    return layout(cuePosition, cue).lines().size();
  }

  /**
   * @param cuePosition the cue's position in the request's list
   * @param cue the cue
   * @return the font size the cue is drawn at, pixels
   */
  float fontPx(int cuePosition, CaptionCue cue) {
    return layout(cuePosition, cue).fontPx();
  }

  /** @return the font size captions start from before shrinking, pixels */
  float baseFontPx() {
    return baseFontPx;
  }

  private Layout layout(int cuePosition, CaptionCue cue) {
    Layout l = layouts.get((long) cuePosition);
    if (l == null) {
      l = fit(cue);
      layouts.put((long) cuePosition, l);
    }
    return l;
  }

  /** Chooses the largest font (from the base size down) at which the cue fits its lines. */
  private Layout fit(CaptionCue cue) {
    List<String> words = new ArrayList<>();
    for (WordTiming w : cue.words()) {
      words.add(w.word());
    }
    float px = baseFontPx;
    while (true) {
      Font font = baseFont.deriveFont(px);
      double maxWidth = safe.width - strokeWidth(px);
      double maxHeight = safe.height - strokeWidth(px);
      List<List<Integer>> lines = wrap(font, words, maxWidth);
      boolean fits = lines != null && lines.size() * lineHeight(font) <= maxHeight;
      if (fits || px * SHRINK < MIN_FONT_PX) {
        if (lines == null) {
          // Even the smallest font does not fit: two lines split in the middle, clipped.
          lines = style.maxLinesPerCue() == 1 ? split(words.size(), words.size())
              : split(words.size(), Math.max(1, words.size() / 2));
        }
        return new Layout(font, px, lines);
      }
      px *= (float) SHRINK;
    }
  }

  private static List<List<Integer>> split(int count, int at) {
    List<List<Integer>> lines = new ArrayList<>();
    List<Integer> first = new ArrayList<>();
    List<Integer> second = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      (i < at ? first : second).add(i);
    }
    lines.add(first);
    if (!second.isEmpty()) {
      lines.add(second);
    }
    return lines;
  }

  /**
   * @return one line if it fits, else the two-line split with the shortest longer line that fits,
   *     else {@code null}
   */
  private List<List<Integer>> wrap(Font font, List<String> words, double maxWidth) {
    int n = words.size();
    double space = advance(font, " ");
    double[] w = new double[n];
    boolean[] gap = gaps(words);
    for (int i = 0; i < n; i++) {
      w[i] = advance(font, words.get(i));
    }
    if (lineWidth(w, gap, space, 0, n) <= maxWidth) {
      return split(n, n);
    }
    if (style.maxLinesPerCue() == 1) {
      return null;
    }
    if (style.maxLinesPerCue() > 2) {
      return balanced(w, gap, space, maxWidth, style.maxLinesPerCue());
    }
    int best = -1;
    double bestLonger = Double.MAX_VALUE;
    for (int at = 1; at < n; at++) {
      double longer = Math.max(lineWidth(w, gap, space, 0, at), lineWidth(w, gap, space, at, n));
      if (longer <= maxWidth && longer < bestLonger) {
        best = at;
        bestLonger = longer;
      }
    }
    return best < 0 ? null : split(n, best);
  }

  /**
   * The fewest lines (up to {@code maxLines}) that fit, broken so that the longest is shortest.
   *
   * @return the lines, or {@code null} if none fit
   */
  private static List<List<Integer>> balanced(double[] w, boolean[] gap, double space,
      double maxWidth,
      int maxLines) {
    int n = w.length;
    for (int lines = 2; lines <= Math.min(maxLines, n); lines++) {
      // best[k][i]: the shortest longest line setting words 0..i-1 on k lines; cut: last start.
      double[][] best = new double[lines + 1][n + 1];
      int[][] cut = new int[lines + 1][n + 1];
      for (double[] row : best) {
        Arrays.fill(row, Double.MAX_VALUE);
      }
      best[0][0] = 0;
      for (int k = 1; k <= lines; k++) {
        for (int i = k; i <= n; i++) {
          for (int j = k - 1; j < i; j++) {
            if (best[k - 1][j] == Double.MAX_VALUE) {
              continue;
            }
            double longer = Math.max(best[k - 1][j], lineWidth(w, gap, space, j, i));
            if (longer < best[k][i]) {
              best[k][i] = longer;
              cut[k][i] = j;
            }
          }
        }
      }
      if (best[lines][n] <= maxWidth) {
        List<List<Integer>> out = new ArrayList<>();
        int i = n;
        for (int k = lines; k >= 1; k--) {
          int j = cut[k][i];
          List<Integer> line = new ArrayList<>();
          for (int x = j; x < i; x++) {
            line.add(x);
          }
          out.add(0, line);
          i = j;
        }
        return out;
      }
    }
    return null;
  }

  /** @return for each word, whether a space goes before it (false for the first) */
  private static boolean[] gaps(List<String> words) {
    boolean[] gap = new boolean[words.size()];
    for (int i = 1; i < gap.length; i++) {
      gap[i] = Captions.spaceBetween(words.get(i - 1), words.get(i));
    }
    return gap;
  }

  private static double lineWidth(double[] w, boolean[] gap, double space, int from, int to) {
    double sum = 0;
    for (int i = from; i < to; i++) {
      sum += w[i];
    }
    int gaps = 0;
    for (int i = from + 1; i < to; i++) {
      gaps += gap[i] ? 1 : 0;
    }
    return sum + space * gaps;
  }

  private double advance(Font font, String text) {
    return fontCache(font).word(text).advance();
  }

  private double lineHeight(Font font) {
    return fontCache(font).lineH;
  }

  private FontCache fontCache(Font font) {
    FontCache c = lastFontCache;
    if (c != null && c.font.equals(font)) {
      return c;
    }
    c = fonts.get(font);
    if (c == null) {
      if (fonts.size() >= MAX_GLYPH_FONTS) {
        fonts.clear();
      }
      c = new FontCache(font);
      fonts.put(font, c);
    }
    lastFontCache = c;
    return c;
  }

  /**
   * One font's glyph outlines at the origin (by glyph code), its line metrics, and the words met
   * lately with their glyphs, positions and advance: the same figures Java2D gives each time
   * ({@code getLineMetrics("Hg")}, {@code getStringBounds(word).getWidth()}, the glyph vector's
   * positions), computed once.
   */
  private final class FontCache {
    final Font font;
    final Map<Integer, GlyphPath> glyphs = new HashMap<>();
    final float ascent;
    final double lineH;
    final double space;
    final Map<String, Word> words = new LinkedHashMap<>(256, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Word> eldest) {
        return size() > MAX_WORDS;
      }
    };

    FontCache(Font font) {
      this.font = font;
      LineMetrics m = font.getLineMetrics("Hg", frc);
      this.ascent = m.getAscent();
      this.lineH = m.getAscent() + m.getDescent() + m.getLeading();
      this.space = font.getStringBounds(" ", frc).getWidth();
    }

    Word word(String text) {
      Word w = words.get(text);
      if (w == null) {
        GlyphVector gv = font.createGlyphVector(frc, text);
        int n = gv.getNumGlyphs();
        float[] pos = gv.getGlyphPositions(0, n, null);
        GlyphPath[] paths = new GlyphPath[n];
        for (int i = 0; i < n; i++) {
          int code = gv.getGlyphCode(i);
          GlyphPath g = glyphs.get(code);
          if (g == null) {
            // At the origin: the strike's outline untranslated (its position minus itself is 0).
            g = GlyphPath.of(gv.getGlyphOutline(i, -pos[2 * i], -pos[2 * i + 1]));
            glyphs.put(code, g);
          }
          paths[i] = g;
        }
        w = new Word(paths, pos, font.getStringBounds(text, frc).getWidth());
        words.put(text, w);
      }
      return w;
    }
  }

  /** A word's glyph outlines, their positions ({x, y} pairs from its origin) and its advance. */
  private record Word(GlyphPath[] glyphs, float[] positions, double advance) {}

  /** Width of the {@link BasicStroke}: it straddles the glyph edge, so half of it shows. */
  private float strokeWidth(float fontPx) {
    return fontPx * (float) style.outlineWidth();
  }

  /**
   * Draws one state. In three methods (shapes, bounds and image, painting) rather than one: C2
   * compiles a state's drawing late in a render (it runs once a state, about 10,000 calls in),
   * and compiling it as one method of about 1,700 bytecodes took about 28 MB of compiler memory
   * for a few seconds, the whole peak-RSS difference between a 1,000- and a 10,000-character
   * render (issue 14).
   */
  private Bitmap draw(Layout layout, CaptionCue cue, int activeWord, boolean scratch) {
    float stroke = strokeWidth(layout.fontPx());
    return paint(layout, shapes(layout, cue, stroke), activeWord, scratch, stroke);
  }

  /** @return the cue's outlines where they are drawn: the last cue's, or made now */
  private Shapes shapes(Layout layout, CaptionCue cue, float stroke) {
    Font font = layout.font();
    FontCache metrics = fontCache(font);
    double lineH = metrics.lineH;
    double space = metrics.space;
    int lines = layout.lines().size();
    double blockH = lines * lineH;
    double boxPad = style.box() ? style.boxPadding() * layout.fontPx() : 0;
    double pad = Math.max(stroke / 2.0, boxPad) + 1.0;
    double top = switch (style.position()) {
      // Block bottom at blockBottom (the classic place, or the margin from the bottom edge).
      case BOTTOM -> blockBottom - blockH;
      case MIDDLE -> (frameH - blockH) / 2.0;
      case TOP -> style.marginPercent() < 0 ? safe.y + pad
          : Math.ceil(frameH * style.marginPercent() / 100.0);
    };
    // Never outside the safe area.
    top = Math.max(safe.y + pad, Math.min(top, safe.y + safe.height - pad - blockH));

    Shapes shapes = lastShapes;
    if (shapes == null || shapes.layout() != layout || shapes.cue() != cue) {
      List<Shape> outlines = new ArrayList<>();
      List<Integer> words = new ArrayList<>();
      Rectangle2D union = null;
      Rectangle2D boxRect = null;
      for (int li = 0; li < lines; li++) {
        List<Integer> line = layout.lines().get(li);
        double width = 0;
        for (int k = 0; k < line.size(); k++) {
          width += advance(font, word(cue, line.get(k))) + (k > 0 && gapBefore(cue, line.get(k))
              ? space : 0);
        }
        double x = (frameW - width) / 2.0;
        double lineTop = top + li * lineH;
        double baseline = lineTop + metrics.ascent;
        if (style.box()) {
          Rectangle2D r = new Rectangle2D.Double(x - boxPad, lineTop - boxPad / 2,
              width + 2 * boxPad, lineH + boxPad);
          boxRect = boxRect == null ? r : boxRect.createUnion(r);
        }
        for (int k = 0; k < line.size(); k++) {
          int idx = line.get(k);
          String word = word(cue, idx);
          if (k > 0 && !gapBefore(cue, idx)) {
            x -= space;
          }
          // The last cue's paths are refilled: lastShapes, their only holder, is replaced below.
          Path2D.Float reuse = outlines.size() < pathPool.size() ? pathPool.get(outlines.size())
              : null;
          Path2D.Float s = wordOutline(font, word, (float) x, (float) baseline, reuse);
          if (reuse == null) {
            pathPool.add(s);
          }
          outlines.add(s);
          words.add(idx);
          Rectangle2D b = s.getBounds2D();
          union = union == null ? b : union.createUnion(b);
          x += advance(font, word) + space;
        }
      }
      shapes = new Shapes(layout, cue, List.copyOf(outlines), List.copyOf(words), union, boxRect);
      lastShapes = shapes;
    }
    return shapes;
  }

  /** Draws {@code shapes} with word {@code activeWord} highlighted into a bitmap. */
  private Bitmap paint(Layout layout, Shapes shapes, int activeWord, boolean scratch,
      float stroke) {
    Rectangle2D union = shapes.union();
    Rectangle2D boxRect = shapes.boxRect();
    if (boxRect != null) {
      union = union.createUnion(boxRect);
    }
    // Bitmap bounds: the glyphs plus the outline (and the box), clipped to the safe area.
    double edge = stroke / 2.0 + 1.0;
    int bx = (int) Math.floor(union.getMinX() - edge);
    int by = (int) Math.floor(union.getMinY() - edge);
    int bx2 = (int) Math.ceil(union.getMaxX() + edge);
    int by2 = (int) Math.ceil(union.getMaxY() + edge);
    bx = Math.max(bx, safe.x);
    by = Math.max(by, safe.y);
    bx2 = Math.min(bx2, safe.x + safe.width);
    by2 = Math.min(by2, safe.y + safe.height);
    int bw = Math.max(1, bx2 - bx);
    int bh = Math.max(1, by2 - by);

    BufferedImage img;
    boolean reused;
    if (!scratch) {
      img = new BufferedImage(bw, bh, BufferedImage.TYPE_INT_ARGB_PRE);
      reused = false;
    } else if (this.scratch != null && this.scratch.getWidth() == bw
        && this.scratch.getHeight() == bh) {
      img = this.scratch;
      reused = true;
    } else {
      // Another size: a bw x bh image over the kept pixels when they are enough (rows of bw,
      // the rest of the array unused), else over new ones with room for larger cues to come.
      reused = scratchPixels != null && scratchPixels.length >= bw * bh;
      if (!reused) {
        scratchPixels = new int[bw * bh + bw * bh / 2];
      }
      WritableRaster raster = Raster.createPackedRaster(new DataBufferInt(scratchPixels,
          bw * bh), bw, bh, bw, ARGB_PRE.getMasks(), null);
      img = new BufferedImage(ARGB_PRE, raster, true, null);
      this.scratch = img;
      if (scratchGraphics != null) {
        scratchGraphics.dispose();
        scratchGraphics = null;
      }
    }
    // The scratch image's graphics are kept while the image is: the states of a cue, and of
    // every cue of the same bitmap size, are drawn with one Graphics2D (its transform reset).
    boolean keep = img == this.scratch;
    Graphics2D g = keep && scratchGraphics != null ? scratchGraphics : img.createGraphics();
    try {
      paintInto(g, g != scratchGraphics, reused, bx, by, bw, bh, layout, shapes, activeWord,
          stroke);
    } finally {
      if (keep) {
        scratchGraphics = g;
      } else {
        g.dispose();
      }
    }
    int[] argb = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
    return new Bitmap(bx, by, bw, bh, argb);
  }

  /** Clears (when reused) and paints the box, the outline strokes and the words into {@code g}. */
  private void paintInto(Graphics2D g, boolean fresh, boolean reused, int bx, int by, int bw,
      int bh, Layout layout, Shapes shapes, int activeWord, float stroke) {
    List<Shape> outlines = shapes.outlines();
    Rectangle2D boxRect = shapes.boxRect();
    if (fresh) {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.setRenderingHint(
          RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
    }
    g.setTransform(IDENTITY);
    if (reused) {
      g.setComposite(AlphaComposite.Clear);
      g.fillRect(0, 0, bw, bh);
    }
    g.setComposite(AlphaComposite.SrcOver);
    g.translate(-bx, -by);
    if (boxRect != null) {
      g.setColor(boxColour);
      double arc = layout.fontPx() * 0.3;
      g.fill(new RoundRectangle2D.Double(boxRect.getX(), boxRect.getY(), boxRect.getWidth(),
          boxRect.getHeight(), arc, arc));
    }
    if (stroke > 0) {
      if (outlineStroke == null || outlineStroke.getLineWidth() != stroke) {
        outlineStroke = new BasicStroke(stroke, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
      }
      g.setStroke(outlineStroke);
      g.setColor(outlineColour);
      for (Shape s : outlines) {
        g.draw(s);
      }
    }
    List<Integer> words = shapes.words();
    for (int i = 0; i < outlines.size(); i++) {
      int idx = words.get(i);
      boolean highlighted = idx == activeWord
          || (style.highlightSpoken() && activeWord >= 0 && idx <= activeWord);
      g.setColor(highlighted ? highlightColour : textColour);
      g.fill(outlines.get(i));
    }
  }

  /**
   * The outline of {@code word} with its origin at ({@code x}, {@code y}): the geometry of {@code
   * font.createGlyphVector(frc, word).getOutline(x, y)}, point for point (each glyph's outline
   * translated by the same float sums), built from glyph outlines cached per font and glyph into
   * one path of the exact size. Java2D's own {@code getOutline} clones every glyph's outline from
   * the font strike and grows its path as it appends them: half the caption allocation of a long
   * render.
   */
  Shape wordOutline(Font font, String word, float x, float y) {
    return wordOutline(font, word, x, y, null);
  }

  /**
   * As {@link #wordOutline(Font, String, float, float)}, into {@code reuse} (emptied first) when
   * given: a cue's paths are refilled for the next cue, so that the steady state allocates no
   * path arrays. The glyphs' segments are replayed with the translation applied as Java2D's
   * translating iterator applies it ({@code (float) (coordinate + (double) offset)}), with no
   * iterator, transform or copy per glyph.
   */
  private Path2D.Float wordOutline(Font font, String word, float x, float y, Path2D.Float reuse) {
    Word w = fontCache(font).word(word);
    int types = 0;
    int coords = 0;
    for (GlyphPath g : w.glyphs()) {
      types += g.types().length;
      coords += g.coords().length;
    }
    Path2D.Float out;
    if (reuse != null) {
      reuse.reset();
      out = reuse;
    } else {
      // Path2D.Float keeps 2 coordinates per type of capacity: enough for both counts.
      out = new Path2D.Float(Path2D.WIND_NON_ZERO, Math.max(1, Math.max(types, (coords + 1) / 2)));
    }
    float[] pos = w.positions();
    for (int i = 0; i < w.glyphs().length; i++) {
      w.glyphs()[i].appendTo(out, x + pos[2 * i], y + pos[2 * i + 1]);
    }
    return out;
  }

  /** A glyph's outline at the origin: its segment types and their coordinates, in order. */
  private record GlyphPath(byte[] types, float[] coords) {
    static GlyphPath of(Shape outline) {
      byte[] types = new byte[16];
      float[] coords = new float[64];
      int nt = 0;
      int nc = 0;
      float[] c = new float[6];
      for (PathIterator it = outline.getPathIterator(null); !it.isDone(); it.next()) {
        int t = it.currentSegment(c);
        int k = switch (t) {
          case PathIterator.SEG_MOVETO, PathIterator.SEG_LINETO -> 2;
          case PathIterator.SEG_QUADTO -> 4;
          case PathIterator.SEG_CUBICTO -> 6;
          default -> 0;
        };
        if (nt == types.length) {
          types = Arrays.copyOf(types, 2 * nt);
        }
        if (nc + k > coords.length) {
          coords = Arrays.copyOf(coords, 2 * coords.length + k);
        }
        types[nt++] = (byte) t;
        System.arraycopy(c, 0, coords, nc, k);
        nc += k;
      }
      return new GlyphPath(Arrays.copyOf(types, nt), Arrays.copyOf(coords, nc));
    }

    /** Appends the outline translated by ({@code dx}, {@code dy}), as a translating iterator. */
    void appendTo(Path2D.Float out, float dx, float dy) {
      double tx = dx;
      double ty = dy;
      float[] c = coords;
      int j = 0;
      for (byte t : types) {
        switch (t) {
          case PathIterator.SEG_MOVETO -> out.moveTo((float) (c[j] + tx), (float) (c[j + 1] + ty));
          case PathIterator.SEG_LINETO -> out.lineTo((float) (c[j] + tx), (float) (c[j + 1] + ty));
          case PathIterator.SEG_QUADTO -> out.quadTo((float) (c[j] + tx), (float) (c[j + 1] + ty),
              (float) (c[j + 2] + tx), (float) (c[j + 3] + ty));
          case PathIterator.SEG_CUBICTO -> out.curveTo((float) (c[j] + tx),
              (float) (c[j + 1] + ty), (float) (c[j + 2] + tx), (float) (c[j + 3] + ty),
              (float) (c[j + 4] + tx), (float) (c[j + 5] + ty));
          default -> out.closePath();
        }
        j += switch (t) {
          case PathIterator.SEG_MOVETO, PathIterator.SEG_LINETO -> 2;
          case PathIterator.SEG_QUADTO -> 4;
          case PathIterator.SEG_CUBICTO -> 6;
          default -> 0;
        };
      }
    }
  }

  private static String word(CaptionCue cue, int idx) {
    return cue.words().get(idx).word();
  }

  /** @return whether a space goes before word {@code idx} when it follows another on its line */
  private static boolean gapBefore(CaptionCue cue, int idx) {
    return idx == 0 || Captions.spaceBetween(word(cue, idx - 1), word(cue, idx));
  }
}
