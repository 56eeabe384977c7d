package dev.storyreel.elevenlabs;

import dev.storyreel.core.PcmAudio;
import dev.storyreel.core.Usage;
import dev.storyreel.core.http.HttpTransport;
import dev.storyreel.core.spi.GeneratedAudio;
import dev.storyreel.core.spi.SoundEffectProvider;
import dev.storyreel.core.spi.SoundEffectRequest;
import dev.storyreel.elevenlabs.internal.Dto;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Makes the planner's sound-effect cues with ElevenLabs, {@code POST /v1/sound-generation}
 * (https://elevenlabs.io/docs/api-reference/text-to-sound-effects/convert): the cue's
 * description is the prompt ({@code text}), with a fixed {@code duration_seconds} (3 s by
 * default, 0.5..30: a cue says where an effect starts, not how long it lasts) and {@code
 * prompt_influence} (0.3 by default). The audio is asked as raw PCM ({@link
 * ElevenLabsConfig#outputFormat()}) and written to the request's file as 16-bit mono WAV. Every
 * cue is generated, so {@link #resolve} never returns empty.
 *
 * <p>Paid: a failure after the request was sent is not retried (see {@link
 * dev.storyreel.core.http.HttpFailures}). Usage: the seconds of audio made. Thread-safe.
 */
public final class ElevenLabsSoundEffectProvider implements SoundEffectProvider {
  /** The model name used for the manifest and the price table: {@value}. */
  public static final String MODEL = "sound-generation";
  /** The default effect length: 3 s. */
  public static final Duration DEFAULT_DURATION = Duration.ofSeconds(3);
  /** The default prompt influence: {@value}. */
  public static final double DEFAULT_PROMPT_INFLUENCE = 0.3;

  private final ElevenLabsConfig config;
  private final Duration duration;
  private final double promptInfluence;

  /**
   * @param config how to reach the API; never {@code null}
   * @param duration how long each effect is, 0.5..30 s
   * @param promptInfluence how closely to follow the prompt, 0..1
   * @throws IllegalArgumentException if a value is out of range
   */
  public ElevenLabsSoundEffectProvider(ElevenLabsConfig config, Duration duration,
      double promptInfluence) {
    this.config = Objects.requireNonNull(config, "config");
    Objects.requireNonNull(duration, "duration");
    if (duration.toMillis() < 500 || duration.compareTo(Duration.ofSeconds(30)) > 0) {
      throw new IllegalArgumentException("sound effect duration must be 0.5..30 s, was "
          + duration.toMillis() + " ms");
    }
    if (!(promptInfluence >= 0 && promptInfluence <= 1)) {
      throw new IllegalArgumentException("promptInfluence must be 0..1, was " + promptInfluence);
    }
    this.duration = duration;
    this.promptInfluence = promptInfluence;
  }

  /**
   * @param config how to reach the API; never {@code null}
   * @return a provider with the default duration and prompt influence
   */
  public static ElevenLabsSoundEffectProvider of(ElevenLabsConfig config) {
    return new ElevenLabsSoundEffectProvider(config, DEFAULT_DURATION, DEFAULT_PROMPT_INFLUENCE);
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

  /** @return duration, prompt influence, PCM format and base URL; never the key */
  @Override
  public String fingerprint() {
    return "elevenlabs-sfx/v1/" + duration.toMillis() + "ms/" + promptInfluence + "/"
        + config.outputFormat() + "@" + config.endpoint();
  }

  /**
   * @return the effect as written (its duration, the prompt as source, its seconds as usage);
   *     never empty
   * @throws dev.storyreel.core.NonRetriableException for 4xx answers (401, quota, 422), an
   *     answer that is not audio, or a file that cannot be written
   * @throws dev.storyreel.core.RetriableException on 429, 503, a refused connection, or audio
   *     cut short
   */
  @Override
  public Optional<GeneratedAudio> resolve(SoundEffectRequest request) {
    Objects.requireNonNull(request, "request");
    String text = request.cue().description().strip();
    String ctx = "segment " + request.segmentIndex() + ", effect '" + text + "'";
    Dto.SoundRequest body = new Dto.SoundRequest(text, duration.toMillis() / 1000.0,
        promptInfluence);
    HttpTransport.Response r = config.transport().send("POST",
        "/v1/sound-generation?output_format=" + config.outputFormat(), "application/json",
        HttpTransport.toJson(body), Map.of(), true, ctx);
    PcmAudio audio = AudioAnswers.pcm(r, config.pcmRateHz());
    Duration written = AudioAnswers.write(audio, duration, request.output());
    return Optional.of(new GeneratedAudio(written, "elevenlabs sound-generation: " + text,
        Usage.audio(written)));
  }

  @Override
  public String toString() {
    return "ElevenLabsSoundEffectProvider[" + duration.toMillis() + " ms, "
        + config.outputFormat() + ", " + config.endpoint() + "]";
  }
}
