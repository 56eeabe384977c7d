package dev.storyreel.offline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storyreel.core.WordTiming;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpokenTextTest {

  private static final long MS = 1_000_000L;

  private static SpokenText.Token tok(String text, long startMs, long endMs) {
    return new SpokenText.Token(text, startMs * MS, endMs * MS);
  }

  @Test
  void sanitizesTypographyToAscii() {
    SpokenText t = SpokenText.of("“It’s” Zoë — Ørsted’s Straße… № 5 1990–1995 word—word x\u00A0y 🙂");

    assertThat(t.writtenWords())
        .containsExactly(
            "“It’s”", "Zoë", "—", "Ørsted’s", "Straße…", "№", "5", "1990–1995", "word—word",
            "x\u00A0y", "🙂");
    assertThat(t.spokenText())
        .isEqualTo("\"It's\" Zoe, Orsted's Strasse... number 5 1990 to 1995 word, word x y");
    assertThat(t.spokenText().chars()).allMatch(c -> c >= 0x20 && c < 0x7F);
  }

  @Test
  void silentWordsAddAPauseToThePieceBefore() {
    assertThat(SpokenText.of("Wait - no … yes — ok ” fine").spokenText())
        .isEqualTo("Wait, no, yes, ok fine");
    assertThat(SpokenText.of("Done. — Next").spokenText()).isEqualTo("Done. Next");
    assertThat(SpokenText.of("— starts").spokenText()).isEqualTo("starts");
    assertThat(SpokenText.of("Tom & Jerry").pieces()).containsExactly("Tom", "&", "Jerry");
    assertThat(SpokenText.of("½ cup").spokenText()).isEqualTo("1/2 cup");
  }

  @Test
  void aLineBreakIsAFullStopForTheListener() {
    assertThat(SpokenText.of("The House on Alder Street\nMy grandmother had a rule.\nShe said: no.")
        .spokenText())
        .isEqualTo("The House on Alder Street. My grandmother had a rule. She said: no.");
    assertThat(SpokenText.of("Wait,\nthen go").spokenText()).isEqualTo("Wait, then go");
  }

  @Test
  void wordsSpanTheirPiecesAndSilentWordsSitAtThePreviousEnd() {
    SpokenText t = SpokenText.of("One—two — three");
    // pieces: "One," "two," "three"
    List<WordTiming> w =
        t.timings(
            List.of(tok("One", 200, 400), tok("two", 600, 800), tok("three", 1000, 1300)),
            Duration.ofMillis(1400));

    assertThat(w).extracting(WordTiming::word).containsExactly("One—two", "—", "three");
    assertThat(w.get(0).start()).isEqualTo(Duration.ofMillis(200));
    assertThat(w.get(0).end()).isEqualTo(Duration.ofMillis(800));
    assertThat(w.get(1).start()).isEqualTo(Duration.ofMillis(800));
    assertThat(w.get(1).end()).isEqualTo(Duration.ofMillis(800));
    assertThat(w.get(2).start()).isEqualTo(Duration.ofMillis(1000));
  }

  @Test
  void mismatchedTokensAreAlignedByTextAndGapsInterpolated() {
    SpokenText t = SpokenText.of("alpha beta gamma delta");
    // The synthesizer split off an extra token and gave "gamma" no phones; "delta" is missing.
    List<WordTiming> w =
        t.timings(
            List.of(
                tok("(", -1, -1),
                tok("alpha", 100, 300),
                tok("beta", 300, 500),
                new SpokenText.Token("gamma", -1, -1)),
            Duration.ofMillis(900));

    assertThat(w.get(0).start()).isEqualTo(Duration.ofMillis(100));
    assertThat(w.get(1).start()).isEqualTo(Duration.ofMillis(300));
    // gamma and delta share [500, 900] by length: 5 and 5 letters.
    assertThat(w.get(2).start()).isEqualTo(Duration.ofMillis(500));
    assertThat(w.get(2).end()).isEqualTo(Duration.ofMillis(700));
    assertThat(w.get(3).start()).isEqualTo(Duration.ofMillis(700));
    assertThat(w.get(3).end()).isEqualTo(Duration.ofMillis(900));
  }

  @Test
  void timesAreMonotoneAndClampedToTheAudio() {
    SpokenText t = SpokenText.of("a b c");
    List<WordTiming> w =
        t.timings(List.of(tok("a", 500, 900), tok("b", 300, 400), tok("c", 800, 2000)),
            Duration.ofMillis(1000));

    assertThat(w.get(1).start()).isEqualTo(Duration.ofMillis(900));
    assertThat(w.get(1).end()).isEqualTo(Duration.ofMillis(900));
    assertThat(w.get(2).start()).isEqualTo(Duration.ofMillis(900));
    assertThat(w.get(2).end()).isEqualTo(Duration.ofMillis(1000));
  }

  @Test
  void alignmentIsOneToOneWhenCountsAgreeAndByTextOtherwise() {
    assertThat(SpokenText.align(List.of("a", "b"), List.of("x", "y"))).containsExactly(0, 1);
    assertThat(SpokenText.align(List.of("\"It", "was", "late.\""), List.of("It", "x", "was", "late")))
        .containsExactly(0, 2, 3);
  }
}
