package dev.storyreel.elevenlabs;

import dev.storyreel.core.InvalidInputException;
import dev.storyreel.core.Narration;
import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.PcmAudio;
import dev.storyreel.core.Redactor;
import dev.storyreel.core.Usage;
import dev.storyreel.core.WordTiming;
import dev.storyreel.core.http.HttpTransport;
import dev.storyreel.core.spi.SpeechProvider;
import dev.storyreel.core.spi.SpeechRequest;
import dev.storyreel.elevenlabs.internal.CharacterTimings;
import dev.storyreel.elevenlabs.internal.Dto;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Speaks narrations with ElevenLabs, {@code POST /v1/text-to-speech/{voice_id}/with-timestamps}
 * (https://elevenlabs.io/docs/api-reference/text-to-speech/convert-with-timestamps), and times
 * every word from the answer's character alignment: no aligner is called.
 *
 * <p><b>Model.</b> {@value #DEFAULT_MODEL} by default: the API's own default and its current
 * multilingual model for long-form narration (29 languages; {@code eleven_v3} is more
 * expressive but marked alpha, {@code eleven_flash_v2_5} and {@code eleven_turbo_v2_5} are
 * cheaper and faster). Any model id the API accepts can be set.
 *
 * <p><b>Audio.</b> Asked as {@code output_format=pcm_<rate>} ({@link ElevenLabsConfig#pcmRateHz},
 * 24 kHz by default): the Base64 {@code audio_base64} is raw signed 16-bit little-endian mono,
 * returned as {@link PcmAudio} at that rate.
 *
 * <p><b>Word timings.</b> From {@code alignment} (the characters of the text as sent), one per
 * word as {@link dev.storyreel.core.Words#split} finds them (see {@link CharacterTimings}); from
 * {@code normalized_alignment} when {@code alignment} is missing or malformed; empty (the job's
 * aligner then times the words) only when the answer has neither, with a warning.
 *
 * <p><b>Prosody across segments.</b> {@link #usesNeighbourText()} is {@code true}: a job passes
 * the neighbouring segments' narration, sent as {@code previous_text} and {@code next_text}.
 *
 * <p><b>Voices.</b> A voice is named by id ({@code 21m00Tcm4TlvDq8ikWAM}) or by name ({@code
 * Rachel}, ignoring case). Names are resolved with {@code GET /v1/voices}, listed once per
 * provider instance and then cached; an id is used as it is, without listing.
 *
 * <p>{@code ElevenLabsSpeechProvider.builder(ElevenLabsConfig.builder().build()).voice("Rachel")
 * .build()}
 *
 * <p>Thread-safe: one instance may serve many segments at once.
 */
public final class ElevenLabsSpeechProvider implements SpeechProvider {
  /** The default model: {@value}. */
  public static final String DEFAULT_MODEL = "eleven_multilingual_v2";
  /** The default voice, "Rachel" (a premade voice every account has): {@value}. */
  public static final String DEFAULT_VOICE = "21m00Tcm4TlvDq8ikWAM";
  /** The longest text of one call, in characters ({@code eleven_multilingual_v2}'s limit). */
  public static final int MAX_INPUT_CHARS = 10_000;

  private static final Logger LOG = LoggerFactory.getLogger(ElevenLabsSpeechProvider.class);
  /** What a voice id looks like: 20 letters and digits. */
  private static final Pattern VOICE_ID = Pattern.compile("[A-Za-z0-9]{20}");

  private final ElevenLabsConfig config;
  private final String model;
  private final String defaultVoice;
  private final Dto.VoiceSettings settings;
  private final AtomicReference<List<Dto.Voice>> voiceList = new AtomicReference<>();

  private ElevenLabsSpeechProvider(Builder b) {
    this.config = b.config;
    this.model = b.model;
    this.defaultVoice = b.voice;
    this.settings = b.stability == null && b.similarityBoost == null && b.style == null
        && b.speed == null && b.speakerBoost == null ? null
        : new Dto.VoiceSettings(b.stability, b.similarityBoost, b.style, b.speed,
            b.speakerBoost);
  }

  /**
   * @param config how to reach the API; never {@code null}
   * @return a builder with the defaults
   */
  public static Builder builder(ElevenLabsConfig config) {
    return new Builder(config);
  }

  /** @return {@code elevenlabs} */
  @Override
  public String name() {
    return "elevenlabs";
  }

  /** @return the model id, for example {@value #DEFAULT_MODEL} */
  @Override
  public String model() {
    return model;
  }

  @Override
  public int maxConcurrency() {
    return config.maxConcurrency();
  }

  /**
   * @return {@code true}: the neighbours' text is sent as {@code previous_text} and {@code
   *     next_text}
   */
  @Override
  public boolean usesNeighbourText() {
    return true;
  }

  /** @return model, default voice, voice settings, PCM format and base URL; never the key */
  @Override
  public String fingerprint() {
    return "elevenlabs-speech/v1/" + model + "/" + defaultVoice + "/"
        + (settings == null ? "stored" : settings.toString()) + "/" + config.outputFormat() + "@"
        + config.endpoint();
  }

  /**
   * The account's voices, listed with {@code GET /v1/voices} on the first call and cached for
   * this instance: each voice's name, then its id, so that a job accepts either.
   *
   * @return names and ids; never empty unless the account has no voice
   * @throws dev.storyreel.core.StoryReelException if the list cannot be read (401 for a bad key,
   *     after in-process retries for transient failures)
   */
  @Override
  public List<String> voices() {
    List<String> out = new ArrayList<>();
    for (Dto.Voice v : list()) {
      if (v.name() != null) {
        out.add(v.name());
      }
      out.add(v.voiceId());
    }
    return List.copyOf(out);
  }

  /**
   * @param voice a voice id, or a name as {@link #voices()} lists it (ignoring case); never
   *     {@code null}
   * @return its id; an id-shaped value is returned as it is, without listing
   * @throws InvalidInputException if no voice of the account has that name
   * @throws dev.storyreel.core.StoryReelException if the list cannot be read
   */
  public String voiceId(String voice) {
    String v = Objects.requireNonNull(voice, "voice").strip();
    if (VOICE_ID.matcher(v).matches()) {
      return v;
    }
    List<Dto.Voice> all = list();
    for (Dto.Voice d : all) {
      if (v.equals(d.voiceId()) || (d.name() != null && d.name().strip().equalsIgnoreCase(v))) {
        return d.voiceId();
      }
    }
    List<String> names = new ArrayList<>();
    all.forEach(d -> names.add(d.name()));
    throw new InvalidInputException("ElevenLabs has no voice named '" + v + "' in this account."
        + " Known: " + String.join(", ", names.subList(0, Math.min(names.size(), 20)))
        + (names.size() > 20 ? ", ..." : "") + ". Run storyreel voices --speech elevenlabs, or"
        + " give a voice id.");
  }

  private List<Dto.Voice> list() {
    List<Dto.Voice> cached = voiceList.get();
    if (cached != null) {
      return cached;
    }
    Dto.Voices r = config.transport().getJson("/v1/voices", Dto.Voices.class, "voice list");
    List<Dto.Voice> got = new ArrayList<>();
    if (r.voices() != null) {
      for (Dto.Voice v : r.voices()) {
        if (v != null && v.voiceId() != null && !v.voiceId().isBlank()) {
          got.add(v);
        }
      }
    }
    List<Dto.Voice> fixed = List.copyOf(got);
    voiceList.compareAndSet(null, fixed);
    return voiceList.get();
  }

  /**
   * @throws InvalidInputException if the text is over {@value #MAX_INPUT_CHARS} characters or the
   *     voice name is unknown
   * @throws NonRetriableException if the answer is malformed or not the PCM asked for (the call
   *     may have been billed), and for the API's 4xx answers (401 bad key; 401 or 429 with
   *     {@code quota_exceeded}: a {@link dev.storyreel.core.QuotaExceededException}; 422)
   * @throws dev.storyreel.core.RetriableException on 429 (honouring {@code Retry-After}), 503,
   *     a refused connection, or audio that does not decode
   */
  @Override
  public Narration synthesize(SpeechRequest request) {
    Objects.requireNonNull(request, "request");
    String ctx = "segment " + request.segmentIndex();
    String text = request.text();
    if (text.length() > MAX_INPUT_CHARS) {
      throw new InvalidInputException("Segment " + request.segmentIndex() + " is "
          + text.length() + " characters, over ElevenLabs' limit of " + MAX_INPUT_CHARS
          + " per request. Use a planner that makes shorter segments.");
    }
    String id = voiceId(request.voice() != null ? request.voice() : defaultVoice);
    Dto.SpeechRequest body = new Dto.SpeechRequest(text, model, settings,
        request.previousText(), request.nextText());
    String path = "/v1/text-to-speech/" + URLEncoder.encode(id, StandardCharsets.UTF_8)
        + "/with-timestamps?output_format=" + config.outputFormat();
    HttpTransport.Response r = config.transport().send("POST", path, "application/json",
        HttpTransport.toJson(body), Map.of(), true, ctx);
    Dto.SpeechResponse answer = r.json(Dto.SpeechResponse.class);
    PcmAudio audio = Pcm.decode(r.call().toString(), answer.audioBase64(), config.pcmRateHz());
    List<WordTiming> words = timings(text, answer, audio, ctx);
    return new Narration(audio, words, Usage.characters(text.length()));
  }

  private List<WordTiming> timings(String text, Dto.SpeechResponse a, PcmAudio audio,
      String ctx) {
    for (Dto.CharacterAlignment al : new Dto.CharacterAlignment[] {a.alignment(),
        a.normalizedAlignment()}) {
      if (al == null || al.characters() == null || al.starts() == null || al.ends() == null) {
        continue;
      }
      try {
        return CharacterTimings.words(text, al.characters(), al.starts(), al.ends(),
            audio.duration());
      } catch (IllegalArgumentException e) {
        LOG.atWarn().log(() -> Redactor.redact("elevenlabs (" + ctx + "): the answer's"
            + " character alignment is not usable (" + e.getMessage() + ")"));
      }
    }
    LOG.atWarn().log(() -> "elevenlabs (" + ctx + "): the answer has no usable character"
        + " alignment; the job's aligner will time the words.");
    return List.of();
  }

  @Override
  public Locale language() {
    return Locale.ROOT;
  }

  @Override
  public String toString() {
    return "ElevenLabsSpeechProvider[" + model + ", " + defaultVoice + ", "
        + config.outputFormat() + ", " + config.endpoint() + "]";
  }

  /** Builds an {@link ElevenLabsSpeechProvider}; not thread-safe. */
  public static final class Builder {
    private final ElevenLabsConfig config;
    private String model = DEFAULT_MODEL;
    private String voice = DEFAULT_VOICE;
    private Double stability;
    private Double similarityBoost;
    private Double style;
    private Double speed;
    private Boolean speakerBoost;

    private Builder(ElevenLabsConfig config) {
      this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * @param modelId the model id, for example {@code eleven_multilingual_v2} (default), {@code
     *     eleven_v3}, {@code eleven_flash_v2_5} or {@code eleven_turbo_v2_5}
     * @return this builder
     * @throws IllegalArgumentException if blank
     */
    public Builder model(String modelId) {
      if (modelId == null || modelId.isBlank()) {
        throw new IllegalArgumentException("model must not be blank");
      }
      this.model = modelId.strip();
      return this;
    }

    /**
     * @param voice the voice when a request names none: an id or a name; default {@value
     *     ElevenLabsSpeechProvider#DEFAULT_VOICE} (Rachel)
     * @return this builder
     * @throws IllegalArgumentException if blank
     */
    public Builder voice(String voice) {
      if (voice == null || voice.isBlank()) {
        throw new IllegalArgumentException("voice must not be blank");
      }
      this.voice = voice.strip();
      return this;
    }

    /**
     * @param v how stable the voice is, 0..1 (lower: more emotional range); {@code null}
     *     (default) keeps the voice's stored setting
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder stability(Double v) {
      this.stability = unit("stability", v, 0, 1);
      return this;
    }

    /**
     * @param v how closely to keep to the original voice, 0..1; {@code null} keeps the stored one
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder similarityBoost(Double v) {
      this.similarityBoost = unit("similarityBoost", v, 0, 1);
      return this;
    }

    /**
     * @param v style exaggeration, 0..1; {@code null} keeps the stored one
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder style(Double v) {
      this.style = unit("style", v, 0, 1);
      return this;
    }

    /**
     * @param v speaking speed, 0.7..1.2 (1 is normal); {@code null} keeps the stored one
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder speed(Double v) {
      this.speed = unit("speed", v, 0.7, 1.2);
      return this;
    }

    /**
     * @param v whether to boost the similarity to the speaker; {@code null} keeps the stored one
     * @return this builder
     */
    public Builder speakerBoost(Boolean v) {
      this.speakerBoost = v;
      return this;
    }

    private static Double unit(String name, Double v, double min, double max) {
      if (v != null && !(v >= min && v <= max)) {
        throw new IllegalArgumentException(name + " must be " + min + ".." + max + ", was " + v);
      }
      return v;
    }

    /** @return the provider; sends no request */
    public ElevenLabsSpeechProvider build() {
      return new ElevenLabsSpeechProvider(this);
    }
  }
}
