package dev.storyreel.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.storyreel.core.InvalidInputException;
import dev.storyreel.core.Mood;
import dev.storyreel.core.Providers;
import dev.storyreel.core.spi.GeneratedAudio;
import dev.storyreel.core.spi.MusicProvider;
import dev.storyreel.core.spi.MusicRequest;
import dev.storyreel.core.spi.ProviderSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ProceduralMusicProviderTest {
  @TempDir Path dir;

  private final ProceduralMusicProvider music = new ProceduralMusicProvider();

  private Path compose(Mood mood, long seed, Duration d, String file) {
    Path out = dir.resolve(file);
    music.compose(new MusicRequest(mood, d, seed, out));
    return out;
  }

  @Test
  void theSameMoodSeedAndDurationGiveTheSameBytesAndAnotherMoodOrSeedOthers() throws Exception {
    Duration d = Duration.ofSeconds(6);
    byte[] a = Files.readAllBytes(compose(Mood.DREAD, 7, d, "a.wav"));
    byte[] b = Files.readAllBytes(compose(Mood.DREAD, 7, d, "b.wav"));
    byte[] calm = Files.readAllBytes(compose(Mood.CALM, 7, d, "c.wav"));
    byte[] seed8 = Files.readAllBytes(compose(Mood.DREAD, 8, d, "d.wav"));

    assertThat(a).isEqualTo(b);
    assertThat(calm).hasSameSizeAs(a).isNotEqualTo(a);
    assertThat(seed8).hasSameSizeAs(a).isNotEqualTo(a);
  }

  @Test
  void aLongerBedStartsWithTheSameMusic() throws Exception {
    double[] shortBed = Wav.mono(compose(Mood.WONDER, 3, Duration.ofSeconds(4), "s.wav"), 0, 3);
    double[] longBed = Wav.mono(compose(Mood.WONDER, 3, Duration.ofSeconds(9), "l.wav"), 0, 3);
    assertThat(longBed).containsExactly(shortBed);
  }

  @Test
  void theBedIsAStereo16BitWavOfExactlyTheRequestedDuration() throws Exception {
    for (Duration d : new Duration[] {
        Duration.ofMillis(3_333), Duration.ofNanos(1_000_000_001L), Duration.ofMillis(1)}) {
      Path out = dir.resolve("bed-" + d.toNanos() + ".wav");
      GeneratedAudio r = music.compose(new MusicRequest(Mood.TENSION, d, 1, out));

      long frames = Math.round(d.toNanos() * 44_100 / 1e9);
      assertThat(ProceduralMusicProvider.frames(d)).isEqualTo(frames);
      assertThat(Wav.frameLength(out)).isEqualTo(frames);
      assertThat(Files.size(out)).isEqualTo(44 + frames * 4);
      AudioFormat f = AudioSystem.getAudioFileFormat(out.toFile()).getFormat();
      assertThat(f.getSampleRate()).isEqualTo(44_100f);
      assertThat(f.getChannels()).isEqualTo(2);
      assertThat(f.getSampleSizeInBits()).isEqualTo(16);
      assertThat(f.getEncoding()).isEqualTo(AudioFormat.Encoding.PCM_SIGNED);
      assertThat(Math.abs(r.duration().toNanos() - d.toNanos()))
          .isLessThanOrEqualTo(1_000_000_000L / 44_100 / 2 + 1);
    }
  }

  @Test
  void theMeasuresBelowFailForATestTone() {
    // A pure sine has one pitch and the same zero-crossing rate in every window.
    double[] sine = Wav.sine(220, 44_100, 8, 0.3);
    assertThat(Wav.pitchesPresent(sine, 44_100, 0.05)).isEqualTo(1);
    double[] z = Wav.zeroCrossingRates(sine, 44_100, 0.5);
    assertThat(Arrays.stream(z).max().getAsDouble() / Arrays.stream(z).min().getAsDouble())
        .isLessThan(1.05);
  }

  @ParameterizedTest
  @EnumSource(Mood.class)
  void everyMoodSoundsLikeMusicNotSilenceNorATone(Mood mood) throws Exception {
    Path out = dir.resolve(mood.id() + ".wav");
    GeneratedAudio r = music.compose(new MusicRequest(mood, Duration.ofSeconds(20), 11, out));
    double[] x = Wav.mono(out, 0, 20);

    assertThat(Wav.rms(x)).as("RMS of the whole bed").isGreaterThan(0.01); // above -40 dBFS
    assertThat(Wav.rms(Arrays.copyOfRange(x, 15 * 44_100, 20 * 44_100)))
        .as("RMS of its last 5 s").isGreaterThan(0.005);
    // Chords: several notes sound together at the start and again later.
    assertThat(Wav.pitchesPresent(Arrays.copyOfRange(x, 44_100, 5 * 44_100), 44_100, 0.05))
        .isGreaterThanOrEqualTo(3);
    assertThat(Wav.pitchesPresent(Arrays.copyOfRange(x, 12 * 44_100, 16 * 44_100), 44_100, 0.05))
        .isGreaterThanOrEqualTo(3);
    // The sound changes over time.
    double[] z = Wav.zeroCrossingRates(x, 44_100, 0.5);
    assertThat(Arrays.stream(z).max().getAsDouble() / Arrays.stream(z).min().getAsDouble())
        .isGreaterThan(1.3);
    assertThat(r.source())
        .startsWith("procedural (gervill): mood=" + mood.id() + ", seed=11, progression=")
        .containsPattern("progression=[ivIVb]+(sus[24])?(-[ivIVb]+(sus[24])?){3}, key=[A-G]");
    assertThat(r.usage().estimatedCostUsd()).isZero();
  }

  @Test
  void theSourceNamesTheProgressionPlayed() {
    GeneratedAudio r = music.compose(
        new MusicRequest(Mood.DREAD, Duration.ofSeconds(1), 7, dir.resolve("x.wav")));
    assertThat(r.source()).isEqualTo(
        "procedural (gervill): mood=dread, seed=7, progression=i-bII-i-VII, key=C minor");
  }

  @Test
  void aDurationUnderOneSampleOrOverSixHoursIsRefusedBeforeAnythingIsWritten() {
    Path out = dir.resolve("never.wav");
    assertThatThrownBy(() -> music.compose(new MusicRequest(Mood.CALM, Duration.ofNanos(1), 1, out)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("at least one sample");
    assertThatThrownBy(() -> music.compose(
            new MusicRequest(Mood.CALM, Duration.ofHours(6).plusSeconds(1), 1, out)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("at most 6 hours");
    assertThatThrownBy(() -> new MusicRequest(Mood.CALM, Duration.ZERO, 1, out))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("music duration must be positive");
    assertThat(out).doesNotExist();
  }

  @Test
  void anInterruptedRenderStopsDeletesItsFileAndKeepsTheInterrupt() {
    Path out = dir.resolve("cut.wav");
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> music.compose(
              new MusicRequest(Mood.SORROW, Duration.ofSeconds(30), 1, out)))
          .isInstanceOf(java.util.concurrent.CancellationException.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(out).doesNotExist();
  }

  @Test
  void providersFindsProceduralAsTheMusicProviderByNameAndByPriority() {
    MusicProvider named = Providers.create(MusicProvider.class, "procedural", ProviderSettings.EMPTY);
    MusicProvider best = Providers.create(MusicProvider.class, null, ProviderSettings.EMPTY);
    assertThat(named).isInstanceOf(ProceduralMusicProvider.class);
    assertThat(best).isInstanceOf(ProceduralMusicProvider.class);
    assertThat(Providers.factories(MusicProvider.class)).singleElement()
        .satisfies(f -> assertThat(f.priority()).isEqualTo(1));
    assertThat(named.fingerprint())
        .isEqualTo("procedural/gervill-v1/44100Hz-s16-stereo/jdk" + Runtime.version().feature());
    assertThat(named.resource()).isEqualTo("music");
  }
}
