package dev.storyreel.openai;

import dev.storyreel.core.InvalidInputException;
import dev.storyreel.core.Narration;
import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.PcmAudio;
import dev.storyreel.core.RetriableException;
import dev.storyreel.core.Usage;
import dev.storyreel.core.http.HttpFailures;
import dev.storyreel.core.http.HttpTransport;
import dev.storyreel.core.spi.SpeechProvider;
import dev.storyreel.core.spi.SpeechRequest;
import dev.storyreel.openai.internal.Dto;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Speaks narrations with {@code POST /v1/audio/speech}
 * (https://platform.openai.com/docs/api-reference/audio/createSpeech): {@code tts-1} (default),
 * {@code tts-1-hd} or {@code gpt-4o-mini-tts} (which also takes {@code instructions}, for
 * example "calm, warm storyteller"). The audio is asked as {@code wav} (default) or {@code pcm}:
 * raw signed 16-bit little-endian mono at 24 kHz, as OpenAI documents for {@code pcm}
 * (https://platform.openai.com/docs/guides/text-to-speech#supported-output-formats).
 *
 * <p>OpenAI gives no word timings: the narration's words are empty and the job's aligner (for
 * example {@link OpenAiAligner}) times them. Input is at most 4,096 characters per call.
 *
 * <p>Thread-safe.
 */
public final class OpenAiSpeechProvider extends OpenAiCapability implements SpeechProvider {
  /** The default model: {@value}. */
  public static final String DEFAULT_MODEL = "tts-1";
  /** The default voice: {@value}. */
  public static final String DEFAULT_VOICE = "alloy";
  /** The built-in voices, as the API's {@code CreateSpeechRequest} lists them. */
  public static final List<String> VOICES = List.of("alloy", "ash", "ballad", "coral", "echo",
      "fable", "onyx", "nova", "sage", "shimmer", "verse", "marin", "cedar");
  /** Sample rate of OpenAI's {@code pcm} format, in Hz. */
  public static final int PCM_RATE_HZ = 24_000;
  /** The longest input of one call, in characters. */
  public static final int MAX_INPUT_CHARS = 4096;

  private final String defaultVoice;
  private final String format;
  private final String instructions;

  /**
   * @param config how to reach the API
   * @param model {@code tts-1}, {@code tts-1-hd}, {@code gpt-4o-mini-tts} or a compatible
   *     server's model
   * @param defaultVoice the voice when a request names none
   * @param format {@code wav} or {@code pcm}
   * @param instructions how to speak (gpt-4o-mini-tts only), or {@code null}
   * @throws IllegalArgumentException if the format is neither
   */
  public OpenAiSpeechProvider(OpenAiConfig config, String model, String defaultVoice,
      String format, String instructions) {
    super(config, model);
    this.defaultVoice = Objects.requireNonNull(defaultVoice, "defaultVoice");
    this.format = Objects.requireNonNull(format, "format").toLowerCase(Locale.ROOT);
    if (!this.format.equals("wav") && !this.format.equals("pcm")) {
      throw new IllegalArgumentException("openai speech format must be wav or pcm, was " + format);
    }
    this.instructions = instructions == null || instructions.isBlank() ? null : instructions;
  }

  /** @return the built-in voices when talking to OpenAI; empty (any) for compatible servers */
  @Override
  public List<String> voices() {
    return config.baseUrl().getHost().endsWith("openai.com") ? VOICES : List.of();
  }

  /** @return model, default voice, format, instructions and base URL; never the key */
  @Override
  public String fingerprint() {
    return "openai-speech/" + model + "/" + defaultVoice + "/" + format + "/"
        + (instructions == null ? "" : Integer.toHexString(instructions.hashCode())) + "@"
        + config.endpoint();
  }

  /**
   * @throws InvalidInputException if the text is over 4,096 characters
   * @throws NonRetriableException if the answer is not audio (JSON, HTML or text where audio was
   *     expected: the call may have been billed)
   * @throws RetriableException if it is a corrupt or truncated WAV file
   */
  @Override
  public Narration synthesize(SpeechRequest request) {
    String ctx = "segment " + request.segmentIndex();
    if (request.text().length() > MAX_INPUT_CHARS) {
      throw new InvalidInputException("Segment " + request.segmentIndex() + " is "
          + request.text().length() + " characters, over OpenAI speech's limit of "
          + MAX_INPUT_CHARS + ". Use a planner that makes shorter segments.");
    }
    String voice = request.voice() != null ? request.voice() : defaultVoice;
    boolean takesInstructions = !model.startsWith("tts-1");
    Dto.SpeechRequest body = new Dto.SpeechRequest(model, request.text(), voice,
        takesInstructions ? instructions : null, format);
    HttpTransport.Response r = config.transport().send("POST", "/audio/speech",
        "application/json", HttpTransport.toJson(body), Map.of(), true, ctx);
    String type = r.mediaType();
    byte[] bytes = r.body();
    if (type.contains("json") || type.contains("html") || type.startsWith("text/")) {
      throw new NonRetriableException(r.call() + " answered " + type + " where audio was"
          + " expected" + (type.contains("html") ? ": a proxy or a wrong base URL." : ": "
          + HttpFailures.redact(new String(bytes, 0, Math.min(bytes.length, 200),
              java.nio.charset.StandardCharsets.UTF_8))));
    }
    PcmAudio audio;
    if (format.equals("wav")) {
      if (bytes.length < 12 || bytes[0] != 'R' || bytes[1] != 'I' || bytes[2] != 'F'
          || bytes[3] != 'F') {
        // A corrupt asset, not an ambiguous failure: asking again is the only way to a good one.
        throw new RetriableException(r.call() + " answered " + bytes.length
            + " bytes that are not a WAV file.");
      }
      try {
        audio = PcmAudio.fromWav(new ByteArrayInputStream(bytes));
      } catch (IOException | IllegalArgumentException e) {
        throw new RetriableException(r.call() + " answered an unreadable WAV file: "
            + e.getMessage(), e);
      }
    } else {
      audio = new PcmAudio(bytes.length % 2 == 0 ? bytes
          : java.util.Arrays.copyOf(bytes, bytes.length - 1), PCM_RATE_HZ, 1);
    }
    if (audio.frameCount() == 0) {
      throw new NonRetriableException(r.call() + " answered without audio.");
    }
    return new Narration(audio, List.of(), Usage.characters(request.text().length()));
  }

  @Override
  public String toString() {
    return "OpenAiSpeechProvider[" + model + ", " + defaultVoice + ", " + format + ", "
        + config.endpoint() + "]";
  }
}
