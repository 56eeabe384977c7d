package dev.storyreel.render.ffmpeg;

import dev.storyreel.core.CaptionStyle;
import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.ProgressEvent;
import dev.storyreel.core.ProgressListener;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.spi.AudioReport;
import dev.storyreel.core.spi.RenderResult;
import dev.storyreel.core.spi.Renderer;
import dev.storyreel.core.timeline.Timeline;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacv.Frame;

/**
 * Renders a {@link Timeline} to an MP4 file with FFmpeg through JavaCV: H.264 video in
 * yuv420p with a slow pan-and-zoom over each segment's picture and word-highlighted captions, and
 * AAC audio, with the {@code moov} atom at the front ({@code movflags=+faststart}) so the file
 * plays while it downloads.
 *
 * <p>Registered name: {@value #NAME}. Build one with {@link #builder()}; every option has a
 * default. Frame timing follows {@link Timeline}'s arithmetic exactly: frame {@code k} has
 * presentation time {@code k / fps}, shows segment {@link Timeline#segmentAtFrame(long)
 * segmentAtFrame(k)}, and the soundtrack is fed to the encoder interleaved with the frames, up to
 * {@code (k + 1) / fps} after frame {@code k}, computed from absolute sample and frame indexes, so
 * nothing drifts however long the video.
 *
 * <p>Encoder. {@code auto} picks libx264 when the loaded FFmpeg build has it, else libopenh264;
 * the natives are checked, because asking FFmpeg for a missing encoder would silently fall back to
 * MPEG-4 Part 2. The GPL natives ({@code org.bytedeco:ffmpeg:8.0.1-1.5.13:linux-x86_64-gpl}) have
 * both; the LGPL ones only libopenh264. See the package documentation for how the GPL natives are
 * picked up. libx264 is driven by {@link Builder#crf(int) CRF} (or {@link
 * Builder#videoBitrateKbps(int) a bit rate}) and {@link Builder#preset(String) preset} in the High
 * profile; other encoders have no CRF and get the bit rate, by default 0.1 bit per pixel per frame
 * (about 6.2 Mbit/s for 1080x1920 at 30 fps). A key frame comes every {@link
 * Builder#gopFrames(int) GOP} frames, by default every two seconds ({@code fps * 2} frames). The
 * hardware encoders {@code h264_nvenc}, {@code h264_qsv} and {@code h264_vaapi} are used when asked
 * for and they open on this machine; otherwise a WARNING is logged (logger {@code
 * dev.storyreel.render.ffmpeg.FfmpegRenderer}) that names the encoder asked for, why it cannot be
 * used and the software encoder used instead. Frames are composed as 8-bit RGB in Java and
 * converted to yuv420p in Java with BT.601 coefficients into limited range, and the stream is
 * tagged so ({@code colorspace=smpte170m}, {@code color_range=tv}); yuv420p halves chroma in both
 * directions, which is why {@link VideoFormat} only accepts even sizes.
 *
 * <p>Compositing. {@link Builder#workers(int) Compositor workers} (one per core by default) each
 * own their RGB canvas and sampler and compose frames by index: Ken Burns from each segment's
 * picture, scaled once per segment; a {@link Transition#CROSSFADE crossfade} (0.4 s by default)
 * centred on each narration boundary; captions drawn once per (cue, spoken word) state and
 * blitted. A reorder buffer of {@code 2 * workers} frames hands them in order to the calling
 * thread, which alone owns the MP4 encoder (FFmpeg's send/receive API, frames and packets reused);
 * memory is bounded by that buffer, not by the video's length. A frame depends only on its index, so the video is the same for any
 * number of workers; with one worker, frames are composed on the calling thread.
 *
 * <p>Audio. Before the first frame, the timeline's soundtrack is mixed to stereo at {@link
 * Builder#audioSampleRateHz(int) the output rate} (48 kHz by default) and normalised to its
 * {@link dev.storyreel.core.timeline.MixSettings}: the narration clips back to back, the music
 * beds with their fades, gain and ducking envelope, the effects at their cues, summed, measured
 * with FFmpeg's {@code ebur128}, brought to the loudness target with {@code volume} and held under
 * the true-peak ceiling (with a margin for the AAC encoder) by {@code alimiter} (see {@code
 * SoundtrackMixer}). Every source is streamed and the mix goes to a scratch file beside {@code
 * output} (deleted after encoding), so memory does not grow with the story's length. The mix is
 * then encoded with FFmpeg's native AAC-LC encoder, interleaved with the frames. Its measured
 * loudness and true peak, and the stems when the mix settings ask for them ({@code
 * narration.wav}, {@code music.wav}, {@code effects.wav} beside {@code output}), are in {@link
 * RenderResult#audio()}. The audio stream is as long as the narration to within one AAC frame
 * (1024 samples, 21 ms at 48 kHz); the video stream is {@link Timeline#frameCount()} frames long,
 * so it ends within one frame after the narration.
 *
 * <p>Moving pictures and overlays. A segment with a clip shows it, fitted to the segment by its
 * {@link dev.storyreel.core.timeline.ClipFit} (trim, slow by frame blending up to 1.5x,
 * ping-pong, or hold the last frame with a slow push-in), the cut still on the narration
 * boundary; a segment with neither still nor clip shows the timeline's background video, looped
 * with a crossfade, blurred and dimmed by FFmpeg filters, its audio mixed at its gain or muted.
 * Each open video is decoded by its own grabber into a ring of at most 32 MiB of frames scaled
 * to cover the frame, shared by the workers; a frame still depends on its index alone. Title
 * cards and watermarks are drawn once with Java2D and blended over their box after the
 * captions. See {@code ClipReader}, {@code MotionLayer} and {@code OverlayPainter}.
 *
 * <p>Thumbnail. {@link RenderResult#thumbnail()} is the composited frame from the middle of
 * segment 0, with the pan-and-zoom applied and <em>without</em> captions, at the video's size:
 * the yuv420p planes the encoder is given for that frame, converted to RGB by FFmpeg's swscale.
 *
 * <p>Thread safety: instances are immutable and thread-safe; each {@link #render} call uses its
 * own encoder, worker threads and buffers, so one instance may render several videos at once.
 * Memory per call, besides the timeline itself: up to {@value CanvasCache#CAPACITY} scaled pictures
 * as yuv420p planes of {@code 1.5 * W * H * Z^2} bytes (and two more whose planes wait to be
 * reused), one RGB scratch image of {@code 4 * W * H * Z^2} bytes and one decoded picture that
 * every segment's picture is scaled through and decoded into where its {@code ImageSource} can
 * ({@link dev.storyreel.core.spi.ImageSource#load(java.awt.image.BufferedImage)}), a few caption
 * states, about {@code 1.5 * W * H} bytes per worker and per reorder-buffer slot, plus the
 * encoder's own. Planes and caption states are reused once the encoder has taken every frame
 * that may still read them, so a render does not allocate them per segment or per cue.
 *
 * <p>Example: {@code FfmpegRenderer.builder().preset("veryfast").crf(23).workers(2).build()}.
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

  /** Default crossfade length: 400 ms. */
  public static final Duration DEFAULT_TRANSITION_DURATION = Duration.ofMillis(400);

  /** Longest accepted transition: 2 s. */
  public static final Duration MAX_TRANSITION_DURATION = Duration.ofSeconds(2);

  /** Most compositor workers accepted: {@value}. */
  public static final int MAX_WORKERS = 64;

  /** Bits per pixel per frame given to encoders without CRF. */
  private static final double FALLBACK_BITS_PER_PIXEL = 0.1;

  /**
   * Largest frame libopenh264 accepts, in pixels: its {@code ParamValidationExt} refuses {@code
   * width * height > 9437184} (4096x2304), checked with the 8.0.1-1.5.13 natives.
   */
  static final long OPENH264_MAX_PIXELS = 9_437_184L;

  /**
   * Successful {@link #preflight} checks, by fingerprint, resolved encoder and format, for this
   * JVM: the encoder opens the same way every time, so a second job need not pay for it.
   */
  private static final Set<String> PREFLIGHT_PASSED = ConcurrentHashMap.newKeySet();

  /** How many times {@link #preflight} really opened an encoder in this JVM; for tests. */
  static final AtomicLong PREFLIGHT_PROBES = new AtomicLong();

  private final String videoCodec;
  private final String preset;
  private final Integer crf;
  private final Integer videoBitrateKbps;
  private final int gopFrames;
  private final int workers;
  private final Transition transition;
  private final Duration transitionDuration;
  private final int audioBitrateKbps;
  private final int audioSampleRateHz;
  private final boolean captions;
  private final CaptionStyle captionStyle;
  private final double kenBurnsZoom;

  private FfmpegRenderer(Builder b) {
    this.videoCodec = b.videoCodec;
    this.preset = b.preset;
    this.crf = b.crf;
    this.videoBitrateKbps = b.videoBitrateKbps;
    this.gopFrames = b.gopFrames;
    this.workers = b.workers;
    this.transition = b.transition;
    this.transitionDuration = b.transitionDuration;
    this.audioBitrateKbps = b.audioBitrateKbps;
    this.audioSampleRateHz = b.audioSampleRateHz;
    this.captions = b.captions;
    this.captionStyle = b.captionStyle;
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
    b.videoBitrateKbps = videoBitrateKbps;
    b.gopFrames = gopFrames;
    b.workers = workers;
    b.transition = transition;
    b.transitionDuration = transitionDuration;
    b.audioBitrateKbps = audioBitrateKbps;
    b.audioSampleRateHz = audioSampleRateHz;
    b.captions = captions;
    b.captionStyle = captionStyle;
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

  /**
   * @return the x264 constant rate factor, 0..51; {@value #DEFAULT_CRF} unless set; -1 when a
   *     {@link #videoBitrateKbps() bit rate} was set instead
   */
  public int crf() {
    return videoBitrateKbps != null ? -1 : crf != null ? crf : DEFAULT_CRF;
  }

  /**
   * @return the video bit rate, kbit/s, or 0 when CRF is used (with libx264) or the default of
   *     0.1 bit per pixel per frame applies (other encoders)
   */
  public int videoBitrateKbps() {
    return videoBitrateKbps == null ? 0 : videoBitrateKbps;
  }

  /** @return frames between key frames, or 0 for the default of two seconds ({@code 2 * fps}) */
  public int gopFrames() {
    return gopFrames;
  }

  /**
   * @return compositor workers per render, or 0 for one per available processor ({@link
   *     Runtime#availableProcessors()}, read at each render)
   */
  public int workers() {
    return workers;
  }

  /** @return how segments give way to each other; never null */
  public Transition transition() {
    return transition;
  }

  /** @return the length of each transition; zero for hard cuts; never null */
  public Duration transitionDuration() {
    return transition == Transition.CUT ? Duration.ZERO : transitionDuration;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Holds every setting that changes the video: codec preference, preset, CRF or bit rate,
   * GOP, transition kind and length, captions and their {@link CaptionStyle#fingerprint() style},
   * Ken Burns zoom, audio bit rate and rate, and the
   * version of the soundtrack mix (stereo, the limiter's margin). Not the number of workers: the
   * video is the same for any. Not the mix settings either: they are part of the {@link Timeline},
   * on which the caller keys the video too.
   */
  @Override
  public String fingerprint() {
    String rate = videoBitrateKbps != null ? "bitrate=" + videoBitrateKbps + "k" : "crf=" + crf();
    return NAME + "[codec=" + videoCodec + ",preset=" + preset + "," + rate + ",gop="
        + (gopFrames == 0 ? "2s" : Integer.toString(gopFrames)) + ",transition="
        + transition.name().toLowerCase(Locale.ROOT) + ":" + transitionDuration().toMillis()
        + "ms,captions=" + captions
        + (captionStyle.equals(CaptionStyle.CLASSIC) ? "" : "{" + captionStyle.fingerprint() + "}")
        + ",zoom=" + kenBurnsZoom + ",audio=" + audioBitrateKbps
        + "k@" + audioSampleRateHz + ",mix=stereo-ebur128-alimiter-"
        + SoundtrackMixer.LIMITER_MARGIN_DB + "dB,pix=yuv420p-bt601-tv,v3]";
  }

  /**
   * {@inheritDoc}
   *
   * <p>The keys: {@code codec} (the preference, for example {@code auto}), {@code preset}, {@code
   * crf} or {@code videoBitrateKbps}, {@code gopFrames} ({@code 2s} for two seconds' worth),
   * {@code transition}, {@code transitionMillis}, {@code captions}, {@code kenBurnsZoom}, {@code
   * audioBitrateKbps}, {@code audioSampleRateHz}. The encoder actually used is in the manifest's
   * video entry.
   */
  @Override
  public Map<String, String> options() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("codec", videoCodec);
    m.put("preset", preset);
    if (videoBitrateKbps != null) {
      m.put("videoBitrateKbps", Integer.toString(videoBitrateKbps));
    } else {
      m.put("crf", Integer.toString(crf()));
    }
    m.put("gopFrames", gopFrames == 0 ? "2s" : Integer.toString(gopFrames));
    m.put("transition", transition.name().toLowerCase(Locale.ROOT));
    m.put("transitionMillis", Long.toString(transitionDuration().toMillis()));
    m.put("captions", Boolean.toString(captions));
    m.put("kenBurnsZoom", Double.toString(kenBurnsZoom));
    m.put("audioBitrateKbps", Integer.toString(audioBitrateKbps));
    m.put("audioSampleRateHz", Integer.toString(audioSampleRateHz));
    return Collections.unmodifiableMap(m);
  }

  /** @return the AAC bit rate, kbit/s */
  public int audioBitrateKbps() {
    return audioBitrateKbps;
  }

  /** @return the output audio sample rate, Hz */
  public int audioSampleRateHz() {
    return audioSampleRateHz;
  }

  /** @return whether captions are drawn: on, and the style's {@code burnIn} on */
  public boolean captions() {
    return captions && captionStyle.burnIn();
  }

  /** @return how burned-in captions look; {@link CaptionStyle#CLASSIC} unless set; never null */
  @Override
  public CaptionStyle captionStyle() {
    return captionStyle;
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
   * @param timeline what to render; never {@code null}
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
  public RenderResult render(Timeline timeline, Path output, ProgressListener listener) {
    Objects.requireNonNull(timeline, "timeline");
    Objects.requireNonNull(output, "output");
    ProgressListener progress = listener == null ? ProgressListener.NONE : listener;
    checkInterrupted();
    String encoder = FfmpegNatives.resolveEncoder(videoCodec);
    return new Job(timeline, output, progress, encoder).run();
  }

  /**
   * Opens the file with FFmpeg (javacv's {@code FFmpegFrameGrabber}), reads its first video
   * stream's size, rate and duration, and decodes its first picture.
   *
   * @param file a video file; not {@code null}
   * @return what it holds
   * @throws dev.storyreel.core.InvalidInputException if it is missing, empty, over 2 GiB, not a
   *     container FFmpeg reads, has no video stream or decodes to no picture
   */
  @Override
  public dev.storyreel.core.spi.VideoInfo probeVideo(Path file) {
    return VideoProbe.probe(file);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Loads the FFmpeg natives, resolves the encoder exactly as {@link #render} does (a
   * hardware encoder that cannot open falls back to the software one, with the same WARNING),
   * and opens the MP4 encoder with the settings a render uses, at {@code format}'s size and rate, with a stereo AAC stream at {@link #audioSampleRateHz()}: the video
   * encoder (codec, profile, preset, CRF or bit rate, GOP, colour tags), the AAC encoder and the
   * MP4 muxer. It writes the probe's header to a file in a new folder under {@code
   * java.io.tmpdir}, stops at once and deletes both. About 15 ms at 1080x1920 once the natives
   * are loaded (about half a second the first time in a JVM). A success is remembered for this
   * JVM per (settings, encoder, format), so later calls return at once; a failure is not.
   *
   * <p>What it catches, among others: a codec missing from the loaded FFmpeg build ({@code vp9}
   * has no encoder of that name); CRF 0 with libx264 (lossless, which x264 refuses in the High
   * profile StoryReel writes); a frame over libopenh264's 9,437,184 pixels (4096x2304).
   *
   * <p>Thread-safe; concurrent calls may both probe.
   *
   * @param format the job's frame size and rate; never {@code null}
   * @throws ConfigurationException if the natives do not load, the encoder is missing or does
   *     not make H.264, or the encoder or muxer does not open with these settings; the message
   *     names the encoder, the settings and the format, and says what to change
   */
  @Override
  public void preflight(VideoFormat format) {
    Objects.requireNonNull(format, "format");
    String encoder = FfmpegNatives.resolveEncoder(videoCodec);
    String key = fingerprint() + "|" + encoder + "|" + format;
    if (PREFLIGHT_PASSED.contains(key)) {
      return;
    }
    Path dir;
    try {
      // Named after this process, so that a preflight killed with kill -9 leaves a folder the next
      // preflight (of any process) can tell is orphaned and delete.
      Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
      removeOrphanedPreflightFolders(tmp);
      // One number per probe: concurrent preflights of one process must not share a folder.
      dir = Files.createDirectories(tmp.resolve(PREFLIGHT_PREFIX + ProcessHandle.current().pid()
          + "-" + PREFLIGHT_PROBES.getAndIncrement()));
    } catch (IOException | RuntimeException e) {
      throw new ConfigurationException(
          "The ffmpeg renderer could not make a temporary folder in java.io.tmpdir ("
              + System.getProperty("java.io.tmpdir") + ") to check its encoder: " + e.getMessage()
              + ". Point java.io.tmpdir at a writable folder (-Djava.io.tmpdir=...).",
          e);
    }
    Path probe = dir.resolve("preflight.mp4");
    try (Mp4Encoder e =
        newEncoder(probe, format.widthPx(), format.heightPx(), format.fps(), 2, encoder)) {
      e.start();
      e.finish();
    } catch (Mp4Encoder.EncoderException | RuntimeException e) {
      throw new ConfigurationException(preflightFailure(format, encoder, e.getMessage()), e);
    } finally {
      try {
        Files.deleteIfExists(probe);
        Files.deleteIfExists(dir);
      } catch (IOException ignored) {
        // a probe of a few hundred bytes left in the temporary folder is harmless
      }
    }
    PREFLIGHT_PASSED.add(key);
  }

  private static final String PREFLIGHT_PREFIX = "storyreel-preflight-";

  /**
   * Deletes the preflight folders of processes that no longer run (killed during a preflight).
   * A folder whose name does not parse, or whose process still runs, is left alone.
   */
  private static void removeOrphanedPreflightFolders(Path tmp) {
    try (java.util.stream.Stream<Path> list = Files.list(tmp)) {
      for (Path d : list.filter(p -> p.getFileName().toString().startsWith(PREFLIGHT_PREFIX))
          .toList()) {
        String rest = d.getFileName().toString().substring(PREFLIGHT_PREFIX.length());
        int dash = rest.indexOf('-');
        long pid;
        try {
          pid = Long.parseLong(dash > 0 ? rest.substring(0, dash) : rest);
        } catch (NumberFormatException e) {
          continue;
        }
        if (pid == ProcessHandle.current().pid() || ProcessHandle.of(pid).isPresent()) {
          continue;
        }
        try (java.util.stream.Stream<Path> files = Files.list(d)) {
          for (Path f : files.toList()) {
            Files.deleteIfExists(f);
          }
        }
        Files.deleteIfExists(d);
      }
    } catch (IOException | RuntimeException e) {
      // best effort: a leftover probe is a few hundred bytes
    }
  }

  /**
   * Words a failed preflight: what was opened, the known cause when there is one, and the fix.
   *
   * @param format the job's format
   * @param encoder the resolved encoder
   * @param ffmpegMessage javacv's message, or {@code null}
   * @return the message; never names a Java class
   */
  String preflightFailure(VideoFormat format, String encoder, String ffmpegMessage) {
    String settings = "libx264".equals(encoder)
        ? "preset " + preset + ", " + (videoBitrateKbps != null
            ? "bit rate " + videoBitrateKbps + " kbit/s" : "CRF " + crf())
        : (videoBitrateKbps != null ? "bit rate " + videoBitrateKbps + " kbit/s"
            : "default bit rate");
    String head = "The ffmpeg renderer cannot encode " + format.widthPx() + "x" + format.heightPx()
        + " at " + format.fps() + " fps with encoder " + encoder + " (" + settings + "): ";
    if ("libx264".equals(encoder) && videoBitrateKbps == null && crf() == 0) {
      return head + "CRF 0 means lossless, which x264 only encodes in the High 4:4:4 Predictive"
          + " profile that browsers and phones do not play; StoryReel writes the High profile."
          + " Use a CRF of 1..51 instead (18 looks lossless to most eyes; CLI: --crf 18).";
    }
    long pixels = (long) format.widthPx() * format.heightPx();
    if ("libopenh264".equals(encoder) && pixels > OPENH264_MAX_PIXELS) {
      return head + "libopenh264 encodes at most " + OPENH264_MAX_PIXELS + " pixels a frame (for"
          + " example 4096x2304) and this format has " + pixels + ". Choose a smaller format"
          + " (CLI: --format), or use libx264 (codec 'libx264', or 'auto' with the dependency "
          + FfmpegNatives.gplDependency() + ").";
    }
    String said = ffmpegMessage == null ? "no reason given" : ffmpegMessage;
    int noise = said.indexOf(" (For more details");
    if (noise > 0) {
      said = said.substring(0, noise);
    }
    return head + "FFmpeg said: " + said.strip() + ". Change the codec (codec 'auto' picks one"
        + " this build has), the preset, the CRF or bit rate, or the frame size.";
  }

  private static void checkInterrupted() {
    if (Thread.currentThread().isInterrupted()) {
      throw new CancellationException("rendering was interrupted");
    }
  }

  /**
   * Makes an encoder with this renderer's video and audio settings, not started. Package-private:
   * the benchmarks' encode-only leg uses it so that it encodes exactly as a render does.
   *
   * @param output the MP4 file
   * @param width frame width, pixels
   * @param height frame height, pixels
   * @param fps frames per second
   * @param channels audio channels of the soundtrack (2: the mix is stereo)
   * @param encoder the resolved encoder name
   * @return the encoder; frames go in as yuv420p
   */
  Mp4Encoder newEncoder(
      Path output, int width, int height, int fps, int channels, String encoder) {
    java.util.Map<String, String> options = new java.util.LinkedHashMap<>();
    long bitRate;
    int profile = -1;
    long fallbackBps = Math.round((double) width * height * fps * FALLBACK_BITS_PER_PIXEL);
    if ("libx264".equals(encoder)) {
      profile = avcodec.AV_PROFILE_H264_HIGH;
      options.put("preset", preset);
      if (videoBitrateKbps != null) {
        bitRate = videoBitrateKbps * 1000L;
      } else {
        bitRate = 0;
        options.put("crf", Integer.toString(crf()));
      }
    } else {
      bitRate = videoBitrateKbps != null ? videoBitrateKbps * 1000L : fallbackBps;
    }
    return new Mp4Encoder(output, new Mp4Encoder.Config(width, height, fps, encoder,
        FfmpegNatives.pixelFormatFor(encoder), profile, gopFrames > 0 ? gopFrames : fps * 2,
        bitRate, options, audioSampleRateHz, channels, audioBitrateKbps * 1000L));
  }

  /**
   * @param timeline a timeline
   * @return the compositing plan a render of it uses: same zoom, captions and transitions
   */
  FrameCompositor.Plan plan(Timeline timeline) {
    int fps = timeline.format().fps();
    int transitionFrames = (int) Math.round(transitionDuration().toNanos() * (double) fps / 1e9);
    return new FrameCompositor.Plan(timeline, kenBurnsZoom, captions, captionStyle,
        transitionFrames);
  }

  /** @return the compositor workers a render uses now: {@link #workers()}, or the core count */
  int effectiveWorkers() {
    return workers > 0 ? workers : Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  /** The state of one render call; the encoder is confined to the calling thread. */
  private final class Job {
    private final Timeline timeline;
    private final Path output;
    private final ProgressListener listener;
    private final String encoder;
    private final int width;
    private final int height;
    private final int fps;
    private final long totalFrames;
    private final int pcmRate;
    private long pcmFrames;
    private FileChannel soundtrack;
    private final ByteBuffer soundBytes;
    private final FrameCompositor.Plan plan;
    private long pcmSent;

    Job(Timeline timeline, Path output, ProgressListener listener, String encoder) {
      this.timeline = timeline;
      this.output = output;
      this.listener = listener;
      this.encoder = encoder;
      VideoFormat format = timeline.format();
      this.width = format.widthPx();
      this.height = format.heightPx();
      this.fps = format.fps();
      this.totalFrames = timeline.frameCount();
      this.pcmRate = audioSampleRateHz;
      this.soundBytes = ByteBuffer.allocate(8 * pcmRate).order(ByteOrder.LITTLE_ENDIAN);
      this.plan = plan(timeline);
    }

    RenderResult run() {
      checkInterrupted();
      SoundtrackMixer.Soundtrack mixed = new SoundtrackMixer(timeline, pcmRate).mix(output);
      this.pcmFrames = mixed.frames();
      Mp4Encoder mp4 = newEncoder(output, width, height, fps, 2, encoder);
      try {
        soundtrack = FileChannel.open(mixed.file());
        mp4.start();
        byte[] thumbnailYuv = thumbnailYuv();
        int n = effectiveWorkers();
        if (n <= 1) {
          encodeInline(mp4);
        } else {
          encodeParallel(mp4, n);
        }
        sendAudioUpTo(mp4, pcmFrames);
        mp4.finish();
        BufferedImage thumbnail = MotionLayer.toImage(thumbnailYuv, width, height);
        emit(totalFrames);
        return new RenderResult(
            totalFrames,
            Duration.ofNanos(Math.floorDiv(totalFrames * 1_000_000_000L, fps)),
            "h264",
            encoder,
            "aac",
            thumbnail,
            new AudioReport(mixed.integratedLufs(), mixed.truePeakDbtp(), mixed.stems()));
      } catch (Mp4Encoder.EncoderException e) {
        throw new NonRetriableException(
            "FFmpeg could not write the video to " + output + " with encoder " + encoder + ": "
                + e.getMessage() + ". Check that the folder exists and is writable, that the disk"
                + " has room, and that the encoder works on this machine (try codec 'auto').",
            e);
      } catch (IOException e) {
        throw new NonRetriableException("The ffmpeg renderer could not read back its mixed"
            + " soundtrack " + mixed.file() + ": " + e.getMessage() + ". Check that the folder"
            + " is writable and the disk has room.", e);
      } finally {
        // Unfinished (failing or cancelled), the caller deletes the partial file.
        mp4.close();
        plan.close();
        try {
          if (soundtrack != null) {
            soundtrack.close();
          }
          Files.deleteIfExists(mixed.file());
        } catch (IOException e) {
          // a scratch file in the caller's temporary folder, which the caller deletes
        }
      }
    }

    /**
     * The middle frame of segment 0, without captions, as yuv420p: the very pictures the video
     * shows, from the same cached canvas the workers sample next. It is kept as planes (1.5 bytes
     * a pixel) and converted to an image only after the encode, so that the render's peak holds
     * no RGB copy of it (issue 14: the RGB path kept about 35 MB alive at 1080x1920).
     */
    private byte[] thumbnailYuv() {
      long k = (timeline.startFrame(0) + timeline.endFrame(0) - 1) / 2;
      byte[] yuv = new byte[yuvSize()];
      new FrameCompositor(plan).pictureYuv(k, yuv);
      return yuv;
    }

    /** One worker: frames composed on the calling thread, in order. */
    private void encodeInline(Mp4Encoder mp4) throws IOException {
      FrameCompositor compositor = new FrameCompositor(plan);
      byte[] yuv = new byte[yuvSize()];
      for (long k = 0; k < totalFrames; k++) {
        checkInterrupted();
        compositor.composeYuv(k, yuv);
        plan.composedBelow(k + 1);
        encode(mp4, yuv, k);
      }
    }

    /** Workers compose frames by index; the calling thread encodes them in order. */
    private void encodeParallel(Mp4Encoder mp4, int n) throws IOException {
      ReorderBuffer buffer = new ReorderBuffer(2 * n, yuvSize(), totalFrames);
      ExecutorService pool = Executors.newFixedThreadPool(n, ReorderBuffer.threads());
      ExecutorService ahead = Executors.newSingleThreadExecutor(ReorderBuffer.threads());
      plan.canvases.prefetchWith(ahead);
      try {
        for (int i = 0; i < n; i++) {
          pool.execute(() -> buffer.work(new FrameCompositor(plan)));
        }
        for (long k = 0; k < totalFrames; k++) {
          checkInterrupted();
          byte[] yuv = buffer.take(k);
          plan.composedBelow(k + 1);
          encode(mp4, yuv, k);
          buffer.release(yuv);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CancellationException("rendering was interrupted");
      } finally {
        buffer.stop();
        plan.canvases.prefetchWith(null);
        pool.shutdownNow();
        ahead.shutdownNow();
        awaitWorkers(pool);
        awaitWorkers(ahead);
        plan.canvases.dropPending();
      }
    }

    private void awaitWorkers(ExecutorService pool) {
      boolean interrupted = Thread.interrupted();
      try {
        // A worker ends within one frame once stopped; the bound only guards against a bug.
        while (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
          pool.shutdownNow();
        }
      } catch (InterruptedException e) {
        interrupted = true;
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }

    private int yuvSize() {
      return width * height + 2 * (width / 2) * (height / 2);
    }

    private void encode(Mp4Encoder mp4, byte[] yuv, long k) throws IOException {
      mp4.writeVideo(yuv);
      sendAudioUpTo(mp4, audioFramesBefore(k + 1));
      if ((k + 1) % fps == 0 && k + 1 < totalFrames) {
        emit(k + 1);
      }
    }

    /** @return how many mixed sample frames play before video frame {@code frame} starts */
    private long audioFramesBefore(long frame) {
      return Math.min(pcmFrames, Math.floorDiv(frame * pcmRate, fps));
    }

    /** Streams the mixed soundtrack from its scratch file, at most a second at a time. */
    private void sendAudioUpTo(Mp4Encoder mp4, long upTo) throws IOException {
      if (upTo > pcmSent) {
        mp4.writeAudio(soundtrack, soundBytes, upTo - pcmSent);
        pcmSent = upTo;
      }
    }

    private void emit(long done) {
      try {
        listener.onEvent(new ProgressEvent.FramesRendered(done, totalFrames));
      } catch (RuntimeException e) {
        // A listener cannot break a render (see ProgressListener).
      }
    }
  }

  @Override
  public String toString() {
    return "FfmpegRenderer[" + fingerprint() + ", workers="
        + (workers == 0 ? "auto" : Integer.toString(workers)) + "]";
  }

  /**
   * Collects {@link FfmpegRenderer} settings. Every setter validates its value at once and throws
   * {@link IllegalArgumentException} naming the bad value. Not thread-safe; the renderer it builds
   * is.
   */
  public static final class Builder {
    private String videoCodec = AUTO;
    private String preset = DEFAULT_PRESET;
    private Integer crf;
    private Integer videoBitrateKbps;
    private int gopFrames;
    private int workers;
    private Transition transition = Transition.CROSSFADE;
    private Duration transitionDuration = DEFAULT_TRANSITION_DURATION;
    private int audioBitrateKbps = DEFAULT_AUDIO_BITRATE_KBPS;
    private int audioSampleRateHz = DEFAULT_AUDIO_SAMPLE_RATE_HZ;
    private boolean captions = true;
    private CaptionStyle captionStyle = CaptionStyle.CLASSIC;
    private double kenBurnsZoom = DEFAULT_KEN_BURNS_ZOOM;

    private Builder() {}

    /**
     * Chooses the H.264 encoder. Default {@value FfmpegRenderer#AUTO}: libx264 if the FFmpeg
     * build has it, else libopenh264. An explicit name (for example {@code libopenh264} or {@code
     * h264_nvenc}) is checked against the loaded build by {@link FfmpegRenderer#preflight} (which
     * a job runs before making anything) and when rendering, not here.
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
     * With libx264, 0 (lossless) fails {@link FfmpegRenderer#preflight}: x264 encodes lossless
     * only in the High 4:4:4 Predictive profile, and StoryReel writes the High profile that
     * players support; it is accepted here because other encoders ignore the CRF.
     * CRF and {@link #videoBitrateKbps(int) bit rate} exclude each other: {@link #build()}
     * rejects a builder with both.
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
     * Asks for an average video bit rate instead of CRF (libx264) or instead of the default 0.1
     * bit per pixel per frame (other encoders). Excludes {@link #crf(int)}; 0 clears it.
     *
     * @param kbps 0 (clear) or 100..200000 kbit/s
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder videoBitrateKbps(int kbps) {
      if (kbps != 0 && (kbps < 100 || kbps > 200_000)) {
        throw new IllegalArgumentException(
            "video bitrate must be 100..200000 kbit/s (or 0 to clear), was " + kbps);
      }
      this.videoBitrateKbps = kbps == 0 ? null : kbps;
      return this;
    }

    /**
     * Sets the GOP length: frames from one key frame to the next. Default 0: two seconds ({@code
     * 2 * fps} frames).
     *
     * @param frames 0 (default) or 1..1000
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder gopFrames(int frames) {
      if (frames < 0 || frames > 1000) {
        throw new IllegalArgumentException(
            "GOP must be 1..1000 frames (or 0 for two seconds), was " + frames);
      }
      this.gopFrames = frames;
      return this;
    }

    /**
     * Sets how many compositor threads each render uses. The video is identical for any value;
     * with 1, frames are composed on the calling thread. Default 0: one per available processor.
     *
     * @param workers 0 (one per core) or 1..{@value FfmpegRenderer#MAX_WORKERS}
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder workers(int workers) {
      if (workers < 0 || workers > MAX_WORKERS) {
        throw new IllegalArgumentException(
            "workers must be 1.." + MAX_WORKERS + " (or 0 for one per core), was " + workers);
      }
      this.workers = workers;
      return this;
    }

    /**
     * Sets how segments give way to each other. Default {@link Transition#CROSSFADE}.
     *
     * @param transition the kind; never null
     * @return this builder
     * @throws IllegalArgumentException if null
     */
    public Builder transition(Transition transition) {
      if (transition == null) {
        throw new IllegalArgumentException("transition must be crossfade or cut, was null");
      }
      this.transition = transition;
      return this;
    }

    /**
     * Sets the length of each crossfade, centred on the narration boundary (rounded to whole
     * frames; shortened where a neighbouring segment is shorter than twice its half). Zero means
     * hard cuts. Default 400 ms.
     *
     * @param length 0..2 s; never null
     * @return this builder
     * @throws IllegalArgumentException if null, negative or over 2 s
     */
    public Builder transitionDuration(Duration length) {
      if (length == null || length.isNegative() || length.compareTo(MAX_TRANSITION_DURATION) > 0) {
        throw new IllegalArgumentException(
            "transition duration must be 0..2 s, was " + length);
      }
      this.transitionDuration = length;
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
     * Sets how burned-in captions look: font, size, colours, outline, position, box, lines per
     * cue. Default {@link CaptionStyle#CLASSIC}. A style with {@code burnIn} off draws no
     * captions (the job still writes SRT and WebVTT). The style's words per cue is the cue
     * splitter's business (core's {@code Captions}); the renderer draws the cues it is given.
     *
     * @param style the style; never null
     * @return this builder
     * @throws IllegalArgumentException if null
     */
    public Builder captionStyle(CaptionStyle style) {
      if (style == null) {
        throw new IllegalArgumentException(
            "caption style must be set (CaptionStyle.CLASSIC is the default), was null");
      }
      this.captionStyle = style;
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
     * @throws IllegalArgumentException if both a CRF and a video bit rate were set
     */
    public FfmpegRenderer build() {
      if (crf != null && videoBitrateKbps != null) {
        throw new IllegalArgumentException(
            "set either crf (" + crf + ") or video bitrate (" + videoBitrateKbps
                + " kbit/s), not both: CRF asks for constant quality, a bit rate for a size");
      }
      return new FfmpegRenderer(this);
    }
  }
}
