package dev.storyreel.offline;

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
    // Group sentence indexes first, then build the texts: a group is [from, to).
    List<int[]> groups = new ArrayList<>();
    int from = 0;
    double seconds = 0;
    for (int i = 0; i < sentences.size(); i++) {
      double len = estimateSeconds(sentences.get(i).text);
      if (i > from && seconds + len > maxSeconds) {
        groups.add(new int[] {from, i});
        from = i;
        seconds = 0;
      }
      seconds += len;
      boolean paragraph = sentences.get(i).endsParagraph;
      if (seconds >= minSeconds || (paragraph && seconds >= minSeconds / 2)) {
        groups.add(new int[] {from, i + 1});
        from = i + 1;
        seconds = 0;
      }
    }
    if (from < sentences.size()) {
      // A short tail joins the previous segment when that keeps it under the maximum.
      int[] prev = groups.isEmpty() ? null : groups.get(groups.size() - 1);
      if (prev != null
          && seconds < minSeconds / 2
          && estimateSeconds(join(sentences, prev[0], prev[1])) + seconds <= maxSeconds) {
        prev[1] = sentences.size();
      } else {
        groups.add(new int[] {from, sentences.size()});
      }
    }
    List<Segment> segments = new ArrayList<>();
    for (int[] g : groups) {
      segments.add(segment(segments.size(), join(sentences, g[0], g[1]), style));
    }
    return new Storyboard(segments, style);
  }

  /** Joins sentences, keeping the author's line breaks: speech and captions pause there. */
  private static String join(List<Sentence> sentences, int from, int to) {
    StringBuilder sb = new StringBuilder();
    for (int i = from; i < to; i++) {
      if (i > from) {
        sb.append(sentences.get(i - 1).endsParagraph ? '\n' : ' ');
      }
      sb.append(sentences.get(i).text);
    }
    return sb.toString();
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
    String flat = text.replaceAll("\\s+", " ");
    String scene = flat.length() > MAX_PROMPT_TEXT_CHARS
        ? flat.substring(0, flat.lastIndexOf(' ', MAX_PROMPT_TEXT_CHARS) + 1).strip() + "…"
        : flat;
    return new Segment(index, text, scene + " | Style: " + style);
  }

  private record Sentence(String text, boolean endsParagraph) {}

  private static List<Sentence> sentences(String text) {
    List<Sentence> out = new ArrayList<>();
    // Lines first: the JDK's sentence iterator does not break after a line without final
    // punctuation, such as a title, and would run it into the next sentence.
    for (String line : text.split("\\R")) {
      if (line.isBlank()) {
        continue;
      }
      BreakIterator it = BreakIterator.getSentenceInstance(Locale.ROOT);
      it.setText(line);
      int start = it.first();
      for (int end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
        String s = line.substring(start, end).strip().replaceAll("\\s+", " ");
        if (s.isEmpty()) {
          continue;
        }
        if (s.codePoints().noneMatch(Character::isLetterOrDigit) && !out.isEmpty()) {
          // Punctuation on its own stays with the sentence before it.
          Sentence prev = out.remove(out.size() - 1);
          out.add(new Sentence(prev.text + " " + s, prev.endsParagraph));
          continue;
        }
        out.add(new Sentence(s, false));
      }
      if (!out.isEmpty()) {
        // The line's last sentence ends a paragraph (or is a title, or a line of verse).
        Sentence last = out.remove(out.size() - 1);
        out.add(new Sentence(last.text, true));
      }
    }
    return out;
  }
}
