package dev.storyreel.elevenlabs;

import dev.storyreel.core.Mood;
import dev.storyreel.core.PcmAudio;
import dev.storyreel.core.Usage;
import dev.storyreel.core.http.HttpTransport;
import dev.storyreel.core.spi.GeneratedAudio;
import dev.storyreel.core.spi.MusicProvider;
import dev.storyreel.core.spi.MusicRequest;
import dev.storyreel.elevenlabs.internal.Dto;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Makes music beds with ElevenLabs' Eleven Music, {@code POST /v1/music}
 * (https://elevenlabs.io/docs/api-reference/music/compose), model {@value #MODEL}: a {@code
 * prompt} from the bed's mood ({@link #prompt(Mood, String)}) and a style, for example "1950s
 * radio drama": the one this provider was made with ({@code elevenlabs.music.style}) if any, else
 * the story's ({@link MusicRequest#style()}: the job's visual style, or its preset's); and {@code
 * music_length_ms} from the request's duration, within the API's 10..300 s.
 *
 * <p>The audio is asked as raw PCM ({@link ElevenLabsConfig#outputFormat()}, read as 16-bit
 * mono) so that nothing needs an MP3 decoder, and written to the request's file as WAV, cut to
 * exactly {@code request.duration()}. A request over 300 s gets a 300 s bed, whose true length
 * {@link GeneratedAudio#duration()} reports: the caller loops it. A request under 10 s is asked
 * as 10 s and cut.
 *
 * <p>Paid: a failure after the request was sent is not retried (see {@link
 * dev.storyreel.core.http.HttpFailures}). Usage: the seconds of audio written. Thread-safe.
 */
public final class ElevenLabsMusicProvider implements MusicProvider {
  /** The model: {@value} (the only one the contract lists). */
  public static final String MODEL = "music_v1";
  /** The shortest bed the API makes: 10 s. */
  public static final Duration MIN_LENGTH = Duration.ofSeconds(10);
  /** The longest bed the API makes: 300 s. */
  public static final Duration MAX_LENGTH = Duration.ofSeconds(300);
  /** The longest prompt the API takes, in characters. */
  public static final int MAX_PROMPT_CHARS = 2000;

  private static final Map<Mood, String> PROMPTS = prompts();

  private final ElevenLabsConfig config;
  private final String style;

  /**
   * @param config how to reach the API; never {@code null}
   * @param style a style added to every prompt instead of the request's, or {@code null} to
   *     use each request's {@link MusicRequest#style()}
   */
  public ElevenLabsMusicProvider(ElevenLabsConfig config, String style) {
    this.config = Objects.requireNonNull(config, "config");
    this.style = style == null || style.isBlank() ? null : style.strip();
  }

  /**
   * The prompt sent for a mood: instrumental underscore, so that the bed never competes with
   * the voice.
   *
   * @param mood the mood; never {@code null}
   * @param style the story's style, or {@code null}
   * @return the prompt, at most {@value #MAX_PROMPT_CHARS} characters
   */
  public static String prompt(Mood mood, String style) {
    String p = PROMPTS.get(Objects.requireNonNull(mood, "mood"));
    if (style != null && !style.isBlank()) {
      p = p + " Style: " + style.strip() + ".";
    }
    p = p + " Instrumental only, no vocals; a steady bed to narrate over.";
    return p.length() > MAX_PROMPT_CHARS ? p.substring(0, MAX_PROMPT_CHARS) : p;
  }

  private static Map<Mood, String> prompts() {
    Map<Mood, String> m = new EnumMap<>(Mood.class);
    m.put(Mood.DREAD, "Dark ambient drone underscore, slow, minor key, low strings and sub"
        + " bass, distant metallic textures.");
    m.put(Mood.CALM, "Calm ambient underscore, soft warm pads and gentle felt piano, major key,"
        + " slow tempo.");
    m.put(Mood.TENSION, "Tense cinematic underscore, pulsing synth ostinato, suspended chords,"
        + " ticking percussion, a steady build.");
    m.put(Mood.WONDER, "Wondrous cinematic underscore, bright wide strings, slow harp"
        + " arpeggios, shimmering bells, major key.");
    m.put(Mood.SORROW, "Sad slow underscore for piano and cello, minor key, long sustained"
        + " notes, sparse.");
    return Map.copyOf(m);
  }

  /** @return {@code elevenlabs} */
  @Override
  public String name() {
    return "elevenlabs";
  }

  /** @return {@value #MODEL} */
  @Override
  public String model() {
    return MODEL;
  }

  @Override
  public int maxConcurrency() {
    return config.maxConcurrency();
  }

  /** @return model, style, PCM format and base URL; never the key */
  @Override
  public String fingerprint() {
    return "elevenlabs-music/v1/" + MODEL + "/" + (style == null ? "" : style) + "/"
        + config.outputFormat() + "@" + config.endpoint();
  }

  /**
   * @return the bed as written: exactly {@code request.duration()}, or 300 s when more was asked
   *     (to be looped); the prompt as source; its seconds as usage
   * @throws dev.storyreel.core.NonRetriableException for 4xx answers (401, quota, 422), an
   *     answer that is not audio, or a file that cannot be written
   * @throws dev.storyreel.core.RetriableException on 429, 503, a refused connection, or audio
   *     cut short
   */
  @Override
  public GeneratedAudio compose(MusicRequest request) {
    Objects.requireNonNull(request, "request");
    Duration asked = request.duration();
    if (asked.compareTo(MIN_LENGTH) < 0) {
      asked = MIN_LENGTH;
    } else if (asked.compareTo(MAX_LENGTH) > 0) {
      asked = MAX_LENGTH;
    }
    int lengthMs = (int) Math.min(MAX_LENGTH.toMillis(),
        (asked.toNanos() + 999_999) / 1_000_000);
    String prompt = prompt(request.mood(), style != null ? style : request.style());
    String ctx = "music bed (" + request.mood().id() + ", " + lengthMs + " ms)";
    Dto.MusicRequest body = new Dto.MusicRequest(prompt, lengthMs, MODEL);
    HttpTransport.Response r = config.transport().send("POST",
        "/v1/music?output_format=" + config.outputFormat(), "application/json",
        HttpTransport.toJson(body), Map.of(), true, ctx);
    PcmAudio audio = AudioAnswers.pcm(r, config.pcmRateHz());
    Duration written = AudioAnswers.write(audio, request.duration(), request.output());
    return new GeneratedAudio(written, "elevenlabs " + MODEL + ": " + prompt,
        Usage.audio(written));
  }

  @Override
  public String toString() {
    return "ElevenLabsMusicProvider[" + (style == null ? "no style" : style) + ", "
        + config.outputFormat() + ", " + config.endpoint() + "]";
  }
}
