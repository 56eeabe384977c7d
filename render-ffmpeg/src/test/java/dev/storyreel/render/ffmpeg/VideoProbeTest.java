package dev.storyreel.render.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.storyreel.core.InvalidInputException;
import dev.storyreel.core.spi.VideoInfo;
import dev.storyreel.testkit.VideoFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link FfmpegRenderer#probeVideo}: what a usable video reports, and each way a file is refused. */
class VideoProbeTest {
  @TempDir Path dir;

  private final FfmpegRenderer renderer = FfmpegRenderer.builder().build();

  @Test
  void aVideoReportsItsSizeRateDurationAndAudio() {
    Path mp4 = VideoFixtures.mp4(dir.resolve("clip.mp4"), 160, 96, 24, 48, 0f, true);
    VideoInfo info = renderer.probeVideo(mp4);
    assertThat(info.widthPx()).isEqualTo(160);
    assertThat(info.heightPx()).isEqualTo(96);
    assertThat(info.fps()).isEqualTo(24.0);
    assertThat(info.duration().toMillis()).isBetween(1900L, 2100L);
    assertThat(info.frameCount()).isBetween(47L, 49L);
    assertThat(info.hasAudio()).isTrue();
    assertThat(renderer.probeVideo(VideoFixtures.mp4(dir.resolve("silent.mp4"), 64, 64, 30, 10))
        .hasAudio()).isFalse();
  }

  @Test
  void aFileThatIsNotAVideoIsRefusedNamingIt() throws Exception {
    Path text = Files.writeString(dir.resolve("notes.mp4"), "this is not a video at all");
    assertThatThrownBy(() -> renderer.probeVideo(text)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("notes.mp4").hasMessageContaining("not a video");
  }

  @Test
  void anEmptyOrMissingFileIsRefused() throws Exception {
    Path empty = Files.createFile(dir.resolve("empty.mp4"));
    assertThatThrownBy(() -> renderer.probeVideo(empty)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> renderer.probeVideo(dir.resolve("missing.mp4")))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("Cannot read");
  }

  @Test
  void anAudioOnlyFileHasNoVideoStream() {
    Path wav = dir.resolve("tone.wav");
    try {
      AudioFileFixtures.tone(wav, 48_000, 1, 1.0, 440);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    assertThatThrownBy(() -> renderer.probeVideo(wav)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("no video stream");
  }

  @Test
  void aCutOffVideoIsRefused() throws Exception {
    Path mp4 = VideoFixtures.mp4(dir.resolve("whole.mp4"), 160, 96, 24, 48);
    byte[] all = Files.readAllBytes(mp4);
    Path cut = Files.write(dir.resolve("cut.mp4"), java.util.Arrays.copyOf(all, all.length / 3));
    assertThatThrownBy(() -> renderer.probeVideo(cut)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("cut.mp4");
  }
}
