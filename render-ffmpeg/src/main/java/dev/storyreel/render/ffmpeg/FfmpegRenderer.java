package dev.storyreel.render.ffmpeg;

import dev.storyreel.core.CaptionCue;
import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.PcmAudio;
import dev.storyreel.core.ProgressEvent;
import dev.storyreel.core.ProgressListener;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.spi.RenderRequest;
import dev.storyreel.core.spi.RenderResult;
import dev.storyreel.core.spi.RenderSegment;
import dev.storyreel.core.spi.Renderer;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.regex.Pattern;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

/**
 * Renders a {@link RenderRequest} to an MP4 file with FFmpeg through JavaCV: H.264 video in
 * yuv420p with a slow pan-and-zoom over each segment's picture and word-highlighted captions, and
 * AAC audio, with the {@code moov} atom at the front ({@code movflags=+faststart}) so the file
 * plays while it downloads.
 *
 * <p>Registered name: {@value #NAME}. Build one with {@link #builder()}; every option has a
 * default. Frame timing follows {@link RenderRequest}'s arithmetic exactly: frame {@code k} has
 * presentation time {@code k / fps}, shows segment {@link RenderRequest#segmentAtFrame(long)
 * segmentAtFrame(k)}, and the narration is fed to the encoder interleaved with the frames, up to
 * {@code (k + 1) / fps} after frame {@code k}, computed from absolute sample and frame indexes, so
 * nothing drifts however long the video.
 *
 * <p>Encoder. {@code auto} picks libx264 when the loaded FFmpeg build has it, else libopenh264;
 * the natives are checked, because asking FFmpeg for a missing encoder would silently fall back to
 * MPEG-4 Part 2. The GPL natives ({@code org.bytedeco:ffmpeg:8.0.1-1.5.13:linux-x86_64-gpl}) have
 * both; the LGPL ones only libopenh264. See the package documentation for how the GPL natives are
 * picked up. libx264 is driven by {@link Builder#crf(int) CRF} and {@link Builder#preset(String)
 * preset} in the High profile; other encoders have no CRF and get a bit rate of 0.1 bit per pixel
 * per frame (about 6.2 Mbit/s for 1080x1920 at 30 fps) instead. A key frame comes every two
 * seconds ({@code fps * 2} frames). Frames are composed as 8-bit RGB in Java and converted to
 * yuv420p by libswscale with BT.601 coefficients into limited range, and the stream is tagged so
 * ({@code colorspace=smpte170m}, {@code color_range=tv}); yuv420p halves chroma in both
 * directions, which is why {@link VideoFormat} only accepts even sizes.
 *
 * <p>Audio. The narration keeps its channel count (mono or stereo) and is resampled by
 * libswresample to {@link Builder#audioSampleRateHz(int) the output rate} (48 kHz by default) and
 * encoded with FFmpeg's native AAC-LC encoder. The audio stream's length matches the narration's
 * to within one AAC frame (1024 samples, 21 ms at 48 kHz); the video stream is {@link
 * RenderRequest#frameCount()} frames long, so it ends within one frame after the narration.
 *

 * <p>Thumbnail. {@link RenderResult#thumbnail()} is the composited frame from the middle of
 * segment 0, with the pan-and-zoom applied and <em>without</em> captions, at the video's size.
 *
 * <p>Thread safety: instances are immutable and thread-safe; each {@link #render} call uses its
 * own encoder and buffers, so one instance may render several videos at once (each call keeps one
 * core busy and holds about {@code 4 * W * H * Z^2} bytes for the current picture).
 */
public final class FfmpegRenderer implements Renderer {

  /** The registered name: {@value}. */
  public static final String NAME = "ffmpeg";

  /** The video codec preference that picks libx264, else libopenh264: {@value}. */
  public static final String AUTO = "auto";

  /** Default x264 preset: {@value}. */
  public static final String DEFAULT_PRESET = "veryfast";

