package dev.storyreel.render.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.Narration;
import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.Story;
import dev.storyreel.core.StoryReel;
import dev.storyreel.core.Storyboard;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.spi.GeneratedImage;
import dev.storyreel.core.spi.ImageProvider;
import dev.storyreel.core.spi.ImageRequest;
import dev.storyreel.core.spi.SpeechProvider;
import dev.storyreel.core.spi.SpeechRequest;
import dev.storyreel.core.spi.StoryPlanner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.bytedeco.ffmpeg.global.avcodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FfmpegRenderer#preflight}: it opens the encoder the render would open, and a job that
 * cannot render fails before any provider is called or anything is written.
 */
class FfmpegPreflightTest {

  private static final VideoFormat SMALL = new VideoFormat(270, 480, 12);
  private static final String TEXT = "The ferry left at nine. Nobody on the pier waved back.";

  @TempDir Path dir;

  /** Planner, images and speech that count their calls and make nothing. */
  private static final class Counting implements StoryPlanner, ImageProvider, SpeechProvider {
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public String name() {
      return "counting";
    }

    @Override
    public String model() {
      return "none";
    }

    @Override
    public String resource() {
      return "planning";
    }

    private NonRetriableException called() {
      calls.incrementAndGet();
      return new NonRetriableException("the counting fake makes nothing");
    }

    @Override
    public Storyboard plan(Story story, VideoFormat format, String visualStyle) {
      throw called();
    }

    @Override
    public GeneratedImage generate(ImageRequest request) {
      throw called();
    }

    @Override
    public Narration synthesize(SpeechRequest request) {
      throw called();
    }
  }

  private final Counting providers = new Counting();

  private StoryReel reel(FfmpegRenderer renderer, boolean overwrite) {
    return StoryReel.builder()
        .format(SMALL)
        .planner(providers)
        .images(providers)
        .speech(providers)
        .renderer(renderer)
        .overwrite(overwrite)
        .workDir(dir.resolve("work"))
        .build();
  }

  @Test
  void vp9IsNotAnEncoderOfThisBuildSoPreflightRefusesIt() {
    FfmpegNatives.requireLoaded();
    // FFmpeg's VP9 encoder is "libvpx-vp9"; there is no encoder called "vp9".
    assertThat(avcodec.avcodec_find_encoder_by_name("vp9")).isNull();
    FfmpegRenderer vp9 = FfmpegRenderer.builder().videoCodec("vp9").build();

    assertThatThrownBy(() -> vp9.preflight(SMALL))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("no encoder named 'vp9'")
        .hasMessageContaining("auto");
  }

  @Test
  void crfZeroWithLibx264IsRefusedBecauseTheHighProfileHasNoLossless() {
    assertThat(FfmpegNatives.hasEncoder("libx264")).isTrue();
    FfmpegRenderer lossless = FfmpegRenderer.builder().videoCodec("libx264").crf(0).build();

    assertThatThrownBy(() -> lossless.preflight(SMALL))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("libx264")
        .hasMessageContaining("CRF 0")
        .hasMessageContaining("High 4:4:4")
        .hasMessageContaining("1..51")
        .hasMessageNotContaining("Exception");
    // Not remembered: it fails again, and the same CRF with another encoder is fine.
    assertThatThrownBy(() -> lossless.preflight(SMALL)).isInstanceOf(ConfigurationException.class);
    assertThatCode(
            () -> FfmpegRenderer.builder().videoCodec("libopenh264").crf(0).build().preflight(SMALL))
        .doesNotThrowAnyException();
    assertThatCode(() -> FfmpegRenderer.builder().crf(1).build().preflight(SMALL))
        .doesNotThrowAnyException();
  }

  @Test
  void aFrameOverOpenH264sLimitIsRefusedWithTheLimit() {
    FfmpegRenderer openh264 = FfmpegRenderer.builder().videoCodec("libopenh264").build();

    assertThatThrownBy(() -> openh264.preflight(VideoFormat.of(4096, 4096)))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("libopenh264")
        .hasMessageContaining("9437184")
        .hasMessageContaining("16777216");
    assertThatCode(() -> openh264.preflight(VideoFormat.of(3840, 2160)))
        .doesNotThrowAnyException();
  }

