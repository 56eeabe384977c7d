package dev.storyreel.core.internal;

import dev.storyreel.core.PcmAudio;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Converts narration clips to one sample rate and channel count, so that clips from different
 * speech providers can be joined. Linear interpolation is enough here: the result feeds an AAC
 * encoder at 48 kHz whose own resampler does the band-limited work.
 */
public final class Audio {
  private Audio() {}

  /**
   * @param in the clip
   * @param rateHz the wanted sample rate in Hz
   * @param channels the wanted channel count, 1 or 2
   * @return {@code in} itself when it already matches, else a converted copy
   */
  public static PcmAudio convert(PcmAudio in, int rateHz, int channels) {
    if (in.sampleRateHz() == rateHz && in.channels() == channels) {
      return in;
    }
    short[] src = in.toShorts();
    int inCh = in.channels();
    long inFrames = in.frameCount();
    long outFrames = inFrames * rateHz / in.sampleRateHz();
    ByteBuffer out = ByteBuffer.allocate((int) (outFrames * channels * 2)).order(ByteOrder.LITTLE_ENDIAN);
    for (long f = 0; f < outFrames; f++) {
      double pos = (double) f * in.sampleRateHz() / rateHz;
      long i0 = (long) pos;
      long i1 = Math.min(i0 + 1, inFrames - 1);
      double frac = pos - i0;
      for (int c = 0; c < channels; c++) {
        int sc = Math.min(c, inCh - 1);
        double v;
        if (channels == 1 && inCh == 2) {
          v = (lerp(src, i0, i1, frac, 0, inCh) + lerp(src, i0, i1, frac, 1, inCh)) / 2;
        } else {
          v = lerp(src, i0, i1, frac, sc, inCh);
        }
        out.putShort((short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(v))));
      }
    }
    return new PcmAudio(out.array(), rateHz, channels);
  }

  private static double lerp(short[] s, long i0, long i1, double frac, int c, int ch) {
    return s[(int) (i0 * ch + c)] * (1 - frac) + s[(int) (i1 * ch + c)] * frac;
  }
}
