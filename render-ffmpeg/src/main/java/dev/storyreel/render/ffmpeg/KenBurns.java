package dev.storyreel.render.ffmpeg;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The slow pan-and-zoom ("Ken Burns") effect: each segment's picture is scaled once into a
 * {@link Canvas} a little larger than the frame, and every frame samples a moving window of it
 * with bilinear interpolation.
 *
 * <p>Geometry. For a frame of {@code W x H} pixels and a maximum zoom {@code Z}, the canvas is
 * {@code ceil(W*Z) x ceil(H*Z)} pixels: the picture scaled to cover it and cropped at the centre.
 * At zoom {@code z} (1..Z) the visible window is {@code W*Z/z x H*Z/z} canvas pixels; at {@code
 * z = Z} one canvas pixel maps to one output pixel, at {@code z = 1} the whole canvas is visible.
 * The window's centre moves within the room the canvas leaves around it. Window positions are
 * doubles and are never rounded, so the motion is smooth to a fraction of a pixel (the sampler
 * quantises the interpolation weights to 1/256 pixel).
 *
 * <p>Not thread-safe per instance: a {@link Canvas} and its scratch arrays belong to the thread
 * rendering one video; the static helpers are pure.
 */
final class KenBurns {

  /**
   * Bits of fraction in the fixed-point bilinear weights: weights are 0..256, so positions are
   * resolved to 1/256 pixel.
   */
  static final int WEIGHT_BITS = 8;

  private static final int ONE = 1 << WEIGHT_BITS;

  /** Little-endian int and long views of byte arrays (intrinsics; one bounds check a read). */
  static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private KenBurns() {}

  /** How a segment's window moves. */
  enum Motion {
    /** From the whole canvas to the centre at full zoom. */
    ZOOM_IN,
    /** At full zoom, from the left edge to the right edge, vertically centred. */
    PAN_LEFT_TO_RIGHT,
    /** From the centre at full zoom out to the whole canvas. */
    ZOOM_OUT,
    /** At full zoom, from the right edge to the left edge, vertically centred. */
    PAN_RIGHT_TO_LEFT,
    /** At full zoom, from the top-left corner to the bottom-right corner. */
    DIAGONAL_DOWN_RIGHT,
    /** At full zoom, from the bottom-left corner to the top-right corner. */
    DIAGONAL_UP_RIGHT;

    private static final Motion[] ALL = values();

    /**
     * @param segmentIndex a segment index, from 0
     * @return the motion used for that segment: the motions in declaration order, cycling
     */
    static Motion forSegment(int segmentIndex) {
      return ALL[Math.floorMod(segmentIndex, ALL.length)];
    }
  }

  /**
   * The visible window in canvas pixels: its left and top edges and its size. Canvas pixel
   * {@code (i, j)} covers {@code [i, i+1) x [j, j+1)}.
   *
   * @param left left edge, canvas pixels
   * @param top top edge, canvas pixels
   * @param width width, canvas pixels
   * @param height height, canvas pixels
   */
  record View(double left, double top, double width, double height) {}

  /**
   * The "ease in-out" curve: starts and ends at rest.
   *
   * @param p progress, 0..1 (clamped)
   * @return eased progress, 0..1
   */
  static double ease(double p) {
    double c = Math.max(0.0, Math.min(1.0, p));
    return 0.5 - 0.5 * Math.cos(Math.PI * c);
  }

  /**
   * Computes the window for a motion at some progress.
   *
   * @param motion the motion
   * @param progress the segment-relative progress, 0 at its first frame and 1 at its last
   * @param canvasW canvas width, pixels
   * @param canvasH canvas height, pixels
   * @param frameW frame width, pixels
   * @param frameH frame height, pixels
   * @param maxZoom the maximum zoom {@code Z}, at least 1
   * @return the window
   */
  static View view(
      Motion motion, double progress, int canvasW, int canvasH, int frameW, int frameH,
      double maxZoom) {
    double e = ease(progress);
    double zoom;
    double u; // horizontal position of the window within the room left, 0..1
    double v; // vertical position, 0..1
    switch (motion) {
      case ZOOM_IN -> {
        zoom = 1.0 + (maxZoom - 1.0) * e;
        u = 0.5;
        v = 0.5;
      }
      case ZOOM_OUT -> {
        zoom = maxZoom - (maxZoom - 1.0) * e;
        u = 0.5;
        v = 0.5;
      }
      case PAN_LEFT_TO_RIGHT -> {
        zoom = maxZoom;
        u = e;
        v = 0.5;
      }
      case PAN_RIGHT_TO_LEFT -> {
        zoom = maxZoom;
        u = 1.0 - e;
        v = 0.5;
      }
      case DIAGONAL_DOWN_RIGHT -> {
        zoom = maxZoom;
        u = e;
        v = e;
      }
      case DIAGONAL_UP_RIGHT -> {
        zoom = maxZoom;
        u = e;
        v = 1.0 - e;
      }
      default -> throw new AssertionError(motion);
    }
    double w = frameW * maxZoom / zoom;
    double h = frameH * maxZoom / zoom;
    w = Math.min(w, canvasW);
    h = Math.min(h, canvasH);
    return new View(u * (canvasW - w), v * (canvasH - h), w, h);
  }