  /** Default constant rate factor: {@value} (x264's own default). */
  public static final int DEFAULT_CRF = 23;

  /** Default AAC bit rate, kbit/s: {@value}. */
  public static final int DEFAULT_AUDIO_BITRATE_KBPS = 128;

  /** Default audio sample rate of the output, Hz: {@value}. */
  public static final int DEFAULT_AUDIO_SAMPLE_RATE_HZ = 48_000;

  /** Default maximum zoom of the pan-and-zoom effect: {@value} (12% larger than the frame). */
  public static final double DEFAULT_KEN_BURNS_ZOOM = 1.12;

  /** Largest accepted Ken Burns zoom: {@value}. */
  public static final double MAX_KEN_BURNS_ZOOM = 2.0;

  /**
   * x264's presets, fastest first, from {@code x264 --fullhelp}; {@code placebo} is left out on
   * purpose.
   */
  public static final List<String> X264_PRESETS =
      List.of(
          "ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower",
          "veryslow");

  /** AAC sampling frequencies (ISO/IEC 14496-3, table 1.18) from 8 kHz up to 96 kHz. */
  private static final Set<Integer> AAC_RATES =
      Set.of(8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 64000, 88200, 96000);

  private static final Pattern ENCODER_NAME = Pattern.compile("[a-z0-9_]{1,64}");

  /** Bits per pixel per frame given to encoders without CRF. */
  private static final double FALLBACK_BITS_PER_PIXEL = 0.1;

  private final String videoCodec;
  private final String preset;
  private final int crf;
  private final int audioBitrateKbps;
  private final int audioSampleRateHz;
  private final boolean captions;
  private final double kenBurnsZoom;

  private FfmpegRenderer(Builder b) {
    this.videoCodec = b.videoCodec;
    this.preset = b.preset;
    this.crf = b.crf;
    this.audioBitrateKbps = b.audioBitrateKbps;
    this.audioSampleRateHz = b.audioSampleRateHz;
    this.captions = b.captions;
    this.kenBurnsZoom = b.kenBurnsZoom;
  }

  /**
   * @return a builder holding the defaults
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * @return a builder holding this renderer's settings
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.videoCodec = videoCodec;
    b.preset = preset;
    b.crf = crf;
    b.audioBitrateKbps = audioBitrateKbps;
    b.audioSampleRateHz = audioSampleRateHz;
    b.captions = captions;
    b.kenBurnsZoom = kenBurnsZoom;
    return b;
  }

  /** @return {@value #NAME} */
  @Override
  public String name() {
    return NAME;
  }

  /** @return the video codec preference: {@value #AUTO} or an encoder name; never null */
  public String videoCodec() {
    return videoCodec;
  }

  /** @return the x264 preset; never null */
  public String preset() {
    return preset;
  }

  /** @return the x264 constant rate factor, 0..51 */
  public int crf() {
    return crf;
  }

  /** @return the AAC bit rate, kbit/s */
  public int audioBitrateKbps() {
    return audioBitrateKbps;
  }

  /** @return the output audio sample rate, Hz */
  public int audioSampleRateHz() {
    return audioSampleRateHz;
  }

  /** @return whether captions are drawn */
  public boolean captions() {
    return captions;
  }

  /** @return the maximum zoom of the pan-and-zoom effect, 1.0 (none) to 2.0 */
  public double kenBurnsZoom() {
    return kenBurnsZoom;
  }

