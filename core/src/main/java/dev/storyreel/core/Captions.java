package dev.storyreel.core;

import com.ibm.icu.text.BreakIterator;
import com.ibm.icu.util.ULocale;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Groups word timings into caption cues and writes them as SubRip (SRT) and WebVTT.
 *
 * <p>Cues never cross a segment boundary, so a caption changes with its picture. Inside a segment
 * a new cue starts when the next word would take the cue past {@code maxChars} characters, after
 * a word that ends a sentence ({@code . ! ? …}) or a line, or before a pause of at least {@link
 * #PAUSE}.
 * Each cue lasts until the next cue of its segment starts, and the last cue of a segment lasts to
 * the segment's end, so the captions follow the voice with no flicker between words.
 *
 * <p>Limits. {@link #cues(List, CueLimits)} also ends a cue before it would hold more than
 * {@link CueLimits#maxWords()} words or more characters than {@link CueLimits#maxLines()} lines
 * of {@link CueLimits#maxCharsPerLine()} hold.
 *
 * <p>Languages written without spaces (Chinese, Japanese, Thai, Lao, Khmer, Burmese): a timed
 * word that contains such letters, often a whole phrase, is split into display words with ICU's
 * word break rules (ICU4J {@link BreakIterator#getWordInstance(ULocale)}), punctuation staying
 * with the word before it, and the word's time is shared among them in proportion to their
 * length, so the times stay in order and the cue can wrap. Such letters count as two characters
 * towards the limits (they are about twice as wide), and no space is put between two such words
 * (see {@link #spaceBetween(String, String)}).
 *
 * <p>Control characters never reach a caption: C0 controls, DEL and C1 controls are removed from
 * each word's text (tab, line feed and carriage return become a space), and a word left with
 * nothing printable is still timed in the narration but shown in no cue. Cues built here are
 * already clean, so the renderer burns in the same text; {@link #toSrt} and {@link #toVtt} clean
 * again, for cues built elsewhere.
 *
 * <p>Formats: SubRip as commonly implemented (1-based counter, {@code HH:MM:SS,mmm}); WebVTT per
 * the W3C WebVTT specification, with cue-internal timestamp tags ({@code <00:00:01.200>}) before
 * each word after the first, so players that support them highlight words in time.
 *
 * <p>Stateless and thread-safe.
 */
public final class Captions {
  /** A silence at least this long between two words starts a new cue: 500 ms. */
  public static final Duration PAUSE = Duration.ofMillis(500);

  private Captions() {}

  /**
   * One segment's words on the video's time line.
   *
   * @param start when the segment starts, video-relative
   * @param end when it ends; after {@code start}
   * @param words its words, video-relative, inside {@code [start, end]}; copied
   * @param breaksAfter indexes into {@code words} after which a new cue must start (the author's
   *     line breaks, see {@link Words#lineEnds(String)}); copied; may be empty
   */
  public record Span(Duration start, Duration end, List<WordTiming> words,
      java.util.Set<Integer> breaksAfter) {
    /**
     * @param start when the segment starts, video-relative
     * @param end when it ends; after {@code start}
     * @param words its words, video-relative, inside {@code [start, end]}; copied
     * @param breaksAfter indexes into {@code words} after which a new cue must start (the author's
     *     line breaks, see {@link Words#lineEnds(String)}); copied; may be empty
     * @throws IllegalArgumentException if the interval is empty
     */
    public Span {
      Objects.requireNonNull(start, "start");
      Objects.requireNonNull(end, "end");
      words = List.copyOf(Objects.requireNonNull(words, "words"));
      breaksAfter = java.util.Set.copyOf(Objects.requireNonNull(breaksAfter, "breaksAfter"));
      if (end.compareTo(start) <= 0) {
        throw new IllegalArgumentException("empty span " + start + ".." + end);
      }
    }

    /**
     * A span with no forced breaks.
     *
     * @param start when the segment starts
     * @param end when it ends
     * @param words its words
     */
    public Span(Duration start, Duration end, List<WordTiming> words) {
      this(start, end, words, java.util.Set.of());
    }
  }

  /**
   * A sensible cue length for a frame size: about two lines of the renderer's default caption
   * font.
   *
   * @param format the video format
   * @return the most characters in one cue: 32 for portrait, 40 for square, 56 for landscape
   */
  public static int maxCharsPerCue(VideoFormat format) {
    double aspect = (double) format.widthPx() / format.heightPx();
    if (aspect < 0.9) {
      return 32;
    }
    return aspect <= 1.1 ? 40 : 56;
  }

  /**
   * How much one cue may hold.
   *
   * @param maxCharsPerLine characters on one line, spaces included (a letter of a language
   *     written without spaces counts two), &ge; 4
   * @param maxLines lines per cue, 1..4; the cue holds at most {@code maxCharsPerLine *
   *     maxLines} characters
   * @param maxWords the most words in one cue, 0 for no limit; 0..100
   */
  public record CueLimits(int maxCharsPerLine, int maxLines, int maxWords) {
    /**
     * @param maxCharsPerLine characters on one line, spaces included (a letter of a language
     *     written without spaces counts two), &ge; 4
     * @param maxLines lines per cue, 1..4; the cue holds at most {@code maxCharsPerLine *
     *     maxLines} characters
     * @param maxWords the most words in one cue, 0 for no limit; 0..100
     * @throws IllegalArgumentException if a value is out of range; the message names it
     */
    public CueLimits {
      if (maxCharsPerLine < 4) {
        throw new IllegalArgumentException("maxCharsPerLine must be >= 4, was " + maxCharsPerLine);
      }
      if (maxLines < 1 || maxLines > 4) {
        throw new IllegalArgumentException("maxLines must be 1..4, was " + maxLines);
      }
      if (maxWords < 0 || maxWords > 100) {
        throw new IllegalArgumentException(
            "maxWords must be 0..100 (0 for no limit), was " + maxWords);
      }
    }

    /**
     * Limits for a frame and a caption style: half of {@link #maxCharsPerCue(VideoFormat)} per
     * line, the style's lines and words per cue. With {@link CaptionStyle#CLASSIC} the cues are
     * those of {@link Captions#cues(List, int) cues(spans, maxCharsPerCue(format))}.
     *
     * @param format the video format; never null
     * @param style the caption style; never null
     * @return the limits
     */
    public static CueLimits of(VideoFormat format, CaptionStyle style) {
      return new CueLimits(maxCharsPerCue(format) / 2, style.maxLinesPerCue(),
          style.maxWordsPerCue());
    }
  }

  /**
   * Builds the cues of a video.
   *
   * @param spans the segments in order, each with its words
   * @param maxChars the most characters in one cue (a single longer word still gets a cue), &ge; 8
   * @return the cues in order, indexed from 0, their words' text without control characters
   *     (see the class documentation); a word with nothing printable is left out
   * @throws IllegalArgumentException if {@code maxChars} &lt; 8
   */
  public static List<CaptionCue> cues(List<Span> spans, int maxChars) {
    if (maxChars < 8) {
      throw new IllegalArgumentException("maxChars must be >= 8, was " + maxChars);
    }
    return cues(spans, maxChars, 0);
  }

  /**
   * Builds the cues of a video within limits of characters, lines and words.
   *
   * @param spans the segments in order, each with its words; never null
   * @param limits how much a cue may hold (a single longer word still gets a cue); never null
   * @return the cues in order, indexed from 0, as {@link #cues(List, int)}; words of languages
   *     written without spaces split as the class documentation says
   */
  public static List<CaptionCue> cues(List<Span> spans, CueLimits limits) {
    return cues(spans, limits.maxCharsPerLine() * limits.maxLines(), limits.maxWords());
  }

  private static List<CaptionCue> cues(List<Span> given, int maxChars, int maxWords) {
    List<CaptionCue> out = new ArrayList<>();
    for (Span span : segmented(given)) {
      List<List<WordTiming>> groups = new ArrayList<>();
      List<WordTiming> cur = new ArrayList<>();
      int chars = 0;
      WordTiming prev = null;
      boolean breakAfterPrev = false;
      for (int wi = 0; wi < span.words().size(); wi++) {
        WordTiming w = printable(span.words().get(wi));
        if (w == null) {
          // Nothing to show; an author's line break after it still ends the cue before it.
          breakAfterPrev |= span.breaksAfter().contains(wi);
          continue;
        }
        boolean breakHere = false;
        if (!cur.isEmpty()) {
          boolean tooLong = chars + 1 + width(w.word()) > maxChars;
          boolean tooMany = maxWords > 0 && cur.size() >= maxWords;
          boolean sentenceEnd = endsSentence(prev.word()) || breakAfterPrev;
          boolean pause = w.start().minus(prev.end()).compareTo(PAUSE) >= 0;
          // A cue must start later than the one before, or it would get no time on screen.
          boolean canStart = w.start().compareTo(cur.get(0).start()) > 0;
          breakHere = canStart && (tooLong || tooMany || sentenceEnd || pause);
        }
        if (breakHere) {
          groups.add(cur);
          cur = new ArrayList<>();
          chars = 0;
        }
        chars += (cur.isEmpty() ? 0 : 1) + width(w.word());
        cur.add(w);
        prev = w;
        breakAfterPrev = span.breaksAfter().contains(wi);
      }
      if (!cur.isEmpty()) {
        groups.add(cur);
      }
      for (int g = 0; g < groups.size(); g++) {
        List<WordTiming> words = groups.get(g);
        Duration start = g == 0 ? span.start() : words.get(0).start();
        Duration end = g + 1 < groups.size() ? groups.get(g + 1).get(0).start() : span.end();
        out.add(new CaptionCue(out.size(), start, end, words));
      }
    }
    return out;
  }

  /** @return the spans with words of languages written without spaces split into display words */
  private static List<Span> segmented(List<Span> spans) {
    List<Span> out = new ArrayList<>(spans.size());
    for (Span span : spans) {
      if (span.words().stream().noneMatch(w -> hasUnspacedScript(w.word()))) {
        out.add(span);
        continue;
      }
      List<WordTiming> words = new ArrayList<>();
      Set<Integer> breaks = new HashSet<>();
      for (int wi = 0; wi < span.words().size(); wi++) {
        WordTiming w = span.words().get(wi);
        words.addAll(hasUnspacedScript(w.word()) ? split(w) : List.of(w));
        if (span.breaksAfter().contains(wi)) {
          breaks.add(words.size() - 1);
        }
      }
      out.add(new Span(span.start(), span.end(), words, breaks));
    }
    return out;
  }

  /**
   * Splits one timed word by ICU word boundaries, sharing its time in proportion to length.
   *
   * @param w a word containing letters of a language written without spaces
   * @return its display words in order, times monotonic and inside the word's time
   */
  static List<WordTiming> split(WordTiming w) {
    String text = w.word();
    BreakIterator it = BreakIterator.getWordInstance(ULocale.ROOT);
    it.setText(text);
    List<String> pieces = new ArrayList<>();
    int start = it.first();
    for (int end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
      String piece = text.substring(start, end);
      boolean word = it.getRuleStatus() != BreakIterator.WORD_NONE;
      if (piece.isBlank()) {
        continue;
      }
      if (!word && !pieces.isEmpty()) {
        // Punctuation stays with the word before it, so no line starts with a comma.
        pieces.set(pieces.size() - 1, pieces.get(pieces.size() - 1) + piece.strip());
      } else {
        pieces.add(piece.strip());
      }
    }
    if (pieces.size() <= 1) {
      return List.of(w);
    }
    long total = 0;
    for (String p : pieces) {
      total += p.codePointCount(0, p.length());
    }
    long spanNanos = w.end().minus(w.start()).toNanos();
    List<WordTiming> out = new ArrayList<>(pieces.size());
    long done = 0;
    for (int i = 0; i < pieces.size(); i++) {
      String p = pieces.get(i);
      Duration from = w.start().plusNanos(spanNanos * done / total);
      done += p.codePointCount(0, p.length());
      Duration to = i + 1 == pieces.size() ? w.end() : w.start().plusNanos(spanNanos * done / total);
      out.add(new WordTiming(p, from, to));
    }
    return out;
  }

  private static boolean isUnspaced(int cp) {
    Character.UnicodeScript s = Character.UnicodeScript.of(cp);
    return switch (s) {
      case HAN, HIRAGANA, KATAKANA, THAI, LAO, KHMER, MYANMAR -> true;
      default -> cp >= 0x3000 && cp <= 0x303F || cp >= 0xFF00 && cp <= 0xFF60; // CJK punctuation
    };
  }

  private static boolean hasUnspacedScript(String text) {
    return text.codePoints().anyMatch(Captions::isUnspaced);
  }

  /** @return the text's width in characters, letters of unspaced languages counting two */
  private static int width(String text) {
    return text.codePoints().map(cp -> isUnspaced(cp) ? 2 : 1).sum();
  }

  /**
   * Whether two display words shown next to each other are separated by a space: not when the
   * first ends and the second starts with a letter (or punctuation) of a language written
   * without spaces.
   *
   * @param left the word before; never null
   * @param right the word after; never null
   * @return {@code true} for a space between them
   */
  public static boolean spaceBetween(String left, String right) {
    if (left.isEmpty() || right.isEmpty()) {
      return true;
    }
    return !(isUnspaced(left.codePointBefore(left.length())) && isUnspaced(right.codePointAt(0)));
  }

  /** @return the words joined as they are shown: spaces except between unspaced-script words */
  static String join(List<String> words) {
    StringBuilder b = new StringBuilder();
    String prev = null;
    for (String w : words) {
      if (prev != null && spaceBetween(prev, w)) {
        b.append(' ');
      }
      b.append(w);
      prev = w;
    }
    return b.toString();
  }

  /** @return the word with its text made printable, itself if already so, or null if none is */
  private static WordTiming printable(WordTiming w) {
    String text = printable(w.word()).strip();
    if (text.isEmpty()) {
      return null;
    }
    return text.equals(w.word()) ? w : new WordTiming(text, w.start(), w.end());
  }

  /**
   * Removes control characters from text meant for a screen: C0 controls (U+0000..U+001F), DEL
   * (U+007F) and C1 controls (U+0080..U+009F). Tab, line feed and carriage return become a
   * space; every other character, ordinary spaces, joiners and emoji included, is kept.
   *
   * @param text any text; never {@code null}
   * @return the text without control characters; the same instance when it has none
   */
  static String printable(String text) {
    int i = 0;
    while (i < text.length() && !isControl(text.charAt(i))) {
      i++;
    }
    if (i == text.length()) {
      return text;
    }
    StringBuilder b = new StringBuilder(text.length()).append(text, 0, i);
    for (; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\t' || c == '\n' || c == '\r') {
        b.append(' ');
      } else if (!isControl(c)) {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static boolean isControl(char c) {
    return c < 0x20 || (c >= 0x7F && c <= 0x9F);
  }

  /** @return one text per word of the cue, printable and stripped; empty for a word with none */
  private static List<String> printableWords(CaptionCue c) {
    List<String> out = new ArrayList<>(c.words().size());
    for (WordTiming w : c.words()) {
      String text = printable(w.word()).strip();
      out.add(text);
    }
    return out;
  }

  private static boolean endsSentence(String word) {
    String w = word.replaceAll("[\"'”’)\\]]+$", "");
    return w.endsWith(".") || w.endsWith("!") || w.endsWith("?") || w.endsWith("…")
        || w.endsWith("。") || w.endsWith("！") || w.endsWith("？");
  }

  /**
   * Writes cues as SubRip text.
   *
   * @param cues the cues in order
   * @return the SRT file's content, lines ending in {@code \n}, without control characters; a
   *     cue with nothing printable is left out and the counter runs on without it
   */
  public static String toSrt(List<CaptionCue> cues) {
    StringBuilder sb = new StringBuilder();
    int n = 0;
    for (CaptionCue c : cues) {
      String text = join(printableWords(c).stream().filter(w -> !w.isEmpty()).toList());
      if (text.isEmpty()) {
        continue;
      }
      sb.append(++n).append('\n');
      sb.append(timestamp(c.start(), ',')).append(" --> ").append(timestamp(c.end(), ','));
      sb.append('\n').append(twoLines(text)).append("\n\n");
    }
    return sb.toString();
  }

  /**
   * Writes cues as WebVTT text, with a timestamp tag before each word after the first.
   *
   * @param cues the cues in order
   * @return the VTT file's content, starting with {@code WEBVTT}, without control characters; a
   *     cue with nothing printable is left out
   */
  public static String toVtt(List<CaptionCue> cues) {
    StringBuilder sb = new StringBuilder("WEBVTT\n\n");
    for (CaptionCue c : cues) {
      List<String> texts = printableWords(c);
      if (texts.stream().allMatch(String::isEmpty)) {
        continue;
      }
      sb.append(timestamp(c.start(), '.')).append(" --> ").append(timestamp(c.end(), '.'));
      sb.append('\n');
      List<WordTiming> words = c.words();
      boolean first = true;
      String prev = null;
      for (int i = 0; i < words.size(); i++) {
        if (texts.get(i).isEmpty()) {
          continue;
        }
        WordTiming w = words.get(i);
        if (!first) {
          if (spaceBetween(prev, texts.get(i))) {
            sb.append(' ');
          }
          if (w.start().compareTo(c.start()) > 0 && w.start().compareTo(c.end()) < 0) {
            sb.append('<').append(timestamp(w.start(), '.')).append('>');
          }
        }
        sb.append(escapeVtt(texts.get(i)));
        prev = texts.get(i);
        first = false;
      }
      sb.append("\n\n");
    }
    return sb.toString();
  }

  private static String escapeVtt(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /** Splits text longer than 32 characters into two lines at the space nearest the middle. */
  static String twoLines(String text) {
    if (text.length() <= 32) {
      return text;
    }
    int mid = text.length() / 2;
    int best = -1;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == ' ' && (best < 0 || Math.abs(i - mid) < Math.abs(best - mid))) {
        best = i;
      }
    }
    return best < 0 ? text : text.substring(0, best) + "\n" + text.substring(best + 1);
  }

  /**
   * @param t a time
   * @param fractionSeparator {@code ,} for SRT, {@code .} for WebVTT
   * @return {@code HH:MM:SS,mmm}
   */
  static String timestamp(Duration t, char fractionSeparator) {
    long ms = t.toMillis();
    return String.format(
        "%02d:%02d:%02d%c%03d",
        ms / 3_600_000, (ms / 60_000) % 60, (ms / 1000) % 60, fractionSeparator, ms % 1000);
  }
}
