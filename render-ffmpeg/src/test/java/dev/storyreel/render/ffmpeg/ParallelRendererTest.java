package dev.storyreel.render.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.spi.ImageSource;
import dev.storyreel.core.timeline.Timeline;
import dev.storyreel.core.timeline.VisualClip;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parallel compositor against the single-threaded path, transitions and failure handling. */
class ParallelRendererTest {

  private static final VideoFormat SMALL = new VideoFormat(180, 320, 12);

  @TempDir Path dir;

  /** Every frame's pts (microseconds) and picture, decoded. */
  private record Decoded(List<Long> pts, List<BufferedImage> frames) {}

  private static Decoded decode(Path file) throws Exception {
    List<Long> pts = new ArrayList<>();
    List<BufferedImage> frames = new ArrayList<>();
    try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile())) {
      g.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
      g.start();
      Frame f;
      while ((f = g.grabImage()) != null) {
        pts.add(f.timestamp);
        frames.add(Fixtures.toImage(f));
      }
      g.stop();
    }
    return new Decoded(pts, frames);
  }

  private static int maxDifference(BufferedImage a, BufferedImage b) {
    int max = 0;
    for (int y = 0; y < a.getHeight(); y++) {
      for (int x = 0; x < a.getWidth(); x++) {
        int p = a.getRGB(x, y);
        int q = b.getRGB(x, y);
        for (int shift = 0; shift <= 16; shift += 8) {
          max = Math.max(max, Math.abs(((p >> shift) & 0xff) - ((q >> shift) & 0xff)));
        }
      }
    }
    return max;
  }

  private static List<Thread> compositorThreads() {
    List<Thread> found = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive() && t.getName().startsWith(ReorderBuffer.THREAD_PREFIX)) {
        found.add(t);
      }
    }
    return found;
  }

  @Test
  void parallelOutputEqualsSingleThreadedOutput() throws Exception {
    Timeline request = Fixtures.request(SMALL, 16_000, 1, true);
    Path single = dir.resolve("single.mp4");
    Path parallel = dir.resolve("parallel.mp4");
    FfmpegRenderer.builder().workers(1).build().render(request, single, null);
    FfmpegRenderer.builder().workers(3).build().render(request, parallel, null);

    Decoded a = decode(single);
    Decoded b = decode(parallel);
    assertThat(a.frames()).hasSize((int) request.frameCount());
    assertThat(b.frames()).hasSize((int) request.frameCount());
    assertThat(b.pts()).isEqualTo(a.pts());
    for (int k = 0; k < request.frameCount(); k++) {
      assertThat(a.pts().get(k)).as("pts of frame %d, us", k).isEqualTo(k * 1_000_000L / 12);
      assertThat(maxDifference(a.frames().get(k), b.frames().get(k)))
          .as("frame %d differs between 1 and 3 workers", k)
          .isLessThanOrEqualTo(2);
    }
    assertThat(compositorThreads()).as("compositor threads left running").isEmpty();
  }

  @Test
  void withCutsThePictureSwitchesExactlyAtEachStartFrame() throws Exception {
    Timeline request = Fixtures.request(SMALL, 16_000, 1, false);
    Path out = dir.resolve("cut.mp4");
    FfmpegRenderer.builder().workers(2).transition(Transition.CUT).build()
        .render(request, out, null);

    List<BufferedImage> frames = decode(out).frames();
    for (int i = 1; i < request.visual().size(); i++) {
      int cut = (int) request.startFrame(i);
      assertThat(Fixtures.looksLike(Fixtures.centreAverage(frames.get(cut - 1)),
          Fixtures.COLOURS[i - 1])).as("frame before cut %d", i).isTrue();
      assertThat(Fixtures.looksLike(Fixtures.centreAverage(frames.get(cut)),
          Fixtures.COLOURS[i])).as("first frame of segment %d", i).isTrue();
    }
  }

  @Test
  void crossfadeIsCentredOnTheBoundary() throws Exception {
    // 12 fps and 500 ms: 6 frames, 3 before the boundary frame and 3 from it on.
    Timeline request = Fixtures.request(SMALL, 16_000, 1, false);
    Path out = dir.resolve("fade.mp4");
    FfmpegRenderer.builder().workers(2).transitionDuration(Duration.ofMillis(500)).build()
        .render(request, out, null);

    List<BufferedImage> frames = decode(out).frames();
    int b = (int) request.startFrame(1);
    double[] firstOfFade = Fixtures.centreAverage(frames.get(b - 3));
    double[] lastOfFade = Fixtures.centreAverage(frames.get(b + 2));
    assertThat(Fixtures.looksLike(Fixtures.centreAverage(frames.get(b - 4)), Fixtures.COLOURS[0]))
        .as("before the window: segment 0 alone").isTrue();
    assertThat(Fixtures.looksLike(Fixtures.centreAverage(frames.get(b + 3)), Fixtures.COLOURS[1]))
        .as("after the window: segment 1 alone").isTrue();
    double[] mid = Fixtures.centreAverage(frames.get(b));
    // Red fades out, green fades in: at the boundary both are clearly present.
    assertThat(mid[0]).isBetween(60.0, 200.0);
    assertThat(mid[1]).isBetween(60.0, 200.0);
    assertThat(firstOfFade[0]).isGreaterThan(mid[0]);
    assertThat(lastOfFade[1]).isGreaterThan(mid[1]);
  }

  /** A picture that cannot be read: scaling it throws. */
  private static final class Broken extends BufferedImage {
    Broken() {
      super(8, 8, BufferedImage.TYPE_INT_RGB);
    }

    @Override
    public int getWidth() {
      throw new IllegalStateException("broken picture");
    }
  }

  @Test
  void aFailingWorkerFailsTheRenderWithItsCauseAndLeavesNoThreads() {
    Timeline ok = Fixtures.request(SMALL, 16_000, 1, false);
    List<VisualClip> segments = new ArrayList<>(ok.visual());
    VisualClip s1 = segments.get(1);
    segments.set(1, new VisualClip(1, ImageSource.of(new Broken()), s1.start(), s1.end()));
    Timeline request = new Timeline(ok.format(), segments, ok.narration(), ok.music(),
        ok.effects(), List.of(), ok.overlays(), ok.mix());

    assertThatThrownBy(
            () -> FfmpegRenderer.builder().workers(2).build()
                .render(request, dir.resolve("broken.mp4"), null))
        .isInstanceOf(NonRetriableException.class)
        .hasMessageContaining("composing frame")
        .hasRootCauseMessage("broken picture");
    assertThat(compositorThreads()).isEmpty();
  }

  @Test
  void interruptingAParallelRenderCancelsItAndStopsTheWorkers() throws Exception {
    Timeline request = Fixtures.request(SMALL, 16_000, 1, true);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread t =
        new Thread(
            () -> {
              try {
                FfmpegRenderer.builder().workers(4).build()
                    .render(request, dir.resolve("c.mp4"), e -> Thread.currentThread().interrupt());
              } catch (Throwable e) {
                thrown.set(e);
              }
            });
    t.start();
    t.join();
    assertThat(thrown.get()).isInstanceOf(CancellationException.class);
    assertThat(compositorThreads()).isEmpty();
  }

  @Test
  void missingHardwareEncodersFallBackToSoftwareWithAWarning() {
    Logger log = Logger.getLogger(FfmpegRenderer.class.getName());
    List<LogRecord> records = new ArrayList<>();
    Handler h =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            records.add(r);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    log.addHandler(h);
    try {
      for (String hw : FfmpegNatives.HARDWARE_ENCODERS) {
        String problem = FfmpegNatives.hardwareProblem(hw);
        if (!problem.isEmpty()) { // no GPU here; where one exists the encoder is used as asked
          records.clear();
          String used = FfmpegRenderer.builder().videoCodec(hw).build().resolveEncoder();
          assertThat(used).isEqualTo("libx264");
          assertThat(records).anySatisfy(r -> {
            assertThat(r.getLevel()).isEqualTo(Level.WARNING);
            assertThat(r.getMessage()).contains(hw).contains("libx264");
          });
        }
      }
    } finally {
      log.removeHandler(h);
    }
  }

  @Test
  void encoderOptionsAreValidated() {
    assertThatThrownBy(() -> FfmpegRenderer.builder().crf(20).videoBitrateKbps(4000).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not both");
    assertThatThrownBy(() -> FfmpegRenderer.builder().workers(-1))
        .hasMessageContaining("workers").hasMessageContaining("-1");
    assertThatThrownBy(() -> FfmpegRenderer.builder().gopFrames(5000))
        .hasMessageContaining("5000");
    assertThatThrownBy(() -> FfmpegRenderer.builder().transitionDuration(Duration.ofSeconds(3)))
        .hasMessageContaining("PT3S");
    FfmpegRenderer br = FfmpegRenderer.builder().videoBitrateKbps(4000).gopFrames(60).build();
    assertThat(br.crf()).isEqualTo(-1);
    assertThat(br.videoBitrateKbps()).isEqualTo(4000);
    assertThat(br.gopFrames()).isEqualTo(60);
  }

  @Test
  void fingerprintHoldsWhatChangesTheVideoButNotTheWorkers() {
    FfmpegRenderer base = FfmpegRenderer.builder().build();
    assertThat(base.toBuilder().workers(7).build().fingerprint()).isEqualTo(base.fingerprint());
    assertThat(base.toBuilder().transition(Transition.CUT).build().fingerprint())
        .isNotEqualTo(base.fingerprint());
    assertThat(base.toBuilder().transitionDuration(Duration.ofMillis(600)).build().fingerprint())
        .isNotEqualTo(base.fingerprint());
    assertThat(base.toBuilder().gopFrames(10).build().fingerprint())
        .isNotEqualTo(base.fingerprint());
    assertThat(base.toBuilder().videoBitrateKbps(3000).build().fingerprint())
        .isNotEqualTo(base.fingerprint());
    assertThat(base.toBuilder().crf(30).build().fingerprint()).isNotEqualTo(base.fingerprint());
    assertThat(base.toBuilder().captions(false).build().fingerprint())
        .isNotEqualTo(base.fingerprint());
  }

  @Test
  void yuvConversionMatchesBt601LimitedRange() {
    int[] rgb = {0xffffff, 0xffffff, 0x000000, 0x000000, 0xff0000, 0xff0000, 0xff0000, 0xff0000};
    // 2x4: rows 0-1 white/black mixed, rows 2-3 red.
    int[] px = {0xffffff, 0xffffff, 0xffffff, 0xffffff, 0xff0000, 0xff0000, 0xff0000, 0xff0000};
    byte[] out = new byte[8 + 4];
    FrameCompositor.toYuv420p(px, 2, 4, out);
    assertThat(out[0] & 0xff).isEqualTo(235);
    assertThat(out[8] & 0xff).isEqualTo(128); // U of white
    assertThat(out[10] & 0xff).isEqualTo(128); // V of white
    assertThat(out[4] & 0xff).isEqualTo(82); // Y of red
    assertThat(out[9] & 0xff).isEqualTo(90); // U of red
    assertThat(out[11] & 0xff).isEqualTo(240); // V of red
    assertThat(rgb).hasSize(8);
  }
}
