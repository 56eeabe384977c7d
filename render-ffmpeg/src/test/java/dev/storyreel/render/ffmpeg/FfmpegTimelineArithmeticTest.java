package dev.storyreel.render.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.storyreel.core.PcmAudio;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.spi.ImageSource;
import dev.storyreel.core.timeline.Timeline;
import dev.storyreel.core.timeline.VisualClip;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The frame arithmetic the renderer follows, as {@link Timeline} now carries it (it moved there
 * from the deleted {@code RenderRequest}): cuts on the first frame at or after each boundary,
 * computed from absolute time so nothing drifts.
 */
class FfmpegTimelineArithmeticTest {

  private static final ImageSource PICTURE = ImageSource.of(Fixtures.solid(Fixtures.COLOURS[0],
      8, 8));

  @Test
  void firstFrameAtOrAfterRoundsUpExceptOnTheFrame() {
    assertThat(Timeline.firstFrameAtOrAfter(Duration.ZERO, 12)).isZero();
    assertThat(Timeline.firstFrameAtOrAfter(Duration.ofMillis(1000), 12)).isEqualTo(12);
    assertThat(Timeline.firstFrameAtOrAfter(Duration.ofNanos(1_000_000_001L), 12)).isEqualTo(13);
    assertThat(Timeline.firstFrameAtOrAfter(Duration.ofMillis(1300), 12)).isEqualTo(16);
    assertThat(Timeline.firstFrameAtOrAfter(Duration.ofMillis(40), 25)).isEqualTo(1);
  }

  @Test
  void segmentsOwnTheFramesFromTheirStartUpToTheNextStart() {
    // 1300, 950 and 1170 ms at 12 fps: boundaries at 1.30 s and 2.25 s, end at 3.42 s.
    Timeline t = Fixtures.request(new VideoFormat(96, 160, 12), 16_000, 1, false);
    assertThat(t.frameCount()).isEqualTo(42);
    assertThat(t.startFrame(0)).isZero();
    assertThat(t.endFrame(0)).isEqualTo(16).isEqualTo(t.startFrame(1));
    assertThat(t.endFrame(1)).isEqualTo(27).isEqualTo(t.startFrame(2));
    assertThat(t.endFrame(2)).isEqualTo(42);
    assertThat(t.segmentAtFrame(0)).isZero();
    assertThat(t.segmentAtFrame(15)).isZero();
    assertThat(t.segmentAtFrame(16)).isEqualTo(1);
    assertThat(t.segmentAtFrame(26)).isEqualTo(1);
    assertThat(t.segmentAtFrame(27)).isEqualTo(2);
    assertThat(t.segmentAtFrame(41)).isEqualTo(2);
    assertThat(t.frameTime(16)).isEqualTo(Duration.ofNanos(1_333_333_333L));
    // The frame that first shows segment 1 is at or after its narration's start.
    assertThat(t.frameTime(16)).isGreaterThanOrEqualTo(t.visual().get(1).start());
    assertThat(t.frameTime(15)).isLessThan(t.visual().get(1).start());
  }

  @Test
  void aThousandUnevenSegmentsDoNotDrift() {
    int rate = 8000;
    List<VisualClip> clips = new ArrayList<>();
    long samples = 0;
    for (int i = 0; i < 1000; i++) {
      long n = 3001 + 37L * (i % 11);
      Duration start = Duration.ofNanos(samples * 1_000_000_000L / rate);
      samples += n;
      Duration end = Duration.ofNanos(samples * 1_000_000_000L / rate);
      clips.add(new VisualClip(i, PICTURE, start, end));
    }
    PcmAudio audio = new PcmAudio(new byte[(int) (2 * samples)], rate, 1);
    Timeline t = Timeline.of(new VideoFormat(64, 112, 30), audio, clips, List.of());
    long frames = 0;
    for (int i = 0; i < 1000; i++) {
      long expected = Math.floorDiv(clips.get(i).start().toNanos() * 30 + 999_999_999L,
          1_000_000_000L);
      assertThat(t.startFrame(i)).as("segment %d", i).isEqualTo(expected);
      frames += t.endFrame(i) - t.startFrame(i);
    }
    assertThat(frames).isEqualTo(t.frameCount());
    assertThat(t.frameCount()).isEqualTo(Timeline.firstFrameAtOrAfter(audio.duration(), 30));
    assertThat(t.segmentAtFrame(t.frameCount() - 1)).isEqualTo(999);
  }

  @Test
  void picturesThatDoNotCoverTheNarrationAreRefused() {
    PcmAudio audio = Fixtures.sine(2000, 16_000, 1);
    List<VisualClip> short1 = List.of(
        new VisualClip(0, PICTURE, Duration.ZERO, Duration.ofMillis(1500)));
    assertThatThrownBy(() -> Timeline.of(new VideoFormat(64, 112, 10), audio, short1, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("audio lasts");
  }
}
