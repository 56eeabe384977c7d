package dev.storyreel.benchmarks;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.SplittableRandom;

/**
 * Photo-like benchmark pictures, made deterministically from the offline procedural provider's
 * picture of a segment (its sky gradient, hills and shapes are the scene) with texture added at
 * every scale.
 *
 * <p>Why: the procedural pictures are smooth and flat, so x264 encodes frames made from them far
 * faster than frames made from a real AI picture or photo, which is detailed at every scale, and
 * a benchmark on them understates the encoder's share of a real render. Natural images have an
 * amplitude spectrum that falls roughly as {@code 1/f^alpha} with {@code alpha} close to 1
 * (D. J. Field, "Relations between the statistics of natural images and the response properties
 * of cortical cells", JOSA A 4(12), 1987; A. van der Schaaf and J. H. van Hateren, "Modelling the
 * power spectra of natural images", Vision Research 36(17), 1996: power exponent about 1.9-2.1,
 * so {@code alpha} about 1). In 2-D, a {@code 1/f} amplitude spectrum puts equal variance in
 * every octave, so the texture here is multi-octave value noise from a period of about the
 * picture's size down to 2 pixels, each octave's amplitude {@value #PERSISTENCE} times the
 * coarser one's ({@code alpha} of about 1.15). Luminance gets all octaves; two colour-difference
 * fields get the coarser ones at a lower amplitude (photos carry less fine detail in chroma), and
 * a slowly varying mask makes some regions smoother than others, as a photo's sky is smoother
 * than its foliage.
 *
 * <p>The picture is made at the video's size times the Ken Burns zoom, so the renderer never
 * upscales it (an upscaled picture would lose the finest octaves again). About 0.5 s for a
 * 1210x2150 picture on one core. Stateless and thread-safe.
 */
final class DetailedPictures {

  /** Amplitude ratio between neighbouring octaves, fine over coarse. */
  static final double PERSISTENCE = 0.9;

  /** Luminance texture strength, in 8-bit levels per unit of normalised noise. */
  private static final double LUMA_LEVELS = 46;

  /** Chroma texture strength, in 8-bit levels per unit of normalised noise. */
  private static final double CHROMA_LEVELS = 14;

  private DetailedPictures() {}

  /**
   * @param base the procedural picture of the segment, any size (scaled to cover)
   * @param widthPx the video's width in pixels
   * @param heightPx the video's height in pixels
   * @param zoom the renderer's maximum Ken Burns zoom, at least 1
   * @param seed which picture: the same seed and base give the same pixels
   * @return a new {@code TYPE_INT_RGB} picture of {@code ceil(widthPx * zoom) x ceil(heightPx *
   *     zoom)}
   */
  static BufferedImage make(BufferedImage base, int widthPx, int heightPx, double zoom, long seed) {
    int w = (int) Math.ceil(widthPx * zoom);
    int h = (int) Math.ceil(heightPx * zoom);
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    double scale = Math.max((double) w / base.getWidth(), (double) h / base.getHeight());
    int sw = (int) Math.ceil(base.getWidth() * scale);
    int sh = (int) Math.ceil(base.getHeight() * scale);
    g.drawImage(base, (w - sw) / 2, (h - sh) / 2, sw, sh, null);
    g.dispose();

    SplittableRandom rnd = new SplittableRandom(0x5EED_0000L + seed * 0x9E3779B97F4A7C15L);
    int coarsest = Integer.highestOneBit(Math.max(w, h));
    float[] luma = fractal(w, h, coarsest, 2, PERSISTENCE, rnd);
    float[] cb = fractal(w, h, coarsest, 16, PERSISTENCE, rnd);
    float[] cr = fractal(w, h, coarsest, 16, PERSISTENCE, rnd);
    // Where the picture is busy: 0.35 (smooth, like a sky) .. 1 (textured, like foliage).
    float[] mask = fractal(w, h, coarsest / 2, coarsest / 8, 0.5, rnd);

    int[] px = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
    for (int i = 0; i < px.length; i++) {
      double m = 0.35 + 0.65 * smooth(0.5 + 0.6 * mask[i]);
      double y = LUMA_LEVELS * m * luma[i];
      double u = CHROMA_LEVELS * cb[i];
      double v = CHROMA_LEVELS * cr[i];
      int p = px[i];
      int r = clamp(((p >> 16) & 0xFF) + y + 1.40 * v);
      int gg = clamp(((p >> 8) & 0xFF) + y - 0.34 * u - 0.71 * v);
      int b = clamp((p & 0xFF) + y + 1.77 * u);
      px[i] = (r << 16) | (gg << 8) | b;
    }
    return out;
  }

  /**
   * Sums octaves of value noise (random values on a lattice, interpolated with a smoothstep),
   * periods {@code coarsestPx, coarsestPx/2, ..., finestPx}, each {@code persistence} times the
   * previous one's amplitude, each lattice shifted by a random offset so that lattice points of
   * different octaves do not line up.
   *
   * @return {@code w * h} values, row-major, with a standard deviation of about 0.5
   */
  private static float[] fractal(
      int w, int h, int coarsestPx, int finestPx, double persistence, SplittableRandom rnd) {
    float[] sum = new float[w * h];
    double amp = 1;
    double variance = 0;
    float[] wx = new float[w];
    int[] ix = new int[w];
    for (int period = Math.max(coarsestPx, finestPx); period >= finestPx; period /= 2) {
      int offX = rnd.nextInt(period);
      int offY = rnd.nextInt(period);
      int cols = (w + offX) / period + 2;
      int rows = (h + offY) / period + 2;
      float[] lattice = new float[cols * rows];
      for (int k = 0; k < lattice.length; k++) {
        lattice[k] = (float) (rnd.nextDouble() * 2 - 1);
      }
      float a = (float) amp;
      for (int x = 0; x < w; x++) {
        int gx = x + offX;
        ix[x] = gx / period;
        wx[x] = smoothstep((gx % period) / (float) period);
      }
      for (int y = 0; y < h; y++) {
        int gy = y + offY;
        int r0 = (gy / period) * cols;
        int r1 = r0 + cols;
        float ty = smoothstep((gy % period) / (float) period);
        int row = y * w;
        for (int x = 0; x < w; x++) {
          int c = ix[x];
          float tx = wx[x];
          float top = lattice[r0 + c] + (lattice[r0 + c + 1] - lattice[r0 + c]) * tx;
          float bot = lattice[r1 + c] + (lattice[r1 + c + 1] - lattice[r1 + c]) * tx;
          sum[row + x] += a * (top + (bot - top) * ty);
        }
      }
      // Uniform -1..1 has variance 1/3; interpolation lowers it, about to 1/5 on average.
      variance += amp * amp / 5;
      amp *= persistence;
    }
    float norm = (float) (0.5 / Math.sqrt(variance));
    for (int i = 0; i < sum.length; i++) {
      sum[i] *= norm;
    }
    return sum;
  }

  private static float smoothstep(float t) {
    return t * t * (3 - 2 * t);
  }

  private static double smooth(double t) {
    double c = Math.max(0, Math.min(1, t));
    return c * c * (3 - 2 * c);
  }

  private static int clamp(double v) {
    return (int) Math.max(0, Math.min(255, Math.round(v)));
  }
}
