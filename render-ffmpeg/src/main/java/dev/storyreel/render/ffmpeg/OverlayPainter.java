package dev.storyreel.render.ffmpeg;

import dev.storyreel.core.InvalidInputException;
import dev.storyreel.core.timeline.Overlay;
import dev.storyreel.core.timeline.Timeline;
import dev.storyreel.core.timeline.TitleCard;
import dev.storyreel.core.timeline.Watermark;
import java.awt.AlphaComposite;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Draws a timeline's {@link Overlay}s (title cards, end cards, watermarks) over the frames.
 *
 * <p>Each overlay is drawn once with Java2D into a premultiplied ARGB bitmap of its bounding box
 * only (a title card's panel and text, centred; a watermark's picture scaled once to its width
 * fraction, at its corner and margin), converted once to the output's yuv420p planes as captions
 * are ({@link CaptionPainter.Bitmap#toYuv()}), and blended per frame over that box alone. A fading
 * title card has one state per opacity step ({@value #OPACITY_STEPS} steps from transparent to
 * opaque), each made once from the drawn bitmap by scaling its premultiplied planes: nothing is
 * drawn per frame.
 *
 * <p>Layering: overlays are blended after the captions, in the timeline's order, so a title card
 * covers a caption shown at the same time and a watermark stays visible over everything.
 *
 * <p>Thread-safe: the states are built at most once each and shared by the compositors.
 */
final class OverlayPainter {

  /** Opacity steps of a fading overlay: {@value}. */
  static final int OPACITY_STEPS = 64;

  private final Timeline timeline;
  private final List<Overlay> overlays;
  private final int width;
  private final int height;
  /** Key: overlay index * (OPACITY_STEPS + 1) + step. */
  private final Map<Integer, CaptionPainter.YuvBitmap> states = new ConcurrentHashMap<>();
  private final Map<Integer, CaptionPainter.YuvBitmap> drawn = new ConcurrentHashMap<>();

  /**
   * @param timeline the timeline whose overlays to draw
   */
  OverlayPainter(Timeline timeline) {
    this.timeline = timeline;
    this.overlays = timeline.overlays();
    this.width = timeline.format().widthPx();
    this.height = timeline.format().heightPx();
  }

  /** @return whether there is anything to draw */
  boolean isEmpty() {
    return overlays.isEmpty();
  }

  /**
   * Blends the overlays visible at frame {@code k} into a yuv420p frame.
   *
   * @param k the frame index
   * @param yuv the frame: {@code W*H} Y, then Cb, then Cr
   */
  void blendInto(long k, byte[] yuv) {
    Duration t = timeline.frameTime(k);
    for (int i = 0; i < overlays.size(); i++) {
      double opacity = opacityAt(overlays.get(i), t);
      int step = (int) Math.round(opacity * OPACITY_STEPS);
      if (step <= 0) {
        continue;
      }
      state(i, step).blendInto(yuv, width, height);
    }
  }

  /**
   * @param o an overlay
   * @param t a moment
   * @return its state's opacity then, 0..1 (a watermark's own opacity is drawn into its bitmap,
   *     so it is 1 while it shows)
   */
  static double opacityAt(Overlay o, Duration t) {
    if (o instanceof TitleCard c) {
      return c.opacityAt(t);
    }
    Watermark w = (Watermark) o;
    return t.compareTo(w.start()) >= 0 && t.compareTo(w.end()) < 0 ? 1 : 0;
  }

  private CaptionPainter.YuvBitmap state(int index, int step) {
    return states.computeIfAbsent(index * (OPACITY_STEPS + 1) + step, key -> {
      CaptionPainter.YuvBitmap full = drawn.computeIfAbsent(index,
          i -> draw(overlays.get(i)).toYuv());
      return step == OPACITY_STEPS ? full : scaled(full, step);
    });
  }

  /** Premultiplied planes scale linearly with opacity: every sample and coverage times s/N. */
  private static CaptionPainter.YuvBitmap scaled(CaptionPainter.YuvBitmap b, int step) {
    return new CaptionPainter.YuvBitmap(b.x(), b.y(), b.width(), b.height(),
        times(b.luma(), step), times(b.lumaAlpha(), step), times(b.cb(), step),
        times(b.cr(), step), times(b.chromaAlpha(), step));
  }

  private static byte[] times(byte[] p, int step) {
    byte[] out = new byte[p.length];
    for (int i = 0; i < p.length; i++) {
      out[i] = (byte) (((p[i] & 0xff) * step + OPACITY_STEPS / 2) / OPACITY_STEPS);
    }
    return out;
  }

  /**
   * Draws one overlay at full opacity (a watermark at its own opacity).
   *
   * @param o the overlay
   * @return its bitmap, clipped to the frame
   */
  CaptionPainter.Bitmap draw(Overlay o) {
    return o instanceof TitleCard c ? drawCard(c) : drawWatermark((Watermark) o);
  }

  private CaptionPainter.Bitmap drawCard(TitleCard c) {
    Font font = new Font(c.fontFamily(), Font.BOLD, 1).deriveFont((float) c.fontSizePx());
    BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB_PRE);
    Graphics2D pg = probe.createGraphics();
    pg.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
        RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    FontMetrics fm = pg.getFontMetrics(font);
    List<String> lines = wrap(c.text(), fm, (int) (width * 0.8));
    pg.dispose();
    int lineH = fm.getHeight();
    int textW = 0;
    for (String l : lines) {
      textW = Math.max(textW, fm.stringWidth(l));
    }
    int pad = Math.max(8, c.fontSizePx() / 2);
    int bw = Math.min(width, textW + 2 * pad);
    int bh = Math.min(height, lines.size() * lineH + 2 * pad);
    int bx = (width - bw) / 2;
    int by = (height - bh) / 2;
    BufferedImage img = new BufferedImage(bw, bh, BufferedImage.TYPE_INT_ARGB_PRE);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
          RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      if ((c.panelArgb() >>> 24) != 0) {
        g.setColor(new Color(c.panelArgb(), true));
        double arc = c.fontSizePx() * 0.4;
        g.fill(new RoundRectangle2D.Double(0, 0, bw, bh, arc, arc));
      }
      g.setFont(font);
      g.setColor(new Color(c.textArgb(), true));
      int y = pad + fm.getAscent();
      for (String l : lines) {
        g.drawString(l, (bw - fm.stringWidth(l)) / 2, y);
        y += lineH;
      }
    } finally {
      g.dispose();
    }
    return bitmap(img, bx, by);
  }

  /** Greedy line breaking at spaces so that each line fits {@code maxWidth} pixels. */
  private static List<String> wrap(String text, FontMetrics fm, int maxWidth) {
    List<String> lines = new ArrayList<>();
    for (String paragraph : text.strip().split("\\R")) {
      StringBuilder line = new StringBuilder();
      for (String word : paragraph.strip().split("\\s+")) {
        String tryLine = line.length() == 0 ? word : line + " " + word;
        if (line.length() > 0 && fm.stringWidth(tryLine) > maxWidth) {
          lines.add(line.toString());
          line = new StringBuilder(word);
        } else {
          line = new StringBuilder(tryLine);
        }
      }
      lines.add(line.toString());
    }
    return lines;
  }

  private CaptionPainter.Bitmap drawWatermark(Watermark w) {
    BufferedImage src;
    try {
      src = w.image().load();
    } catch (RuntimeException e) {
      throw new InvalidInputException("The watermark could not be read as an image ("
          + e.getMessage() + "). Give a PNG or JPEG file.", e);
    }
    if (src == null || src.getWidth() <= 0 || src.getHeight() <= 0) {
      throw new InvalidInputException("The watermark is not an image. Give a PNG or JPEG file.");
    }
    int bw = Math.max(1, (int) Math.round(width * w.widthFraction()));
    int bh = Math.max(1, (int) Math.round(bw * (double) src.getHeight() / src.getWidth()));
    bh = Math.min(bh, height);
    int m = w.marginPx();
    int bx = switch (w.corner()) {
      case TOP_LEFT, BOTTOM_LEFT -> m;
      case TOP_RIGHT, BOTTOM_RIGHT -> width - m - bw;
    };
    int by = switch (w.corner()) {
      case TOP_LEFT, TOP_RIGHT -> m;
      case BOTTOM_LEFT, BOTTOM_RIGHT -> height - m - bh;
    };
    BufferedImage img = new BufferedImage(bw, bh, BufferedImage.TYPE_INT_ARGB_PRE);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION,
          RenderingHints.VALUE_INTERPOLATION_BICUBIC);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, (float) w.opacity()));
      g.drawImage(src, 0, 0, bw, bh, null);
    } finally {
      g.dispose();
    }
    return bitmap(img, bx, by);
  }

  /** The image's pixels placed at {@code (x, y)}, clipped to the frame. */
  private CaptionPainter.Bitmap bitmap(BufferedImage img, int x, int y) {
    int x0 = Math.max(0, x);
    int y0 = Math.max(0, y);
    int x1 = Math.min(width, x + img.getWidth());
    int y1 = Math.min(height, y + img.getHeight());
    int bw = Math.max(1, x1 - x0);
    int bh = Math.max(1, y1 - y0);
    int[] argb = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
    if (x0 == x && y0 == y && bw == img.getWidth() && bh == img.getHeight()) {
      return new CaptionPainter.Bitmap(x, y, bw, bh, argb);
    }
    int[] cut = new int[bw * bh];
    for (int j = 0; j < bh && y0 - y + j < img.getHeight(); j++) {
      System.arraycopy(argb, (y0 - y + j) * img.getWidth() + (x0 - x), cut, j * bw,
          Math.min(bw, img.getWidth() - (x0 - x)));
    }
    return new CaptionPainter.Bitmap(x0, y0, bw, bh, cut);
  }
}
