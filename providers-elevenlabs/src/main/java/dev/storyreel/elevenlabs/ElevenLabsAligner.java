package dev.storyreel.elevenlabs;

import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.PcmAudio;
import dev.storyreel.core.WordTiming;
import dev.storyreel.core.http.Multipart;
import dev.storyreel.core.spi.Aligner;
import dev.storyreel.elevenlabs.internal.CharacterTimings;
import dev.storyreel.elevenlabs.internal.Dto;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Times the author's words in speech from any provider with ElevenLabs' forced alignment,
 * {@code POST /v1/forced-alignment} (https://elevenlabs.io/docs/api-reference/forced-alignment):
 * the narration as a WAV {@code file} and the author's {@code text}, as multipart form data.
 * The answer's per-character timings are mapped onto the text's words ({@link
 * dev.storyreel.core.Words#split}), exactly one timing per word, as {@link
 * ElevenLabsSpeechProvider} does with its own alignment.
 *
 * <p>Forced alignment is billed, so a failure after the request was sent is not retried (see
 * {@link dev.storyreel.core.http.HttpFailures}). Thread-safe.
 */
public final class ElevenLabsAligner implements Aligner {
  /** The model name used for the manifest and the price table: {@value}. */
  public static final String MODEL = "forced-alignment";

  private final ElevenLabsConfig config;

  /** @param config how to reach the API; never {@code null} */
  public ElevenLabsAligner(ElevenLabsConfig config) {
    this.config = Objects.requireNonNull(config, "config");
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

  /** @return the base URL; never the key */
  @Override
  public String fingerprint() {
    return "elevenlabs-aligner/v1@" + config.endpoint();
  }

  /**
   * @throws NonRetriableException if the answer has no usable character timings, and for 4xx
   *     answers (401, quota, 422)
   * @throws dev.storyreel.core.RetriableException on 429, 503 or a refused connection
   */
  @Override
  public List<WordTiming> align(int segmentIndex, String text, PcmAudio audio) {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(audio, "audio");
    String ctx = "segment " + segmentIndex;
    Multipart form = new Multipart()
        .file("file", String.format("segment-%03d.wav", segmentIndex), "audio/wav", audio.toWav())
        .field("text", text);
    var r = config.transport().send("POST", "/v1/forced-alignment", form.contentType(),
        form.toBytes(), Map.of(), true, ctx);
    Dto.AlignmentResponse a = r.json(Dto.AlignmentResponse.class);
    List<String> chars = new ArrayList<>();
    List<Double> starts = new ArrayList<>();
    List<Double> ends = new ArrayList<>();
    if (a.characters() != null) {
      for (Dto.AlignedCharacter c : a.characters()) {
        if (c == null) {
          continue;
        }
        chars.add(c.text());
        starts.add(c.start());
        ends.add(c.end());
      }
    }
    try {
      return CharacterTimings.words(text, chars, starts, ends, audio.duration());
    } catch (IllegalArgumentException e) {
      throw new NonRetriableException(r.call() + " answered an alignment that cannot be used: "
          + e.getMessage() + ". Check that the audio speaks the text.", e);
    }
  }

  @Override
  public String toString() {
    return "ElevenLabsAligner[" + config.endpoint() + "]";
  }
}
