package dev.storyreel.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a narration may plausibly be for the words it speaks; used by {@link NarrationChecks}
 * to catch a clip a speech provider cut short, padded with silence or filled with the wrong text.
 *
 * <p>A clip of {@code n} words must last at least {@code n * minPerWord} and at most {@code n *
 * maxPerWord + allowance}, and no silence inside it (measured on the samples, and between word
 * timings when there are any) may be longer than {@code maxSilence}.
 *
 * <p>The {@linkplain #defaults() defaults} and why:
 *
 * <ul>
 *   <li>{@code minPerWord} 50 ms: ordinary narration runs at 130..180 words a minute (330..460
 *       ms a word); OpenAI's fastest speed setting (4x) gives about 100 ms a word. Half of that
 *       leaves room for short words and still catches a clip cut to a fraction of its length;
 *   <li>{@code maxPerWord} 2 s: the slowest setting (0.25x) gives about 1.6 s a word;
 *   <li>{@code allowance} 2 s: leading and trailing silence, breaths and a paragraph pause,
 *       which do not grow with the word count;
 *   <li>{@code maxSilence} 4 s: a sentence pause at 0.25x speed is about 2 s; a longer gap means
 *       the provider padded or dropped speech.
 * </ul>
 *
 * <p>Immutable and thread-safe. Example: {@code
 * NarrationBounds.defaults().toBuilder().maxSilence(Duration.ofSeconds(6)).build()}.
 *
 * @param minPerWord the least time a word takes; positive
 * @param maxPerWord the most time a word takes; not less than {@code minPerWord}
 * @param allowance time allowed on top of {@code n * maxPerWord}; zero or positive
 * @param maxSilence the longest silence allowed inside the clip; {@link Duration#ZERO} turns the
 *     silence checks off
 */
public record NarrationBounds(
    Duration minPerWord, Duration maxPerWord, Duration allowance, Duration maxSilence) {

  private static final NarrationBounds DEFAULTS = new NarrationBounds(
      Duration.ofMillis(50), Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(4));

  /**
   * @param minPerWord the least time a word takes; positive
   * @param maxPerWord the most time a word takes; not less than {@code minPerWord}
   * @param allowance time allowed on top of {@code n * maxPerWord}; zero or positive
   * @param maxSilence the longest silence allowed inside the clip; {@link Duration#ZERO} turns the
   *     silence checks off
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if a value is out of range; the message names it
   */
  public NarrationBounds {
    Objects.requireNonNull(minPerWord, "minPerWord");
    Objects.requireNonNull(maxPerWord, "maxPerWord");
    Objects.requireNonNull(allowance, "allowance");
    Objects.requireNonNull(maxSilence, "maxSilence");
    if (minPerWord.isNegative() || minPerWord.isZero()) {
      throw new IllegalArgumentException("minPerWord must be positive, was " + minPerWord);
    }
    if (maxPerWord.compareTo(minPerWord) < 0) {
      throw new IllegalArgumentException(
          "maxPerWord must be >= minPerWord (" + minPerWord + "), was " + maxPerWord);
    }
    if (allowance.isNegative()) {
      throw new IllegalArgumentException("allowance must be >= 0, was " + allowance);
    }
    if (maxSilence.isNegative()) {
      throw new IllegalArgumentException("maxSilence must be >= 0 (0 = off), was " + maxSilence);
    }
  }

  /** @return 50 ms..2 s a word, 2 s allowance, 4 s longest silence (see the class comment) */
  public static NarrationBounds defaults() {
    return DEFAULTS;
  }

  /** @return a builder starting from the {@linkplain #defaults() defaults} */
  public static Builder builder() {
    return DEFAULTS.toBuilder();
  }

  /** @return a builder starting from these bounds */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * @param words the number of words spoken, {@code >= 0}
   * @return the shortest plausible clip for them
   */
  public Duration shortest(int words) {
    return minPerWord.multipliedBy(words);
  }

  /**
   * @param words the number of words spoken, {@code >= 0}
   * @return the longest plausible clip for them
   */
  public Duration longest(int words) {
    return maxPerWord.multipliedBy(words).plus(allowance);
  }

  /** Builds {@link NarrationBounds}; not thread-safe. */
  public static final class Builder {
    private Duration minPerWord;
    private Duration maxPerWord;
    private Duration allowance;
    private Duration maxSilence;

    private Builder(NarrationBounds from) {
      minPerWord = from.minPerWord;
      maxPerWord = from.maxPerWord;
      allowance = from.allowance;
      maxSilence = from.maxSilence;
    }

    /**
     * @param v the least time a word takes; positive
     * @return this builder
     */
    public Builder minPerWord(Duration v) {
      minPerWord = v;
      return this;
    }

    /**
     * @param v the most time a word takes; {@code >= minPerWord}
     * @return this builder
     */
    public Builder maxPerWord(Duration v) {
      maxPerWord = v;
      return this;
    }

    /**
     * @param v time allowed on top of {@code n * maxPerWord}; {@code >= 0}
     * @return this builder
     */
    public Builder allowance(Duration v) {
      allowance = v;
      return this;
    }

    /**
     * @param v the longest silence allowed; {@code 0} turns the check off
     * @return this builder
     */
    public Builder maxSilence(Duration v) {
      maxSilence = v;
      return this;
    }

    /**
     * @return the bounds
     * @throws IllegalArgumentException if a value is out of range
     */
    public NarrationBounds build() {
      return new NarrationBounds(minPerWord, maxPerWord, allowance, maxSilence);
    }
  }
}