  /**
   * Resolves the encoder this renderer would use on this machine, loading the FFmpeg natives if
   * needed.
   *
   * @return the encoder name, for example {@code libx264}
   * @throws ConfigurationException if the natives cannot be loaded, or the preferred encoder is
   *     missing or does not make H.264; the message names the dependency to add
   */
  public String resolveEncoder() {
    return FfmpegNatives.resolveEncoder(videoCodec);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Writes {@code output} (overwriting it). Progress is reported as {@link
   * ProgressEvent.FramesRendered} about once per second of video and once at the end, from the
   * calling thread; an exception thrown by the listener is ignored. The thread's interrupt flag
   * is checked before every frame.
   *
   * @param request what to render; never {@code null}
   * @param output the MP4 file to write; its folder must exist; never {@code null}
   * @param listener receives progress; {@code null} means none
   * @return the frame count, codecs and a thumbnail
   * @throws ConfigurationException if the FFmpeg natives or the H.264 encoder are missing
   * @throws NonRetriableException if FFmpeg fails to open, encode or write the file; the message
   *     names the output path
   * @throws CancellationException if the thread is interrupted; the interrupt flag stays set and
   *     a partial file may be left at {@code output}
   */
  @Override
  public RenderResult render(RenderRequest request, Path output, ProgressListener listener) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(output, "output");
    ProgressListener progress = listener == null ? ProgressListener.NONE : listener;
    checkInterrupted();
    String encoder = FfmpegNatives.resolveEncoder(videoCodec);
    return new Job(request, output, progress, encoder).run();
  }

  private static void checkInterrupted() {
    if (Thread.currentThread().isInterrupted()) {
      throw new CancellationException("rendering was interrupted");
    }
  }

  /** The state of one render call; confined to the calling thread. */
  private final class Job {
    private final RenderRequest request;
    private final Path output;
    private final ProgressListener listener;
    private final String encoder;
    private final VideoFormat format;
    private final int width;
    private final int height;
    private final int fps;
    private final long totalFrames;
    private final short[] pcm;
    private final int pcmRate;
    private final int channels;
    private final long pcmFrames;
    private long pcmSent;

    Job(RenderRequest request, Path output, ProgressListener listener, String encoder) {
      this.request = request;
      this.output = output;
      this.listener = listener;
      this.encoder = encoder;
      this.format = request.format();
      this.width = format.widthPx();
      this.height = format.heightPx();
      this.fps = format.fps();
      this.totalFrames = request.frameCount();
      PcmAudio audio = request.audio();
      this.pcm = audio.toShorts();
      this.pcmRate = audio.sampleRateHz();
      this.channels = audio.channels();
      this.pcmFrames = audio.frameCount();
    }

    RenderResult run() {
      FFmpegFrameRecorder recorder = newRecorder();
      boolean stopped = false;
      try {
        recorder.start();
        BufferedImage thumbnail = encodeAll(recorder);
        sendAudioUpTo(recorder, pcmFrames);
        recorder.stop();
        stopped = true;
        emit(totalFrames);
        return new RenderResult(
            totalFrames,
            Duration.ofNanos(Math.floorDiv(totalFrames * 1_000_000_000L, fps)),
            "h264",
            encoder,
            "aac",
            thumbnail);
      } catch (FFmpegFrameRecorder.Exception e) {
        throw new NonRetriableException(
            "FFmpeg could not write the video to " + output + " with encoder " + encoder + ": "
                + e.getMessage() + ". Check that the folder exists and is writable, that the disk"
                + " has room, and that the encoder works on this machine (try codec 'auto').",
            e);
      } finally {
        if (!stopped) {
          try {
            recorder.release();
          } catch (FFmpegFrameRecorder.Exception | RuntimeException e) {
            // Already failing or cancelled; the caller deletes the partial file.
          }
        }
      }
    }

