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
   * @return the cues in order, indexed from 0
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
      for (int wi = 0; wi < span.words().size(); wi++) {
        WordTiming w = span.words().get(wi);
        boolean breakHere = false;
        if (!cur.isEmpty()) {
          boolean tooLong = chars + 1 + w.word().length() > maxChars;
          boolean sentenceEnd = endsSentence(prev.word()) || span.breaksAfter().contains(wi - 1);
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

  private static boolean endsSentence(String word) {
    String w = word.replaceAll("[\"'”’)\\]]+$", "");
    return w.endsWith(".") || w.endsWith("!") || w.endsWith("?") || w.endsWith("…");
  }

  /**
   * Writes cues as SubRip text.
   *
   * @param cues the cues in order
   * @return the SRT file's content, lines ending in {@code \n}
   */
  public static String toSrt(List<CaptionCue> cues) {
    StringBuilder sb = new StringBuilder();
    for (CaptionCue c : cues) {
      sb.append(c.index() + 1).append('\n');
      sb.append(timestamp(c.start(), ',')).append(" --> ").append(timestamp(c.end(), ','));
      sb.append('\n').append(twoLines(c.text())).append("\n\n");
    }
    return sb.toString();
  }

  /**
   * Writes cues as WebVTT text, with a timestamp tag before each word after the first.
   *
   * @param cues the cues in order
   * @return the VTT file's content, starting with {@code WEBVTT}
   */
  public static String toVtt(List<CaptionCue> cues) {
    StringBuilder sb = new StringBuilder("WEBVTT\n\n");
    for (CaptionCue c : cues) {
      sb.append(timestamp(c.start(), '.')).append(" --> ").append(timestamp(c.end(), '.'));
      sb.append('\n');
      List<WordTiming> words = c.words();
      for (int i = 0; i < words.size(); i++) {
        WordTiming w = words.get(i);
        if (i > 0) {
          sb.append(' ');
          if (w.start().compareTo(c.start()) > 0 && w.start().compareTo(c.end()) < 0) {
            sb.append('<').append(timestamp(w.start(), '.')).append('>');
          }
        }
        sb.append(escapeVtt(w.word()));
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
