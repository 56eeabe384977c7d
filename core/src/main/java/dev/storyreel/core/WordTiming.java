package dev.storyreel.core;

import java.time.Duration;
import java.util.Objects;

/**
 * When one written word is spoken.
 *
 * <p>Times are relative to the start of the clip they belong to: a segment's narration in {@link
 * Narration}, or the whole video in {@link CaptionCue}. See {@link #shift(Duration)}.
 *
 * @param word the word as the author wrote it, punctuation included (for example {@code
 *     "night,"}); never blank
 * @param start when the word starts; never negative
 * @param end when the word ends; not before {@code start}
 */
public record WordTiming(String word, Duration start, Duration end) {

  /**
   * @param word the word as the author wrote it, punctuation included (for example {@code
   *     "night,"}); never blank
   * @param start when the word starts; never negative
   * @param end when the word ends; not before {@code start}
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if the word is blank, start is negative or end is before
   *     start
   */
  public WordTiming {
    Objects.requireNonNull(word, "word");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    if (word.isBlank()) {
      throw new IllegalArgumentException("word is blank");
    }
    if (start.isNegative()) {
      throw new IllegalArgumentException("start must be >= 0, was " + start + " for '" + word + "'");
    }
    if (end.compareTo(start) < 0) {
      throw new IllegalArgumentException(
          "end " + end + " is before start " + start + " for '" + word + "'");
    }
  }

  /**
   * @param offset how far to move the word later; may be zero, never negative
   * @return the same word moved later by {@code offset}
   */
  public WordTiming shift(Duration offset) {
    return new WordTiming(word, start.plus(offset), end.plus(offset));
  }
}
