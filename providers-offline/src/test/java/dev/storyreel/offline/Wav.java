package dev.storyreel.offline;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;

/** Reads and measures the music beds in tests (analysis only: the provider itself does no DSP). */
final class Wav {
  private Wav() {}

  /**
   * @param wav a 16-bit stereo WAV
   * @param fromSeconds where to start
   * @param seconds how much to read
   * @return the mono mix (left + right) / 2 as doubles in -1..1
   */
  static double[] mono(Path wav, double fromSeconds, double seconds) throws IOException {
    try (AudioInputStream in = AudioSystem.getAudioInputStream(wav.toFile())) {
      float rate = in.getFormat().getSampleRate();
      long skip = (long) (fromSeconds * rate) * 4;
      in.skipNBytes(skip);
      int frames = (int) (seconds * rate);
      byte[] b = in.readNBytes(frames * 4);
      double[] out = new double[b.length / 4];
      for (int i = 0; i < out.length; i++) {
        int l = (short) ((b[4 * i] & 0xff) | (b[4 * i + 1] << 8));
        int r = (short) ((b[4 * i + 2] & 0xff) | (b[4 * i + 3] << 8));
        out[i] = (l + r) / 65536.0;
      }
      return out;
    } catch (UnsupportedAudioFileException e) {
      throw new IOException(e);
    }
  }

  static long frameLength(Path wav) throws IOException {
    try (InputStream raw = java.nio.file.Files.newInputStream(wav);
        AudioInputStream in = AudioSystem.getAudioInputStream(new java.io.BufferedInputStream(raw))) {
      return in.getFrameLength();
    } catch (UnsupportedAudioFileException e) {
      throw new IOException(e);
    }
  }

  static double rms(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v * v;
    }
    return Math.sqrt(s / Math.max(1, x.length));
  }

  /** Zero crossings a second in each window of {@code windowSeconds}. */
  static double[] zeroCrossingRates(double[] x, double rateHz, double windowSeconds) {
    int w = (int) (rateHz * windowSeconds);
    double[] out = new double[x.length / w];
    for (int k = 0; k < out.length; k++) {
      int n = 0;
      for (int i = k * w + 1; i < (k + 1) * w; i++) {
        if ((x[i - 1] < 0) != (x[i] < 0)) {
          n++;
        }
      }
      out[k] = n / windowSeconds;
    }
    return out;
  }

  /**
   * How many of the MIDI notes 36..96 (65 Hz to 1 kHz) are strongly present: the Goertzel power
   * at each note's frequency, counted when over {@code fraction} of the strongest.
   */
  static int pitchesPresent(double[] x, double rateHz, double fraction) {
    double[] power = new double[61];
    double max = 0;
    for (int n = 36; n <= 96; n++) {
      double f = 440 * Math.pow(2, (n - 69) / 12.0);
      double c = 2 * Math.cos(2 * Math.PI * f / rateHz);
      double s1 = 0;
      double s2 = 0;
      for (double v : x) {
        double s0 = v + c * s1 - s2;
        s2 = s1;
        s1 = s0;
      }
      power[n - 36] = s1 * s1 + s2 * s2 - c * s1 * s2;
      max = Math.max(max, power[n - 36]);
    }
    int count = 0;
    for (double p : power) {
      if (p > fraction * max) {
        count++;
      }
    }
    return count;
  }

  /** A pure sine, for showing that the measures above fail for a test tone. */
  static double[] sine(double hz, double rateHz, double seconds, double amplitude) {
    double[] x = new double[(int) (rateHz * seconds)];
    for (int i = 0; i < x.length; i++) {
      x[i] = amplitude * Math.sin(2 * Math.PI * hz * i / rateHz);
    }
    return x;
  }
}
