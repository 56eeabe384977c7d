package dev.storyreel.render.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.storyreel.testkit.Allocations;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The render's own MP4 encoder: what it writes, how it fails, and that it allocates nothing. */
class Mp4EncoderTest {
  private static final int W = 64;
  private static final int H = 48;
  private static final int FPS = 25;
  private static final int RATE = 48_000;

  @TempDir Path dir;

  private static Mp4Encoder.Config config(String encoder, int pixelFormat) {
    return new Mp4Encoder.Config(W, H, FPS, encoder, pixelFormat, avcodec.AV_PROFILE_H264_HIGH,
        2 * FPS, 0, Map.of("preset", "veryfast", "crf", "18"), RATE, 2, 128_000);
  }

  /** A flat frame: luma {@code y} everywhere, chroma {@code u}, {@code v}. */
  private static byte[] flat(int y, int u, int v) {
    byte[] yuv = new byte[W * H * 3 / 2];
    Arrays.fill(yuv, 0, W * H, (byte) y);
    Arrays.fill(yuv, W * H, W * H + W * H / 4, (byte) u);
    Arrays.fill(yuv, W * H + W * H / 4, yuv.length, (byte) v);
    return yuv;
  }

  /** {@code frames} sample frames of a stereo 440 Hz tone, interleaved little-endian floats. */
  private static ByteBuffer tone(int frames) {
    ByteBuffer b = ByteBuffer.allocate(8 * frames).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < frames; i++) {
      float s = (float) (0.25 * Math.sin(2 * Math.PI * 440 * i / RATE));
      b.putFloat(s).putFloat(-s);
    }
    return b.flip();
  }

  private Path encode(String name, Mp4Encoder.Config config, int frames, int sampleFrames)
      throws Exception {
    Path file = dir.resolve(name);
    ByteBuffer pcm = tone(sampleFrames);
    try (Mp4Encoder mp4 = new Mp4Encoder(file, config)) {
      mp4.start();
      long sent = 0;
      for (int k = 0; k < frames; k++) {
        mp4.writeVideo(flat(40 + 6 * k, 120, 140));
        long due = Math.min(sampleFrames, (long) (k + 1) * RATE / FPS);
        mp4.writeAudio(pcm, (int) (due - sent));
        sent = due;
      }
      mp4.writeAudio(pcm, (int) (sampleFrames - sent));
      assertThat(mp4.videoFrames()).isEqualTo(frames);
      assertThat(mp4.audioFrames()).isEqualTo(sampleFrames);
      mp4.finish();
    }
    return file;
  }

  @Test
  void framesAndSoundComeBackWithTheirCountsTagsAndTheIndexInFront() throws Exception {
    // 1.5 s of sound plus 500 samples: the last AAC frame is a partial one.
    int samples = RATE * 3 / 2 + 500;
    Path file = encode("a.mp4", config("libx264", avutil.AV_PIX_FMT_YUV420P), 30, samples);

    Fixtures.Probe p = Fixtures.probe(file, true);
    assertThat(p.videoCodec()).isEqualTo(avcodec.AV_CODEC_ID_H264);
    assertThat(p.width()).isEqualTo(W);
    assertThat(p.height()).isEqualTo(H);
    assertThat(p.videoFrames()).isEqualTo(30);
    assertThat(p.colorSpace()).isEqualTo(avutil.AVCOL_SPC_SMPTE170M);
    assertThat(p.audioCodec()).isEqualTo(avcodec.AV_CODEC_ID_AAC);
    assertThat(p.audioRate()).isEqualTo(RATE);
    assertThat(p.audioChannels()).isEqualTo(2);
    // The decoder may round the last packet up to a whole AAC frame (1024 samples).
    assertThat(p.audioSeconds()).isBetween((double) samples / RATE - 0.001,
        (samples + 1024.0) / RATE);
    // Frames in order: luma 40 + 6k, i.e. a grey that brightens frame by frame.
    double previous = -1;
    for (int k = 0; k < 30; k += 7) {
      double[] avg = Fixtures.centreAverage(p.frames().get(k));
      double expectedLuma = 40 + 6 * k;
      // BT.601 limited range, U 120 and V 140 (no channel clips): red above green.
      assertThat(avg[0]).isGreaterThan(avg[1]);
      double luma = 16 + (0.299 * avg[0] + 0.587 * avg[1] + 0.114 * avg[2]) * 219 / 255;
      assertThat(luma).as("frame %d", k).isCloseTo(expectedLuma, within(3.0));
      assertThat(luma).isGreaterThan(previous);
      previous = luma;
    }
    // +faststart: the index (moov) comes before the media data (mdat).
    String head = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    assertThat(head.indexOf("moov")).isPositive().isLessThan(head.indexOf("mdat"));
  }

  @Test
  void nv12InputGivesThePicturesOfYuv420p() throws Exception {
    Path planar = encode("p.mp4", config("libx264", avutil.AV_PIX_FMT_YUV420P), 5, RATE / 5);
    Path nv12 = encode("n.mp4", config("libx264", avutil.AV_PIX_FMT_NV12), 5, RATE / 5);

    Fixtures.Probe a = Fixtures.probe(planar, true);
    Fixtures.Probe b = Fixtures.probe(nv12, true);
    assertThat(b.videoFrames()).isEqualTo(5);
    for (int k = 0; k < 5; k++) {
      double[] x = Fixtures.centreAverage(a.frames().get(k));
      double[] y = Fixtures.centreAverage(b.frames().get(k));
      for (int c = 0; c < 3; c++) {
        assertThat(y[c]).as("frame %d channel %d", k, c).isCloseTo(x[c], within(2.0));
      }
    }
    BufferedImage first = b.frames().get(0);
    double[] avg = Fixtures.centreAverage(first);
    // Swapped chroma (V where U belongs) would make it blue rather than red.
    assertThat(avg[0]).isGreaterThan(avg[2] + 20);
  }

  @Test
  void steadyStateAllocatesNothingOnTheJavaHeap() throws Exception {
    assumeThat(Allocations.supported()).isTrue();
    byte[] yuv = flat(80, 128, 128);
    ByteBuffer pcm = tone(RATE);
    try (Mp4Encoder mp4 =
        new Mp4Encoder(dir.resolve("alloc.mp4"), config("libx264", avutil.AV_PIX_FMT_YUV420P))) {
      mp4.start();
      // A second of video and sound a run: 25 frames and 47 AAC frames.
      long least = Allocations.leastOf(4, () -> {
        try {
          pcm.rewind();
          for (int k = 0; k < FPS; k++) {
            mp4.writeVideo(yuv);
            mp4.writeAudio(pcm, RATE / FPS);
          }
        } catch (Mp4Encoder.EncoderException e) {
          throw new AssertionError(e);
        }
      });
      // javacv's FFmpegFrameRecorder allocated about 700 B a frame plus wrappers per AAC frame.
      assertThat(least).as("bytes a second of output").isLessThan(64);
      mp4.finish();
    }
  }

  @Test
  void aMissingEncoderOrFolderFailsWithFfmpegsReasonAndLeavesNoFile() {
    Path file = dir.resolve("x.mp4");
    try (Mp4Encoder mp4 = new Mp4Encoder(file, config("nope264", avutil.AV_PIX_FMT_YUV420P))) {
      assertThatThrownBy(mp4::start).isInstanceOf(Mp4Encoder.EncoderException.class)
          .hasMessageContaining("no encoder named 'nope264'");
    }
    assertThat(file).doesNotExist();

    Path nowhere = dir.resolve("missing").resolve("y.mp4");
    try (Mp4Encoder mp4 =
        new Mp4Encoder(nowhere, config("libx264", avutil.AV_PIX_FMT_YUV420P))) {
      assertThatThrownBy(mp4::start).isInstanceOf(Mp4Encoder.EncoderException.class)
          .hasMessageContaining("could not open " + nowhere)
          .hasMessageContaining("No such file or directory");
    }
  }

  @Test
  void misuseIsRefusedAndCloseMayBeRepeated() throws Exception {
    Mp4Encoder mp4 = new Mp4Encoder(dir.resolve("m.mp4"),
        config("libx264", avutil.AV_PIX_FMT_YUV420P));
    assertThatThrownBy(() -> mp4.writeVideo(flat(0, 0, 0)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("not started");
    mp4.start();
    assertThatThrownBy(mp4::start).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> mp4.writeVideo(new byte[10]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4608 bytes");
    mp4.writeVideo(flat(60, 128, 128));
    mp4.finish();
    assertThatThrownBy(() -> mp4.writeVideo(flat(60, 128, 128)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("finished");
    mp4.close();
    mp4.close();
    assertThat(Fixtures.probe(dir.resolve("m.mp4"), false).videoFrames()).isEqualTo(1);

    assertThatThrownBy(() -> new Mp4Encoder.Config(63, 48, FPS, "libx264",
        avutil.AV_PIX_FMT_YUV420P, -1, 50, 0, Map.of(), RATE, 2, 128_000))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("63x48");
  }
}
