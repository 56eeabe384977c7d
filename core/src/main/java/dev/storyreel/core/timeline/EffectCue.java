package dev.storyreel.core.timeline;

import java.time.Duration;
import java.util.Objects;

/**
 * A sound effect placed on the timeline, mixed under the narration.
 *
 * @param segment the segment whose word it is placed at
 * @param description the planner's cue, for example "a door creaks"; never {@code null}
 * @param audio its WAV; never {@code null}
 * @param at when it starts: its word's start time; never negative
 * @param gainDb its level in the mix, in dB relative to its own; at most 0
 */
public record EffectCue(int segment, String description, AudioSource audio, Duration at,
    double gainDb) {

  /**
   * @param segment the segment whose word it is placed at
   * @param description the planner's cue, for example "a door creaks"; never {@code null}
   * @param audio its WAV; never {@code null}
   * @param at when it starts: its word's start time; never negative
   * @param gainDb its level in the mix, in dB relative to its own; at most 0
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if {@code at} is negative or the gain above 0
   */
  public EffectCue {
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(audio, "audio");
    Objects.requireNonNull(at, "at");
    if (at.isNegative()) {
      throw new IllegalArgumentException("effect before the start: " + at);
    }
    if (!Double.isFinite(gainDb) || gainDb > 0) {
      throw new IllegalArgumentException("effect gain must be finite and <= 0 dB, was " + gainDb);
    }
  }
}