  /**
   * A segment's picture scaled once to cover {@code ceil(W*Z) x ceil(H*Z)} pixels, as packed
   * {@code 0xRRGGBB} ints, row by row, and as yuv420p planes.
   *
   * @param width canvas width, pixels
   * @param height canvas height, pixels
   * @param rgb the pixels, {@code width * height} of them; {@code null} in a canvas made for the
   *     YUV path only ({@link #coverYuv}), which needs a quarter of the memory
   * @param yuv the planes, never {@code null}
   */
  record Canvas(int width, int height, int[] rgb, Yuv yuv) {

    /**
     * A canvas and its yuv420p planes, converted once here so that no frame pays for a colour
     * conversion.
     *
     * @param width canvas width, pixels
     * @param height canvas height, pixels
     * @param rgb the pixels, {@code width * height} packed {@code 0xRRGGBB} ints
     */
    Canvas(int width, int height, int[] rgb) {
      this(width, height, rgb, Yuv.of(rgb, width, height));
    }

    /**
     * Scales {@code image} to cover the canvas (preserving its aspect ratio) and crops the centre.
     * Transparent areas come out black. Large reductions go through successive halvings so that
     * the result does not alias.
     *
     * @param image the picture, any size; not modified
     * @param frameW frame width, pixels
     * @param frameH frame height, pixels
     * @param maxZoom the maximum zoom {@code Z}, at least 1
     * @return the canvas, with its RGB pixels and its planes
     */
    static Canvas cover(BufferedImage image, int frameW, int frameH, double maxZoom) {
      int cw = size(frameW, maxZoom);
      int ch = size(frameH, maxZoom);
      return new Canvas(cw, ch, coverPixels(image, cw, ch, null));
    }

    /**
     * As {@link #cover}, keeping only the yuv420p planes (the same bytes): what a render's
     * frames are sampled from. At 1080x1920 with zoom 1.12 the planes are 3.9 MB against 10.4
     * MB for the RGB pixels, which become garbage as soon as they are converted.
     *
     * @param image the picture, any size; not modified
     * @param frameW frame width, pixels
     * @param frameH frame height, pixels
     * @param maxZoom the maximum zoom {@code Z}, at least 1
     * @param scratch where the scaled pixels are drawn before they are converted: a {@link
     *     BufferedImage#TYPE_INT_RGB} image of {@link #size size(frameW, maxZoom)} x {@code
     *     size(frameH, maxZoom)} pixels that the caller reuses across canvases (overwritten, and
     *     not referenced by the result), or {@code null} to draw into a new one
     * @return the canvas, whose {@link #rgb()} is {@code null}
     */
    static Canvas coverYuv(BufferedImage image, int frameW, int frameH, double maxZoom,
        BufferedImage scratch) {
      return coverYuv(image, frameW, frameH, maxZoom, scratch, null);
    }

    /**
     * As {@link #coverYuv(BufferedImage, int, int, double, BufferedImage)}, writing the planes
     * into {@code planes} (a retired canvas' planes that nobody samples any more) when they have
     * this canvas' size.
     *
     * @param image the picture, any size; not modified
     * @param frameW frame width, pixels
     * @param frameH frame height, pixels
     * @param maxZoom the maximum zoom {@code Z}, at least 1
     * @param scratch where the scaled pixels are drawn, as in the other overload, or {@code null}
     * @param planes planes to overwrite, or {@code null} for new ones
     * @return the canvas, whose {@link #rgb()} is {@code null}
     */
    static Canvas coverYuv(BufferedImage image, int frameW, int frameH, double maxZoom,
        BufferedImage scratch, Yuv planes) {
      int cw = size(frameW, maxZoom);
      int ch = size(frameH, maxZoom);
      return new Canvas(cw, ch, null,
          Yuv.of(coverPixels(image, cw, ch, scratch), cw, ch, planes));
    }

