package dev.storyreel.core.internal;

import dev.storyreel.core.Plan;
import dev.storyreel.core.StoryboardSheet;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.spi.GeneratedImage;
import dev.storyreel.core.spi.ImageProvider;
import dev.storyreel.core.spi.ImageRequest;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Draws a plan's {@link StoryboardSheet}: up to {@value #COLUMNS} cards a row ({@value
 * #WIDE_COLUMNS} past 16 cards, at most {@value #MAX_CARDS} cards), each
 * {@value #CARD_W} px wide, with the segment's number, a preview picture from a free image
 * provider (at about {@value #PIC_W} px wide, in the video's aspect ratio), the image prompt and
 * the narration, each cut to a few lines with an ellipsis. A preview that cannot be made (no free
 * provider, or it failed) is a grey box saying so: a sheet never fails a plan. Stateless and
 * thread-safe.
 */
public final class SheetPainter {
  private static final Logger LOG = LoggerFactory.getLogger(SheetPainter.class);
  static final int COLUMNS = 4;
  /** Columns of a sheet of more than 16 cards, so that a long story's sheet stays near square. */
  static final int WIDE_COLUMNS = 8;
  /**
   * The most cards a sheet holds: a longer story's sheet shows its first {@value} segments and
   * says so, keeping the image under about 11 million pixels (32 MB decoded).
   */
  static final int MAX_CARDS = 48;
  static final int CARD_W = 320;
  static final int PIC_W = 296;
  private static final int PIC_MAX_H = 360;
  private static final int PAD = 12;
  private static final int MARGIN = 16;
  private static final int HEADER_H = 40;
  private static final int FONT_PX = 13;
  private static final int LINE_H = 17;
  private static final int PROMPT_LINES = 4;
  private static final int NARRATION_LINES = 6;

  private SheetPainter() {}

  /**
   * @param plan the plan; its estimate is printed in the header
   * @param format the video's format, for the pictures' aspect ratio
   * @param previews draws the previews: a free provider, never a paid one; {@code null} for grey
   *     boxes
   * @param seed the job's base seed; segment {@code i}'s preview uses {@code seed + i}
   * @return the sheet
   */
  public static StoryboardSheet paint(Plan plan, VideoFormat format,
      @Nullable ImageProvider previews, long seed) {
    int total = plan.shots().size();
    int n = Math.min(total, MAX_CARDS);
    int cols = n > 16 ? WIDE_COLUMNS : Math.min(COLUMNS, n);
    int rows = (n + cols - 1) / cols;
    int picH = Math.min(PIC_MAX_H,
        (int) Math.round((double) PIC_W * format.heightPx() / format.widthPx()));
    int picW = (int) Math.round((double) picH * format.widthPx() / format.heightPx());
    picW = Math.min(PIC_W, Math.max(1, picW));
    int textH = (2 + PROMPT_LINES + NARRATION_LINES) * LINE_H + PAD;
    int cardH = PAD + picH + PAD + textH;
    int w = MARGIN + cols * (CARD_W + MARGIN);
    int h = HEADER_H + MARGIN + rows * (cardH + MARGIN);
    BufferedImage sheet = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = sheet.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
          RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION,
          RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.setColor(new Color(0xEE, 0xEE, 0xEE));
      g.fillRect(0, 0, w, h);
      Font plain = new Font(Font.SANS_SERIF, Font.PLAIN, FONT_PX);
      Font bold = plain.deriveFont(Font.BOLD);
      g.setColor(Color.DARK_GRAY);
      g.setFont(bold.deriveFont(16f));
      String title = plan.story().title().isBlank() ? "Storyboard" : plan.story().title();
      g.drawString(fit(g.getFontMetrics(), title + "  ·  " + total + " segment"
          + (total == 1 ? "" : "s") + (n < total ? " (the first " + n + " shown)" : "")
          + "  ·  estimate $" + plan.estimate().toProduceUsd().toPlainString(), w - 2 * MARGIN),
          MARGIN, MARGIN + 16);
      for (Plan.Shot s : plan.shots().subList(0, n)) {
        int x = MARGIN + (s.index() % cols) * (CARD_W + MARGIN);
        int y = HEADER_H + MARGIN + (s.index() / cols) * (cardH + MARGIN);
        g.setColor(Color.WHITE);
        g.fillRoundRect(x, y, CARD_W, cardH, 10, 10);
        g.setColor(new Color(0xBB, 0xBB, 0xBB));
        g.setStroke(new BasicStroke(1));
        g.drawRoundRect(x, y, CARD_W, cardH, 10, 10);
        int px = x + (CARD_W - picW) / 2;
        int py = y + PAD;
        BufferedImage pic = preview(previews, s, picW, picH, seed);
        if (pic != null) {
          g.drawImage(pic, px, py, picW, picH, null);
        } else {
          g.setColor(new Color(0xCC, 0xCC, 0xCC));
          g.fillRect(px, py, picW, picH);
          g.setColor(Color.DARK_GRAY);
          g.setFont(plain);
          g.drawString("no preview", px + 8, py + picH / 2);
        }
        // The number, as a badge on the picture's corner.
        String num = String.valueOf(s.index() + 1);
        g.setFont(bold.deriveFont(15f));
        FontMetrics fm = g.getFontMetrics();
        int bw = Math.max(26, fm.stringWidth(num) + 12);
        g.setColor(new Color(0x20, 0x20, 0x20, 0xD0));
        g.fillRoundRect(px + 6, py + 6, bw, 24, 12, 12);
        g.setColor(Color.WHITE);
        g.drawString(num, px + 6 + (bw - fm.stringWidth(num)) / 2, py + 6 + 17);
        int ty = py + picH + PAD + FONT_PX;
        int tw = CARD_W - 2 * PAD;
        ty = block(g, bold, plain, "Prompt" + (s.clip() ? " (clip)" : ""), s.imagePrompt(),
            PROMPT_LINES, x + PAD, ty, tw);
        block(g, bold, plain, "Narration", s.narration(), NARRATION_LINES, x + PAD, ty, tw);
      }
    } finally {
      g.dispose();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(sheet, "png", out)) {
        throw new IllegalStateException("no PNG writer in this JDK");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new StoryboardSheet(out.toByteArray(), w, h);
  }

  /** Draws a label and a text wrapped to at most {@code maxLines}; returns the next baseline. */
  private static int block(Graphics2D g, Font bold, Font plain, String label, String text,
      int maxLines, int x, int y, int width) {
    g.setColor(new Color(0x55, 0x55, 0x55));
    g.setFont(bold);
    g.drawString(label, x, y);
    y += LINE_H;
    g.setColor(Color.BLACK);
    g.setFont(plain);
    int next = y + maxLines * LINE_H;
    for (String line : wrap(g.getFontMetrics(), text, width, maxLines)) {
      g.drawString(line, x, y);
      y += LINE_H;
    }
    return next;
  }

  /**
   * @return the text's lines at most {@code width} px wide, at most {@code maxLines} of them; the
   *     last ends with an ellipsis when the text goes on
   */
  static List<String> wrap(FontMetrics fm, String text, int width, int maxLines) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    String[] words = text.strip().split("\\s+");
    for (int i = 0; i < words.length; i++) {
      String candidate = line.length() == 0 ? words[i] : line + " " + words[i];
      if (fm.stringWidth(candidate) <= width || line.length() == 0) {
        line.setLength(0);
        line.append(fit(fm, candidate, width));
        continue;
      }
      lines.add(line.toString());
      if (lines.size() == maxLines) {
        lines.set(maxLines - 1, fit(fm, line + " …", width, true));
        return lines;
      }
      line.setLength(0);
      line.append(fit(fm, words[i], width));
    }
    if (line.length() > 0) {
      lines.add(line.toString());
    }
    return lines;
  }

  private static String fit(FontMetrics fm, String s, int width) {
    return fit(fm, s, width, false);
  }

  /** Cuts a string to fit, ending it with an ellipsis when it was cut (or {@code ellipsis}). */
  private static String fit(FontMetrics fm, String s, int width, boolean ellipsis) {
    if (fm.stringWidth(s) <= width && !ellipsis) {
      return s;
    }
    String base = ellipsis && s.endsWith(" …") ? s.substring(0, s.length() - 2) : s;
    String out = base + "…";
    while (base.length() > 1 && fm.stringWidth(out) > width) {
      base = base.substring(0, base.length() - 1);
      out = base + "…";
    }
    return out;
  }

  private static BufferedImage preview(ImageProvider previews, Plan.Shot s, int w, int h,
      long seed) {
    if (previews == null) {
      return null;
    }
    try {
      GeneratedImage img = previews.generate(
          new ImageRequest(s.index(), s.imagePrompt(), w, h, seed + s.index()));
      return ImageIO.read(new ByteArrayInputStream(img.bytes()));
    } catch (IOException | RuntimeException e) {
      LOG.warn("no preview picture for segment {} from {}: {}", s.index(), previews.name(),
          e.getMessage());
      return null;
    }
  }
}