    private FFmpegFrameRecorder newRecorder() {
      FFmpegFrameRecorder r = new FFmpegFrameRecorder(output.toFile(), width, height, channels);
      r.setFormat("mp4");
      r.setOption("movflags", "+faststart");
      r.setVideoCodec(avcodec.AV_CODEC_ID_H264);
      r.setVideoCodecName(encoder);
      r.setFrameRate(fps);
      r.setGopSize(fps * 2);
      r.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
      // libswscale converts RGB to YUV with BT.601 coefficients into limited range: say so, so
      // that players do not assume BT.709 for HD sizes.
      r.setVideoOption("colorspace", "smpte170m");
      r.setVideoOption("color_range", "tv");
      if ("libx264".equals(encoder)) {
        r.setVideoBitrate(0);
        r.setVideoProfile(avcodec.AV_PROFILE_H264_HIGH);
        r.setVideoOption("preset", preset);
        r.setVideoOption("crf", Integer.toString(crf));
      } else {
        r.setVideoBitrate(
            (int) Math.min(Integer.MAX_VALUE,
                Math.round((double) width * height * fps * FALLBACK_BITS_PER_PIXEL)));
      }
      r.setAudioCodec(avcodec.AV_CODEC_ID_AAC);
      r.setAudioChannels(channels);
      r.setAudioBitrate(audioBitrateKbps * 1000);
      r.setSampleRate(audioSampleRateHz);
      return r;
    }

    /** Encodes every frame, feeding the audio alongside; returns the thumbnail. */
    private BufferedImage encodeAll(FFmpegFrameRecorder recorder)
        throws FFmpegFrameRecorder.Exception {
      BufferedImage frameImage = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
      int[] rgb = ((DataBufferInt) frameImage.getRaster().getDataBuffer()).getData();
      try (Frame frame = new Frame(width, height, Frame.DEPTH_UBYTE, 4)) {
        KenBurns.Sampler sampler = new KenBurns.Sampler(width, height);
        CaptionPainter painter = captions ? new CaptionPainter(width, height) : null;
        List<CaptionCue> cues = request.cues();
        List<RenderSegment> segments = request.segments();
        long thumbFrame = (request.startFrame(0) + request.endFrame(0) - 1) / 2;
        BufferedImage thumbnail = null;

        int segment = -1;
        KenBurns.Canvas canvas = null;
        KenBurns.Motion motion = null;
        long segStart = 0;
        long segEnd = 0;
        int cue = 0;
        for (long k = 0; k < totalFrames; k++) {
          checkInterrupted();
          int s = request.segmentAtFrame(k);
          if (s != segment) {
            segment = s;
            canvas = null; // let the previous picture go before scaling the next
            canvas = KenBurns.Canvas.cover(segments.get(s).image(), width, height, kenBurnsZoom);
            motion = KenBurns.Motion.forSegment(s);
            segStart = request.startFrame(s);
            segEnd = request.endFrame(s);
          }
          long span = segEnd - segStart - 1;
          double p = span <= 0 ? 0.0 : (double) (k - segStart) / span;
          KenBurns.View view =
              KenBurns.view(
                  motion, p, canvas.width(), canvas.height(), width, height, kenBurnsZoom);
          sampler.sample(canvas, view, rgb);
          if (k == thumbFrame) {
            thumbnail = copy(frameImage);
          }
          if (painter != null) {
            Duration t = request.frameTime(k);
            while (cue < cues.size() && cues.get(cue).end().compareTo(t) <= 0) {
              cue++;
            }
            if (cue < cues.size() && cues.get(cue).start().compareTo(t) <= 0) {
              CaptionCue c = cues.get(cue);
              painter.bitmap(cue, c, c.activeWordAt(t)).blendInto(rgb, width, height);
            }
          }
          copyInto(rgb, frame);
          recorder.record(frame, avutil.AV_PIX_FMT_BGR0);
          sendAudioUpTo(recorder, audioFramesBefore(k + 1));
          if ((k + 1) % fps == 0 && k + 1 < totalFrames) {
            emit(k + 1);
          }
        }
        return thumbnail;
      }
    }

    /**
     * Copies packed {@code 0xRRGGBB} ints into a 4-channel frame's native buffer in little-endian
     * order, which lays each pixel out as the bytes B, G, R, 0: FFmpeg's {@code bgr0}.
     */
    private void copyInto(int[] rgb, Frame frame) {
      ByteBuffer dst = ((ByteBuffer) frame.image[0]).duplicate().order(ByteOrder.LITTLE_ENDIAN);
      int stride = frame.imageStride; // bytes per row; width * 4 for even widths
      if (stride == width * 4) {
        dst.position(0);
        dst.asIntBuffer().put(rgb, 0, width * height);
      } else {
        for (int y = 0; y < height; y++) {
          dst.position(y * stride);
          dst.asIntBuffer().put(rgb, y * width, width);
        }
      }
    }

