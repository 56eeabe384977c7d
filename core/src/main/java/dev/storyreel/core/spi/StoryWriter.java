package dev.storyreel.core.spi;

/**
 * Writes a story from an idea: a title and prose that the normal pipeline then narrates (the
 * planner keeps the writer's words verbatim, as it keeps an author's).
 *
 * <p>There is no offline writer: a writer is a language model behind a vendor's API (or a local
 * OpenAI-compatible server). Found like the other kinds through {@link ProviderFactory} ({@code
 * type() == StoryWriter.class}); the OpenAI module registers {@code openai}.
 *
 * <p>Implementations must be thread-safe.
 */
public non-sealed interface StoryWriter extends AssetProvider {

  /**
   * @param request the idea and options; never {@code null}
   * @return the story with a non-blank title, and what writing it consumed; never {@code null}
   * @throws dev.storyreel.core.StoryReelException if writing fails (retriable for rate limits and
   *     transient server errors)
   */
  GeneratedStory write(WriteRequest request);

  /** @return {@code "writing"} */
  @Override
  default String resource() {
    return "writing";
  }
}
