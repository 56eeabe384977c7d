package dev.storyreel.elevenlabs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.storyreel.core.Narration;
import dev.storyreel.core.WordTiming;
import dev.storyreel.core.Words;
import dev.storyreel.core.spi.SpeechRequest;
import org.junit.jupiter.api.Test;

/**
 * Calls the live API (a few hundred credits); skipped unless {@code ELEVENLABS_API_KEY} is set,
 * and excluded by surefire.
 */
class ElevenLabsLiveIT {

  @Test
  void speaksWithOneTimingPerWrittenWord() {
    String key = ElevenLabsConfig.envKey();
    assumeTrue(key != null && !key.startsWith("test-only"),
        "ELEVENLABS_API_KEY not set (or the build's fake one)");
    ElevenLabsSpeechProvider p = ElevenLabsSpeechProvider.builder(ElevenLabsConfig.builder()
        .build()).build();
    assertThat(p.voices()).isNotEmpty();
    String text = "The lamp glowed, and the snow kept falling.";
    Narration n = p.synthesize(new SpeechRequest(0, text, null));
    assertThat(n.audio().frameCount()).isPositive();
    assertThat(n.words()).extracting(WordTiming::word).containsExactlyElementsOf(
        Words.split(text));
  }
}