    /** @return how many PCM sample frames play before video frame {@code frame} starts */
    private long audioFramesBefore(long frame) {
      return Math.min(pcmFrames, Math.floorDiv(frame * pcmRate, fps));
    }

    private void sendAudioUpTo(FFmpegFrameRecorder recorder, long upTo)
        throws FFmpegFrameRecorder.Exception {
      if (upTo <= pcmSent) {
        return;
      }
      int from = Math.toIntExact(pcmSent * channels);
      int to = Math.toIntExact(upTo * channels);
      ShortBuffer chunk = ShortBuffer.wrap(Arrays.copyOfRange(pcm, from, to));
      recorder.recordSamples(pcmRate, channels, chunk);
      pcmSent = upTo;
    }

    private void emit(long done) {
      try {
        listener.onEvent(new ProgressEvent.FramesRendered(done, totalFrames));
      } catch (RuntimeException e) {
        // A listener cannot break a render (see ProgressListener).
      }
    }
  }

  private static BufferedImage copy(BufferedImage src) {
    BufferedImage out = new BufferedImage(src.getWidth(), src.getHeight(), src.getType());
    int[] from = ((DataBufferInt) src.getRaster().getDataBuffer()).getData();
    int[] to = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
    System.arraycopy(from, 0, to, 0, from.length);
    return out;
  }

  @Override
  public String toString() {
    return "FfmpegRenderer[codec=" + videoCodec + ", preset=" + preset + ", crf=" + crf
        + ", audio=" + audioBitrateKbps + " kbit/s @ " + audioSampleRateHz + " Hz, captions="
        + captions + ", zoom=" + kenBurnsZoom + "]";
  }

  /**
   * Collects {@link FfmpegRenderer} settings. Every setter validates its value at once and throws
   * {@link IllegalArgumentException} naming the bad value. Not thread-safe; the renderer it builds
   * is.
   */
  public static final class Builder {
    private String videoCodec = AUTO;
    private String preset = DEFAULT_PRESET;
    private int crf = DEFAULT_CRF;
    private int audioBitrateKbps = DEFAULT_AUDIO_BITRATE_KBPS;
    private int audioSampleRateHz = DEFAULT_AUDIO_SAMPLE_RATE_HZ;
    private boolean captions = true;
    private double kenBurnsZoom = DEFAULT_KEN_BURNS_ZOOM;

    private Builder() {}

    /**
     * Chooses the H.264 encoder. Default {@value FfmpegRenderer#AUTO}: libx264 if the FFmpeg
     * build has it, else libopenh264. An explicit name (for example {@code libopenh264} or {@code
     * h264_nvenc}) is checked against the loaded build when rendering, not here.
     *
     * @param codec {@code auto} or an FFmpeg encoder name: lower case letters, digits and
     *     underscores; case is ignored
     * @return this builder
     * @throws IllegalArgumentException if {@code codec} is null, blank or not such a name
     */
    public Builder videoCodec(String codec) {
      if (codec == null) {
        throw new IllegalArgumentException(
            "video codec must be 'auto' or an encoder name, was null");
      }
      String c = codec.strip().toLowerCase(Locale.ROOT);
      if (!ENCODER_NAME.matcher(c).matches()) {
        throw new IllegalArgumentException(
            "video codec must be 'auto' or an FFmpeg encoder name such as libx264, was '" + codec
                + "'");
      }
      this.videoCodec = c;
      return this;
    }

