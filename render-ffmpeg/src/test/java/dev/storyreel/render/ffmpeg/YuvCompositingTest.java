package dev.storyreel.render.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storyreel.core.PcmAudio;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.spi.ImageSource;
import dev.storyreel.core.timeline.Timeline;
import dev.storyreel.core.timeline.VisualClip;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The compositor draws frames straight in yuv420p (Ken Burns on pre-converted planes, crossfades
 * and captions blended in YUV). These tests hold that path to the RGB reference path (compose in
 * RGB, then convert): luma is a linear function of RGB, so the two may differ only by rounding;
 * chroma is sampled from half-resolution planes, so it may differ at sharp edges but not on
 * average.
 */
class YuvCompositingTest {

  private static final int W = 180;
  private static final int H = 320;

  /**
   * A picture with detail in every channel, or (when {@code smooth}) only slow diagonal colour
   * gradients, on which a misplaced chroma sample would show as a bias.
   */
  private static BufferedImage pattern(int w, int h, int seed, boolean smooth) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        if (smooth) {
          img.setRGB(x, y, ((x * 255 / w) << 16) | ((y * 255 / h) << 8) | ((x + y + seed) & 0xff));
          continue;
        }
        // Periods of 20 px and more: detail the 2x2 chroma subsampling of both paths keeps.
        int r = (int) (127 + 120 * Math.sin((x + seed * 13) / 4.0) * Math.cos(y / 23.0));
        int g = Math.min(255, x * 200 / w + (int) (50 * Math.sin(y / 5.0)));
        int b = (int) (127 + 120 * Math.sin((x * x + y * y + seed) / 900.0));
        img.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    return img;
  }

  private static Timeline request(boolean smooth) {
    long[] ms = {1300, 950, 1170};
    List<VisualClip> segs = new ArrayList<>();
    PcmAudio audio = null;
    Duration start = Duration.ZERO;
    for (int i = 0; i < ms.length; i++) {
      PcmAudio part = Fixtures.sine(ms[i], 16_000, 1);
      audio = audio == null ? part : audio.concat(part);
      Duration end = start.plus(part.duration());
      segs.add(new VisualClip(
          i, ImageSource.of(pattern(250 + 40 * i, 400 - 30 * i, i, smooth)), start, end));
      start = end;
    }
    return Timeline.of(new VideoFormat(W, H, 10), audio, segs, Fixtures.cues());
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
  void yuvPathMatchesTheRgbReferenceOnEveryFrame(boolean smooth) {
    Timeline request = request(smooth);
    FfmpegRenderer renderer = FfmpegRenderer.builder()
        .transitionDuration(Duration.ofMillis(400)).build();
    FrameCompositor.Plan plan = renderer.plan(request);
    FrameCompositor direct = new FrameCompositor(plan);
    FrameCompositor reference = new FrameCompositor(plan);
    int size = W * H + 2 * (W / 2) * (H / 2);
    byte[] a = new byte[size];
    byte[] b = new byte[size];
    byte[] first = null;
    int maxLuma = 0;
    double chromaSum = 0;
    double chromaSigned = 0;
    long chromaCount = 0;
    for (long k = 0; k < plan.frameCount(); k++) {
      direct.composeYuv(k, a);
      reference.composeYuvViaRgb(k, b);
      for (int i = 0; i < W * H; i++) {
        maxLuma = Math.max(maxLuma, Math.abs((a[i] & 0xff) - (b[i] & 0xff)));
      }
      for (int i = W * H; i < size; i++) {
        chromaSum += Math.abs((a[i] & 0xff) - (b[i] & 0xff));
        chromaSigned += (a[i] & 0xff) - (b[i] & 0xff);
        chromaCount++;
      }
      if (first == null) {
        first = a.clone();
      }
    }
    assertThat(maxLuma).as("largest luma difference").isLessThanOrEqualTo(3);
    // The two paths filter chroma in a different order (2x2 box then bilinear, or the reverse):
    // fine detail may differ by a few levels, but never with a bias, and gradients hardly at all.
    assertThat(chromaSum / chromaCount).as("mean chroma difference")
        .isLessThan(smooth ? 0.75 : 4.0);
    assertThat(Math.abs(chromaSigned / chromaCount)).as("chroma bias").isLessThan(0.25);
    // The frames move: the last frame is not the first.
    int moved = 0;
    for (int i = 0; i < W * H; i++) {
      moved += Math.abs((a[i] & 0xff) - (first[i] & 0xff)) > 8 ? 1 : 0;
    }
    assertThat(moved).isGreaterThan(W * H / 4);
  }

  @Test
  void captionIsBlendedInYuv() {
    Timeline request = request(false);
    FfmpegRenderer with = FfmpegRenderer.builder().build();
    FfmpegRenderer without = FfmpegRenderer.builder().captions(false).build();
    int size = W * H + 2 * (W / 2) * (H / 2);
    byte[] a = new byte[size];
    byte[] b = new byte[size];
    long k = 5; // 0.5 s: the first cue is on screen
    new FrameCompositor(with.plan(request)).composeYuv(k, a);
    new FrameCompositor(without.plan(request)).composeYuv(k, b);
    int changed = 0;
    for (int i = 0; i < W * H; i++) {
      changed += a[i] != b[i] ? 1 : 0;
    }
    assertThat(changed).as("luma samples the caption changed").isGreaterThan(200);
  }

  @Test
  void framesDoNotDependOnWhatTheCompositorComposedBefore() {
    // The static side of a crossfade is composed once and reused: a frame must come out the same
    // from a fresh compositor, in order, and backwards (workers compose in any order).
    Timeline request = request(false);
    FrameCompositor.Plan plan = FfmpegRenderer.builder()
        .transitionDuration(Duration.ofMillis(600)).build().plan(request);
    int size = W * H + 2 * (W / 2) * (H / 2);
    int n = (int) plan.frameCount();
    byte[][] forward = new byte[n][size];
    FrameCompositor inOrder = new FrameCompositor(plan);
    for (int k = 0; k < n; k++) {
      inOrder.composeYuv(k, forward[k]);
    }
    FrameCompositor backwards = new FrameCompositor(plan);
    byte[] a = new byte[size];
    byte[] b = new byte[size];
    for (int k = n - 1; k >= 0; k--) {
      backwards.composeYuv(k, a);
      new FrameCompositor(plan).composeYuv(k, b);
      assertThat(a).as("frame %d backwards", k).isEqualTo(forward[k]);
      assertThat(b).as("frame %d fresh", k).isEqualTo(forward[k]);
    }
    // A crossfade frame is a mix of both segments, not a copy of either.
    long boundary = request.startFrame(1);
    byte[] before = forward[(int) boundary - 3];
    byte[] at = forward[(int) boundary];
    byte[] after = forward[(int) boundary + 3];
    assertThat(at).isNotEqualTo(before).isNotEqualTo(after);
  }

  @Test
  void blendIsThePerSampleRoundedMixAtAnyLength() {
    java.util.SplittableRandom r = new java.util.SplittableRandom(3);
    for (int len : new int[] {1, 7, 8, 9, 8 * 37 + 5}) {
      byte[] a = new byte[len];
      byte[] b = new byte[len];
      r.nextBytes(a);
      r.nextBytes(b);
      a[0] = (byte) 255;
      b[0] = (byte) 255;
      for (int w : new int[] {0, 1, 77, 128, 255, 256}) {
        byte[] out = new byte[len];
        FrameCompositor.blend(a, b, w, out);
        for (int i = 0; i < len; i++) {
          int expected = ((a[i] & 0xff) * (256 - w) + (b[i] & 0xff) * w + 128) >>> 8;
          assertThat(out[i] & 0xff).as("len %d, w %d, sample %d", len, w, i).isEqualTo(expected);
        }
      }
    }
  }
}
