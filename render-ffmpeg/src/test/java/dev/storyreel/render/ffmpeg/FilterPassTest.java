package dev.storyreel.render.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.storyreel.core.NonRetriableException;
import dev.storyreel.testkit.Allocations;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The soundtrack's filter pass over libavfilter: samples through, figures out, no garbage. */
class FilterPassTest {
  private static final int RATE = 48_000;

  /** {@code seconds} of a 1 kHz sine at {@code dbfs} on both channels, interleaved. */
  private static float[] sine(double seconds, double dbfs) {
    int n = (int) Math.round(seconds * RATE);
    float[] s = new float[2 * n];
    double a = Math.pow(10, dbfs / 20);
    for (int i = 0; i < n; i++) {
      float v = (float) (a * Math.sin(2 * Math.PI * 1000 * i / RATE));
      s[2 * i] = v;
      s[2 * i + 1] = v;
    }
    return s;
  }

  @Test
  void theMeterReadsEbuTech3341sStereoSineCaseAndPassesTheSamplesThroughUnchanged() {
    // EBU Tech 3341, case 1: a stereo 1 kHz sine at -23 dBFS measures -23.0 LUFS (+-0.1).
    float[] in = sine(20, -23);
    float[] out = new float[in.length];
    int[] got = {0};
    try (FilterPass pass = new FilterPass("", RATE, (samples, frames) -> {
      System.arraycopy(samples, 0, out, 2 * got[0], 2 * frames);
      got[0] += frames;
    })) {
      for (int p = 0; p < in.length / 2; p += RATE) {
        float[] block = Arrays.copyOfRange(in, 2 * p, 2 * Math.min(in.length / 2, p + RATE));
        pass.push(block, block.length / 2, RATE);
      }
      pass.finish();
      assertThat(pass.integratedLufs()).isCloseTo(-23.0, within(0.1));
      // True peak of a sine: its amplitude, -23 dBTP, to within the meter's oversampling.
      assertThat(pass.truePeakDbtp()).isCloseTo(-23.0, within(0.2));
    }
    // float -> double (the meter) -> float is exact.
    assertThat(got[0]).isEqualTo(in.length / 2);
    int at = Arrays.mismatch(out, in);
    assertThat(at).as("first differing sample %d: %s vs %s", at,
        at >= 0 ? out[at] : 0f, at >= 0 ? in[at] : 0f).isEqualTo(-1);
  }

  @Test
  void aChainBeforeTheMeterFiltersWhatComesOutAndWhatIsMeasured() {
    float[] in = sine(5, -23);
    float[] peak = {0};
    try (FilterPass pass = new FilterPass("volume=-6.0206dB", RATE, (samples, frames) -> {
      for (int i = 0; i < 2 * frames; i++) {
        peak[0] = Math.max(peak[0], Math.abs(samples[i]));
      }
    })) {
      pass.push(in, in.length / 2, RATE);
      pass.finish();
      assertThat(pass.integratedLufs()).isCloseTo(-29.0, within(0.15));
    }
    assertThat((double) peak[0]).isCloseTo(Math.pow(10, -23 / 20.0) / 2, within(1e-3));
  }

  @Test
  void beforeAnyFrameTheFiguresAreNaNAndAnUnknownFilterIsNamed() {
    try (FilterPass pass = new FilterPass("", RATE, (samples, frames) -> { })) {
      assertThat(pass.integratedLufs()).isNaN();
      assertThat(pass.truePeakDbtp()).isNaN();
    }
    assertThatThrownBy(() -> new FilterPass("nosuchfilter=1", RATE, (samples, frames) -> { }))
        .isInstanceOf(NonRetriableException.class)
        .hasMessageContaining("'nosuchfilter=1,ebur128")
        .hasMessageContaining("lacks a filter");
  }

  @Test
  void steadyStateAllocatesNothingOnTheJavaHeap() {
    assumeThat(Allocations.supported()).isTrue();
    float[] second = sine(1, -20);
    try (FilterPass pass = new FilterPass("volume=-3dB", RATE, (samples, frames) -> { })) {
      // A second a push: the meter hands out ten 100 ms frames for each.
      long least = Allocations.leastOf(5, () -> pass.push(second, RATE, RATE));
      // javacv's FFmpegFrameFilter made a pointer scope and wrappers per frame out (~7 KB here).
      assertThat(least).as("bytes a pushed second").isLessThan(64);
      pass.finish();
    }
  }
}
