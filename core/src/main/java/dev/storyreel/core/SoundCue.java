package dev.storyreel.core;

import java.util.Objects;

/**
 * A sound effect a planner places at one word of a segment's narration, for example "a door
 * creaks" at the word "door". A {@link dev.storyreel.core.spi.SoundEffectProvider} resolves it
 * to audio; the effect starts at that word's start time.
 *
 * @param description what is heard, in a few words; also the tag matched against effect files'
 *     names; never blank
 * @param wordIndex the word of the segment's narration it starts at, from 0 (words as {@link
 *     Words#split} counts them)
 */
public record SoundCue(String description, int wordIndex) {

  /**
   * @param description what is heard, in a few words; also the tag matched against effect files'
   *     names; never blank
   * @param wordIndex the word of the segment's narration it starts at, from 0 (words as {@link
   *     Words#split} counts them)
   * @throws NullPointerException if {@code description} is {@code null}
   * @throws IllegalArgumentException if it is blank or {@code wordIndex} is negative
   */
  public SoundCue {
    Objects.requireNonNull(description, "description");
    if (description.isBlank()) {
      throw new IllegalArgumentException("sound cue description is blank");
    }
    if (wordIndex < 0) {
      throw new IllegalArgumentException("wordIndex must be >= 0, was " + wordIndex);
    }
  }
}
