package dev.storyreel.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WordsTest {
  @Test
  void splitsAtWhitespaceKeepingPunctuation() {
    assertThat(Words.split("  “It knows\tmy name.”\n— then\r\nsilence…  "))
        .containsExactly("“It", "knows", "my", "name.”", "—", "then", "silence…");
    assertThat(Words.split("19\u00a0dB")).containsExactly("19\u00a0dB");
    assertThat(Words.split(" \n ")).isEmpty();
  }

  @Test
  void lineEndsMarkWordsFollowedByALineBreak() {
    assertThat(Words.lineEnds("Title line\n\nFirst sentence. Second\r\nlast"))
        .containsExactly(false, true, false, false, true, false);
    assertThat(Words.lineEnds("a a\na")).containsExactly(false, true, false);
    assertThat(Words.lineEnds("")).isEmpty();
  }
}
