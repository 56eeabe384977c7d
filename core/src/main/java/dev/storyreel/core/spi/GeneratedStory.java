package dev.storyreel.core.spi;

import dev.storyreel.core.Story;
import dev.storyreel.core.Usage;
import java.util.Objects;

/**
 * A story made by a {@link StoryWriter}.
 *
 * @param story the story; its title is never blank
 * @param usage what writing it consumed as the vendor reported it (tokens), or {@link Usage#NONE};
 *     its cost is filled in from the price table by the caller
 */
public record GeneratedStory(Story story, Usage usage) {

  /**
   * @param story the story; its title is never blank
   * @param usage what writing it consumed, or {@link Usage#NONE}
   * @throws NullPointerException if either is {@code null}
   * @throws IllegalArgumentException if the story's title is blank
   */
  public GeneratedStory {
    Objects.requireNonNull(story, "story");
    Objects.requireNonNull(usage, "usage");
    if (story.title().isBlank()) {
      throw new IllegalArgumentException("a written story needs a title");
    }
  }
}
