package dev.storyreel.offline;

import dev.storyreel.core.Mood;
import dev.storyreel.core.Segment;
import dev.storyreel.core.Story;
import dev.storyreel.core.Storyboard;
import dev.storyreel.core.Usage;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.Words;
import dev.storyreel.core.spi.StoryPlanner;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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

  /**
   * The words of a style that name a mood, in the order they are looked for. A style's mood is
   * that of the keyword found earliest in it; a keyword matches the start of a word, so {@code
   * haunt} also matches {@code haunted}.
   */
  private static final List<Map.Entry<Mood, List<String>>> MOOD_WORDS = List.of(
      Map.entry(Mood.DREAD, List.of("eerie", "horror", "haunt", "creep", "sinister", "dread",
          "ghost", "gothic", "macabre", "ominous", "dark", "nightmare", "terror")),
      Map.entry(Mood.TENSION, List.of("tense", "tension", "thriller", "suspense", "chase",
          "noir", "action", "urgent", "danger", "frantic")),
      Map.entry(Mood.SORROW, List.of("sad", "sorrow", "melanchol", "grief", "griev", "tragic",
          "tragedy", "mourn", "elegy", "elegia", "lament", "bleak", "tear")),
      Map.entry(Mood.WONDER, List.of("wonder", "magic", "fantasy", "fairy", "dream", "whimsic",
          "cosmic", "epic", "enchant", "mythic", "ethereal", "awe")),
      Map.entry(Mood.CALM, List.of("calm", "gentle", "peace", "serene", "cozy", "cosy",
          "pastoral", "tranquil", "quiet", "warm", "soothing")));

  private final int wordsPerMinute;
  private final double minSeconds;
  private final double maxSeconds;
  private final Mood mood;

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
    this(wordsPerMinute, minSeconds, maxSeconds, null);
  }

  /**
   * @param wordsPerMinute assumed speaking rate, 60..400
   * @param minSeconds the length a segment should reach before it is closed, &gt; 0
   * @param maxSeconds the length a segment should not pass, &ge; {@code minSeconds}
   * @param mood the story's mood, or {@code null} to read it from the style
   * @throws IllegalArgumentException if a value is out of range
   */
  public RuleBasedPlanner(int wordsPerMinute, double minSeconds, double maxSeconds, Mood mood) {
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
    this.mood = mood;
  }

  @Override
  public String name() {
    return "rules";
  }

  @Override
  public String model() {
    return "sentences-" + wordsPerMinute + "wpm";
  }

  /**
   * @return name and model, the mood rule's version, the fixed mood if any, and the segment
   *     lengths when they are not the default 8..15 s, for example {@code
   *     rules/sentences-165wpm/moods-v1}, {@code rules/sentences-165wpm/moods-v1/dread} or {@code
   *     rules/sentences-165wpm/moods-v1/dread/segments-6.0-12.0s}
   */
  @Override
  public String fingerprint() {
    return name() + "/" + model() + "/moods-v1" + (mood == null ? "" : "/" + mood.id())
        + (minSeconds == 8.0 && maxSeconds == 15.0 ? ""
            : "/segments-" + minSeconds + "-" + maxSeconds + "s");
  }

  /**
   * The mood a visual style suggests: that of the earliest keyword in it, ignoring case. Dread:
   * eerie, horror, haunt(ed), creep(y), sinister, dread, ghost, gothic, macabre, ominous, dark,
   * nightmare, terror. Tension: tense, tension, thriller, suspense, chase, noir, action, urgent,
   * danger, frantic. Sorrow: sad, sorrow, melanchol(y/ic), grief, griev(ing), tragic, tragedy,
   * mourn(ful), elegy, elegiac, lament, bleak, tear(s). Wonder: wonder, magic(al), fantasy,
   * fairy, dream(y), whimsic(al), cosmic, epic, enchant(ed), mythic, ethereal, awe. Calm: calm,
   * gentle, peace(ful), serene, cozy, cosy, pastoral, tranquil, quiet, warm, soothing. A keyword
   * matches at the start of a word. For example {@code "eerie, foggy harbour at night"} is dread
   * and {@code "watercolour, dreamy pastels"} is wonder.
   *
   * @param style a style phrase, or {@code null}
   * @return the mood it names, or {@code null} when it names none
   */
  public static Mood moodOf(String style) {
    if (style == null) {
      return null;
    }
    String s = style.toLowerCase(Locale.ROOT);
    Mood best = null;
    int bestAt = Integer.MAX_VALUE;
    for (Map.Entry<Mood, List<String>> e : MOOD_WORDS) {
      for (String word : e.getValue()) {
        for (int at = s.indexOf(word); at >= 0; at = s.indexOf(word, at + 1)) {
          if (at < bestAt && (at == 0 || !Character.isLetter(s.charAt(at - 1)))) {
            best = e.getKey();
            bestAt = at;
            break;
          }
        }
      }
    }
    return best;
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
    Mood storyMood = mood != null ? mood
        : moodOf(visualStyle) != null ? moodOf(visualStyle) : Mood.DEFAULT;
    return new Storyboard(segments, style, Usage.NONE, storyMood);
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
