package dev.storyreel.render.ffmpeg;

import dev.storyreel.core.NonRetriableException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVDictionaryEntry;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
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
  /**
   * Direct memory the samples are copied into before each push, kept and grown as needed: javacv
   * hands a direct buffer's memory to FFmpeg as it is, but copies a heap buffer into new native
   * memory with a deallocator on every push (48 MB of Java objects in the first 30 s of a
   * 50,000-character story's mix).
   */
  private FloatBuffer direct;
  /**
   * The metadata of the frames out so far, each frame's keys over the earlier ones' ({@code
   * av_dict_copy}, native), read when the figures are asked for: parsing the meter's strings on
   * every frame out allocated 35 MB in the first 30 s of a 50,000-character story's mix.
   */
  private final PointerPointer<AVDictionary> seen = new PointerPointer<>(1);

  /**
   * @param chain the filters before the meter, comma-separated, or empty
   * @param rateHz the sample rate, in Hz
   * @param sink where the filtered samples go
   * @throws NonRetriableException if FFmpeg cannot build the graph
   */
  FilterPass(String chain, int rateHz, Sink sink) {
    FfmpegNatives.requireLoaded();
    this.sink = sink;
    seen.put(0L, (Pointer) null);
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
      int n = 2 * frames;
      if (direct == null || direct.capacity() < n) {
        direct = ByteBuffer.allocateDirect(4 * n).order(ByteOrder.nativeOrder()).asFloatBuffer();
      }
      direct.clear();
      direct.put(samples, 0, n).flip();
      filter.pushSamples(0, 2, rateHz, avutil.AV_SAMPLE_FMT_FLT, direct);
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
        AVDictionary metadata = av.metadata();
        if (metadata != null && !metadata.isNull()
            && avutil.av_dict_copy(seen, metadata, 0) < 0) {
          throw new NonRetriableException("FFmpeg could not copy the loudness meter's figures:"
              + " out of memory.");
        }
      }
      if (out.samples != null && out.samples.length > 0) {
        FloatBuffer b = (FloatBuffer) out.samples[0];
        sink.accept(b, b.remaining() / 2);
      }
    }
  }

  /** @return the latest frame's value of {@code key}, or {@code NaN} if none had it */
  private double meta(String key) {
    AVDictionary d = seen.get(AVDictionary.class, 0);
    if (d == null || d.isNull()) {
      return Double.NaN;
    }
    AVDictionaryEntry e = avutil.av_dict_get(d, key, null, 0);
    if (e == null || e.isNull()) {
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
    return meta("lavfi.r128.I");
  }

  /** @return the true peak so far, dBTP; {@code NaN} before any frame came out */
  double truePeakDbtp() {
    double truePeakLinear = meta("lavfi.r128.true_peak");
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
    avutil.av_dict_free(seen);
    seen.close();
  }
}
