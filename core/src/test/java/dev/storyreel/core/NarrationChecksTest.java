package dev.storyreel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class NarrationChecksTest {
  private static final int RATE = 16000;

  /** Speech-like audio: a tone, with {@code silentMillis} of digital silence in the middle. */
  private static PcmAudio audio(long millis, long silentMillis) {
    int n = (int) (millis * RATE / 1000);
    int s0 = (int) ((millis - silentMillis) / 2 * RATE / 1000);
    int s1 = s0 + (int) (silentMillis * RATE / 1000);
    ByteBuffer b = ByteBuffer.allocate(2 * n).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      b.putShort(i >= s0 && i < s1 ? 0 : (short) (4000 * Math.sin(i * 0.2)));
    }
    return new PcmAudio(b.array(), RATE, 1);
  }

  private static final NarrationBounds D = NarrationBounds.defaults();

  @Test
  void plausibleNarrationPasses() {
    // 10 words in 3.5 s, with a 1 s pause
    assertThat(NarrationChecks.problems(audio(3500, 1000), 10, List.of(), D)).isEmpty();
    NarrationChecks.check("fake", 1, new Narration(audio(3500, 0), List.of()), 10, D);
  }

  @Test
  void tooShortForItsWordsIsARetriableProviderFailure() {
    Narration cut = new Narration(audio(400, 0), List.of());
    assertThatThrownBy(() -> NarrationChecks.check("openai", 3, cut, 40, D))
        .isInstanceOf(RetriableException.class)
        .hasMessageContaining("Segment 3")
        .hasMessageContaining("openai")
        .hasMessageContaining("0.400 s long, at least 2.000 s expected (50 ms a word)");
  }

  @Test
  void tooLongForItsWordsIsRefused() {
    // 2 words: at most 2 * 2 s + 2 s = 6 s
    assertThat(NarrationChecks.problems(audio(6000, 0), 2, List.of(), D)).isEmpty();
    assertThat(NarrationChecks.problems(audio(6500, 0), 2, List.of(), D))
        .singleElement().asString().contains("at most 6.000 s expected");
  }

  @Test
  void silenceIsMeasuredOnTheSamples() {
    assertThat(NarrationChecks.problems(audio(8000, 5000), 10, List.of(), D))
        .singleElement().asString().contains("5.000 s of silence, at most 4.000 s");
    assertThat(NarrationChecks.problems(new PcmAudio(new byte[2 * RATE * 3], RATE, 1), 5,
        List.of(), D)).containsExactly("the audio is silent");
    NarrationBounds off = D.toBuilder().maxSilence(Duration.ZERO).build();
    assertThat(NarrationChecks.problems(audio(8000, 5000), 10, List.of(), off)).isEmpty();
  }

  @Test
  void timingsMustLieInsideTheAudioAndWithoutLongGaps() {
    PcmAudio a = audio(2000, 0);
    List<WordTiming> ok = List.of(new WordTiming("a", Duration.ZERO, Duration.ofMillis(400)),
        new WordTiming("b", Duration.ofMillis(500), Duration.ofMillis(1900)));
    assertThat(NarrationChecks.problems(a, 2, ok, D)).isEmpty();
    List<WordTiming> past = List.of(new WordTiming("a", Duration.ZERO, Duration.ofMillis(400)),
        new WordTiming("b", Duration.ofMillis(500), Duration.ofMillis(2500)));
    assertThatThrownBy(() -> NarrationChecks.check("aligner", 2, a, 2, past, D))
        .isInstanceOf(RetriableException.class)
        .hasMessageContaining("word 2 ('b') ends at 2.500 s, after the end of the audio (2.000 s)");
    List<WordTiming> back = List.of(new WordTiming("a", Duration.ofMillis(900),
        Duration.ofMillis(1000)), new WordTiming("b", Duration.ofMillis(100),
        Duration.ofMillis(200)));
    assertThat(NarrationChecks.problems(a, 2, back, D)).anyMatch(p -> p.contains("before the word"));
    PcmAudio longer = audio(9000, 0);
    List<WordTiming> gap = List.of(new WordTiming("a", Duration.ZERO, Duration.ofMillis(400)),
        new WordTiming("b", Duration.ofMillis(5000), Duration.ofMillis(5400)));
    assertThat(NarrationChecks.problems(longer, 4, gap, D))
        .anyMatch(p -> p.contains("4.600 s without a word before word 2 ('b')"));
  }

  @Test
  void boundsValidateAndDescribeTheirRange() {
    assertThat(D.shortest(10)).isEqualTo(Duration.ofMillis(500));
    assertThat(D.longest(10)).isEqualTo(Duration.ofSeconds(22));
    assertThatThrownBy(() -> NarrationBounds.builder().minPerWord(Duration.ZERO).build())
        .hasMessageContaining("minPerWord must be positive");
    assertThatThrownBy(() -> NarrationBounds.builder().maxPerWord(Duration.ofMillis(10)).build())
        .hasMessageContaining("maxPerWord must be >= minPerWord");
    assertThatThrownBy(() -> NarrationChecks.problems(audio(100, 0), -1, List.of(), D))
        .hasMessageContaining("wordCount must be >= 0");
  }
}
