package dev.storyreel.render.ffmpeg;

import dev.storyreel.core.PcmAudio;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.function.IntToDoubleFunction;
import javax.imageio.ImageIO;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacv.FFmpegFrameRecorder;

/** Test audio made with javacv's own encoders, and measurements of WAV output. */
final class AudioFileFixtures {
  private AudioFileFixtures() {}

  /** @return whether the loaded FFmpeg build can encode MP3 */
  static boolean hasMp3Encoder() {
    FfmpegNatives.requireLoaded();
    return avcodec.avcodec_find_encoder_by_name("libmp3lame") != null;
  }

  /** Writes white noise, seeded, about -12 dBFS RMS, each channel independent. */
  static Path noise(Path file, int sampleRateHz, int channels, double seconds, long seed)
      throws IOException {
    Random r = new Random(seed);
    return write(file, sampleRateHz, channels, seconds, i -> r.nextGaussian() * 0.25);
  }

  /** Writes a sine tone at half of full scale. */
  static Path tone(Path file, int sampleRateHz, int channels, double seconds, double hz)
      throws IOException {
    return write(file, sampleRateHz, channels, seconds,
        i -> 0.5 * Math.sin(2 * Math.PI * hz * (i / channels) / sampleRateHz));
  }

  /**
   * Writes audio in the format the file's extension names: wav (PCM), mp3 (libmp3lame), flac,
   * m4a (AAC).
   *
   * @param sample the value of interleaved sample {@code i}, -1..1
   */
  static Path write(Path file, int sampleRateHz, int channels, double seconds,
      IntToDoubleFunction sample) throws IOException {
    FfmpegNatives.requireLoaded();
    String ext = AudioFiles.extension(file);
    try (FFmpegFrameRecorder rec = new FFmpegFrameRecorder(file.toFile(), channels)) {
      switch (ext) {
        case "wav" -> { rec.setFormat("wav"); rec.setAudioCodec(avcodec.AV_CODEC_ID_PCM_S16LE); }
        case "mp3" -> { rec.setFormat("mp3"); rec.setAudioCodecName("libmp3lame"); }
        case "flac" -> { rec.setFormat("flac"); rec.setAudioCodec(avcodec.AV_CODEC_ID_FLAC); }
        case "m4a" -> { rec.setFormat("ipod"); rec.setAudioCodec(avcodec.AV_CODEC_ID_AAC); }
        default -> throw new IllegalArgumentException(ext);
      }
      rec.setSampleRate(sampleRateHz);
      rec.setAudioChannels(channels);
      rec.setAudioBitrate(128_000);
      rec.start();
      int total = (int) Math.round(seconds * sampleRateHz) * channels;
      int chunk = 4096 * channels;
      for (int i = 0; i < total; i += chunk) {
        int n = Math.min(chunk, total - i);
        ShortBuffer b = ShortBuffer.allocate(n);
        for (int j = 0; j < n; j++) {
          double v = Math.max(-1, Math.min(1, sample.applyAsDouble(i + j)));
          b.put((short) Math.round(v * 32767));
        }
        b.flip();
        rec.recordSamples(sampleRateHz, channels, b);
      }
      rec.stop();
    }
    return file;
  }

  /** Writes a small PNG image. */
  static Path png(Path file) throws IOException {
    BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
    img.setRGB(3, 3, 0xff0000);
    ImageIO.write(img, "png", file.toFile());
    return file;
  }

  /** Writes random bytes. */
  static Path garbage(Path file, int bytes, long seed) throws IOException {
    byte[] b = new byte[bytes];
    new Random(seed).nextBytes(b);
    Files.write(file, b);
    return file;
  }

  /** Keeps only the first {@code fraction} of a file's bytes. */
  static Path truncate(Path file, double fraction) throws IOException {
    byte[] all = Files.readAllBytes(file);
    byte[] cut = Arrays.copyOf(all, (int) (all.length * fraction));
    Files.write(file, cut);
    return file;
  }

  /** Reads a WAV file strictly, as the pipeline does. */
  static PcmAudio readWav(Path wav) throws IOException {
    return PcmAudio.fromWav(Files.readAllBytes(wav));
  }

  /** @return the RMS of interleaved samples in frames {@code [from, to)}, over all channels */
  static double rms(short[] s, int channels, int fromFrame, int toFrame) {
    double sum = 0;
    for (int i = fromFrame * channels; i < toFrame * channels; i++) {
      sum += (double) s[i] * s[i];
    }
    return Math.sqrt(sum / ((toFrame - fromFrame) * channels));
  }

  /**
   * @return the correlation coefficient of channel 0 of {@code a} from frame {@code fa} with
   *     channel 0 of {@code b} from frame {@code fb}, over {@code n} frames
   */
  static double correlation(short[] a, int fa, short[] b, int fb, int n, int channels) {
    double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
    for (int i = 0; i < n; i++) {
      double x = a[(fa + i) * channels];
      double y = b[(fb + i) * channels];
      sa += x; sb += y; saa += x * x; sbb += y * y; sab += x * y;
    }
    double cov = sab / n - (sa / n) * (sb / n);
    double va = saa / n - (sa / n) * (sa / n);
    double vb = sbb / n - (sb / n) * (sb / n);
    return cov / Math.sqrt(va * vb);
  }
}
