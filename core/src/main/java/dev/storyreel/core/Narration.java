package dev.storyreel.core;

import java.util.List;
import java.util.Objects;

/**
 * A segment's voice-over: its audio and when each written word is spoken in it.
 *
 * @param audio the spoken audio; never {@code null}
 * @param words the segment's words in order, with times relative to the start of {@code audio},
 *     non-decreasing and inside the audio; copied; empty only when the provider gives no timings
 *     (an {@link dev.storyreel.core.spi.Aligner} then fills them)
 * @param usage what making it consumed as the vendor reported it, or {@link Usage#NONE} when the
 *     provider reports nothing and the pipeline counts the characters sent; never {@code null}
 */
public record Narration(PcmAudio audio, List<WordTiming> words, Usage usage) {

  /**
   * A narration whose provider reports no usage.
   *
   * @param audio the spoken audio
   * @param words the word timings, or empty
   */
  public Narration(PcmAudio audio, List<WordTiming> words) {
    this(audio, words, Usage.NONE);
  }

  /**
   * @param audio the spoken audio
   * @param words the word timings, or empty
   * @param usage what making it consumed as the vendor reported it, or {@link Usage#NONE} when the
   *     provider reports nothing and the pipeline counts the characters sent; never {@code null}
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if the words go back in time or end after the audio
   */
  public Narration {
    Objects.requireNonNull(audio, "audio");
    words = List.copyOf(Objects.requireNonNull(words, "words"));
    Objects.requireNonNull(usage, "usage");
    java.time.Duration prev = java.time.Duration.ZERO;
    java.time.Duration len = audio.duration();
    for (WordTiming w : words) {
      if (w.start().compareTo(prev) < 0) {
        throw new IllegalArgumentException(
            "word timings go back in time at '" + w.word() + "' (" + w.start() + " < " + prev + ")");
      }
      if (w.end().compareTo(len) > 0) {
        throw new IllegalArgumentException(
            "word '" + w.word() + "' ends at " + w.end() + ", after the audio (" + len + ")");
      }
      prev = w.start();
    }
  }
}
