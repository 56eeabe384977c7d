package dev.storyreel.samples;

import dev.storyreel.core.PcmAudio;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.IntToDoubleFunction;
import org.bytedeco.ffmpeg.avutil.AVDictionaryEntry;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameFilter;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

/**
 * Audio for the CLI's soundtrack tests, written with javacv's own encoders, and measurements of
 * what the CLI wrote: EBU R128 loudness and true peak of an MP4 (FFmpeg's {@code ebur128} filter
 * through {@link FFmpegFrameFilter}, as render-ffmpeg's SoundtrackMixTest does), RMS over a time
 * window and the onset of a WAV.
 */
final class SoundFixtures {
  private SoundFixtures() {}

  /**
   * Writes audio in the format the file's extension names: wav (PCM s16le) or flac.
   *
   * @param sample the value of interleaved sample {@code i}, -1..1
   */
  static Path write(Path file, int sampleRateHz, int channels, double seconds,
      IntToDoubleFunction sample) throws IOException {
    String name = file.getFileName().toString();
    String ext = name.substring(name.lastIndexOf('.') + 1);
    try (FFmpegFrameRecorder rec = new FFmpegFrameRecorder(file.toFile(), channels)) {
      switch (ext) {
        case "wav" -> {
          rec.setFormat("wav");
          rec.setAudioCodec(avcodec.AV_CODEC_ID_PCM_S16LE);
        }
        case "flac" -> {
          rec.setFormat("flac");
          rec.setAudioCodec(avcodec.AV_CODEC_ID_FLAC);
        }
        default -> throw new IllegalArgumentException("no writer for ." + ext);
      }
      rec.setSampleRate(sampleRateHz);
      rec.setAudioChannels(channels);
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

  /**
   * A steady stereo chord (220, 277 and 330 Hz), about -13 dBFS RMS, at 48 kHz. Whole-hertz tones
   * are in phase at any whole second, so a loop's crossfade (at whole-second offsets for a file of
   * whole seconds under 6 s) neither cancels nor doubles them.
   */
  static Path chord(Path file, double seconds) throws IOException {
    int rate = 48_000;
    return write(file, rate, 2, seconds, i -> {
      double t = (double) (i / 2) / rate;
      return 0.12 * (Math.sin(2 * Math.PI * 220 * t) + Math.sin(2 * Math.PI * 277 * t)
          + Math.sin(2 * Math.PI * 330 * t));
    });
  }

  /** A mono 1 kHz burst at half of full scale from its very first sample. */
  static Path burst(Path file, double seconds) throws IOException {
    int rate = 22_050;
    return write(file, rate, 1, seconds,
        i -> 0.5 * Math.sin(2 * Math.PI * 1000 * (i + 0.25 * rate / 1000.0) / rate));
  }

  /** Keeps only the first {@code fraction} of a file's bytes. */
  static Path truncate(Path file, double fraction) throws IOException {
    byte[] all = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(all, (int) (all.length * fraction)));
    return file;
  }

  /**
   * Decodes an MP4's audio and measures it with FFmpeg's {@code ebur128=peak=true}.
   *
   * @return {integrated loudness in LUFS, true peak in dBTP}
   */
  static double[] loudness(Path mp4) throws Exception {
    int rate = 48_000;
    double lufs = Double.NaN;
    double peak = Double.NaN;
    try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(mp4.toFile());
        FFmpegFrameFilter meter = new FFmpegFrameFilter(
            "ebur128=peak=true:metadata=1,aformat=sample_fmts=flt:channel_layouts=stereo", 2)) {
      g.setSampleFormat(avutil.AV_SAMPLE_FMT_FLT);
      g.setSampleRate(rate);
      g.setAudioChannels(2);
      g.start();
      meter.setSampleRate(rate);
      meter.setSampleFormat(avutil.AV_SAMPLE_FMT_FLT);
      meter.start();
      boolean flushed = false;
      while (!flushed) {
        Frame f = g.grabSamples();
        if (f == null) {
          meter.push((Frame) null);
          flushed = true;
        } else {
          FloatBuffer fb = (FloatBuffer) f.samples[0];
          float[] chunk = new float[fb.remaining()];
          fb.get(chunk);
          meter.pushSamples(0, 2, rate, avutil.AV_SAMPLE_FMT_FLT, FloatBuffer.wrap(chunk));
        }
        Frame out;
        while ((out = meter.pullSamples()) != null) {
          if (out.opaque instanceof AVFrame av) {
            double i = meta(av, "lavfi.r128.I");
            double tp = meta(av, "lavfi.r128.true_peak");
            lufs = Double.isNaN(i) ? lufs : i;
            peak = Double.isNaN(tp) ? peak : tp;
          }
        }
      }
      g.stop();
    }
    // The meter's true peak is linear, the maximum over all channels so far.
    return new double[] {lufs, peak <= 0 ? Double.NEGATIVE_INFINITY : 20 * Math.log10(peak)};
  }

  private static double meta(AVFrame av, String key) {
    AVDictionaryEntry e = avutil.av_dict_get(av.metadata(), key, null, 0);
    return e == null ? Double.NaN : Double.parseDouble(e.value().getString());
  }

  /** @return the RMS of all channels between two times, in dBFS */
  static double rmsDb(PcmAudio a, long fromMs, long toMs) {
    short[] s = a.toShorts();
    int ch = a.channels();
    int from = (int) (fromMs * a.sampleRateHz() / 1000) * ch;
    int to = Math.min(s.length, (int) (toMs * a.sampleRateHz() / 1000) * ch);
    double sum = 0;
    for (int i = from; i < to; i++) {
      double v = s[i] / 32768.0;
      sum += v * v;
    }
    return 10 * Math.log10(sum / Math.max(1, to - from) + 1e-20);
  }

  /** @return the first moment any channel exceeds {@code threshold} (of full scale), in ms */
  static double onsetMillis(PcmAudio a, double threshold) {
    short[] s = a.toShorts();
    for (int i = 0; i < s.length; i++) {
      if (Math.abs(s[i] / 32768.0) > threshold) {
        return (i / a.channels()) * 1000.0 / a.sampleRateHz();
      }
    }
    return Double.NaN;
  }
}
