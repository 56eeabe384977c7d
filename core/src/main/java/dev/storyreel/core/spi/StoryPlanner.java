package dev.storyreel.core.spi;

import dev.storyreel.core.Story;
import dev.storyreel.core.Storyboard;
import dev.storyreel.core.VideoFormat;

/**
 * Splits a story into segments and writes an image prompt for each.
 *
 * <p>The segments' narrations, joined with spaces, must give back the story's words in order:
 * nothing dropped, nothing invented.
 */
public non-sealed interface StoryPlanner extends AssetProvider {

  /**
   * @param story the story; never {@code null}
   * @param format the target video format, for prompts that mention the framing
   * @param visualStyle the story-wide style requested by the caller, or empty to let the planner
   *     choose
   * @return the storyboard; never {@code null}
   * @throws dev.storyreel.core.StoryReelException if planning fails
   */
  Storyboard plan(Story story, VideoFormat format, String visualStyle);

  @Override
  default String resource() {
    return "planning";
  }
}