    /**
     * @param frame a frame's width or height, pixels
     * @param maxZoom the maximum zoom {@code Z}, at least 1
     * @return the canvas' size along that axis, {@code ceil(frame * Z)} pixels
     */
    static int size(int frame, double maxZoom) {
      return (int) Math.ceil(frame * maxZoom - 1e-9);
    }

    private static int[] coverPixels(BufferedImage image, int cw, int ch, BufferedImage into) {
      int iw = image.getWidth();
      int ih = image.getHeight();
      double scale = Math.max((double) cw / iw, (double) ch / ih);
      // The part of the source that ends up on the canvas, centred.
      double srcW = Math.min(iw, cw / scale);
      double srcH = Math.min(ih, ch / scale);
      int sx = (int) Math.floor((iw - srcW) / 2.0);
      int sy = (int) Math.floor((ih - srcH) / 2.0);
      int sw = Math.max(1, Math.min(iw - sx, (int) Math.round(srcW)));
      int sh = Math.max(1, Math.min(ih - sy, (int) Math.round(srcH)));
      BufferedImage src = image;
      // Halve while the reduction is more than 2x, so that bilinear filtering sees every pixel.
      while (sw > 2 * cw || sh > 2 * ch) {
        int nw = Math.max(cw, (sw + 1) / 2);
        int nh = Math.max(ch, (sh + 1) / 2);
        BufferedImage half = new BufferedImage(nw, nh, BufferedImage.TYPE_INT_RGB);
        draw(src, sx, sy, sw, sh, half, nw, nh);
        src = half;
        sx = 0;
        sy = 0;
        sw = nw;
        sh = nh;
      }
      BufferedImage out =
          into != null ? into : new BufferedImage(cw, ch, BufferedImage.TYPE_INT_RGB);
      if (out.getWidth() != cw || out.getHeight() != ch
          || out.getType() != BufferedImage.TYPE_INT_RGB) {
        throw new IllegalArgumentException("the scratch image must be a " + cw + "x" + ch
            + " TYPE_INT_RGB image, was " + out.getWidth() + "x" + out.getHeight());
      }
      // draw() fills it with black first, so a reused image gives the bytes of a new one.
      draw(src, sx, sy, sw, sh, out, cw, ch);
      return ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
    }

    private static void draw(
        BufferedImage src, int sx, int sy, int sw, int sh, BufferedImage dst, int dw, int dh) {
      Graphics2D g = dst.createGraphics();
      try {
        g.setColor(Color.BLACK);
        g.fillRect(0, 0, dw, dh);
        g.setRenderingHint(
            RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.drawImage(src, 0, 0, dw, dh, sx, sy, sx + sw, sy + sh, null);
      } finally {
        g.dispose();
      }
    }
  }

  /**
   * A canvas as planar YUV with BT.601 coefficients in limited range (Y 16..235, chroma 16..240),
   * the output's colour space: a full-resolution luma plane and two chroma planes of
   * {@code ceil(W/2) x ceil(H/2)} samples, each the average of its 2x2 pixels (an odd last row or
   * column averages the pixels it has). Chroma sample {@code (i, j)} sits at the centre of luma
   * pixels {@code 2i..2i+1, 2j..2j+1}, as in MPEG-2/H.264 "center" (JPEG) siting, so a chroma
   * coordinate is exactly half the luma one.
   *
   * <p>Each plane carries one more column and one more row than its size, copies of the last
   * ones, so that a bilinear tap's second sample always exists: the sampler needs no clamping
   * branch (a clamped tap has weight 0 on that sample).
   *
   * @param y luma, {@code (width + 1) * (height + 1)} bytes, rows of {@code width + 1}
   * @param chromaWidth chroma plane width, {@code ceil(width / 2)}
   * @param chromaHeight chroma plane height, {@code ceil(height / 2)}
   * @param u Cb, {@code (chromaWidth + 1) * (chromaHeight + 1)} bytes, rows of {@code
   *     chromaWidth + 1}
   * @param v Cr, likewise
   */
  record Yuv(byte[] y, int chromaWidth, int chromaHeight, byte[] u, byte[] v) {

