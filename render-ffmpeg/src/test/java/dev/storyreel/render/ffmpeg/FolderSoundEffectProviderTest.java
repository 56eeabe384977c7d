package dev.storyreel.render.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.InvalidInputException;
import dev.storyreel.core.PcmAudio;
import dev.storyreel.core.Providers;
import dev.storyreel.core.SoundCue;
import dev.storyreel.core.spi.GeneratedAudio;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.SoundEffectProvider;
import dev.storyreel.core.spi.SoundEffectRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderSoundEffectProviderTest {

  @TempDir Path dir;
  private Path sfx;

  @BeforeEach
  void folder() throws Exception {
    sfx = Files.createDirectory(dir.resolve("sfx"));
    AudioFileFixtures.noise(sfx.resolve("door-creak.wav"), 48_000, 2, 0.3, 1);
    AudioFileFixtures.noise(sfx.resolve("Creaking_Door_2.wav"), 48_000, 2, 0.3, 2);
    AudioFileFixtures.noise(sfx.resolve("door.wav"), 48_000, 2, 0.3, 3);
    AudioFileFixtures.noise(sfx.resolve("door-knock.wav"), 48_000, 2, 0.3, 4);
    AudioFileFixtures.tone(sfx.resolve("thunder.flac"), 22_050, 1, 1.0, 100);
    Files.writeString(sfx.resolve("LICENSE.txt"), "CC0");
  }

  private String matched(FolderSoundEffectProvider p, String description, long seed) {
    return p.match(description, seed).map(f -> f.getFileName().toString()).orElse("(none)");
  }

  @Test
  void matchesTheDescriptionToFileNameWords() {
    FolderSoundEffectProvider p = FolderSoundEffectProvider.builder().folder(sfx).build();

    assertThat(matched(p, "a door creaks", 0)).isIn("door-creak.wav", "Creaking_Door_2.wav");
    assertThat(matched(p, "The door creaked open", 0))
        .isIn("door-creak.wav", "Creaking_Door_2.wav");
    assertThat(matched(p, "someone knocking at the door", 0)).isEqualTo("door-knock.wav");
    // One word in common: the file with nothing unmatched wins.
    assertThat(matched(p, "a door slams", 0)).isEqualTo("door.wav");
    assertThat(matched(p, "thunder in the distance", 0)).isEqualTo("thunder.flac");
    assertThat(matched(p, "a cat meows", 0)).isEqualTo("(none)");
    assertThat(matched(p, "the and of", 0)).isEqualTo("(none)");
  }

  @Test
  void tiesAreBrokenBySeedDeterministically() {
    FolderSoundEffectProvider p = FolderSoundEffectProvider.builder().folder(sfx).build();
    Set<String> seen = new HashSet<>();
    for (long seed = 0; seed < 40; seed++) {
      String m = matched(p, "a door creaks", seed);
      assertThat(matched(p, "a door creaks", seed)).isEqualTo(m);
      seen.add(m);
    }
    assertThat(seen).containsExactlyInAnyOrder("door-creak.wav", "Creaking_Door_2.wav");
  }

  @Test
  void stemsPluralsAndVerbFormsAlike() {
    for (List<String> same : List.of(List.of("creak", "creaks", "creaking", "creaked"),
        List.of("slam", "slams", "slammed", "slamming"), List.of("close", "closes", "closed",
            "closing"), List.of("bird", "birds"), List.of("bully", "bullies"),
        List.of("glass", "glasses"))) {
      assertThat(same).extracting(FolderSoundEffectProvider::stem).as("%s", same)
          .containsOnly(FolderSoundEffectProvider.stem(same.get(0)));
    }
    assertThat(FolderSoundEffectProvider.stem("door"))
        .isNotEqualTo(FolderSoundEffectProvider.stem("doom"));
  }

  @Test
  void resolveWritesTheMatchAs48kHzStereoWav() throws Exception {
    SoundEffectProvider p = FolderSoundEffectProvider.builder().folder(sfx).build();
    Path out = dir.resolve("cue.wav");

    Optional<GeneratedAudio> g =
        p.resolve(new SoundEffectRequest(3, new SoundCue("distant thunder", 4), 1, out));

    assertThat(g).isPresent();
    assertThat(g.get().source()).isEqualTo("file:thunder.flac");
    PcmAudio a = AudioFileFixtures.readWav(out);
    assertThat(a.sampleRateHz()).isEqualTo(48_000);
    assertThat(a.channels()).isEqualTo(2);
    assertThat(a.frameCount()).isBetween(47_000L, 49_000L);
    assertThat(g.get().duration()).isCloseTo(a.duration(), Duration.ofNanos(1000));
    short[] s = a.toShorts();
    // The mono tone (RMS 11585) is spread to both channels by libswresample at its centre mix
    // level, -3 dB: 8192 on each.
    assertThat(AudioFileFixtures.rms(s, 2, 10_000, 20_000)).isBetween(7_800.0, 8_600.0);
    for (int i = 10_000; i < 20_000; i++) {
      assertThat(s[2 * i + 1]).isEqualTo(s[2 * i]);
    }
  }

  @Test
  void noMatchWritesNothing() {
    SoundEffectProvider p = FolderSoundEffectProvider.builder().folder(sfx).build();
    Path out = dir.resolve("cue.wav");

    assertThat(p.resolve(new SoundEffectRequest(0, new SoundCue("a cat meows", 1), 1, out)))
        .isEmpty();
    assertThat(out).doesNotExist();
  }

  @Test
  void badFoldersAndFilesAreRefusedByName() throws Exception {
    assertThatThrownBy(() -> FolderSoundEffectProvider.builder().folder(dir.resolve("nope"))
        .build()).isInstanceOf(InvalidInputException.class).hasMessageContaining("sfx.path=")
        .hasMessageContaining("does not exist");
    Path empty = Files.createDirectory(dir.resolve("empty"));
    assertThatThrownBy(() -> FolderSoundEffectProvider.builder().folder(empty).build())
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("holds no audio file");
    Path file = sfx.resolve("door.wav");
    assertThatThrownBy(() -> FolderSoundEffectProvider.builder().folder(file).build())
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("is not a folder");

    FolderSoundEffectProvider ok = FolderSoundEffectProvider.builder().folder(sfx).build();
    ok.preflight();
    AudioFileFixtures.garbage(sfx.resolve("glass-break.ogg"), 5000, 3);
    assertThatThrownBy(() -> FolderSoundEffectProvider.builder().folder(sfx).build())
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("glass-break.ogg");
    // A file damaged after the provider was built is caught by its preflight.
    AudioFileFixtures.png(sfx.resolve("door.wav"));
    assertThatThrownBy(ok::preflight)
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("door.wav");
  }

  @Test
  void theFactoryIsFoundByNameAndNeedsItsFolder() {
    SoundEffectProvider p = Providers.create(SoundEffectProvider.class, "folder",
        new ProviderSettings(Map.of("sfx.path", sfx.toString())));
    assertThat(p).isInstanceOf(FolderSoundEffectProvider.class);
    assertThat(p.fingerprint()).contains("door-creak.wav").doesNotContain(dir.toString());
    assertThatThrownBy(() -> new FolderSoundEffectProviderFactory().create(ProviderSettings.EMPTY))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("sfx.path=/path/to/effects");
    assertThat(new FolderSoundEffectProviderFactory().isAvailable()).isFalse();
  }
}
