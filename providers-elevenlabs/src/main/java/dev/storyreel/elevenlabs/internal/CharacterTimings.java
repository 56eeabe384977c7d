package dev.storyreel.elevenlabs.internal;

import dev.storyreel.core.WordTiming;
import dev.storyreel.core.Words;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Turns ElevenLabs' per-character timings (speech {@code alignment}, forced alignment {@code
 * characters}) into one {@link WordTiming} per word of the author's text as {@link Words#split}
 * finds them: a word starts when its first visible character starts and ends when its last one
 * ends.
 *
 * <p>The characters are matched to the text's characters that are not whitespace. When the
 * vendor's characters spell the text (the usual case: {@code alignment} is for the text as
 * sent), they map one to one; when they do not (the normalised text, where "19" became
 * "nineteen"), each of the text's characters takes the vendor's character at the same relative
 * position, so that every word still gets a plausible time and the order is kept. Times are made
 * non-decreasing and kept inside the audio. Stateless and thread-safe.
 */
public final class CharacterTimings {
  private CharacterTimings() {}

  /**
   * @param text the author's text; never blank
   * @param characters the vendor's characters, each one or more chars; never {@code null}
   * @param startsSeconds when each character starts, seconds; as many as {@code characters}
   * @param endsSeconds when each character ends, seconds; as many as {@code characters}
   * @param audioLength the audio's length; times are cut to it
   * @return one timing per word of {@code text}, in order
   * @throws IllegalArgumentException if the lists differ in length, hold a {@code null}, a
   *     negative or non-finite time, or hold no visible character
   */
  public static List<WordTiming> words(String text, List<String> characters,
      List<Double> startsSeconds, List<Double> endsSeconds, Duration audioLength) {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(characters, "characters");
    Objects.requireNonNull(startsSeconds, "startsSeconds");
    Objects.requireNonNull(endsSeconds, "endsSeconds");
    if (characters.size() != startsSeconds.size() || characters.size() != endsSeconds.size()) {
      throw new IllegalArgumentException("the alignment has " + characters.size()
          + " characters but " + startsSeconds.size() + " start and " + endsSeconds.size()
          + " end times");
    }
    // The vendor's visible characters, each with the index of the entry it came from.
    List<Integer> visible = new ArrayList<>();
    for (int i = 0; i < characters.size(); i++) {
      String c = characters.get(i);
      Double s = startsSeconds.get(i);
      Double e = endsSeconds.get(i);
      if (c == null || s == null || e == null || !Double.isFinite(s) || !Double.isFinite(e)
          || s < 0 || e < 0) {
        throw new IllegalArgumentException("the alignment's character " + i
            + " has no valid character or times");
      }
      for (int k = 0; k < c.length(); k++) {
        if (!Character.isWhitespace(c.charAt(k))) {
          visible.add(i);
        }
      }
    }
    if (visible.isEmpty()) {
      throw new IllegalArgumentException("the alignment holds no visible character");
    }
    List<int[]> spans = spans(text); // per word: first and last visible char, counted in text
    int textVisible = spans.isEmpty() ? 0 : spans.get(spans.size() - 1)[1] + 1;
    List<WordTiming> out = new ArrayList<>(spans.size());
    List<String> words = Words.split(text);
    Duration prev = Duration.ZERO;
    for (int w = 0; w < spans.size(); w++) {
      int first = visible.get(map(spans.get(w)[0], textVisible, visible.size()));
      int last = visible.get(map(spans.get(w)[1], textVisible, visible.size()));
      Duration start = min(seconds(startsSeconds.get(first)), audioLength);
      Duration end = min(seconds(endsSeconds.get(last)), audioLength);
      if (start.compareTo(prev) < 0) {
        start = prev;
      }
      if (end.compareTo(start) < 0) {
        end = start;
      }
      out.add(new WordTiming(words.get(w), start, end));
      prev = start;
    }
    return out;
  }

  /** Per word of the text: the indexes of its first and last character among visible ones. */
  private static List<int[]> spans(String text) {
    List<int[]> spans = new ArrayList<>();
    int visible = 0;
    int first = -1;
    for (int i = 0; i <= text.length(); i++) {
      boolean space = i == text.length() || Character.isWhitespace(text.charAt(i));
      if (space) {
        if (first >= 0) {
          spans.add(new int[] {first, visible - 1});
          first = -1;
        }
      } else {
        if (first < 0) {
          first = visible;
        }
        visible++;
      }
    }
    return spans;
  }

  /** The vendor's visible character for the text's k-th: one to one, else proportional. */
  private static int map(int k, int textCount, int vendorCount) {
    if (textCount == vendorCount) {
      return k;
    }
    if (textCount <= 1) {
      return 0;
    }
    return (int) Math.round((double) k * (vendorCount - 1) / (textCount - 1));
  }

  private static Duration seconds(double s) {
    return Duration.ofNanos(Math.round(s * 1e9));
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
