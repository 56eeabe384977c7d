package dev.storyreel.core.timeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.storyreel.core.PcmAudio;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.WordTiming;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The frame arithmetic, as RenderRequest had it, and the ducking envelope. */
class TimelineTest {
  static final BufferedImage IMG = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);

  private static Timeline timeline(int fps, long... endsMillis) {
    long last = endsMillis[endsMillis.length - 1];
    PcmAudio audio = new PcmAudio(new byte[(int) (16 * last) * 2], 16000, 1);
    List<VisualClip> clips = new java.util.ArrayList<>();
    long start = 0;
    for (int i = 0; i < endsMillis.length; i++) {
      clips.add(new VisualClip(i, () -> IMG, Duration.ofMillis(start == 0 && i == 0 ? 0 : start),
          Duration.ofMillis(endsMillis[i])));
      start = endsMillis[i];
    }
    return Timeline.of(new VideoFormat(64, 112, fps), audio, clips, List.of());
  }

  @Test
  void cutsLandOnTheFirstFrameAtOrAfterEachNarrationBoundary() {
    Timeline t = timeline(30, 1010, 2000, 3333);
    assertThat(t.duration()).isEqualTo(Duration.ofMillis(3333));
    assertThat(t.frameCount()).isEqualTo(100); // ceil(3.333 * 30)
    assertThat(t.startFrame(0)).isZero();
    assertThat(t.startFrame(1)).isEqualTo(31); // ceil(1.010 * 30) = 30.3 -> 31
    assertThat(t.startFrame(2)).isEqualTo(60); // exactly 2 s
    assertThat(t.endFrame(0)).isEqualTo(31);
    assertThat(t.endFrame(2)).isEqualTo(t.frameCount());
    assertThat(t.segmentAtFrame(30)).isZero();
    assertThat(t.segmentAtFrame(31)).isEqualTo(1);
    assertThat(t.segmentAtFrame(99)).isEqualTo(2);
    assertThat(t.frameTime(31)).isEqualTo(Duration.ofNanos(1_033_333_333));
    assertThat(Timeline.firstFrameAtOrAfter(Duration.ofNanos(1), 30)).isEqualTo(1);
    assertThat(Timeline.firstFrameAtOrAfter(Duration.ZERO, 30)).isZero();
  }

  @Test
  void aLongStoryDoesNotDrift() {
    long[] ends = new long[1000];
    for (int i = 0; i < ends.length; i++) {
      ends[i] = (i + 1) * 3_337L; // 3.337 s each: rounding would drift by 1000 frames
    }
    Timeline t = timeline(30, ends);
    assertThat(t.startFrame(999)).isEqualTo(Timeline.firstFrameAtOrAfter(
        Duration.ofMillis(999 * 3_337L), 30));
    assertThat(t.frameCount()).isEqualTo((3_337_000L * 30 + 999) / 1000);
  }

  @Test
  void visualAndNarrationMustMatchAndTheNarrationMustBeContiguous() {
    PcmAudio audio = new PcmAudio(new byte[32000], 16000, 1);
    List<VisualClip> gap = List.of(new VisualClip(0, () -> IMG, Duration.ZERO,
        Duration.ofMillis(500)), new VisualClip(1, () -> IMG, Duration.ofMillis(600),
        Duration.ofSeconds(1)));
    assertThatThrownBy(() -> Timeline.of(VideoFormat.portrait(), audio, gap, List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("starts at");
    List<VisualClip> shortOne = List.of(new VisualClip(0, () -> IMG, Duration.ZERO,
        Duration.ofMillis(500)));
    assertThatThrownBy(() -> Timeline.of(VideoFormat.portrait(), audio, shortOne, List.of()))
        .hasMessageContaining("audio lasts");
  }

  private static WordTiming w(long from, long to) {
    return new WordTiming("w", Duration.ofMillis(from), Duration.ofMillis(to));
  }

  @Test
  void theEnvelopeDipsBeforeTheFirstWordAndComesBackInLongGapsOnly() {
    // Phrase 1: 1.0..2.0 s (a 0.3 s gap inside stays down); a 1.5 s gap; phrase 2: 3.5..4.0 s.
    List<WordTiming> words = List.of(w(1000, 1400), w(1700, 2000), w(3500, 4000));
    MusicTrack track = new MusicTrack(List.of(), -6, Ducking.DEFAULTS.envelope(words));
    assertThat(track.envelopeDbAt(Duration.ofMillis(500))).isZero();
    assertThat(track.envelopeDbAt(Duration.ofMillis(850))).isZero(); // ramp starts at 850
    assertThat(track.envelopeDbAt(Duration.ofMillis(925))).isCloseTo(-6, within());
    assertThat(track.envelopeDbAt(Duration.ofMillis(1000))).isEqualTo(-12); // down by the word
    assertThat(track.envelopeDbAt(Duration.ofMillis(1550))).isEqualTo(-12); // short gap: down
    assertThat(track.envelopeDbAt(Duration.ofMillis(2075))).isCloseTo(-6, within());
    assertThat(track.envelopeDbAt(Duration.ofMillis(2500))).isZero(); // long gap: back up
    assertThat(track.envelopeDbAt(Duration.ofMillis(3400))).isCloseTo(-4, within());
    assertThat(track.envelopeDbAt(Duration.ofMillis(3800))).isEqualTo(-12);
    assertThat(track.envelopeDbAt(Duration.ofMillis(5000))).isZero();
    // Smooth: no step bigger than the ramp's slope allows (12 dB per 150 ms) between 1 ms apart.
    double prev = track.envelopeDbAt(Duration.ZERO);
    for (int ms = 1; ms < 5000; ms++) {
      double g = track.envelopeDbAt(Duration.ofMillis(ms));
      assertThat(Math.abs(g - prev)).isLessThanOrEqualTo(12.0 / 150 + 1e-9);
      prev = g;
    }
  }

  @Test
  void duckingBoundsAreChecked() {
    assertThatThrownBy(() -> new Ducking(41, Duration.ofMillis(800), Duration.ofMillis(150)))
        .hasMessageContaining("0..40 dB");
    assertThat(new Ducking(0, Duration.ofMillis(800), Duration.ofMillis(150))
        .envelope(List.of(w(0, 100)))).isEmpty();
    assertThatThrownBy(() -> new MixSettings(-4, -1, false)).hasMessageContaining("-70..-5");
    assertThatThrownBy(() -> new MixSettings(-14, 1, false)).hasMessageContaining("dBTP");
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-6);
  }
}
