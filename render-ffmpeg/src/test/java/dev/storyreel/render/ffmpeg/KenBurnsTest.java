package dev.storyreel.render.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KenBurnsTest {

  /** A canvas whose red channel is 4 * x and blue channel 4 * y. */
  private static KenBurns.Canvas gradient(int w, int h) {
    int[] px = new int[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        px[y * w + x] = (4 * x) << 16 | (4 * y);
      }
    }
    return new KenBurns.Canvas(w, h, px);
  }

  @Test
  void bilinearSamplingResolvesQuarterPixels() {
    KenBurns.Canvas canvas = gradient(64, 48);
    KenBurns.Sampler sampler = new KenBurns.Sampler(16, 8);
    int[] out = new int[16 * 8];

    sampler.sample(canvas, new KenBurns.View(10.0, 20.0, 16, 8), out);
    assertThat(red(out[0])).isEqualTo(40);
    assertThat(blue(out[0])).isEqualTo(80);

    // A quarter-pixel move changes the values by a quarter of a pixel step: no snapping.
    sampler.sample(canvas, new KenBurns.View(10.25, 20.75, 16, 8), out);
    for (int x = 0; x < 16; x++) {
      assertThat(red(out[x])).as("x=%d", x).isEqualTo(41 + 4 * x);
    }
    for (int y = 0; y < 8; y++) {
      assertThat(blue(out[y * 16])).as("y=%d", y).isEqualTo(83 + 4 * y);
    }

    // Half a pixel.
    sampler.sample(canvas, new KenBurns.View(10.5, 20.0, 16, 8), out);
    assertThat(red(out[0])).isEqualTo(42);
  }

  @Test
  void scaledWindowsInterpolateBetweenPixels() {
    KenBurns.Canvas canvas = gradient(64, 48);
    KenBurns.Sampler sampler = new KenBurns.Sampler(8, 4);
    int[] out = new int[8 * 4];
    // 8 output pixels over 12 canvas pixels: centres at 10 + (x + 0.5) * 1.5 - 0.5.
    sampler.sample(canvas, new KenBurns.View(10.0, 0.0, 12, 4), out);
    for (int x = 0; x < 8; x++) {
      double s = 10 + (x + 0.5) * 1.5 - 0.5;
      assertThat((double) red(out[x])).as("x=%d", x).isCloseTo(4 * s, within(0.51));
    }
  }

  /** Largest distance any output pixel's source point moves between two views, canvas pixels. */
  private static double step(KenBurns.View a, KenBurns.View b) {
    // The mapping is affine per axis, so the extremes are at the window's edges.
    return Math.max(
        Math.max(Math.abs(a.left() - b.left()), Math.abs(a.top() - b.top())),
        Math.max(
            Math.abs(a.left() + a.width() - b.left() - b.width()),
            Math.abs(a.top() + a.height() - b.top() - b.height())));
  }

  @Test
  void smallFramesMoveByLessThanAPixelPerFrameButDoMove() {
    int w = 270;
    int h = 480;
    double zoom = 1.12;
    int cw = (int) Math.ceil(w * zoom);
    int ch = (int) Math.ceil(h * zoom);
    int frames = 120; // four seconds at 30 fps
    for (KenBurns.Motion m : KenBurns.Motion.values()) {
      double maxStep = 0;
      for (int k = 0; k + 1 < frames; k++) {
        KenBurns.View a = KenBurns.view(m, k / (frames - 1.0), cw, ch, w, h, zoom);
        KenBurns.View b = KenBurns.view(m, (k + 1) / (frames - 1.0), cw, ch, w, h, zoom);
        assertInside(a, cw, ch);
        maxStep = Math.max(maxStep, step(a, b));
        if (k > 0 && k + 2 < frames) {
          assertThat(step(a, b)).as("%s frame %d", m, k).isPositive();
        }
      }
      assertThat(maxStep).as("%s", m).isLessThan(1.0);
    }
  }

  @Test
  void motionIsSmoothAtFullHdWithoutWholePixelSnapping() {
    int w = 1080;
    int h = 1920;
    double zoom = 1.12;
    int cw = (int) Math.ceil(w * zoom);
    int ch = (int) Math.ceil(h * zoom);
    int frames = 90;
    for (KenBurns.Motion m : KenBurns.Motion.values()) {
      boolean fractional = false;
      double previous = -1;
      for (int k = 0; k + 1 < frames; k++) {
        KenBurns.View a = KenBurns.view(m, k / (frames - 1.0), cw, ch, w, h, zoom);
        KenBurns.View b = KenBurns.view(m, (k + 1) / (frames - 1.0), cw, ch, w, h, zoom);
        assertInside(b, cw, ch);
        fractional |= a.left() != Math.rint(a.left()) || a.top() != Math.rint(a.top());
        double s = step(a, b);
        if (previous >= 0) {
          // Snapping to whole pixels would make the speed jump by a pixel from frame to frame;
          // the eased motion changes speed by at most ~0.15 px per frame here.
          assertThat(Math.abs(s - previous)).as("%s frame %d", m, k).isLessThan(0.25);
        }
        previous = s;
      }
      assertThat(fractional).as("%s uses sub-pixel positions", m).isTrue();
    }
  }

  @Test
  void consecutiveFramesOfATexturedPictureDifferSlightly() {
    BufferedImage img = new BufferedImage(400, 700, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    for (int y = 0; y < 700; y += 10) {
      for (int x = 0; x < 400; x += 10) {
        g.setColor(((x + y) / 10) % 2 == 0 ? Color.WHITE : Color.DARK_GRAY);
        g.fillRect(x, y, 10, 10);
      }
    }
    g.dispose();
    int w = 180;
    int h = 320;
    KenBurns.Canvas canvas = KenBurns.Canvas.cover(img, w, h, 1.12);
    KenBurns.Sampler sampler = new KenBurns.Sampler(w, h);
    int[] a = new int[w * h];
    int[] b = new int[w * h];
    sampler.sample(
        canvas,
        KenBurns.view(KenBurns.Motion.ZOOM_IN, 0.50, canvas.width(), canvas.height(), w, h, 1.12),
        a);
    sampler.sample(
        canvas,
        KenBurns.view(KenBurns.Motion.ZOOM_IN, 0.51, canvas.width(), canvas.height(), w, h, 1.12),
        b);
    long sum = 0;
    int maxDiff = 0;
    for (int i = 0; i < a.length; i++) {
      int d = Math.abs(red(a[i]) - red(b[i]));
      sum += d;
      maxDiff = Math.max(maxDiff, d);
    }
    assertThat(maxDiff).as("the frames differ").isPositive();
    // A whole-pixel jump across a 10 px checkerboard would change the edges by the full contrast
    // (~190); a sub-pixel move blends them.
    assertThat(maxDiff).isLessThan(150);
    assertThat((double) sum / a.length).isLessThan(10.0);
  }

  @Test
  void motionsVaryWithTheSegmentIndexDeterministically() {
    Set<KenBurns.Motion> firstSix = EnumSet.noneOf(KenBurns.Motion.class);
    for (int i = 0; i < 6; i++) {
      firstSix.add(KenBurns.Motion.forSegment(i));
      assertThat(KenBurns.Motion.forSegment(i)).isNotEqualTo(KenBurns.Motion.forSegment(i + 1));
      assertThat(KenBurns.Motion.forSegment(i)).isEqualTo(KenBurns.Motion.forSegment(i + 6));
    }
    assertThat(firstSix).hasSize(6);
  }

  @Test
  void zoomOfOneIsAStillPicture() {
    KenBurns.Motion m = KenBurns.Motion.PAN_LEFT_TO_RIGHT;
    KenBurns.View a = KenBurns.view(m, 0.0, 100, 200, 100, 200, 1.0);
    KenBurns.View b = KenBurns.view(m, 1.0, 100, 200, 100, 200, 1.0);
    assertThat(a).isEqualTo(b).isEqualTo(new KenBurns.View(0, 0, 100, 200));
  }

  @Test
  void coverFitCropsTheCentre() {
    // A wide picture: blue, with a red band in the middle third.
    BufferedImage img = Fixtures.solid(Color.BLUE, 600, 100);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.RED);
    g.fillRect(200, 0, 200, 100);
    g.dispose();
    KenBurns.Canvas canvas = KenBurns.Canvas.cover(img, 80, 100, 1.0);
    assertThat(canvas.width()).isEqualTo(80);
    assertThat(canvas.height()).isEqualTo(100);
    for (int p : canvas.rgb()) {
      assertThat(p & 0xffffff).isEqualTo(0xff0000);
    }

    // Zoomed: the canvas is ceil(W * Z) x ceil(H * Z).
    KenBurns.Canvas zoomed =
        KenBurns.Canvas.cover(Fixtures.solid(Color.RED, 3000, 4000), 270, 480, 1.12);
    assertThat(zoomed.width()).isEqualTo(303);
    assertThat(zoomed.height()).isEqualTo(538);
  }

  @Test
  void yuvPlanesAreTheExactBilinearBlendOfTheFourTaps() {
    // Noise, so that any tap or weight off by one shows; views that clamp at every edge, odd
    // offsets, zooms and a view narrower than the frame (upscaling).
    java.util.SplittableRandom r = new java.util.SplittableRandom(7);
    int cw = 137;
    int ch = 95;
    int[] px = new int[cw * ch];
    for (int i = 0; i < px.length; i++) {
      px[i] = r.nextInt(1 << 24);
    }
    KenBurns.Canvas canvas = new KenBurns.Canvas(cw, ch, px);
    // 64 and 70 wide: chroma rows of 32 and 35, so the four-at-a-time path has a tail.
    for (int w : new int[] {64, 70}) {
      int h = 40;
      KenBurns.Sampler sampler = new KenBurns.Sampler(w, h);
      byte[] out = new byte[w * h + 2 * (w / 2) * (h / 2)];
      KenBurns.View[] views = {
        new KenBurns.View(0, 0, cw, ch),
        new KenBurns.View(3.37, 11.81, 71.5, 44.2),
        new KenBurns.View(cw - (double) w, ch - 40.0, w, 40),
        new KenBurns.View(20.125, 7.5, 40, 30),
        // Full zoom (a pan): one weight for every column, at a fraction of a pixel.
        new KenBurns.View(10.3, 5.7, w, 40),
        new KenBurns.View(0.6, 0.2, w, 40),
      };
      KenBurns.Yuv yuv = canvas.yuv();
      for (KenBurns.View v : views) {
        sampler.sampleYuv(canvas, v, out);
        assertPlane(out, 0, w, h, yuv.y(), cw, ch, v.left(), v.top(), v.width() / w,
            v.height() / h);
        int cwo = w / 2;
        int cho = h / 2;
        double sx = v.width() / 2 / cwo;
        double sy = v.height() / 2 / cho;
        assertPlane(out, w * h, cwo, cho, yuv.u(), yuv.chromaWidth(), yuv.chromaHeight(),
            v.left() / 2, v.top() / 2, sx, sy);
        assertPlane(out, w * h + cwo * cho, cwo, cho, yuv.v(), yuv.chromaWidth(),
            yuv.chromaHeight(), v.left() / 2, v.top() / 2, sx, sy);
      }
    }
  }

  /** Checks one plane against the documented mapping, computed tap by tap. */
  private static void assertPlane(byte[] out, int off, int ow, int oh, byte[] src, int sw, int sh,
      double left, double top, double stepX, double stepY) {
    int stride = sw + 1;
    for (int y = 0; y < oh; y++) {
      int[] ty = tap(top + (y + 0.5) * stepY - 0.5, sh);
      for (int x = 0; x < ow; x++) {
        int[] tx = tap(left + (x + 0.5) * stepX - 0.5, sw);
        long sum = 0;
        for (int j = 0; j < 2; j++) {
          for (int i = 0; i < 2; i++) {
            int wy = j == 0 ? 256 - ty[1] : ty[1];
            int wx = i == 0 ? 256 - tx[1] : tx[1];
            sum += (long) wy * wx * (src[(ty[0] + j) * stride + tx[0] + i] & 0xff);
          }
        }
        int expected = (int) ((sum + (1 << 15)) >> 16);
        assertThat(out[off + y * ow + x] & 0xff).as("(%d, %d)", x, y).isEqualTo(expected);
      }
    }
  }

  /** @return the left tap and the right tap's weight (0..256) of a source position */
  private static int[] tap(double s, int size) {
    if (s <= 0) {
      return new int[] {0, 0};
    }
    if (s >= size - 1) {
      return new int[] {size - 1, 0};
    }
    int f = (int) s;
    return new int[] {f, (int) Math.round((s - f) * 256)};
  }

  private static void assertInside(KenBurns.View v, int cw, int ch) {
    assertThat(v.left()).isGreaterThanOrEqualTo(0);
    assertThat(v.top()).isGreaterThanOrEqualTo(0);
    assertThat(v.left() + v.width()).isLessThanOrEqualTo(cw + 1e-9);
    assertThat(v.top() + v.height()).isLessThanOrEqualTo(ch + 1e-9);
  }

  private static int red(int p) {
    return (p >> 16) & 0xff;
  }

  private static int blue(int p) {
    return p & 0xff;
  }
}
