package dev.storyreel.core;

import java.util.Objects;

/**
 * A written story: the input of a job.
 *
 * <p>Length limits are a property of the pipeline, not of the value (see {@link
 * StoryReel.Builder#maxStoryChars(int)}), so a {@code Story} only checks that there is text at
 * all.
 *
 * @param title a human title used in the manifest and file metadata; never {@code null}, may be
 *     empty
 * @param text the story's prose, UTF-16 as read; never {@code null}, never blank
 */
public record Story(String title, String text) {

  /**
   * @throws NullPointerException if {@code title} or {@code text} is {@code null}
   * @throws InvalidInputException if {@code text} is empty or only whitespace
   */
  public Story {
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(text, "text");
    if (text.isBlank()) {
      throw new InvalidInputException(
          "The story is empty or only whitespace: give it some text to narrate.");
    }
  }

  /**
   * A story with a title taken from its first line, cut to 80 characters.
   *
   * @param text the story's prose; never blank
   * @return the story
   * @throws InvalidInputException if {@code text} is blank
   */
  public static Story of(String text) {
    Objects.requireNonNull(text, "text");
    String firstLine = text.strip().lines().findFirst().orElse("").strip();
    String title = firstLine.length() > 80 ? firstLine.substring(0, 80) : firstLine;
    return new Story(title, text);
  }
}
