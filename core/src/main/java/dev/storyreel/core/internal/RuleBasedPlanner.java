package dev.storyreel.core.internal;

import dev.storyreel.core.Segment;
import dev.storyreel.core.Story;
import dev.storyreel.core.Storyboard;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.Words;
import dev.storyreel.core.spi.StoryPlanner;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The offline planner: sentences found with {@link BreakIterator}, grouped into segments of
 * about 8-15 s of speech, never splitting a sentence.
 *
 * <p>Speech length is estimated from the word count at {@link #DEFAULT_WORDS_PER_MINUTE} words a
 * minute (a typical narration pace; FreeTTS's kevin16 speaks at about this rate). A segment is
 * closed once it reaches the minimum length, or when the next sentence would push it past the
 * maximum; a single sentence longer than the maximum becomes a segment of its own. A paragraph
 * break closes a segment early once it holds at least half the minimum, so pictures tend to
 * change where the author changed paragraph. Each image prompt is the segment's text (cut to
 * about 400 characters) followed by the story-wide style.
 *
 * <p>Immutable and thread-safe.
 */
public final class RuleBasedPlanner implements StoryPlanner {
  /** Words a minute assumed when estimating speech length: 165. */
  public static final int DEFAULT_WORDS_PER_MINUTE = 165;
  /** Style used when the caller gives none. */
  public static final String DEFAULT_STYLE =
      "atmospheric cinematic digital painting, soft volumetric light, muted colours";

  private static final int MAX_PROMPT_TEXT_CHARS = 400;

  private final int wordsPerMinute;
  private final double minSeconds;
  private final double maxSeconds;

  /** A planner with 165 words a minute and segments of 8-15 s. */
  public RuleBasedPlanner() {
    this(DEFAULT_WORDS_PER_MINUTE, 8.0, 15.0);
  }

  /**
   * @param wordsPerMinute assumed speaking rate, 60..400
   * @param minSeconds the length a segment should reach before it is closed, &gt; 0
   * @param maxSeconds the length a segment should not pass, &ge; {@code minSeconds}
   * @throws IllegalArgumentException if a value is out of range
   */
  public RuleBasedPlanner(int wordsPerMinute, double minSeconds, double maxSeconds) {
    if (wordsPerMinute < 60 || wordsPerMinute > 400) {
      throw new IllegalArgumentException("wordsPerMinute must be 60..400, was " + wordsPerMinute);
    }
    if (!(minSeconds > 0) || !(maxSeconds >= minSeconds)) {
      throw new IllegalArgumentException(
          "need 0 < minSeconds <= maxSeconds, was " + minSeconds + ", " + maxSeconds);
    }
    this.wordsPerMinute = wordsPerMinute;
    this.minSeconds = minSeconds;
    this.maxSeconds = maxSeconds;
  }

  @Override
  public String name() {
    return "rules";
  }

  @Override
  public String model() {
    return "sentences-" + wordsPerMinute + "wpm";
  }

  @Override
  public Storyboard plan(Story story, VideoFormat format, String visualStyle) {
    Objects.requireNonNull(story, "story");
    String style = visualStyle == null || visualStyle.isBlank() ? DEFAULT_STYLE : visualStyle.strip();
    List<Sentence> sentences = sentences(story.text());
    List<Segment> segments = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    double seconds = 0;
    for (Sentence s : sentences) {
      double len = estimateSeconds(s.text);
      if (current.length() > 0 && seconds + len > maxSeconds) {
        segments.add(segment(segments.size(), current.toString(), style));
        current.setLength(0);
        seconds = 0;
      }
      if (current.length() > 0) {
        current.append(' ');
      }
      current.append(s.text);
      seconds += len;
      if (seconds >= minSeconds || (s.endsParagraph && seconds >= minSeconds / 2)) {
        segments.add(segment(segments.size(), current.toString(), style));
        current.setLength(0);
        seconds = 0;
      }
    }
    if (current.length() > 0) {
      // A short tail joins the previous segment when that keeps it under the maximum.
      if (!segments.isEmpty()
          && seconds < minSeconds / 2
          && estimateSeconds(segments.get(segments.size() - 1).narration()) + seconds <= maxSeconds) {
        Segment last = segments.remove(segments.size() - 1);
        segments.add(segment(last.index(), last.narration() + " " + current, style));
      } else {
        segments.add(segment(segments.size(), current.toString(), style));
      }
    }
    return new Storyboard(segments, style);
  }

  /**
   * @param text some narration
   * @return its estimated speaking time in seconds at this planner's rate
   */
  public double estimateSeconds(String text) {
    int words = Words.split(text).size();
    return words * 60.0 / wordsPerMinute;
  }

  private static Segment segment(int index, String narration, String style) {
    String text = narration.strip();
    String scene = text.length() > MAX_PROMPT_TEXT_CHARS
        ? text.substring(0, text.lastIndexOf(' ', MAX_PROMPT_TEXT_CHARS) + 1).strip() + "…"
        : text;
    return new Segment(index, text, scene + " | Style: " + style);
  }

  private record Sentence(String text, boolean endsParagraph) {}

  private static List<Sentence> sentences(String text) {
    BreakIterator it = BreakIterator.getSentenceInstance(Locale.ROOT);
    it.setText(text);
    List<Sentence> out = new ArrayList<>();
    int start = it.first();
    for (int end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
      String raw = text.substring(start, end);
      String s = raw.strip().replaceAll("\\s+", " ");
      if (s.isEmpty()) {
        continue;
      }
      // A sentence followed by a line break ends a paragraph (or the title line).
      boolean paragraph = raw.substring(raw.stripTrailing().length()).indexOf('\n') >= 0;
      if (s.codePoints().noneMatch(Character::isLetterOrDigit) && !out.isEmpty()) {
        // Punctuation on its own stays with the sentence before it.
        Sentence prev = out.remove(out.size() - 1);
        out.add(new Sentence(prev.text + " " + s, prev.endsParagraph || paragraph));
        continue;
      }
      out.add(new Sentence(s, paragraph));
    }
    return out;
  }
}
