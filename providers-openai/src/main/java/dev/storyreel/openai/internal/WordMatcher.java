package dev.storyreel.openai.internal;

import dev.storyreel.core.WordTiming;
import java.text.Normalizer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Maps a transcript's timed words onto the author's words: a normalized-token sequence
 * alignment (edit distance; a match costs 0, a substitution 1, a word left out on either side 1),
 * then each author word paired with a transcript word takes its times, and runs of unpaired
 * author words share the gap between their neighbours evenly. The result has exactly one timing
 * per author word, in order, non-decreasing, inside {@code [0, audio]}.
 *
 * <p>Stateless and thread-safe.
 */
public final class WordMatcher {
  private WordMatcher() {}

  /**
   * A transcript word with its times.
   *
   * @param word as transcribed
   * @param start start
   * @param end end
   */
  public record Timed(String word, Duration start, Duration end) {}

  /**
   * @param words the author's words ({@code Words.split}), never empty
   * @param transcript the transcript's words in order, maybe empty
   * @param audio the audio's length
   * @return one timing per author word
   */
  public static List<WordTiming> match(List<String> words, List<Timed> transcript,
      Duration audio) {
    int n = words.size();
    int m = transcript.size();
    String[] a = new String[n];
    String[] b = new String[m];
    for (int i = 0; i < n; i++) {
      a[i] = norm(words.get(i));
    }
    for (int j = 0; j < m; j++) {
      b[j] = norm(transcript.get(j).word());
    }
    int[][] d = new int[n + 1][m + 1];
    for (int i = 0; i <= n; i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= m; j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= n; i++) {
      for (int j = 1; j <= m; j++) {
        int sub = d[i - 1][j - 1] + (!a[i - 1].isEmpty() && a[i - 1].equals(b[j - 1]) ? 0 : 1);
        d[i][j] = Math.min(sub, Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1));
      }
    }
    int[] pair = new int[n];
    java.util.Arrays.fill(pair, -1);
    int i = n;
    int j = m;
    while (i > 0 && j > 0) {
      int cost = !a[i - 1].isEmpty() && a[i - 1].equals(b[j - 1]) ? 0 : 1;
      if (d[i][j] == d[i - 1][j - 1] + cost) {
        pair[i - 1] = j - 1;
        i--;
        j--;
      } else if (d[i][j] == d[i - 1][j] + 1) {
        i--;
      } else {
        j--;
      }
    }
    long audioNanos = audio.toNanos();
    long[] start = new long[n];
    long[] end = new long[n];
    boolean[] known = new boolean[n];
    for (int k = 0; k < n; k++) {
      if (pair[k] >= 0) {
        Timed t = transcript.get(pair[k]);
        start[k] = t.start().toNanos();
        end[k] = Math.max(start[k], t.end().toNanos());
        known[k] = true;
      }
    }
    // Runs of unknown words share the gap between the known neighbours.
    int k = 0;
    while (k < n) {
      if (known[k]) {
        k++;
        continue;
      }
      int runStart = k;
      while (k < n && !known[k]) {
        k++;
      }
      long from = runStart == 0 ? 0 : end[runStart - 1];
      long to = k == n ? audioNanos : start[k];
      if (to < from) {
        to = from;
      }
      int len = k - runStart;
      for (int r = 0; r < len; r++) {
        start[runStart + r] = from + (to - from) * r / len;
        end[runStart + r] = from + (to - from) * (r + 1) / len;
      }
    }
    List<WordTiming> out = new ArrayList<>(n);
    long prev = 0;
    for (int q = 0; q < n; q++) {
      long s = Math.min(Math.max(start[q], prev), audioNanos);
      long e = Math.min(Math.max(end[q], s), audioNanos);
      out.add(new WordTiming(words.get(q), Duration.ofNanos(s), Duration.ofNanos(e)));
      prev = s;
    }
    return out;
  }

  /**
   * @param word a word as written or transcribed
   * @return lower case, accents and everything but letters and digits removed
   */
  static String norm(String word) {
    String s = Normalizer.normalize(word, Normalizer.Form.NFD).toLowerCase(Locale.ROOT);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isLetterOrDigit(c)) {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
