package dev.storyreel.render.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.PcmAudio;
import dev.storyreel.core.ProgressEvent;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.spi.ImageSource;
import dev.storyreel.core.timeline.Timeline;
import dev.storyreel.core.spi.RenderResult;
import dev.storyreel.core.timeline.VisualClip;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FfmpegRendererTest {

  private static final VideoFormat PORTRAIT_12 = new VideoFormat(270, 480, 12);

  @TempDir Path dir;

  @Test
  void writesH264AndAacWithExactFrameCountAndNarrationLength() throws Exception {
    Timeline request = Fixtures.request(PORTRAIT_12, 16_000, 1, true);
    Path out = dir.resolve("video.mp4");
    List<ProgressEvent> events = new CopyOnWriteArrayList<>();

    RenderResult result = FfmpegRenderer.builder().build().render(request, out, events::add);

    Fixtures.Probe p = Fixtures.probe(out, false);
    assertThat(p.videoCodec()).isEqualTo(avcodec.AV_CODEC_ID_H264);
    assertThat(p.pixelFormat()).isEqualTo(avutil.AV_PIX_FMT_YUV420P);
    assertThat(p.width()).isEqualTo(270);
    assertThat(p.height()).isEqualTo(480);
    assertThat(p.colorSpace()).isEqualTo(avutil.AVCOL_SPC_SMPTE170M);
    assertThat(p.audioCodec()).isEqualTo(avcodec.AV_CODEC_ID_AAC);
    assertThat(p.audioRate()).isEqualTo(48_000);
    assertThat(p.audioChannels()).isEqualTo(2); // the soundtrack is mixed in stereo
    assertThat(request.frameCount()).isEqualTo(42); // ceil(3.42 s * 12)
    assertThat(p.videoFrames()).isEqualTo(request.frameCount());
    double narration = request.duration().toNanos() / 1e9;
    assertThat(p.audioSeconds()).isCloseTo(narration, within(0.050));

    assertThat(result.frameCount()).isEqualTo(42);
    assertThat(result.duration().toMillis()).isEqualTo(3500);
    assertThat(result.videoCodec()).isEqualTo("h264");
    assertThat(result.encoder()).isEqualTo("libx264");
    assertThat(result.audioCodec()).isEqualTo("aac");
    assertThat(result.thumbnail().getWidth()).isEqualTo(270);
    assertThat(result.thumbnail().getHeight()).isEqualTo(480);
    assertThat(Fixtures.looksLike(Fixtures.centreAverage(result.thumbnail()), Fixtures.COLOURS[0]))
        .isTrue();

    assertThat(events).last().isEqualTo(new ProgressEvent.FramesRendered(42, 42));
    assertThat(events)
        .containsSubsequence(
            new ProgressEvent.FramesRendered(12, 42),
            new ProgressEvent.FramesRendered(24, 42),
            new ProgressEvent.FramesRendered(36, 42));
  }

  @Test
  void cutsFallOnTheRequestsStartFrames() throws Exception {
    Timeline request = Fixtures.request(PORTRAIT_12, 16_000, 1, false);
    Path out = dir.resolve("cuts.mp4");
    FfmpegRenderer.builder().captions(false).transition(Transition.CUT).build()
        .render(request, out, null);

    assertCuts(request, Fixtures.probe(out, true));
  }

  @Test
  void cutsAndLengthsHoldAt25FpsWithStereo22kHzNarration() throws Exception {
    Timeline request = Fixtures.request(new VideoFormat(320, 240, 25), 22_050, 2, true);
    Path out = dir.resolve("landscape.mp4");
    RenderResult result =
        FfmpegRenderer.builder().transition(Transition.CUT).build().render(request, out, null);

    Fixtures.Probe p = Fixtures.probe(out, true);
    assertThat(request.frameCount()).isEqualTo(86); // ceil(3.42 s * 25)
    assertThat(p.videoFrames()).isEqualTo(86);
    assertThat(result.frameCount()).isEqualTo(86);
    assertThat(p.audioChannels()).isEqualTo(2);
    assertThat(p.audioSeconds()).isCloseTo(request.duration().toNanos() / 1e9, within(0.050));
    assertCuts(request, p);
  }

  @Test
  void manySegmentsOverHalfAMinuteDoNotDrift() throws Exception {
    // 24 segments of uneven, non-frame-aligned lengths: every frame must show its own segment.
    List<VisualClip> segments = new ArrayList<>();
    PcmAudio audio = null;
    Duration start = Duration.ZERO;
    for (int i = 0; i < 24; i++) {
      PcmAudio part = Fixtures.sine(900 + 37 * i + (i % 3) * 11, 16_000, 1);
      audio = audio == null ? part : audio.concat(part);
      Duration end = start.plus(part.duration());
      segments.add(
          new VisualClip(
              i, ImageSource.of(Fixtures.solid(Fixtures.COLOURS[i % 3], 60, 90)), start, end));
      start = end;
    }
    Timeline request =
        Timeline.of(new VideoFormat(96, 160, 24), audio, segments, List.of());
    Path out = dir.resolve("long.mp4");
    FfmpegRenderer.builder().transition(Transition.CUT).build().render(request, out, null);

    Fixtures.Probe p = Fixtures.probe(out, true);
    assertThat(p.videoFrames()).isEqualTo(request.frameCount());
    assertThat(p.audioSeconds()).isCloseTo(request.duration().toNanos() / 1e9, within(0.050));
    for (int k = 0; k < p.frames().size(); k++) {
      int segment = request.segmentAtFrame(k);
      double[] avg = Fixtures.centreAverage(p.frames().get(k));
      assertThat(Fixtures.looksLike(avg, Fixtures.COLOURS[segment % 3]))
          .as("frame %d shows segment %d: %s", k, segment, rgb(avg))
          .isTrue();
    }
  }

  @Test
  void oneInstanceRendersTwoVideosAtOnce() throws Exception {
    FfmpegRenderer renderer = FfmpegRenderer.builder().build();
    Timeline a = Fixtures.request(new VideoFormat(96, 160, 12), 16_000, 1, true);
    Timeline b = Fixtures.request(new VideoFormat(160, 96, 25), 22_050, 2, true);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<RenderResult> fa = pool.submit(() -> renderer.render(a, dir.resolve("a.mp4"), null));
      Future<RenderResult> fb = pool.submit(() -> renderer.render(b, dir.resolve("b.mp4"), null));
      assertThat(fa.get().frameCount()).isEqualTo(a.frameCount());
      assertThat(fb.get().frameCount()).isEqualTo(b.frameCount());
    } finally {
      pool.shutdownNow();
    }
    assertThat(Fixtures.probe(dir.resolve("a.mp4"), false).videoFrames()).isEqualTo(a.frameCount());
    assertThat(Fixtures.probe(dir.resolve("b.mp4"), false).videoFrames()).isEqualTo(b.frameCount());
  }

  private static void assertCuts(Timeline request, Fixtures.Probe p) {
    assertThat(p.frames()).hasSize((int) request.frameCount());
    for (int i = 1; i < request.visual().size(); i++) {
      int cut = (int) request.startFrame(i);
      double[] before = Fixtures.centreAverage(p.frames().get(cut - 1));
      double[] after = Fixtures.centreAverage(p.frames().get(cut));
      assertThat(Fixtures.looksLike(before, Fixtures.COLOURS[i - 1]))
          .as("frame %d (before cut %d) shows segment %d: %s", cut - 1, i, i - 1, rgb(before))
          .isTrue();
      assertThat(Fixtures.looksLike(after, Fixtures.COLOURS[i]))
          .as("frame %d (cut %d) shows segment %d: %s", cut, i, i, rgb(after))
          .isTrue();
    }
  }

  private static String rgb(double[] c) {
    return String.format("rgb(%.0f, %.0f, %.0f)", c[0], c[1], c[2]);
  }

  @Test
  void captionsAreDrawnInsideTheSafeArea() throws Exception {
    Timeline request = Fixtures.request(PORTRAIT_12, 16_000, 1, true);
    Path with = dir.resolve("with.mp4");
    Path without = dir.resolve("without.mp4");
    FfmpegRenderer on = FfmpegRenderer.builder().build();
    on.render(request, with, null);
    on.toBuilder().captions(false).build().render(request, without, null);

    // Frame 6 is at 0.5 s: cue 0 ("Once upon a") is up, "upon" being spoken.
    BufferedImage a = Fixtures.probe(with, true).frames().get(6);
    BufferedImage b = Fixtures.probe(without, true).frames().get(6);
    Rectangle safe = CaptionPainter.safeArea(270, 480);
    // Allow the encoder a macroblock of bleed around the caption.
    Rectangle tolerated =
        new Rectangle(safe.x - 16, safe.y - 16, safe.width + 32, safe.height + 32);
    int changed = 0;
    int bottom = 0;
    for (int y = 0; y < 480; y++) {
      for (int x = 0; x < 270; x++) {
        if (distance(a.getRGB(x, y), b.getRGB(x, y)) > 60) {
          changed++;
          bottom = Math.max(bottom, y);
          assertThat(tolerated.contains(x, y)).as("changed pixel (%d, %d)", x, y).isTrue();
        }
      }
    }
    assertThat(changed).isGreaterThan(200);
    // In the lower third, clear of the bottom 15% where the apps put their buttons.
    assertThat(bottom).isGreaterThan(480 * 2 / 3).isLessThan((int) (480 * 0.85) + 16);
  }

  private static int distance(int p, int q) {
    int d = 0;
    for (int s = 0; s <= 16; s += 8) {
      d = Math.max(d, Math.abs(((p >> s) & 0xff) - ((q >> s) & 0xff)));
    }
    return d;
  }

  @Test
  void invalidOptionsAreRejectedNamingTheValue() {
    assertThatThrownBy(() -> FfmpegRenderer.builder().crf(99))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("99");
    assertThatThrownBy(() -> FfmpegRenderer.builder().crf(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
    assertThatThrownBy(() -> FfmpegRenderer.builder().preset("warp"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("warp");
    assertThatThrownBy(() -> FfmpegRenderer.builder().audioBitrateKbps(5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("5");
    assertThatThrownBy(() -> FfmpegRenderer.builder().audioSampleRateHz(47_000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("47000");
    assertThatThrownBy(() -> FfmpegRenderer.builder().kenBurnsZoom(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NaN");
    assertThatThrownBy(() -> FfmpegRenderer.builder().videoCodec("lib x264"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lib x264");
  }

  @Test
  void builderKeepsDefaultsAndRoundTrips() {
    FfmpegRenderer r = FfmpegRenderer.builder().build();
    assertThat(r.name()).isEqualTo("ffmpeg");
    assertThat(r.videoCodec()).isEqualTo("auto");
    assertThat(r.preset()).isEqualTo("veryfast");
    assertThat(r.crf()).isEqualTo(23);
    assertThat(r.audioBitrateKbps()).isEqualTo(128);
    assertThat(r.audioSampleRateHz()).isEqualTo(48_000);
    assertThat(r.captions()).isTrue();
    assertThat(r.kenBurnsZoom()).isEqualTo(1.12);

    FfmpegRenderer s = r.toBuilder().preset("MEDIUM").crf(18).videoCodec("libopenh264").build();
    assertThat(s.preset()).isEqualTo("medium");
    assertThat(s.crf()).isEqualTo(18);
    assertThat(s.videoCodec()).isEqualTo("libopenh264");
    assertThat(r.crf()).as("the original is unchanged").isEqualTo(23);
  }

  @Test
  void unknownEncoderIsAConfigurationError() {
    FfmpegRenderer r = FfmpegRenderer.builder().videoCodec("libx999").build();
    Timeline request = Fixtures.request(PORTRAIT_12, 16_000, 1, false);
    Path out = dir.resolve("never.mp4");
    assertThatThrownBy(() -> r.render(request, out, null))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("libx999")
        .hasMessageContaining("org.bytedeco:ffmpeg:8.0.1-1.5.13:linux-x86_64-gpl");
    assertThat(out).doesNotExist();
  }

  @Test
  void nonH264EncoderIsAConfigurationError() {
    FfmpegRenderer r = FfmpegRenderer.builder().videoCodec("mpeg4").build();
    assertThatThrownBy(r::resolveEncoder)
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("mpeg4")
        .hasMessageContaining("libx264");
  }

  @Test
  void explicitLibopenh264IsUsedWhenAsked() throws Exception {
    Timeline request = Fixtures.request(new VideoFormat(160, 96, 12), 16_000, 1, false);
    Path out = dir.resolve("openh264.mp4");
    RenderResult result =
        FfmpegRenderer.builder().videoCodec("libopenh264").build().render(request, out, null);
    assertThat(result.encoder()).isEqualTo("libopenh264");
    Fixtures.Probe p = Fixtures.probe(out, false);
    assertThat(p.videoCodec()).isEqualTo(avcodec.AV_CODEC_ID_H264);
    assertThat(p.videoFrames()).isEqualTo(request.frameCount());
  }

  @Test
  void ffmpegFailuresNameTheOutputPath() {
    Timeline request = Fixtures.request(PORTRAIT_12, 16_000, 1, false);
    Path out = dir.resolve("no-such-folder").resolve("video.mp4");
    assertThatThrownBy(() -> FfmpegRenderer.builder().build().render(request, out, null))
        .isInstanceOf(NonRetriableException.class)
        .isNotInstanceOf(ConfigurationException.class)
        .hasMessageContaining(out.toString());
  }

  @Test
  void interruptCancelsTheRender() throws Exception {
    Timeline request = Fixtures.request(PORTRAIT_12, 16_000, 1, true);
    Path out = dir.resolve("cancelled.mp4");
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicBoolean stillInterrupted = new AtomicBoolean();
    List<ProgressEvent> events = new CopyOnWriteArrayList<>();
    Thread t =
        new Thread(
            () -> {
              try {
                FfmpegRenderer.builder()
                    .build()
                    .render(
                        request,
                        out,
                        e -> {
                          events.add(e);
                          Thread.currentThread().interrupt();
                        });
              } catch (Throwable e) {
                thrown.set(e);
              }
              stillInterrupted.set(Thread.currentThread().isInterrupted());
            });
    t.start();
    t.join();

    assertThat(thrown.get()).isInstanceOf(CancellationException.class);
    assertThat(stillInterrupted).isTrue();
    // Interrupted after the first progress event (frame 12): no frame after it was rendered.
    assertThat(events).containsExactly(new ProgressEvent.FramesRendered(12, 42));
  }

  @Test
  void aThrowingListenerDoesNotBreakTheRender() throws Exception {
    Timeline request = Fixtures.request(new VideoFormat(96, 160, 12), 16_000, 1, false);
    Path out = dir.resolve("listener.mp4");
    RenderResult result =
        FfmpegRenderer.builder()
            .build()
            .render(
                request,
                out,
                e -> {
                  throw new IllegalStateException("listener bug");
                });
    assertThat(result.frameCount()).isEqualTo(request.frameCount());
    assertThat(Files.size(out)).isPositive();
  }
}
