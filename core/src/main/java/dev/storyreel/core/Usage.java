package dev.storyreel.core;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What one provider call consumed, and what it is estimated to have cost.
 *
 * <p>The counts are what the vendor bills by: tokens for language models (and GPT image models),
 * characters for OpenAI's {@code tts-1}, images for image models, seconds of audio for
 * transcription. A field a call does not use is 0. The cost is an estimate computed from a {@link
 * PriceTable}; the vendor's invoice is authoritative.
 *
 * @param inputTokens prompt tokens, {@code >= 0}
 * @param outputTokens completion tokens, {@code >= 0}
 * @param characters characters of text sent for speech, {@code >= 0}
 * @param images images produced, {@code >= 0}
 * @param audioMillis milliseconds of audio produced or transcribed, {@code >= 0}
 * @param estimatedCostUsd the estimated cost in US dollars, {@code >= 0}; never {@code null}
 * @param keyPosition which of the vendor's API keys made the call, counted from 1 in the order
 *     the keys were given ({@link dev.storyreel.core.http.KeyPool}), never the key itself; {@code
 *     null} (absent in the JSON) when the vendor was given a single key, the call used none, or
 *     this is a sum of several calls
 */
public record Usage(
    long inputTokens,
    long outputTokens,
    long characters,
    long images,
    long audioMillis,
    BigDecimal estimatedCostUsd,
    @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Integer keyPosition) {

  /** Nothing consumed, nothing spent: what offline providers report. */
  public static final Usage NONE = new Usage(0, 0, 0, 0, 0, BigDecimal.ZERO);

  /**
   * A usage with no key position.
   *
   * @param inputTokens prompt tokens, {@code >= 0}
   * @param outputTokens completion tokens, {@code >= 0}
   * @param characters characters of text sent for speech, {@code >= 0}
   * @param images images produced, {@code >= 0}
   * @param audioMillis milliseconds of audio produced or transcribed, {@code >= 0}
   * @param estimatedCostUsd the estimated cost in US dollars, {@code >= 0}; never {@code null}
   * @throws IllegalArgumentException if a count or the cost is negative
   */
  public Usage(long inputTokens, long outputTokens, long characters, long images,
      long audioMillis, BigDecimal estimatedCostUsd) {
    this(inputTokens, outputTokens, characters, images, audioMillis, estimatedCostUsd, null);
  }

  /**
   * @param inputTokens prompt tokens, {@code >= 0}
   * @param outputTokens completion tokens, {@code >= 0}
   * @param characters characters of text sent for speech, {@code >= 0}
   * @param images images produced, {@code >= 0}
   * @param audioMillis milliseconds of audio produced or transcribed, {@code >= 0}
   * @param estimatedCostUsd the estimated cost in US dollars, {@code >= 0}; never {@code null}
   * @param keyPosition which API key made the call, from 1, or {@code null}
   * @throws IllegalArgumentException if a count or the cost is negative, or the key position is
   *     under 1
   */
  public Usage {
    if (keyPosition != null && keyPosition < 1) {
      throw new IllegalArgumentException("keyPosition counts from 1, was " + keyPosition);
    }
    Objects.requireNonNull(estimatedCostUsd, "estimatedCostUsd");
    if (inputTokens < 0 || outputTokens < 0 || characters < 0 || images < 0 || audioMillis < 0) {
      throw new IllegalArgumentException("usage counts must be >= 0");
    }
    if (estimatedCostUsd.signum() < 0) {
      throw new IllegalArgumentException("estimatedCostUsd must be >= 0, was " + estimatedCostUsd);
    }
    estimatedCostUsd = estimatedCostUsd.setScale(6, RoundingMode.HALF_UP).stripTrailingZeros();
  }

  /**
   * @param input prompt tokens
   * @param output completion tokens
   * @return a usage of tokens only, not yet priced
   */
  public static Usage tokens(long input, long output) {
    return new Usage(input, output, 0, 0, 0, BigDecimal.ZERO);
  }

  /**
   * @param chars characters sent for speech
   * @return a usage of characters only, not yet priced
   */
  public static Usage characters(long chars) {
    return new Usage(0, 0, chars, 0, 0, BigDecimal.ZERO);
  }

  /**
   * @param n images made
   * @return a usage of images only, not yet priced
   */
  public static Usage images(long n) {
    return new Usage(0, 0, 0, n, 0, BigDecimal.ZERO);
  }

  /**
   * @param audio audio produced or transcribed
   * @return a usage of audio only, not yet priced
   */
  public static Usage audio(Duration audio) {
    return new Usage(0, 0, 0, 0, audio.toMillis(), BigDecimal.ZERO);
  }

  /**
   * @param other another usage
   * @return the field-wise sum, without a key position (a sum may span several keys)
   */
  public Usage plus(Usage other) {
    return new Usage(inputTokens + other.inputTokens, outputTokens + other.outputTokens,
        characters + other.characters, images + other.images, audioMillis + other.audioMillis,
        estimatedCostUsd.add(other.estimatedCostUsd));
  }

  /**
   * @param costUsd the estimated cost in US dollars, {@code >= 0}
   * @return this usage with that cost
   */
  public Usage withCost(BigDecimal costUsd) {
    return new Usage(inputTokens, outputTokens, characters, images, audioMillis, costUsd,
        keyPosition);
  }

  /**
   * @param position which API key made the call, from 1, or {@code null} for none recorded
   * @return this usage with that key position
   * @throws IllegalArgumentException if the position is under 1
   */
  public Usage withKeyPosition(@Nullable Integer position) {
    return new Usage(inputTokens, outputTokens, characters, images, audioMillis, estimatedCostUsd,
        position);
  }

  /** @return whether every count is 0 (the cost is not looked at) */
  @JsonIgnore
  public boolean isEmpty() {
    return inputTokens == 0 && outputTokens == 0 && characters == 0 && images == 0
        && audioMillis == 0;
  }
}
