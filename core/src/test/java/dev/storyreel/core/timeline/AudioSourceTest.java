package dev.storyreel.core.timeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.storyreel.core.PcmAudio;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AudioSourceTest {

  @Test
  void aFileSourceNamesItsFileAndOpensItsBytes(@TempDir Path dir) throws Exception {
    byte[] wav = new PcmAudio(new byte[64], 16_000, 1).toWav();
    Path f = Files.write(dir.resolve("a.wav"), wav);
    AudioSource source = AudioSource.of(f);
    assertThat(source.file()).contains(f);
    try (InputStream in = source.open()) {
      assertThat(in.readAllBytes()).isEqualTo(wav);
    }
  }

  @Test
  void sourcesOfMemoryOrLambdasNameNoFileAndANamedOneOpensThroughItsOpener() throws Exception {
    PcmAudio audio = new PcmAudio(new byte[64], 16_000, 1);
    assertThat(AudioSource.of(audio).file()).isEmpty();
    AudioSource lambda = () -> new ByteArrayInputStream(audio.toWav());
    assertThat(lambda.file()).isEmpty();
    Path somewhere = Path.of("stored", "narration-001.wav");
    AudioSource named = AudioSource.of(somewhere, lambda);
    assertThat(named.file()).contains(somewhere);
    try (InputStream in = named.open()) {
      assertThat(in.readAllBytes()).isEqualTo(audio.toWav());
    }
    assertThat(AudioSource.of(null, lambda).file()).isEmpty();
    assertThatThrownBy(() -> AudioSource.of(somewhere, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("opener");
  }
}
