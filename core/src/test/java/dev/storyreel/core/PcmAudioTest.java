package dev.storyreel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PcmAudioTest {
  @Test
  void wavRoundTripKeepsSamplesRateAndChannels() throws Exception {
    byte[] pcm = new byte[8000 * 2 * 2]; // 8000 stereo frames at 16 kHz
    for (int i = 0; i < pcm.length; i++) {
      pcm[i] = (byte) (i * 7);
    }
    PcmAudio a = new PcmAudio(pcm, 16000, 2);
    assertThat(a.duration()).isEqualTo(Duration.ofMillis(500));
    PcmAudio back = PcmAudio.fromWav(new ByteArrayInputStream(a.toWav()));
    assertThat(back).isEqualTo(a);
    assertThat(back.frameCount()).isEqualTo(8000);
  }

  @Test
  void rejectsPartialFramesAndBadRates() {
    assertThatThrownBy(() -> new PcmAudio(new byte[3], 16000, 1))
        .hasMessageContaining("not a multiple");
    assertThatThrownBy(() -> new PcmAudio(new byte[4], 100, 1)).hasMessageContaining("was 100");
    assertThatThrownBy(() -> PcmAudio.fromWav(new ByteArrayInputStream(new byte[20])))
        .hasMessageContaining("RIFF");
  }

  @Test
  void concatJoinsInOrder() {
    PcmAudio a = new PcmAudio(new byte[] {1, 0}, 8000, 1);
    PcmAudio b = new PcmAudio(new byte[] {2, 0, 3, 0}, 8000, 1);
    assertThat(a.concat(b).toShorts()).containsExactly((short) 1, (short) 2, (short) 3);
    assertThatThrownBy(() -> a.concat(new PcmAudio(new byte[2], 16000, 1)))
        .hasMessageContaining("16000");
  }
}
