package dev.storyreel.core;

import java.util.Objects;

/**
 * One segment of a storyboard: a stretch of narration that gets its own picture, its own voice
 * clip and its own captions. The picture is on screen exactly while this narration plays.
 *
 * @param index position in the storyboard, from 0, consecutive
 * @param narration the words spoken for this segment, verbatim from the story; never blank
 * @param imagePrompt the prompt an {@link dev.storyreel.core.spi.ImageProvider} draws from,
 *     already including the story-wide style; never blank
 */
public record Segment(int index, String narration, String imagePrompt) {

  /**
   * @param index position in the storyboard, from 0, consecutive
   * @param narration the words spoken for this segment, verbatim from the story; never blank
   * @param imagePrompt the prompt an {@link dev.storyreel.core.spi.ImageProvider} draws from,
   *     already including the story-wide style; never blank
   * @throws NullPointerException if a text is {@code null}
   * @throws IllegalArgumentException if {@code index} is negative or a text is blank
   */
  public Segment {
    Objects.requireNonNull(narration, "narration");
    Objects.requireNonNull(imagePrompt, "imagePrompt");
    if (index < 0) {
      throw new IllegalArgumentException("index must be >= 0, was " + index);
    }
    if (narration.isBlank()) {
      throw new IllegalArgumentException("segment " + index + ": narration is blank");
    }
    if (imagePrompt.isBlank()) {
      throw new IllegalArgumentException("segment " + index + ": imagePrompt is blank");
    }
  }
}
