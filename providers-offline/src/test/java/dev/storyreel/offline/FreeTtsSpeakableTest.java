package dev.storyreel.offline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storyreel.core.Narration;
import dev.storyreel.core.spi.SpeechRequest;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** FreeTTS's language and which words it can say, checked against what it really says. */
class FreeTtsSpeakableTest {

  private static final FreeTtsSpeechProvider TTS = new FreeTtsSpeechProvider("kevin16", 1);

  /** What synthesize returns for a text with nothing to say: 0.25 s of silence. */
  private static boolean saysSomething(String word) {
    Narration n = TTS.synthesize(new SpeechRequest(0, word, null));
    boolean silent = true;
    for (short s : n.audio().toShorts()) {
      if (s != 0) {
        silent = false;
        break;
      }
    }
    return !(silent && n.audio().duration().equals(Duration.ofMillis(250)));
  }

  @Test
  void speaksUsEnglish() {
    assertThat(TTS.language()).isEqualTo(Locale.US);
    assertThat(TTS.language().getDisplayName(Locale.ENGLISH)).isEqualTo("English (United States)");
  }

  @Test
  void latinLettersAccentedLettersDigitsAndSpokenSymbolsAreSpeakable() {
    for (String w : List.of("night,", "café", "Ærø", "naïve", "1987", "42%", "&", "“It")) {
      assertThat(TTS.canSpeak(w)).as(w).isTrue();
    }
  }

  @Test
  void otherScriptsEmojiAndBarePunctuationAreNot() {
    for (String w : List.of("你好", "Привет", "مرحبا", "\uD83C\uDF89", "\u2764\uFE0F", "—", "…",
        "”", "\u0007")) {
      assertThat(TTS.canSpeak(w)).as(w).isFalse();
    }
  }

  @Test
  void canSpeakAgreesWithWhatFreeTtsActuallySays() {
    for (String w : List.of("café", "1987", "&", "x", "你好", "\uD83C\uDF89", "—", "Привет")) {
      assertThat(saysSomething(w)).as(w).isEqualTo(TTS.canSpeak(w));
    }
  }
}