    /**
     * @param rgb packed {@code 0xRRGGBB} pixels, row by row
     * @param w width, pixels
     * @param h height, pixels
     * @return the planes
     */
    static Yuv of(int[] rgb, int w, int h) {
      return of(rgb, w, h, null);
    }

    /**
     * As {@link #of(int[], int, int)}, into the planes of {@code into} when it has this size:
     * every byte of them, padding included, is overwritten, so the result is the same as into
     * new planes.
     *
     * @param rgb packed {@code 0xRRGGBB} pixels, row by row
     * @param w width, pixels
     * @param h height, pixels
     * @param into planes to overwrite (nobody may read them any more), or {@code null}
     * @return the planes: {@code into} when its sizes are those of {@code w x h}, else new ones
     */
    static Yuv of(int[] rgb, int w, int h, Yuv into) {
      int cw = (w + 1) / 2;
      int ch = (h + 1) / 2;
      boolean fits = into != null && into.y().length == (w + 1) * (h + 1)
          && into.chromaWidth() == cw && into.chromaHeight() == ch;
      byte[] y = fits ? into.y() : new byte[(w + 1) * (h + 1)];
      for (int j = 0; j < h; j++) {
        for (int i = 0; i < w; i++) {
          y[j * (w + 1) + i] = FrameCompositor.luma(rgb[j * w + i]);
        }
      }
      byte[] u = fits ? into.u() : new byte[(cw + 1) * (ch + 1)];
      byte[] v = fits ? into.v() : new byte[(cw + 1) * (ch + 1)];
      for (int j = 0; j < ch; j++) {
        int r0 = 2 * j * w;
        int r1 = Math.min(2 * j + 1, h - 1) * w;
        for (int i = 0; i < cw; i++) {
          int x0 = 2 * i;
          int x1 = Math.min(2 * i + 1, w - 1);
          int p00 = rgb[r0 + x0];
          int p01 = rgb[r0 + x1];
          int p10 = rgb[r1 + x0];
          int p11 = rgb[r1 + x1];
          int rb = (p00 & 0xff00ff) + (p01 & 0xff00ff) + (p10 & 0xff00ff) + (p11 & 0xff00ff);
          int g = ((p00 & 0xff00) + (p01 & 0xff00) + (p10 & 0xff00) + (p11 & 0xff00)) >>> 8;
          u[j * (cw + 1) + i] = FrameCompositor.cb(rb >>> 16, g, rb & 0x3ff);
          v[j * (cw + 1) + i] = FrameCompositor.cr(rb >>> 16, g, rb & 0x3ff);
        }
      }
      pad(y, w, h);
      pad(u, cw, ch);
      pad(v, cw, ch);
      return fits ? into : new Yuv(y, cw, ch, u, v);
    }

    /** Copies the last column and row of a {@code w x h} plane stored with rows of w + 1. */
    private static void pad(byte[] p, int w, int h) {
      int stride = w + 1;
      for (int j = 0; j < h; j++) {
        p[j * stride + w] = p[j * stride + w - 1];
      }
      System.arraycopy(p, (h - 1) * stride, p, h * stride, stride);
    }
  }

  /**
   * Samples a window of a canvas into a frame with bilinear interpolation: output pixel {@code
   * (x, y)}'s centre maps to canvas point {@code left + (x + 0.5) * width / W} (likewise
   * vertically), and the four canvas pixels around it are blended by distance. Edges clamp.
   *
   * <p>Holds per-column and per-row scratch arrays, so one sampler serves one thread.
   */
  static final class Sampler {
    private final int frameW;
    private final int frameH;
    private final int[] x0;
    /**
     * One output row's vertical blend over the columns it needs, 16 bits little-endian per
     * column; grown to the widest plane.
     */
    private byte[] column = new byte[0];
    /** Per output column: the tap's byte offset in {@link #column} {@code << 9 |} its weight. */
    private final int[] tap;
    private final int[] x1;
    private final int[] wx;
    private final int[] y0;
    private final int[] y1;
    private final int[] wy;

    /**
     * @param frameW output width, pixels
     * @param frameH output height, pixels
     */
    Sampler(int frameW, int frameH) {
      this.frameW = frameW;
      this.frameH = frameH;
      tap = new int[frameW];
      x0 = new int[frameW];
      x1 = new int[frameW];
      wx = new int[frameW];
      y0 = new int[frameH];
      y1 = new int[frameH];
      wy = new int[frameH];
    }

