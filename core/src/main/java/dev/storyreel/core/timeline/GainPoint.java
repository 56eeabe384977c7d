package dev.storyreel.core.timeline;

import java.time.Duration;
import java.util.Objects;

/**
 * One point of a gain envelope: the gain at a moment, linear in decibels between points.
 *
 * @param at the moment, from the video's start; never negative
 * @param gainDb the gain there, in dB relative to the track's level (0 = unchanged, -12 = ducked
 *     by 12 dB); at most 0
 */
public record GainPoint(Duration at, double gainDb) {

  /**
   * @param at the moment, from the video's start; never negative
   * @param gainDb the gain there, in dB relative to the track's level (0 = unchanged, -12 = ducked
   *     by 12 dB); at most 0
   * @throws NullPointerException if {@code at} is {@code null}
   * @throws IllegalArgumentException if {@code at} is negative or the gain is above 0 or not
   *     finite
   */
  public GainPoint {
    Objects.requireNonNull(at, "at");
    if (at.isNegative()) {
      throw new IllegalArgumentException("gain point before the start: " + at);
    }
    if (!Double.isFinite(gainDb) || gainDb > 0) {
      throw new IllegalArgumentException("gain must be finite and <= 0 dB, was " + gainDb);
    }
  }
}
