package dev.storyreel.render.ffmpeg;

import dev.storyreel.core.NonRetriableException;
import java.nio.FloatBuffer;
import org.bytedeco.ffmpeg.avutil.AVDictionaryEntry;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameFilter;
import org.bytedeco.javacv.Frame;

/**
 * An FFmpeg audio filter chain over interleaved stereo float samples, ending in FFmpeg's {@code
 * ebur128} meter (EBU R128, with true peak), through javacv's {@link FFmpegFrameFilter}. Samples
 * go in with {@link #push}, the filtered samples come out to a {@link Sink}, and the meter's
 * running figures (read from the {@code lavfi.r128.*} metadata of the last frame out) are kept:
 * after {@link #finish} they describe everything that went through.
 *
 * <p>Not thread-safe; one pass per thread. Native memory is that of the filter graph, not of the
 * audio.
 */
final class FilterPass implements AutoCloseable {

  /** Receives filtered samples. */
  interface Sink {
    /**
     * @param samples interleaved stereo floats, valid only during the call
     * @param frames the sample frames in it
     */
    void accept(FloatBuffer samples, int frames);
  }

  private final FFmpegFrameFilter filter;
  private final Sink sink;
  private double integratedLufs = Double.NaN;
  private double truePeakLinear = Double.NaN;

  /**
   * @param chain the filters before the meter, comma-separated, or empty
   * @param rateHz the sample rate, in Hz
   * @param sink where the filtered samples go
   * @throws NonRetriableException if FFmpeg cannot build the graph
   */
  FilterPass(String chain, int rateHz, Sink sink) {
    FfmpegNatives.requireLoaded();
    this.sink = sink;
    String spec = (chain.isEmpty() ? "" : chain + ",")
        + "ebur128=peak=true:metadata=1,aformat=sample_fmts=flt:channel_layouts=stereo";
    FFmpegFrameFilter f = new FFmpegFrameFilter(spec, 2);
    f.setSampleRate(rateHz);
    f.setSampleFormat(avutil.AV_SAMPLE_FMT_FLT);
    try {
      f.start();
    } catch (FFmpegFrameFilter.Exception e) {
      throw new NonRetriableException("FFmpeg could not set up the audio filters '" + spec
          + "': " + e.getMessage() + ". This FFmpeg build lacks a filter StoryReel needs.", e);
    }
    this.filter = f;
  }

  /**
   * @param samples interleaved stereo floats
   * @param frames how many sample frames of it to push, from its start
   * @param rateHz their rate
   */
  void push(float[] samples, int frames, int rateHz) {
    try {
      filter.pushSamples(0, 2, rateHz, avutil.AV_SAMPLE_FMT_FLT,
          FloatBuffer.wrap(samples, 0, 2 * frames));
      drain();
    } catch (FFmpegFrameFilter.Exception e) {
      throw failed(e);
    }
  }

  /** Flushes the filters: every sample pushed has come out when this returns. */
  void finish() {
    try {
      filter.push((Frame) null);
      drain();
    } catch (FFmpegFrameFilter.Exception e) {
      throw failed(e);
    }
  }

  private void drain() throws FFmpegFrameFilter.Exception {
    Frame out;
    while ((out = filter.pullSamples()) != null) {
      if (out.opaque instanceof AVFrame av) {
        double i = meta(av, "lavfi.r128.I");
        double tp = meta(av, "lavfi.r128.true_peak");
        if (!Double.isNaN(i)) {
          integratedLufs = i;
        }
        if (!Double.isNaN(tp)) {
          truePeakLinear = tp;
        }
      }
      if (out.samples != null && out.samples.length > 0) {
        FloatBuffer b = (FloatBuffer) out.samples[0];
        sink.accept(b, b.remaining() / 2);
      }
    }
  }

  private static double meta(AVFrame av, String key) {
    AVDictionaryEntry e = avutil.av_dict_get(av.metadata(), key, null, 0);
    if (e == null) {
      return Double.NaN;
    }
    try {
      return Double.parseDouble(e.value().getString());
    } catch (NumberFormatException ex) {
      return Double.NaN;
    }
  }

  private static NonRetriableException failed(Exception e) {
    return new NonRetriableException("FFmpeg failed while filtering the soundtrack: "
        + e.getMessage() + ". Check that the audio assets are valid WAV files.", e);
  }

  /** @return the integrated loudness so far, LUFS; {@code NaN} before any frame came out */
  double integratedLufs() {
    return integratedLufs;
  }

  /** @return the true peak so far, dBTP; {@code NaN} before any frame came out */
  double truePeakDbtp() {
    return Double.isNaN(truePeakLinear) ? Double.NaN
        : truePeakLinear <= 0 ? Double.NEGATIVE_INFINITY : 20 * Math.log10(truePeakLinear);
  }

  @Override
  public void close() {
    try {
      filter.release();
    } catch (Exception e) {
      // nothing more comes out of it
    }
  }
}