  @Test
  void aHardwareEncoderThatCannotOpenFallsBackAsTheRenderDoes() {
    // With no GPU the probe fails and both preflight and render use the software encoder; with
    // one, nvenc opens. Either way the preflight passes, as the render would start.
    FfmpegRenderer nvenc = FfmpegRenderer.builder().videoCodec("h264_nvenc").build();
    assertThatCode(() -> nvenc.preflight(SMALL)).doesNotThrowAnyException();
  }

  @Test
  void aSuccessIsRememberedPerSettingsAndFormatAndLeavesNoFile() throws IOException {
    Set<Path> before = preflightDirs();
    VideoFormat unusual = new VideoFormat(202, 362, 7);
    FfmpegRenderer renderer = FfmpegRenderer.builder().preset("ultrafast").crf(30).build();

    long probes = FfmpegRenderer.PREFLIGHT_PROBES.get();
    renderer.preflight(unusual);
    assertThat(FfmpegRenderer.PREFLIGHT_PROBES.get()).isEqualTo(probes + 1);
    renderer.preflight(unusual);
    renderer.toBuilder().workers(3).build().preflight(unusual); // workers do not change the video
    assertThat(FfmpegRenderer.PREFLIGHT_PROBES.get()).isEqualTo(probes + 1);
    renderer.preflight(unusual.withFps(8));
    renderer.toBuilder().crf(31).build().preflight(unusual);
    assertThat(FfmpegRenderer.PREFLIGHT_PROBES.get()).isEqualTo(probes + 3);

    assertThat(preflightDirs()).isSubsetOf(before);
  }

  @Test
  void aJobWithAnEncoderThatCannotOpenFailsBeforeAnyProviderCallOrWrite() {
    Path out = dir.resolve("out");
    FfmpegRenderer vp9 = FfmpegRenderer.builder().videoCodec("vp9").build();
    assertThatThrownBy(() -> reel(vp9, false).render(new Story("t", TEXT), out))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("vp9");
    FfmpegRenderer lossless = FfmpegRenderer.builder().crf(0).build();
    assertThatThrownBy(() -> reel(lossless, false).render(new Story("t", TEXT), out))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("CRF 0");

    assertThat(providers.calls.get()).isZero();
    assertThat(out).doesNotExist();
    assertThat(dir.resolve("work")).doesNotExist();
  }

  @Test
  void aFailedPreflightKeepsTheFinishedOutputEvenWithOverwriteOn() throws IOException {
    Path out = Files.createDirectories(dir.resolve("out"));
    Files.writeString(out.resolve("manifest.json"), "{\"title\":\"another story\"}");
    Files.writeString(out.resolve("video.mp4"), "precious");
    FfmpegRenderer lossless = FfmpegRenderer.builder().crf(0).build();

    assertThatThrownBy(() -> reel(lossless, true).render(new Story("t", TEXT), out))
        .isInstanceOf(ConfigurationException.class);

    assertThat(providers.calls.get()).isZero();
    try (Stream<Path> files = Files.list(out)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("manifest.json", "video.mp4");
    }
    assertThat(Files.readString(out.resolve("video.mp4"))).isEqualTo("precious");
  }

  @Test
  void withSettingsThatOpenTheJobStartsAndCallsThePlanner() {
    // The control for the tests above: the same job with a working encoder reaches the planner.
    Path out = dir.resolve("out");
    assertThatThrownBy(
            () -> reel(FfmpegRenderer.builder().build(), false).render(new Story("t", TEXT), out))
        .isInstanceOf(NonRetriableException.class)
        .hasMessageContaining("counting fake");
    assertThat(providers.calls.get()).isEqualTo(1);
  }

  private static Set<Path> preflightDirs() throws IOException {
    try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return s.filter(p -> p.getFileName().toString().startsWith("storyreel-preflight-"))
          .collect(Collectors.toSet());
    }
  }
}