    /**
     * @param canvas the source, with its RGB pixels
     * @param view the window to show, in canvas pixels
     * @param out the output: {@code W * H} packed {@code 0xRRGGBB} pixels, row by row, as in
     *     {@link BufferedImage#TYPE_INT_RGB}
     * @throws IllegalStateException if the canvas has no RGB pixels (made by {@link
     *     Canvas#coverYuv})
     */
    void sample(Canvas canvas, View view, int[] out) {
      if (canvas.rgb() == null) {
        throw new IllegalStateException("the RGB path needs a canvas made by Canvas.cover");
      }
      axis(view.left(), view.width() / frameW, canvas.width(), x0, x1, wx);
      axis(view.top(), view.height() / frameH, canvas.height(), y0, y1, wy);
      int[] px = canvas.rgb();
      int cw = canvas.width();
      int o = 0;
      for (int y = 0; y < frameH; y++) {
        int r0 = y0[y] * cw;
        int r1 = y1[y] * cw;
        int fy = wy[y];
        int gy = ONE - fy;
        for (int x = 0; x < frameW; x++) {
          int i0 = x0[x];
          int i1 = x1[x];
          int fx = wx[x];
          int gx = ONE - fx;
          int top = mix(px[r0 + i0], px[r0 + i1], fx, gx);
          out[o++] = fy == 0 ? top : mix(top, mix(px[r1 + i0], px[r1 + i1], fx, gx), fy, gy);
        }
      }
    }

    /**
     * Samples a canvas' yuv420p planes into a yuv420p frame: the luma plane at full size, then
     * each chroma plane at half size with the view halved (chroma coordinates are half the luma
     * ones, see {@link Yuv}).
     *
     * @param canvas the source
     * @param view the window to show, in canvas (luma) pixels
     * @param out the frame: {@code W*H} luma bytes, then {@code (W/2)*(H/2)} Cb, then as many Cr,
     *     rows without padding
     */
    void sampleYuv(Canvas canvas, View view, byte[] out) {
      Yuv p = canvas.yuv();
      plane(p.y(), canvas.width(), canvas.height(), view.left(), view.top(),
          view.width() / frameW, view.height() / frameH, frameW, frameH, out, 0);
      int cw = frameW / 2;
      int ch = frameH / 2;
      double left = view.left() / 2;
      double top = view.top() / 2;
      double sx = view.width() / 2 / cw;
      double sy = view.height() / 2 / ch;
      plane(p.u(), p.chromaWidth(), p.chromaHeight(), left, top, sx, sy, cw, ch, out,
          frameW * frameH);
      plane(p.v(), p.chromaWidth(), p.chromaHeight(), left, top, sx, sy, cw, ch, out,
          frameW * frameH + cw * ch);
    }

