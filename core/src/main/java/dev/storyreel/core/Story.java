package dev.storyreel.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
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
   * The longest story {@link #read(Path)} accepts, in characters: {@value}, the upper bound of
   * {@link StoryReel.Builder#maxStoryChars(int)}.
   */
  public static final int MAX_READ_CHARS = 10_000_000;

  /**
   * Reads a story from a UTF-8 text file of at most {@value #MAX_READ_CHARS} characters, as
   * {@link #read(Path, int) read(file, MAX_READ_CHARS)}.
   *
   * @param file the file; never {@code null}
   * @return the story
   * @throws InvalidInputException as for {@link #read(Path, int)}
   */
  public static Story read(Path file) {
    return read(file, MAX_READ_CHARS);
  }

  /**
   * Reads a story from a UTF-8 text file (a leading byte-order mark is skipped), never reading
   * more than the limit allows. The title is the file's first non-blank line.
   *
   * <p>Only a regular file is read (a symbolic link is followed). The file's type is checked
   * before it is opened, so a FIFO, a device such as {@code /dev/zero}, a socket or a folder is
   * refused at once and never blocks. At most {@code 4 * maxChars + 4} bytes are read (a UTF-8
   * character is at most 4 bytes, plus a byte-order mark): a longer file is refused without being
   * read whole, so a huge file cannot exhaust memory. After decoding, the text is held to {@code
   * maxChars} UTF-16 characters (the unit of {@link String#length()}, as {@link
   * StoryReel.Builder#maxStoryChars(int)} counts them).
   *
   * <p>Thread-safe; reads the file once.
   *
   * @param file the file; never {@code null}
   * @param maxChars the longest story accepted, in characters, 1..{@value #MAX_READ_CHARS}
   * @return the story
   * @throws IllegalArgumentException if {@code maxChars} is out of range
   * @throws InvalidInputException if the file is missing, not a regular file, unreadable, over the
   *     limit, not valid UTF-8 (naming the byte offset) or blank
   */
  public static Story read(Path file, int maxChars) {
    Objects.requireNonNull(file, "file");
    if (maxChars < 1 || maxChars > MAX_READ_CHARS) {
      throw new IllegalArgumentException(
          "maxChars must be 1.." + MAX_READ_CHARS + ", was " + maxChars);
    }
    if (!Files.isRegularFile(file)) {
      if (!Files.exists(file)) {
        throw new InvalidInputException("Story file " + file + " does not exist.");
      }
      if (Files.isDirectory(file)) {
        throw new InvalidInputException(
            "Story file " + file + " is a folder, not a file. Give the path of a UTF-8 text file.");
      }
      throw new InvalidInputException("Story file " + file + " is not a regular file (it is a"
          + " device, a pipe or a socket). Save the story to a UTF-8 text file and give its path.");
    }
    long maxBytes = 4L * maxChars + 4;
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
    } catch (NoSuchFileException e) {
      throw new InvalidInputException("Story file " + file + " does not exist.", e);
    } catch (AccessDeniedException e) {
      throw new InvalidInputException("Story file " + file + " cannot be read: permission denied."
          + " Check its permissions.", e);
    } catch (IOException e) {
      throw new InvalidInputException("Story file " + file + " cannot be read ("
          + (e.getMessage() == null ? "input/output error" : e.getMessage()) + ").", e);
    }
    if (bytes.length > maxBytes) {
      throw new InvalidInputException("Story file " + file + " is over the limit of " + maxChars
          + " characters (it has more than " + maxBytes + " bytes). " + SHORTEN);
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
    if (text.length() > maxChars) {
      throw new InvalidInputException("The story is " + text.length()
          + " characters long, over the limit of " + maxChars + ". " + SHORTEN);
    }
    return of(text);
  }

  private static final String SHORTEN = "Shorten it, split it into parts, or raise the limit with"
      + " StoryReel.builder().maxStoryChars(n) (CLI: --max-chars).";

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