    /**
     * Sets the x264 preset, the speed/size trade-off; used with libx264 only. Default {@value
     * FfmpegRenderer#DEFAULT_PRESET}.
     *
     * @param preset one of {@link FfmpegRenderer#X264_PRESETS}; case is ignored
     * @return this builder
     * @throws IllegalArgumentException if {@code preset} is not one of them
     */
    public Builder preset(String preset) {
      String p = preset == null ? null : preset.strip().toLowerCase(Locale.ROOT);
      if (p == null || !X264_PRESETS.contains(p)) {
        throw new IllegalArgumentException(
            "preset must be one of " + X264_PRESETS + ", was '" + preset + "'");
      }
      this.preset = p;
      return this;
    }

    /**
     * Sets the constant rate factor for libx264: lower is better quality and larger files; 0 is
     * lossless, 51 the worst (the range of 8-bit x264, see {@code x264 --fullhelp}). Default
     * {@value FfmpegRenderer#DEFAULT_CRF}. Encoders without CRF ignore it and get a bit rate.
     *
     * @param crf 0..51
     * @return this builder
     * @throws IllegalArgumentException if {@code crf} is outside 0..51
     */
    public Builder crf(int crf) {
      if (crf < 0 || crf > 51) {
        throw new IllegalArgumentException("crf must be 0..51 (x264, 8-bit), was " + crf);
      }
      this.crf = crf;
      return this;
    }

    /**
     * Sets the AAC bit rate. Default {@value FfmpegRenderer#DEFAULT_AUDIO_BITRATE_KBPS} kbit/s.
     *
     * @param kbps 16..320 kbit/s (320 is about FFmpeg's AAC ceiling per mono channel at 48 kHz)
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder audioBitrateKbps(int kbps) {
      if (kbps < 16 || kbps > 320) {
        throw new IllegalArgumentException("audio bitrate must be 16..320 kbit/s, was " + kbps);
      }
      this.audioBitrateKbps = kbps;
      return this;
    }

    /**
     * Sets the output audio sample rate; the narration is resampled to it. Default {@value
     * FfmpegRenderer#DEFAULT_AUDIO_SAMPLE_RATE_HZ} Hz, the rate of video production.
     *
     * @param hz an AAC sampling frequency: 8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100,
     *     48000, 64000, 88200 or 96000
     * @return this builder
     * @throws IllegalArgumentException if {@code hz} is not one of them
     */
    public Builder audioSampleRateHz(int hz) {
      if (!AAC_RATES.contains(hz)) {
        throw new IllegalArgumentException(
            "audio sample rate must be an AAC rate such as 44100 or 48000 Hz, was " + hz);
      }
      this.audioSampleRateHz = hz;
      return this;
    }

    /**
     * Turns the captions on or off. Default on. With no cues in the request there is nothing to
     * draw either way.
     *
     * @param on whether to draw captions
     * @return this builder
     */
    public Builder captions(boolean on) {
      this.captions = on;
      return this;
    }

    /**
     * Sets the maximum zoom of the pan-and-zoom effect: the picture is scaled to cover this many
     * times the frame, and each segment zooms or pans within that margin. 1.0 shows still
     * pictures. Default {@value FfmpegRenderer#DEFAULT_KEN_BURNS_ZOOM}.
     *
     * @param zoom 1.0..{@value FfmpegRenderer#MAX_KEN_BURNS_ZOOM}
     * @return this builder
     * @throws IllegalArgumentException if {@code zoom} is out of range or not a number
     */
    public Builder kenBurnsZoom(double zoom) {
      if (!(zoom >= 1.0 && zoom <= MAX_KEN_BURNS_ZOOM)) {
        throw new IllegalArgumentException(
            "Ken Burns zoom must be 1.0.." + MAX_KEN_BURNS_ZOOM + ", was " + zoom);
      }
      this.kenBurnsZoom = zoom;
      return this;
    }

    /**
     * @return a renderer with these settings; does not load the FFmpeg natives
     */
    public FfmpegRenderer build() {
      return new FfmpegRenderer(this);
    }
  }
}
