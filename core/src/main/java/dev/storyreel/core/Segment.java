package dev.storyreel.core;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One segment of a storyboard: a stretch of narration that gets its own picture, its own voice
 * clip and its own captions. The picture is on screen exactly while this narration plays.
 *
 * @param index position in the storyboard, from 0, consecutive
 * @param narration the words spoken for this segment, verbatim from the story; never blank
 * @param imagePrompt the prompt an {@link dev.storyreel.core.spi.ImageProvider} draws from,
 *     already including the story-wide style; never blank
 * @param mood this segment's mood, or {@code null} for the storyboard's
 * @param soundCues sound effects placed at words of this narration; copied, never {@code null}
 *     ({@code null} is read as none)
 */
public record Segment(int index, String narration, String imagePrompt, @Nullable Mood mood,
    List<SoundCue> soundCues) {

  /**
   * A segment with the storyboard's mood and no sound effects.
   *
   * @param index position in the storyboard, from 0
   * @param narration the words spoken; never blank
   * @param imagePrompt the image prompt; never blank
   */
  public Segment(int index, String narration, String imagePrompt) {
    this(index, narration, imagePrompt, null, List.of());
  }

  /**
   * @param index position in the storyboard, from 0, consecutive
   * @param narration the words spoken for this segment, verbatim from the story; never blank
   * @param imagePrompt the prompt an {@link dev.storyreel.core.spi.ImageProvider} draws from,
   *     already including the story-wide style; never blank
   * @throws NullPointerException if a text is {@code null}
   * @throws IllegalArgumentException if {@code index} is negative or a text is blank
   */
  public Segment {
    soundCues = soundCues == null ? List.of() : List.copyOf(soundCues);
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
