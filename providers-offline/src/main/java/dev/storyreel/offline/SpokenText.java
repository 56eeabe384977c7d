package dev.storyreel.offline;


import dev.storyreel.core.WordTiming;
import dev.storyreel.core.Words;
import java.text.Normalizer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A narration as written and as given to an ASCII-minded synthesizer such as FreeTTS, and the
 * mapping between the two.
 *
 * <p>The written text is split into words at {@linkplain Character#isWhitespace(char) whitespace}
 * (the same notion of whitespace as {@link String#strip()} and {@link String#isBlank()}; no-break
 * spaces do not split a word). Each written word becomes zero or more spoken <em>pieces</em>:
 *
 * <ul>
 *   <li>curly quotes become straight ones, {@code …} becomes {@code ...}, {@code №} becomes
 *       {@code number}, a few letters without a decomposition are spelled out ({@code ß} as
 *       {@code ss}, {@code æ} as {@code ae}, ...), accents are dropped (Unicode NFKD, then the
 *       combining marks are removed) and any other non-ASCII character is removed;
 *   <li>an em or en dash (or {@code --}) is a pause: it becomes a comma on the piece before it,
 *       and splits a word such as {@code word—word} into two pieces; an en dash between digits
 *       ({@code 1990–1995}) is read as {@code to};
 *   <li>a word with no letter, digit or speakable symbol ({@code —}, {@code ”}, {@code …}) has
 *       no piece; when it is a pause mark, the piece before it gets a comma (or its own {@code
 *       . ! ? ; :}) so that the synthesizer still pauses there.
 * </ul>
 *
 * <p>{@link #timings(List, Duration)} maps the synthesizer's tokens back to the written words.
 *
 * <p>Instances are immutable and thread-safe.
 */
final class SpokenText {

  /** Symbols that FreeTTS reads aloud even when they stand alone ({@code &} is "and"). */
  private static final String SPOKEN_SYMBOLS = "&@#%$+=/";

  /** Punctuation that makes the synthesizer pause. */
  private static final String PAUSE_PUNCTUATION = ".,;:!?";

  private final List<String> written;
  private final List<String> pieces;
  private final int[] pieceOwner;

  private SpokenText(List<String> written, List<String> pieces, int[] pieceOwner) {
    this.written = List.copyOf(written);
    this.pieces = List.copyOf(pieces);
    this.pieceOwner = pieceOwner;
  }

  /**
   * A token the synthesizer spoke, with its time in the whole narration's audio.
   *
   * @param text the token's text as the synthesizer saw it (punctuation may be stripped)
   * @param startNanos when its first phone starts, in nanoseconds from the start of the audio, or
   *     {@code -1} when the synthesizer gave it no phones
   * @param endNanos when its last phone ends, in nanoseconds, or {@code -1} with {@code
   *     startNanos}
   */
  record Token(String text, long startNanos, long endNanos) {
    /** @throws NullPointerException if {@code text} is {@code null} */
    Token {
      Objects.requireNonNull(text, "text");
    }

    /** @return whether the token has phones, and so a time */
    boolean timed() {
      return startNanos >= 0 && endNanos >= startNanos;
    }
  }

  /**
   * Splits and sanitizes a narration.
   *
   * @param text the narration as written; never {@code null}
   * @return the plan
   */
  static SpokenText of(String text) {
    List<String> written = splitWords(text);
    boolean[] lineEnds = Words.lineEnds(text);
    List<String> pieces = new ArrayList<>();
    List<Integer> owners = new ArrayList<>();
    for (int w = 0; w < written.size(); w++) {
      if (w > 0 && lineEnds[w - 1] && !pieces.isEmpty()) {
        // A line break (a title, a paragraph's end) is a full stop for the listener even when
        // the author wrote none: without one the synthesizer runs the title into the next line.
        int last = pieces.size() - 1;
        String prev = pieces.get(last);
        if (PAUSE_PUNCTUATION.indexOf(prev.charAt(prev.length() - 1)) < 0) {
          pieces.set(last, prev + ".");
        }
      }
      String sanitized = sanitize(written.get(w));
      for (String piece : sanitized.trim().split(" +")) {
        if (piece.isEmpty()) {
          continue;
        }
        if (isSpeakable(piece)) {
          pieces.add(piece);
          owners.add(w);
        } else if (!pieces.isEmpty()) {
          String pause = pauseMark(piece);
          int last = pieces.size() - 1;
          String prev = pieces.get(last);
          if (pause != null && PAUSE_PUNCTUATION.indexOf(prev.charAt(prev.length() - 1)) < 0) {
            pieces.set(last, prev + pause);
          }
        }
      }
    }
    int[] owner = owners.stream().mapToInt(Integer::intValue).toArray();
    return new SpokenText(written, pieces, owner);
  }

  /**
   * @param text any text
   * @return its words, by the shared rule of {@link Words#split(String)}
   */
  static List<String> splitWords(String text) {
    return Words.split(text);
  }

  /**
   * Rewrites one written word in printable ASCII; dashes become {@code " , "}, so the result may
   * hold several space-separated pieces.
   *
   * @param word a word as written
   * @return the ASCII text to speak for it; may be empty
   */
  static String sanitize(String word) {
    StringBuilder b = new StringBuilder(word.length() + 8);
    for (int i = 0; i < word.length(); i++) {
      char c = word.charAt(i);
      switch (c) {
        case '\u2018', '\u2019', '\u201A', '\u201B', '\u2032', '\u2039', '\u203A' -> b.append('\'');
        case '\u201C', '\u201D', '\u201E', '\u201F', '\u2033', '\u00AB', '\u00BB' -> b.append('"');
        case '\u2012', '\u2013' -> {
          boolean range =
              i > 0 && Character.isDigit(word.charAt(i - 1))
                  && i + 1 < word.length() && Character.isDigit(word.charAt(i + 1));
          b.append(range ? " to " : " , ");
        }
        case '\u2014', '\u2015', '\u2E3A', '\u2E3B' -> b.append(" , ");
        case '\u2010', '\u2011', '\u2212', '\uFE63', '\uFF0D' -> b.append('-');
        case '\u2026' -> b.append("...");
        case '\u2116' -> b.append(" number ");
        case '\u00DF' -> b.append("ss");
        case '\u00E6' -> b.append("ae");
        case '\u00C6' -> b.append("Ae");
        case '\u0153' -> b.append("oe");
        case '\u0152' -> b.append("Oe");
        case '\u00F8' -> b.append('o');
        case '\u00D8' -> b.append('O');
        case '\u0111', '\u00F0' -> b.append('d');
        case '\u0110', '\u00D0' -> b.append('D');
        case '\u0142' -> b.append('l');
        case '\u0141' -> b.append('L');
        case '\u00FE' -> b.append("th");
        case '\u00DE' -> b.append("Th");
        case '\u0131' -> b.append('i');
        default -> b.append(Character.isSpaceChar(c) ? ' ' : c);
      }
    }
    String s = Normalizer.normalize(b, Normalizer.Form.NFKD);
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x7F) {
        out.append(c);
      } else if (c == '\u2044') {
        out.append('/'); // NFKD writes ½ as 1⁄2: keep it from becoming "12"
      }
      // Combining marks (accents) and anything else outside printable ASCII are dropped.
    }
    // "--" is a typed em dash.
    return out.toString().replace("--", " , ");
  }

  private static boolean isSpeakable(String piece) {
    for (int i = 0; i < piece.length(); i++) {
      char c = piece.charAt(i);
      if (Character.isLetterOrDigit(c) || SPOKEN_SYMBOLS.indexOf(c) >= 0) {
        return true;
      }
    }
    return false;
  }

  /** @return the punctuation to put on the previous piece for a silent piece, or null for none */
  private static String pauseMark(String piece) {
    if (piece.chars().allMatch(c -> c == '-')) {
      return ",";
    }
    if (piece.contains("...") || piece.contains("..")) {
      return ",";
    }
    for (char c : new char[] {'?', '!', '.', ';', ':', ','}) {
      if (piece.indexOf(c) >= 0) {
        return String.valueOf(c);
      }
    }
    return null;
  }

  /** @return the words as written, in order */
  List<String> writtenWords() {
    return written;
  }

  /** @return the pieces the synthesizer is asked to speak, in order */
  List<String> pieces() {
    return pieces;
  }

  /** @return the text to give the synthesizer: the pieces joined by spaces; may be empty */
  String spokenText() {
    return String.join(" ", pieces);
  }

  /**
   * Times each written word from the synthesizer's tokens.
   *
   * <p>The synthesizer's tokens are matched to the pieces 1:1 when they agree, otherwise by an
   * edit-distance alignment on their letters and digits (O(pieces × tokens); with equal counts and
   * no better match it is still 1:1). A written
   * word runs from the start of its first timed piece to the end of its last. A word with no
   * timed piece is placed between its neighbours: spoken words share the gap in proportion to
   * their length, silent ones (a lone dash) take no time at the end of the word before.
   * Finally the times are made non-decreasing, non-overlapping and clamped to the audio.
   *
   * @param tokens the synthesizer's tokens of the whole narration, in order; never {@code null}
   * @param audioLength the length of the audio; not negative
   * @return one timing per written word, in order, each inside {@code [0, audioLength]}
   */
  List<WordTiming> timings(List<Token> tokens, Duration audioLength) {
    long len = Math.max(0, audioLength.toNanos());
    int n = written.size();
    long[] start = new long[n];
    long[] end = new long[n];
    Arrays.fill(start, -1);
    Arrays.fill(end, -1);
    boolean[] spoken = new boolean[n];
    for (int owner : pieceOwner) {
      spoken[owner] = true;
    }

    int[] match = align(pieces, tokens.stream().map(Token::text).toList());
    for (int p = 0; p < match.length; p++) {
      if (match[p] < 0) {
        continue;
      }
      Token t = tokens.get(match[p]);
      if (!t.timed()) {
        continue;
      }
      int w = pieceOwner[p];
      start[w] = start[w] < 0 ? t.startNanos() : Math.min(start[w], t.startNanos());
      end[w] = Math.max(end[w], t.endNanos());
    }

    // Place the words that got no time between their timed neighbours.
    int i = 0;
    long prevEnd = 0;
    while (i < n) {
      if (start[i] >= 0) {
        prevEnd = Math.max(prevEnd, end[i]);
        i++;
        continue;
      }
      int j = i;
      while (j < n && start[j] < 0) {
        j++;
      }
      long a = prevEnd;
      long b = j < n ? start[j] : len;
      b = Math.max(a, b);
      double weight = 0;
      for (int k = i; k < j; k++) {
        weight += spoken[k] ? letterCount(written.get(k)) : 0;
      }
      double cursor = a;
      for (int k = i; k < j; k++) {
        start[k] = Math.round(cursor);
        if (spoken[k] && weight > 0) {
          cursor += (b - a) * letterCount(written.get(k)) / weight;
        }
        end[k] = Math.round(cursor);
      }
      prevEnd = Math.max(prevEnd, end[j - 1]);
      i = j;
    }

    List<WordTiming> out = new ArrayList<>(n);
    long floor = 0;
    for (int k = 0; k < n; k++) {
      long s = Math.min(len, Math.max(start[k], floor));
      long e = Math.min(len, Math.max(end[k], s));
      out.add(new WordTiming(written.get(k), Duration.ofNanos(s), Duration.ofNanos(e)));
      floor = e;
    }
    return out;
  }

  private static int letterCount(String word) {
    int count = 0;
    for (int i = 0; i < word.length(); i++) {
      if (Character.isLetterOrDigit(word.charAt(i))) {
        count++;
      }
    }
    return Math.max(1, count);
  }

  /**
   * @param text a piece or a synthesizer token
   * @return its letters, digits and spoken symbols, lower-cased: the key pieces and tokens are
   *     matched on
   */
  static String matchKey(String text) {
    String s = Normalizer.normalize(text, Normalizer.Form.NFKD);
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80 && (Character.isLetterOrDigit(c) || SPOKEN_SYMBOLS.indexOf(c) >= 0)) {
        b.append(c);
      }
    }
    return b.toString().toLowerCase(Locale.ROOT);
  }

  /**
   * Matches pieces to tokens in order.
   *
   * @param pieces the pieces sent to the synthesizer
   * @param tokens the synthesizer's token texts
   * @return for each piece, the index of its token, or {@code -1}; the matched indexes increase.
   *     Matching costs nothing for equal {@linkplain #matchKey keys}, 1 for unequal ones and 1
   *     for a piece or token left out, so equal-length lists stay 1:1 unless shifting saves
   *     more than it costs
   */
  static int[] align(List<String> pieces, List<String> tokens) {
    int n = pieces.size();
    int m = tokens.size();
    int[] match = new int[n];
    String[] a = pieces.stream().map(SpokenText::matchKey).toArray(String[]::new);
    String[] b = tokens.stream().map(SpokenText::matchKey).toArray(String[]::new);
    if (Arrays.equals(a, b)) {
      for (int i = 0; i < n; i++) {
        match[i] = i;
      }
      return match;
    }
    // cost[i][j]: cheapest alignment of the first i pieces with the first j tokens.
    int[][] cost = new int[n + 1][m + 1];
    for (int i = 0; i <= n; i++) {
      cost[i][0] = i;
    }
    for (int j = 0; j <= m; j++) {
      cost[0][j] = j;
    }
    for (int i = 1; i <= n; i++) {
      for (int j = 1; j <= m; j++) {
        int diag = cost[i - 1][j - 1] + (a[i - 1].equals(b[j - 1]) ? 0 : 1);
        cost[i][j] = Math.min(diag, Math.min(cost[i - 1][j], cost[i][j - 1]) + 1);
      }
    }
    Arrays.fill(match, -1);
    int i = n;
    int j = m;
    while (i > 0 && j > 0) {
      int diag = cost[i - 1][j - 1] + (a[i - 1].equals(b[j - 1]) ? 0 : 1);
      if (cost[i][j] == diag) {
        match[i - 1] = j - 1;
        i--;
        j--;
      } else if (cost[i][j] == cost[i - 1][j] + 1) {
        i--;
      } else {
        j--;
      }
    }
    return match;
  }
}
