package dev.storyreel.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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
   * @param title a human title used in the manifest and file metadata; never {@code null}, may be
   *     empty
   * @param text the story's prose, UTF-16 as read; never {@code null}, never blank
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

  /**
   * Reads a story from a UTF-8 text file (a leading byte-order mark is skipped). The title is
   * the file's first non-blank line.
   *
   * @param file the file; never {@code null}
   * @return the story
   * @throws InvalidInputException if the file is missing, unreadable, not valid UTF-8 (naming the
   *     byte offset) or blank
   */
  public static Story read(Path file) {
    Objects.requireNonNull(file, "file");
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new InvalidInputException("Story file " + file + " does not exist.", e);
    } catch (IOException e) {
      throw new InvalidInputException("Story file " + file + " cannot be read: " + e, e);
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (MalformedInputException e) {
      throw new InvalidInputException(
          "Story file " + file + " is not valid UTF-8 (bad byte at offset " + firstBadByte(bytes)
              + "). Save it as UTF-8 and try again.", e);
    } catch (CharacterCodingException e) {
      throw new InvalidInputException(
          "Story file " + file + " is not valid UTF-8. Save it as UTF-8 and try again.", e);
    }
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    if (text.isBlank()) {
      throw new InvalidInputException(
          "Story file " + file + " is empty or only whitespace: give it some text to narrate.");
    }
    return of(text);
  }

  private static int firstBadByte(byte[] bytes) {
    var dec = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length + 1);
    var r = dec.decode(in, out, true);
    return r.isError() ? in.position() : -1;
  }
}
