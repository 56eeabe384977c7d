package dev.storyreel.render.ffmpeg;

import dev.storyreel.core.NonRetriableException;
import org.bytedeco.ffmpeg.avfilter.AVFilterContext;
import org.bytedeco.ffmpeg.avfilter.AVFilterGraph;
import org.bytedeco.ffmpeg.avutil.AVChannelLayout;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVDictionaryEntry;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avfilter;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * An FFmpeg audio filter chain over interleaved stereo float samples, ending in FFmpeg's {@code
 * ebur128} meter (EBU R128, with true peak), run with libavfilter's own API ({@code abuffer} in,
 * {@code abuffersink} out). Samples go in with {@link #push}, the filtered samples come out to a
 * {@link Sink}, and the meter's running figures (read from the {@code lavfi.r128.*} metadata of
 * the last frame out) are kept: after {@link #finish} they describe everything that went through.
 *
 * <p>Not javacv's {@code FFmpegFrameFilter}: it made a pointer scope and wrappers for every frame
 * it pulled (the meter hands out a frame per 100 ms), about 21 MB of Java objects in the mix of a
 * 50,000-character story (issue 14). Here the frames and the views onto their memory are made
 * once: steady state allocates nothing on the Java heap.
 *
 * <p>Not thread-safe; one pass per thread. Native memory is that of the filter graph and a frame
 * or two, not of the whole audio.
 */
final class FilterPass implements AutoCloseable {

  /** Receives filtered samples. */
  interface Sink {
    /**
     * @param samples interleaved stereo floats from index 0, valid only during the call
     * @param frames the sample frames in it
     */
    void accept(float[] samples, int frames);
  }

  /** Where AVFrame keeps data[0] and metadata, in 64-bit words (read once the natives load). */
  private int dataWord;
  private int metadataWord;

  private final Sink sink;
  private final int rateHz;
  private final String spec;
  private AVFilterGraph graph;
  private AVFilterContext source;
  private AVFilterContext output;
  private AVFrame in;
  private AVFrame out;
  private AVChannelLayout stereo;
  /** The pushed frame's channel layout, inside the frame (the frame is reused). */
  private AVChannelLayout inLayout;
  /** The frames' pointer fields, read as 64-bit words: no wrapper per frame. */
  private LongPointer inWords;
  private LongPointer outWords;
  private final FloatView samplesView = new FloatView();
  private final DictionaryView metadataView = new DictionaryView();
  private float[] pulled = new float[0];
  private long pts;
  private int eagain;
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
    this.rateHz = rateHz;
    seen.put(0L, (Pointer) null);
    this.spec = (chain.isEmpty() ? "" : chain + ",")
        + "ebur128=peak=true:metadata=1,aformat=sample_fmts=flt:channel_layouts=stereo";
    try {
      open();
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private void open() {
    eagain = avutil.AVERROR_EAGAIN();
    dataWord = (int) (Loader.offsetof(AVFrame.class, "data") / 8);
    metadataWord = (int) (Loader.offsetof(AVFrame.class, "metadata") / 8);
    graph = avfilter.avfilter_graph_alloc();
    in = avutil.av_frame_alloc();
    out = avutil.av_frame_alloc();
    if (graph == null || in == null || out == null) {
      throw new NonRetriableException("FFmpeg could not allocate the audio filters: out of"
          + " memory.");
    }
    String full = "abuffer@in=time_base=1/" + rateHz + ":sample_rate=" + rateHz
        + ":sample_fmt=flt:channel_layout=stereo," + spec + ",abuffersink@out";
    int r = avfilter.avfilter_graph_parse(graph, full, null, null, null);
    if (r >= 0) {
      r = avfilter.avfilter_graph_config(graph, null);
    }
    if (r < 0) {
      throw new NonRetriableException("FFmpeg could not set up the audio filters '" + spec
          + "': " + FfmpegNatives.errorText(r) + " (error " + r + "). This FFmpeg build lacks"
          + " a filter StoryReel needs.");
    }
    // The parser names an instance "filter@id".
    source = avfilter.avfilter_graph_get_filter(graph, "abuffer@in");
    output = avfilter.avfilter_graph_get_filter(graph, "abuffersink@out");
    if (source == null || source.isNull() || output == null || output.isNull()) {
      throw new IllegalStateException("the audio graph lost its source or sink: " + full);
    }
    stereo = new AVChannelLayout();
    avutil.av_channel_layout_default(stereo, 2);
    inLayout = in.ch_layout();
    inWords = new LongPointer(in);
    outWords = new LongPointer(out);
  }

  /**
   * @param samples interleaved stereo floats
   * @param frames how many sample frames of it to push, from its start
   * @param rateHz their rate
   */
  void push(float[] samples, int frames, int rateHz) {
    if (frames <= 0) {
      return;
    }
    // The last push moved the frame's buffer into the graph: a new one each time (native).
    in.format(avutil.AV_SAMPLE_FMT_FLT);
    in.sample_rate(rateHz);
    in.nb_samples(frames);
    check(avutil.av_channel_layout_copy(inLayout, stereo));
    check(avutil.av_frame_get_buffer(in, 0));
    samplesView.at(inWords.get(dataWord), 2L * frames).put(samples, 0, 2 * frames);
    in.pts(pts);
    pts += frames;
    check(avfilter.av_buffersrc_add_frame_flags(source, in, 0));
    drain();
  }

  /** Flushes the filters: every sample pushed has come out when this returns. */
  void finish() {
    check(avfilter.av_buffersrc_add_frame_flags(source, null, 0));
    drain();
  }

  private void drain() {
    while (true) {
      int r = avfilter.av_buffersink_get_frame(output, out);
      if (r == eagain || r == avutil.AVERROR_EOF) {
        return;
      }
      check(r);
      try {
        long metadata = outWords.get(metadataWord);
        if (metadata != 0
            && avutil.av_dict_copy(seen, metadataView.at(metadata), 0) < 0) {
          throw new NonRetriableException("FFmpeg could not copy the loudness meter's figures:"
              + " out of memory.");
        }
        int frames = out.nb_samples();
        if (frames > 0) {
          if (pulled.length < 2 * frames) {
            pulled = new float[2 * frames];
          }
          samplesView.at(outWords.get(dataWord), 2L * frames).get(pulled, 0, 2 * frames);
          sink.accept(pulled, frames);
        }
      } finally {
        avutil.av_frame_unref(out);
      }
    }
  }

  private static void check(int r) {
    if (r < 0) {
      throw new NonRetriableException("FFmpeg failed while filtering the soundtrack: "
          + FfmpegNatives.errorText(r) + " (error " + r + "). Check that the audio assets are"
          + " valid WAV files.");
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
    if (graph != null) {
      avfilter.avfilter_graph_free(graph);
      graph = null;
    }
    if (in != null) {
      avutil.av_frame_free(in);
      in = null;
    }
    if (out != null) {
      avutil.av_frame_free(out);
      out = null;
    }
    if (stereo != null) {
      avutil.av_channel_layout_uninit(stereo);
      stereo.close();
      stereo = null;
    }
    avutil.av_dict_free(seen);
    seen.close();
  }

  /**
   * Floats at an address a frame gives, moved from frame to frame without a new wrapper
   * (JavaCPP's pointer fields are protected for subclasses to set).
   */
  private static final class FloatView extends FloatPointer {
    FloatView() {
      super((Pointer) null);
    }

    FloatView at(long address, long floats) {
      this.address = address;
      this.position = 0;
      this.limit = floats;
      this.capacity = floats;
      return this;
    }
  }

  /** A frame's metadata dictionary, by address, likewise. */
  private static final class DictionaryView extends AVDictionary {
    DictionaryView() {
      super((Pointer) null);
    }

    DictionaryView at(long address) {
      this.address = address;
      return this;
    }
  }
}
