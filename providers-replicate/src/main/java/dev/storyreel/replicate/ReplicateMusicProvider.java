package dev.storyreel.replicate;

import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.Mood;
import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.Redactor;
import dev.storyreel.core.RetriableException;
import dev.storyreel.core.Usage;
import dev.storyreel.core.http.SafeDownload;
import dev.storyreel.core.spi.GeneratedAudio;
import dev.storyreel.core.spi.MusicProvider;
import dev.storyreel.core.spi.MusicRequest;
import dev.storyreel.core.spi.PendingWork;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes music beds with Meta's MusicGen on Replicate, by default {@value #DEFAULT_MODEL} (the
 * {@code meta/musicgen} model pinned to a version: it is not one of Replicate's official models,
 * so it runs through {@code POST /v1/predictions} with that version id), or any MusicGen-like
 * model named {@code owner/name:version}.
 *
 * <p>Input sent: {@code prompt} (from the mood and the story's style, see {@link
 * #prompt(Mood, String)}), {@code duration} (whole seconds: the request's duration rounded up,
 * at most {@link Builder#maxClipSeconds}), {@code model_version} ({@value #DEFAULT_MODEL_VERSION} by default), {@code output_format}
 * {@code wav}, and {@code seed} (the request's seed, reduced to 0..2^31-1).
 *
 * <p>Output: the WAV is downloaded with {@link SafeDownload#audio} straight to a file beside
 * {@code request.output()} (never held whole in memory), then written to {@code
 * request.output()} as 16-bit PCM with the JDK's {@code javax.sound.sampled} (which converts
 * 24/32-bit and float WAV), streamed and trimmed to exactly {@code request.duration()}. If the
 * model answered with less (a version that caps clips at 30 s, or {@code maxClipSeconds}), the
 * file is written as it is and {@link GeneratedAudio#duration()} says its true, shorter length:
 * the caller loops it. Memory does not grow with the duration.
 *
 * <p>Paid, like images: creating a prediction is billed, so the prediction machinery records its
 * id in the caller's {@link PendingWork} at once, resumes it on a later call, retries polls and
 * downloads in-process, and cancels it past the deadline (default 10 minutes). See {@link
 * ReplicateImageProvider#generate(dev.storyreel.core.spi.ImageRequest, PendingWork)} for the
 * steps and the failures.
 *
 * <p>{@code ReplicateMusicProvider.builder().build().compose(new MusicRequest(Mood.DREAD,
 * Duration.ofSeconds(40), 7, Path.of("bed.wav")))}
 *
 * <p>Immutable and thread-safe; one instance may serve many calls at once.
 */
public final class ReplicateMusicProvider implements MusicProvider {
  /** The default model: {@value}. */
  public static final String DEFAULT_MODEL =
      "meta/musicgen:671ac645ce5e552cc63a54a2bbff63fcf798043055d2dac5fc9e36a837eedcfb";
  /** MusicGen's checkpoint asked for by default: {@value}. */
  public static final String DEFAULT_MODEL_VERSION = "stereo-melody-large";
  /** The checkpoints {@code meta/musicgen} accepts as {@code model_version}. */
  public static final Set<String> MODEL_VERSIONS =
      Set.of("stereo-melody-large", "stereo-large", "melody-large", "large");
  /** The largest download accepted: 256 MiB (about 35 minutes of 32 kHz stereo WAV). */
  public static final long MAX_DOWNLOAD_BYTES = 256L << 20;

  private static final Logger LOG =
      LoggerFactory.getLogger(ReplicateMusicProvider.class);
  private static final Map<Mood, String> PROMPTS = prompts();

  private final Predictions predictions;
  private final String model;
  private final String modelVersion;
  private final int maxClipSeconds;
  private final int maxConcurrency;
  private final String hostAndPort;
  private final SafeDownload download;

  private ReplicateMusicProvider(Builder b) {
    this.predictions = new Predictions(b, "makes audio", LOG);
    this.model = b.model;
    this.modelVersion = b.modelVersion;
    this.maxClipSeconds = b.maxClipSeconds;
    this.maxConcurrency = b.maxConcurrency;
    this.hostAndPort = b.hostAndPort();
    this.download = SafeDownload.builder().maxBytes(MAX_DOWNLOAD_BYTES)
        .timeout(Duration.ofMinutes(5)).build();
  }

  /** @return a builder with the defaults (token from {@code REPLICATE_API_TOKEN} if set) */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The prompt sent for each mood. MusicGen follows short lists of genre, instruments, tempo and
   * key best; every prompt ends with "no vocals" so that the bed never competes with the voice.
   *
   * <table>
   *   <caption>Prompts by mood</caption>
   *   <tr><th>mood</th><th>prompt</th></tr>
   *   <tr><td>dread</td><td>dark ambient drone, slow, minor key, low strings and sub bass,
   *       distant metallic textures, no vocals</td></tr>
   *   <tr><td>calm</td><td>calm ambient, soft warm pads, gentle felt piano, major key, slow
   *       tempo, no vocals</td></tr>
   *   <tr><td>tension</td><td>tense cinematic underscore, pulsing synth ostinato, suspended
   *       chords, ticking percussion, steady build, no vocals</td></tr>
   *   <tr><td>wonder</td><td>wondrous cinematic ambient, bright wide strings, slow harp
   *       arpeggios, shimmering bells, major key, no vocals</td></tr>
   *   <tr><td>sorrow</td><td>sad slow piano and cello, minor key, long sustained notes, sparse,
   *       no vocals</td></tr>
   * </table>
   *
   * @param mood the mood; never {@code null}
   * @return its prompt; never blank
   */
  public static String prompt(Mood mood) {
    return PROMPTS.get(Objects.requireNonNull(mood, "mood"));
  }

  /** The longest style put in a prompt, in characters: {@value}. */
  static final int MAX_STYLE_CHARS = 200;

  /**
   * The prompt for a mood in the story's style: the style first (MusicGen weighs the start of a
   * prompt most), then {@link #prompt(Mood)}, for example {@code 1950s radio drama, dark ambient
   * drone, ..., no vocals}.
   *
   * @param mood the mood; never {@code null}
   * @param style the story's style ({@link MusicRequest#style()}), or {@code null} for none; cut
   *     to {@value #MAX_STYLE_CHARS} characters
   * @return the prompt; {@link #prompt(Mood)} when there is no style
   */
  public static String prompt(Mood mood, String style) {
    String base = prompt(mood);
    if (style == null || style.isBlank()) {
      return base;
    }
    String st = style.strip();
    if (st.length() > MAX_STYLE_CHARS) {
      st = st.substring(0, MAX_STYLE_CHARS).strip();
    }
    return st + ", " + base;
  }

  private static Map<Mood, String> prompts() {
    Map<Mood, String> m = new EnumMap<>(Mood.class);
    m.put(Mood.DREAD, "dark ambient drone, slow, minor key, low strings and sub bass, distant"
        + " metallic textures, no vocals");
    m.put(Mood.CALM, "calm ambient, soft warm pads, gentle felt piano, major key, slow tempo,"
        + " no vocals");
    m.put(Mood.TENSION, "tense cinematic underscore, pulsing synth ostinato, suspended chords,"
        + " ticking percussion, steady build, no vocals");
    m.put(Mood.WONDER, "wondrous cinematic ambient, bright wide strings, slow harp arpeggios,"
        + " shimmering bells, major key, no vocals");
    m.put(Mood.SORROW, "sad slow piano and cello, minor key, long sustained notes, sparse, no"
        + " vocals");
    return Map.copyOf(m);
  }

  /** @return {@code replicate} */
  @Override
  public String name() {
    return "replicate";
  }

  /** @return the model, {@code owner/name:version} */
  @Override
  public String model() {
    return model;
  }

  @Override
  public int maxConcurrency() {
    return maxConcurrency;
  }

  /** @return model, checkpoint, clip cap and base URL; never the token */
  @Override
  public String fingerprint() {
    return "replicate-music/" + model + "/" + modelVersion + "/max" + maxClipSeconds + "s@"
        + hostAndPort;
  }

  /**
   * Makes one bed with a fresh in-memory note: the same as {@code compose(request,
   * PendingWork.inMemory())}.
   *
   * @param request what to make; never {@code null}
   * @return what was written; never {@code null}
   * @throws NonRetriableException as {@link #compose(MusicRequest, PendingWork)}
   * @throws RetriableException as {@link #compose(MusicRequest, PendingWork)}
   */
  @Override
  public GeneratedAudio compose(MusicRequest request) {
    return compose(request, PendingWork.inMemory());
  }

  /**
   * Makes one bed, paying for at most one prediction per call and resuming the prediction an
   * earlier call recorded in {@code pending}; writes it to {@code request.output()} as 16-bit
   * PCM WAV at the model's rate and channels (MusicGen: 32 kHz, stereo for the stereo
   * checkpoints).
   *
   * @param request what to make; never {@code null}
   * @param pending this asset's note of a paid prediction; never {@code null}
   * @return the file's true duration (at most {@code request.duration()}; shorter when the model
   *     made less, and then the caller loops it), the model, checkpoint and prompt as its source,
   *     and the audio's duration as usage
   * @throws NonRetriableException if the prediction failed, was cancelled at the deadline, its
   *     output is not a WAV the JDK can read (the same file twice), or creating it failed in a
   *     way that may have been billed; also if {@code request.output()} cannot be written
   * @throws RetriableException on 429/503/refused connections when creating, or when polls or
   *     downloads kept failing (the note is kept: the next call resumes without paying again)
   */
  @Override
  public GeneratedAudio compose(MusicRequest request, PendingWork pending) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(pending, "pending");
    long wholeSeconds = Math.max(1, (request.duration().toMillis() + 999) / 1000);
    int asked = (int) Math.min(wholeSeconds, maxClipSeconds);
    String prompt = prompt(request.mood(), request.style());
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("prompt", prompt);
    input.put("model_version", modelVersion);
    input.put("duration", asked);
    input.put("output_format", "wav");
    input.put("seed", Math.floorMod(request.seed(), 1L << 31));
    String ctx = "music bed (" + request.mood().id() + ", " + asked + " s)";
    Duration written = predictions.run(input, pending, ctx,
        (uri, id, c) -> read(uri, c, request));
    if (written.compareTo(request.duration()) < 0) {
      LOG.atInfo().log(() -> Redactor.redact("replicate (" + ctx + "): the model made "
          + written.toMillis() + " ms of the " + request.duration().toMillis() + " ms asked"
          + " for; the bed is returned as it is, to be looped."));
    }
    return new GeneratedAudio(written, "replicate " + model + " (" + modelVersion + "): "
        + prompt, Usage.audio(written));
  }

  /** One download of the output, converted and trimmed into the request's file. */
  private Duration read(URI uri, String ctx, MusicRequest request) {
    Path out = request.output();
    Path raw = out.resolveSibling(out.getFileName() + ".download");
    try {
      SafeDownload.AudioFile f = download.audio("replicate", uri, ctx, raw);
      if (!f.mediaType().equals("audio/wav")) {
        throw new NonRetriableException("replicate (" + ctx + "): the model answered with "
            + f.mediaType() + ", not WAV; this provider asks for output_format wav, so the"
            + " model does not take it: choose a MusicGen model that does.");
      }
      return toPcm16(raw, out, request.duration(), ctx);
    } finally {
      try {
        Files.deleteIfExists(raw);
      } catch (IOException e) {
        // the caller deletes its folder
      }
    }
  }

  /**
   * Streams {@code raw} into {@code out} as 16-bit little-endian PCM, at most {@code max} long.
   *
   * @return the duration written
   * @throws Predictions.BadOutput if the file does not decode
   */
  private static Duration toPcm16(Path raw, Path out, Duration max, String ctx) {
    try (AudioInputStream in = AudioSystem.getAudioInputStream(raw.toFile())) {
      AudioFormat f = in.getFormat();
      float rate = f.getSampleRate();
      int channels = f.getChannels();
      if (rate < 8000 || rate > 192_000 || channels < 1 || channels > 2
          || in.getFrameLength() == AudioSystem.NOT_SPECIFIED) {
        throw bad(raw, ctx, "it is " + channels + " channel(s) at " + rate + " Hz"
            + (in.getFrameLength() == AudioSystem.NOT_SPECIFIED ? " of unknown length" : "")
            + "; a bed must be mono or stereo at 8000..192000 Hz", null);
      }
      AudioFormat pcm16 = new AudioFormat(AudioFormat.Encoding.PCM_SIGNED, rate, 16, channels,
          channels * 2, rate, false);
      AudioInputStream converted = pcm16.matches(f) ? in
          : AudioSystem.getAudioInputStream(pcm16, in);
      long wanted = Math.round(max.toNanos() * (double) rate / 1e9);
      long frames = Math.min(wanted, in.getFrameLength());
      try (AudioInputStream trimmed = new AudioInputStream(converted, pcm16, frames)) {
        AudioSystem.write(trimmed, AudioFileFormat.Type.WAVE, out.toFile());
      }
      // A whole bed reports the duration asked for, not one rounded to a frame, so that the
      // caller never loops a bed that is only a fraction of a sample short.
      return frames == wanted ? max : Duration.ofNanos(Math.round(frames * 1e9 / rate));
    } catch (UnsupportedAudioFileException | IllegalArgumentException e) {
      throw bad(raw, ctx, "the JDK cannot read it (" + e.getMessage() + ")", e);
    } catch (IOException e) {
      throw bad(raw, ctx, "it is truncated or corrupt (" + e.getMessage() + ")", e);
    }
  }

  private static Predictions.BadOutput bad(Path raw, String ctx, String why, Exception cause) {
    NonRetriableException e = new NonRetriableException("replicate (" + ctx + "): the model's"
        + " WAV is not usable: " + why + ".", cause);
    return new Predictions.BadOutput(e, digest(raw));
  }

  /** @return the SHA-256 of the file, to tell the same bad file from a new one */
  private static byte[] digest(Path p) {
    try (InputStream in = new DigestInputStream(Files.newInputStream(p),
        MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(OutputStream.nullOutputStream());
      return ((DigestInputStream) in).getMessageDigest().digest();
    } catch (IOException | NoSuchAlgorithmException e) {
      return new byte[0];
    }
  }

  @Override
  public String toString() {
    return "ReplicateMusicProvider[" + model + ", " + modelVersion + "]";
  }

  /**
   * Builds a {@link ReplicateMusicProvider}; not thread-safe. The setters it shares with the
   * other Replicate providers (base URL, token, model, deadline, poll interval, request timeout,
   * download attempts, concurrency, read retry) are described on each; the deadline defaults to
   * 10 minutes here (a long bed takes minutes to make).
   */
  public static final class Builder extends ReplicateOptions<Builder> {
    private String modelVersion = DEFAULT_MODEL_VERSION;
    private int maxClipSeconds = 300;

    private Builder() {
      super(DEFAULT_MODEL, Duration.ofMinutes(10));
    }

    /**
     * @param checkpoint MusicGen's {@code model_version}: one of {@link
     *     ReplicateMusicProvider#MODEL_VERSIONS}; default {@code stereo-melody-large}
     * @return this builder
     * @throws IllegalArgumentException if it is not one of them
     */
    public Builder modelVersion(String checkpoint) {
      if (!MODEL_VERSIONS.contains(checkpoint)) {
        throw new IllegalArgumentException("MusicGen model_version must be one of "
            + String.join(", ", new TreeSet<>(MODEL_VERSIONS)) + ", was "
            + checkpoint);
      }
      this.modelVersion = checkpoint;
      return this;
    }

    /**
     * @param seconds the longest clip asked for, 1..3600; default 300. A longer request gets a
     *     clip this long, which the caller loops. Set 30 for model versions that cap clips at
     *     30 s (they refuse a longer one)
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxClipSeconds(int seconds) {
      if (seconds < 1 || seconds > 3600) {
        throw new IllegalArgumentException("maxClipSeconds must be 1..3600, was " + seconds);
      }
      this.maxClipSeconds = seconds;
      return this;
    }

    /**
     * @return the provider
     * @throws ConfigurationException if no token is set and the base URL is not local
     */
    public ReplicateMusicProvider build() {
      requireToken("ReplicateMusicProvider.builder()");
      return new ReplicateMusicProvider(this);
    }
  }
}
