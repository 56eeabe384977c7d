package dev.storyreel.core.spi;

import java.util.List;

/**
 * Checks texts (the story, the image prompts) before any paid asset is made.
 */
public non-sealed interface Moderator extends AssetProvider {

  /**
   * @param texts the texts to check, in order; never {@code null}
   * @return for each text, the flagged categories; an empty list where it passed
   * @throws dev.storyreel.core.StoryReelException if moderation cannot be done
   */
  List<List<String>> moderate(List<String> texts);

  @Override
  default String resource() {
    return "moderation";
  }
}
