package dev.storyreel.core.spi;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * What a {@link StoryWriter} is asked to write.
 *
 * <p>Example: {@code WriteRequest.builder("a lighthouse keeper hears knocking from
 * below").genre("horror").targetWords(400).build()}.
 *
 * @param idea what the story is about, one sentence or a few; never blank, at most {@value
 *     #MAX_IDEA_CHARS} characters
 * @param genre the genre (a preset's id such as {@code horror}, or free text), or empty for none
 * @param genreGuidance how the genre should read (tone, devices), from the genre's {@linkplain
 *     dev.storyreel.core.Preset#writing() preset}, or empty
 * @param targetWords about how many words the story should have, {@value #MIN_WORDS}..{@value
 *     #MAX_WORDS}
 * @param audience who the story is for (for example {@code children of six}), or empty
 * @param language the language to write in; never {@code null}; default English
 */
public record WriteRequest(String idea, String genre, String genreGuidance, int targetWords,
    String audience, Locale language) {

  /** The longest idea accepted, in characters: {@value}. */
  public static final int MAX_IDEA_CHARS = 2_000;
  /** The fewest words asked for: {@value}. */
  public static final int MIN_WORDS = 30;
  /** The most words asked for: {@value}. */
  public static final int MAX_WORDS = 5_000;
  /** The default target length in words: {@value}. */
  public static final int DEFAULT_WORDS = 300;
  /** The narration pace a target duration is converted at, in words a minute: {@value}. */
  public static final int WORDS_PER_MINUTE = 150;

  /**
   * @param idea what the story is about; never blank, at most {@value #MAX_IDEA_CHARS} chars
   * @param genre the genre, or empty
   * @param genreGuidance how the genre should read, or empty
   * @param targetWords {@value #MIN_WORDS}..{@value #MAX_WORDS}
   * @param audience who it is for, or empty
   * @param language the language; never {@code null}
   * @throws NullPointerException if a value is {@code null}
   * @throws dev.storyreel.core.InvalidInputException if the idea is blank or too long, or the
   *     length is out of range
   */
  public WriteRequest {
    Objects.requireNonNull(idea, "idea");
    Objects.requireNonNull(genre, "genre");
    Objects.requireNonNull(genreGuidance, "genreGuidance");
    Objects.requireNonNull(audience, "audience");
    Objects.requireNonNull(language, "language");
    idea = idea.strip();
    genre = genre.strip();
    genreGuidance = genreGuidance.strip();
    audience = audience.strip();
    if (idea.isEmpty()) {
      throw new dev.storyreel.core.InvalidInputException(
          "The idea is empty: say in a sentence what the story should be about.");
    }
    if (idea.length() > MAX_IDEA_CHARS) {
      throw new dev.storyreel.core.InvalidInputException("The idea is " + idea.length()
          + " characters long, over the limit of " + MAX_IDEA_CHARS + ". Give the idea in a few"
          + " sentences; to narrate a finished text, render it instead of writing one.");
    }
    if (targetWords < MIN_WORDS || targetWords > MAX_WORDS) {
      throw new dev.storyreel.core.InvalidInputException("The target length must be "
          + MIN_WORDS + ".." + MAX_WORDS + " words, was " + targetWords + ".");
    }
  }

  /**
   * @param idea what the story is about; never blank
   * @return a builder with the defaults: no genre, {@value #DEFAULT_WORDS} words, no audience,
   *     English
   */
  public static Builder builder(String idea) {
    return new Builder(idea);
  }

  /** Builds a {@link WriteRequest}; not thread-safe. */
  public static final class Builder {
    private final String idea;
    private String genre = "";
    private String genreGuidance = "";
    private int targetWords = DEFAULT_WORDS;
    private String audience = "";
    private Locale language = Locale.ENGLISH;

    private Builder(String idea) {
      this.idea = Objects.requireNonNull(idea, "idea");
    }

    /**
     * @param genre the genre, for example {@code horror}; never {@code null}, may be empty
     * @return this builder
     */
    public Builder genre(String genre) {
      this.genre = Objects.requireNonNull(genre, "genre");
      return this;
    }

    /**
     * @param guidance how the genre should read; never {@code null}, may be empty
     * @return this builder
     */
    public Builder genreGuidance(String guidance) {
      this.genreGuidance = Objects.requireNonNull(guidance, "guidance");
      return this;
    }

    /**
     * @param words about how many words, {@value #MIN_WORDS}..{@value #MAX_WORDS} (checked by
     *     {@link #build()})
     * @return this builder
     */
    public Builder targetWords(int words) {
      this.targetWords = words;
      return this;
    }

    /**
     * Sets the length as narration time, converted at {@value #WORDS_PER_MINUTE} words a minute
     * (60 s is 150 words).
     *
     * @param narration about how long the narration should be; positive
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder targetDuration(Duration narration) {
      Objects.requireNonNull(narration, "narration");
      if (narration.isNegative() || narration.isZero()) {
        throw new IllegalArgumentException("targetDuration must be positive, was " + narration);
      }
      this.targetWords = (int) Math.min(Integer.MAX_VALUE,
          Math.round(narration.toMillis() / 60_000.0 * WORDS_PER_MINUTE));
      return this;
    }

    /**
     * @param audience who the story is for; never {@code null}, may be empty
     * @return this builder
     */
    public Builder audience(String audience) {
      this.audience = Objects.requireNonNull(audience, "audience");
      return this;
    }

    /**
     * @param language the language to write in; never {@code null}
     * @return this builder
     */
    public Builder language(Locale language) {
      this.language = Objects.requireNonNull(language, "language");
      return this;
    }

    /**
     * @return the request
     * @throws dev.storyreel.core.InvalidInputException as the record's constructor
     */
    public WriteRequest build() {
      return new WriteRequest(idea, genre, genreGuidance, targetWords, audience, language);
    }
  }
}