    /**
     * Bilinear resampling of one 8-bit plane; the output rows start at {@code off}. Separable,
     * vertical pass first: for each output row the two source rows it falls between are blended
     * over the columns the view covers, four columns at a time in the 16-bit lanes of a long
     * (no lane can carry: a blend is at most {@code 255 * 256}); then each output sample blends
     * two neighbours of that row, read as one int, with the column and weight looked up in a
     * table made once per plane and frame. No branch and no division in either inner loop.
     * Integer weights are exact, so the result is that of any order: {@code (sum of the four
     * taps' weight products + 2^15) >> 16}.
     */
    private void plane(byte[] src, int sw, int sh, double left, double top, double stepX,
        double stepY, int ow, int oh, byte[] out, int off) {
      axis(left, stepX, sw, x0, x1, wx, ow);
      axis(top, stepY, sh, y0, y1, wy, oh);
      int stride = sw + 1;
      // Columns first .. x0[last] + 1 feed this plane (the padded column makes + 1 valid).
      int first = x0[0];
      int span = x0[ow - 1] + 2 - first;
      byte[] col = column;
      if (col.length < 2 * span) {
        col = new byte[2 * span];
        column = col;
      }
      int[] t = tap;
      // At full zoom (pans and diagonals, four motions of six) every column has the same weight
      // and the next column's taps: the horizontal pass is then a shift by a fraction of a
      // pixel, done four samples at a time. Decided on the tables themselves, so both ways give
      // the same bytes.
      boolean uniform = true;
      for (int x = 0; x < ow; x++) {
        // The byte offset of the left tap's 16-bit blend, and the right tap's weight (0..256).
        t[x] = (2 * (x0[x] - first)) << 9 | wx[x];
        uniform &= x0[x] == first + x && wx[x] == wx[0];
      }
      int uf = wx[0];
      int ug = ONE - uf;
      int fours = uniform ? ow & ~3 : 0;
      int quads = span & ~3;
      int o = off;
      for (int y = 0; y < oh; y++) {
        // A clamped tap (ry1 == ry0) has weight 0, so the padded next row serves as well.
        int r0 = y0[y] * stride + first;
        int r1 = r0 + stride;
        int fy = wy[y];
        int gy = ONE - fy;
        int c = 0;
        for (; c < quads; c += 4) {
          long v = lanes((int) INT.get(src, r0 + c)) * gy + lanes((int) INT.get(src, r1 + c)) * fy;
          LONG.set(col, 2 * c, v);
        }
        for (; c < span; c++) {
          int v = (src[r0 + c] & 0xff) * gy + (src[r1 + c] & 0xff) * fy;
          col[2 * c] = (byte) v;
          col[2 * c + 1] = (byte) (v >>> 8);
        }
        for (int x = 0; x < fours; x += 4) {
          // Samples x..x+3 and their right neighbours, 16 bits each, spread to 32-bit lanes
          // (a weighted pair needs 24 bits): even samples in one long, odd in another.
          long a = (long) LONG.get(col, 2 * x);
          long b = (long) LONG.get(col, 2 * x + 2);
          long even = (a & 0x0000ffff0000ffffL) * ug + (b & 0x0000ffff0000ffffL) * uf
              + 0x0000800000008000L;
          long odd = ((a >>> 16) & 0x0000ffff0000ffffL) * ug
              + ((b >>> 16) & 0x0000ffff0000ffffL) * uf + 0x0000800000008000L;
          int packed = (int) ((even >>> 16) & 0xff) | (int) ((odd >>> 8) & 0xff00)
              | (int) ((even >>> 32) & 0xff0000) | (int) ((odd >>> 24) & 0xff000000L);
          INT.set(out, o + x, packed);
        }
        for (int x = fours; x < ow; x++) {
          int p = t[x];
          int f = p & 0x1ff;
          int pair = (int) INT.get(col, p >>> 9);
          int a = pair & 0xffff;
          // a * (256 - f) + b * f, with b the next column's blend in the high half.
          out[o + x] = (byte) (((a << WEIGHT_BITS) + ((pair >>> 16) - a) * f
              + (1 << (2 * WEIGHT_BITS - 1))) >>> (2 * WEIGHT_BITS));
        }
        o += ow;
      }
    }

    /** Four bytes (little-endian in {@code x}) spread to the four 16-bit lanes of a long. */
    private static long lanes(int x) {
      long t = x & 0xffffffffL;
      t = (t | (t << 16)) & 0x0000ffff0000ffffL;
      return (t | (t << 8)) & 0x00ff00ff00ff00ffL;
    }

    /**
     * Blends two {@code 0xRRGGBB} pixels, {@code (p * gw + q * w) / 256} per channel, rounded. Red
     * and blue are weighed together in one multiply (each product fits in 16 bits), green in
     * another.
     */
    private static int mix(int p, int q, int w, int gw) {
      int rb = ((p & 0xff00ff) * gw + (q & 0xff00ff) * w + 0x800080) >>> WEIGHT_BITS;
      int g = ((p & 0x00ff00) * gw + (q & 0x00ff00) * w + 0x008000) >>> WEIGHT_BITS;
      return (rb & 0xff00ff) | (g & 0x00ff00);
    }

    /**
     * Fills one axis' lookup: for output index {@code i}, the two source indexes and the weight of
     * the second.
     */
    private static void axis(
        double start, double step, int size, int[] lo, int[] hi, int[] weight) {
      axis(start, step, size, lo, hi, weight, lo.length);
    }

    private static void axis(
        double start, double step, int size, int[] lo, int[] hi, int[] weight, int count) {
      for (int i = 0; i < count; i++) {
        double s = start + (i + 0.5) * step - 0.5;
        if (s <= 0) {
          lo[i] = 0;
          hi[i] = 0;
          weight[i] = 0;
        } else if (s >= size - 1) {
          lo[i] = size - 1;
          hi[i] = size - 1;
          weight[i] = 0;
        } else {
          int f = (int) s;
          lo[i] = f;
          hi[i] = f + 1;
          weight[i] = (int) Math.round((s - f) * ONE);
        }
      }
    }
  }
}
