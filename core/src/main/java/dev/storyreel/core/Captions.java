package dev.storyreel.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

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
    List<CaptionCue> out = new ArrayList<>();
    for (Span span : spans) {
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
          boolean tooLong = chars + 1 + w.word().length() > maxChars;
          boolean sentenceEnd = endsSentence(prev.word()) || breakAfterPrev;
          boolean pause = w.start().minus(prev.end()).compareTo(PAUSE) >= 0;
          // A cue must start later than the one before, or it would get no time on screen.
          boolean canStart = w.start().compareTo(cur.get(0).start()) > 0;
          breakHere = canStart && (tooLong || sentenceEnd || pause);
        }
        if (breakHere) {
          groups.add(cur);
          cur = new ArrayList<>();
          chars = 0;
        }
        chars += (cur.isEmpty() ? 0 : 1) + w.word().length();
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
    return w.endsWith(".") || w.endsWith("!") || w.endsWith("?") || w.endsWith("…");
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
      String text = String.join(" ",
          printableWords(c).stream().filter(w -> !w.isEmpty()).toList());
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
      for (int i = 0; i < words.size(); i++) {
        if (texts.get(i).isEmpty()) {
          continue;
        }
        WordTiming w = words.get(i);
        if (!first) {
          sb.append(' ');
          if (w.start().compareTo(c.start()) > 0 && w.start().compareTo(c.end()) < 0) {
            sb.append('<').append(timestamp(w.start(), '.')).append('>');
          }
        }
        sb.append(escapeVtt(texts.get(i)));
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
