package dev.storyreel.elevenlabs;

import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.PcmAudio;
import dev.storyreel.core.http.HttpFailures;
import dev.storyreel.core.http.HttpTransport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * What the binary endpoints ({@code /v1/sound-generation}, {@code /v1/music}) answer: raw PCM
 * for {@code output_format=pcm_<rate>}, checked and written as a 16-bit PCM WAV file. Stateless.
 */
final class AudioAnswers {
  private AudioAnswers() {}

  /**
   * @param r the 2xx answer of a paid call
   * @param rateHz the sample rate asked for
   * @return its audio, mono
   * @throws NonRetriableException if it is JSON, HTML or text where audio was expected (the call
   *     may have been billed), or compressed audio
   * @throws dev.storyreel.core.RetriableException if it is empty or cut short
   */
  static PcmAudio pcm(HttpTransport.Response r, int rateHz) {
    String type = r.mediaType();
    byte[] bytes = r.body();
    if (type.contains("json") || type.contains("html") || type.startsWith("text/")) {
      throw new NonRetriableException(r.call() + " answered " + type + " where audio was"
          + " expected" + (type.contains("html") ? ": a proxy or a wrong base URL." : ": "
          + HttpFailures.redact(new String(bytes, 0, Math.min(bytes.length, 200),
              StandardCharsets.UTF_8))));
    }
    return Pcm.raw(r.call().toString(), bytes, rateHz);
  }

  /**
   * Writes at most {@code max} of {@code audio} to {@code out} as a WAV file.
   *
   * @return the duration written: {@code max} when the audio is at least that long, else its
   *     own length
   * @throws NonRetriableException if the file cannot be written
   */
  static Duration write(PcmAudio audio, Duration max, Path out) {
    long wanted = Math.round(max.toNanos() * (double) audio.sampleRateHz() / 1e9);
    PcmAudio kept = audio;
    if (audio.frameCount() > wanted) {
      kept = new PcmAudio(Arrays.copyOf(audio.samples(), (int) wanted * 2 * audio.channels()),
          audio.sampleRateHz(), audio.channels());
    }
    try {
      Files.write(out, kept.toWav());
    } catch (IOException e) {
      throw new NonRetriableException("elevenlabs: cannot write " + out + ": " + e.getMessage()
          + ". Check the disk space and the folder's permissions.", e);
    }
    return kept.frameCount() == wanted ? max : kept.duration();
  }
}
