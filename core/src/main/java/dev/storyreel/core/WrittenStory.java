package dev.storyreel.core;

import java.util.Objects;

/**
 * A story written from an idea by {@link StoryReel#write}, with where it came from.
 *
 * @param story the story: its title, and its prose without the title
 * @param writtenFrom the idea, options and writer, as the manifest of a job that renders it
 *     records them
 */
public record WrittenStory(Story story, Manifest.WrittenFrom writtenFrom) {

  /**
   * @param story the story
   * @param writtenFrom where it came from
   * @throws NullPointerException if either is {@code null}
   */
  public WrittenStory {
    Objects.requireNonNull(story, "story");
    Objects.requireNonNull(writtenFrom, "writtenFrom");
  }

  /**
   * The story as a story file: the title, a blank line, the prose and a final line break. {@link
   * Story#read(java.nio.file.Path)} reads it back with this title (its first line), and a job
   * that renders that file still records {@link #writtenFrom()} in its manifest (when it renders
   * into the storage the story was written into).
   *
   * @return the file's text; never {@code null}
   */
  public String fileText() {
    return story.title() + "\n\n" + story.text().strip() + "\n";
  }
}
