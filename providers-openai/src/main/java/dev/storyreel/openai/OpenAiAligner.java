package dev.storyreel.openai;

import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.PcmAudio;
import dev.storyreel.core.WordTiming;
import dev.storyreel.core.Words;
import dev.storyreel.core.http.Multipart;
import dev.storyreel.core.spi.Aligner;
import dev.storyreel.openai.internal.Dto;
import dev.storyreel.openai.internal.WordMatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Times the author's words with a transcription: {@code POST /v1/audio/transcriptions}
 * (https://platform.openai.com/docs/api-reference/audio/createTranscription) with {@code
 * whisper-1}, {@code response_format=verbose_json} and {@code timestamp_granularities[]=word}.
 * The transcript's words are mapped back onto the story's own words ({@link Words#split}) by
 * sequence alignment, so captions show the author's text with the transcript's timing: exactly
 * one timing per written word, whatever the transcript spelled differently, dropped or added.
 *
 * <p>Transcription is not a billed asset, so every transient failure is retried. Thread-safe.
 */
public final class OpenAiAligner extends OpenAiCapability implements Aligner {
  /** The default model: {@value}. */
  public static final String DEFAULT_MODEL = "whisper-1";


  /**
   * @param config how to reach the API
   * @param model {@code whisper-1} or a compatible server's model that gives word timestamps
   */
  public OpenAiAligner(OpenAiConfig config, String model) {
    super(config, model);
  }

  /** @return model and base URL; never the key */
  @Override
  public String fingerprint() {
    return "openai-aligner/v1/" + model + "@" + config.endpoint();
  }

  /**
   * @throws NonRetriableException if the answer is malformed
   * @throws dev.storyreel.core.RetriableException on transient failures
   */
  @Override
  public List<WordTiming> align(int segmentIndex, String text, PcmAudio audio) {
    String ctx = "segment " + segmentIndex;
    Multipart form = new Multipart()
        .file("file", String.format("segment-%03d.wav", segmentIndex), "audio/wav", audio.toWav())
        .field("model", model)
        .field("response_format", "verbose_json")
        .field("timestamp_granularities[]", "word");
    Dto.VerboseTranscription t = config.transport().send("POST", "/audio/transcriptions",
        form.contentType(), form.toBytes(), Map.of(), false, ctx)
        .json(Dto.VerboseTranscription.class);
    List<WordMatcher.Timed> timed = new ArrayList<>();
    if (t.words() != null) {
      for (Dto.TranscriptionWord w : t.words()) {
        if (w == null || w.word() == null || !(w.start() >= 0) || !(w.end() >= 0)) {
          throw new NonRetriableException("openai POST /audio/transcriptions (" + ctx
              + ") answered a word without valid times.");
        }
        timed.add(new WordMatcher.Timed(w.word(), seconds(w.start()), seconds(w.end())));
      }
    }
    return WordMatcher.match(Words.split(text), timed, audio.duration());
  }

  private static Duration seconds(double s) {
    return Duration.ofNanos(Math.round(s * 1e9));
  }

  @Override
  public String toString() {
    return "OpenAiAligner[" + model + ", " + config.endpoint() + "]";
  }
}
