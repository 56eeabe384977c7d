package dev.storyreel.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The one rule for what a "word" of a narration is, shared by speech providers, aligners and
 * captions: a maximal run of characters that are not {@linkplain Character#isWhitespace(char)
 * whitespace}, punctuation kept ({@code “It}, {@code name.}, {@code —}). A no-break space is not
 * whitespace under this rule, so {@code 19 dB} written with U+00A0 is one word.
 *
 * <p>Stateless and thread-safe.
 */
public final class Words {
  private Words() {}

  /**
   * @param text any text; never {@code null}
   * @return its words in order; empty for blank text
   */
  public static List<String> split(String text) {
    List<String> words = new ArrayList<>();
    int start = -1;
    for (int i = 0; i <= text.length(); i++) {
      boolean space = i == text.length() || Character.isWhitespace(text.charAt(i));
      if (space && start >= 0) {
        words.add(text.substring(start, i));
        start = -1;
      } else if (!space && start < 0) {
        start = i;
      }
    }
    return words;
  }

  /**
   * Which words end a line: the whitespace after them holds a line break. A title, a line of
   * dialogue or a paragraph's last sentence ends a line; captions and speech pause there.
   *
   * @param text any text; never {@code null}
   * @return one flag per word of {@link #split(String)}, in order; the last word is {@code false}
   *     unless a line break follows it
   */
  public static boolean[] lineEnds(String text) {
    List<String> words = split(text);
    boolean[] out = new boolean[words.size()];
    int pos = 0;
    for (int i = 0; i < words.size(); i++) {
      pos = text.indexOf(words.get(i), pos) + words.get(i).length();
      int next = pos;
      while (next < text.length() && Character.isWhitespace(text.charAt(next))) {
        if (text.charAt(next) == '\n' || text.charAt(next) == '\r') {
          out[i] = true;
        }
        next++;
      }
    }
    return out;
  }
}
