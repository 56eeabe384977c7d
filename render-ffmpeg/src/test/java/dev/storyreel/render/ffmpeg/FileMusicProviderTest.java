package dev.storyreel.render.ffmpeg;

import static dev.storyreel.render.ffmpeg.AudioFileFixtures.correlation;
import static dev.storyreel.render.ffmpeg.AudioFileFixtures.rms;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.InvalidInputException;
import dev.storyreel.core.Mood;
import dev.storyreel.core.PcmAudio;
import dev.storyreel.core.Providers;
import dev.storyreel.core.spi.GeneratedAudio;
import dev.storyreel.core.spi.MusicProvider;
import dev.storyreel.core.spi.MusicRequest;
import dev.storyreel.core.spi.ProviderSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileMusicProviderTest {

  private static final int RATE = 48_000;

  @TempDir Path dir;

  private MusicRequest request(Mood mood, Duration d, long seed, String out) {
    return new MusicRequest(mood, d, seed, dir.resolve(out));
  }

  @Test
  void loopsAShortFileWithACrossfadeToTheExactLength() throws Exception {
    Path src = AudioFileFixtures.noise(dir.resolve("bed.wav"), RATE, 2, 3.0, 7);
    short[] in = AudioFileFixtures.readWav(src).toShorts();
    FileMusicProvider p = FileMusicProvider.builder().path(src)
        .fade(Duration.ofMillis(500)).crossfade(Duration.ofSeconds(1)).build();

    GeneratedAudio g = p.compose(request(Mood.DREAD, Duration.ofSeconds(8), 1, "out.wav"));

    PcmAudio out = AudioFileFixtures.readWav(dir.resolve("out.wav"));
    assertThat(out.sampleRateHz()).isEqualTo(RATE);
    assertThat(out.channels()).isEqualTo(2);
    assertThat(out.frameCount()).isEqualTo(8L * RATE);
    assertThat(g.duration()).isEqualTo(Duration.ofSeconds(8));
    assertThat(g.source()).isEqualTo("file:bed.wav");
    short[] o = out.toShorts();
    int len = in.length / 2; // 144000 frames
    int xf = RATE; // 1 s crossfade
    int loop = len - xf; // where the first crossfade starts
    // Between the fade-in and the first loop point the file is copied as it is.
    for (int i = RATE / 2 * 2; i < loop * 2; i++) {
      assertThat(Math.abs(o[i] - in[i])).as("sample %d", i).isLessThanOrEqualTo(1);
    }
    // The crossfade: its start is the file's end, its end the file's start, its middle both.
    assertThat(correlation(o, loop, in, loop, 2000, 2)).isGreaterThan(0.95);
    assertThat(correlation(o, loop + xf - 2000, in, xf - 2000, 2000, 2)).isGreaterThan(0.95);
    assertThat(correlation(o, loop + xf / 2 - 1000, in, loop + xf / 2 - 1000, 2000, 2))
        .isBetween(0.55, 0.85);
    assertThat(correlation(o, loop + xf / 2 - 1000, in, xf / 2 - 1000, 2000, 2))
        .isBetween(0.55, 0.85);
    // After it, the second pass continues from one crossfade into the file.
    for (int i = 0; i < 10_000; i++) {
      assertThat(Math.abs(o[(loop + xf) * 2 + i] - in[xf * 2 + i])).isLessThanOrEqualTo(1);
    }
    // No dip or bump: 10 ms windows around every loop point stay near the steady level.
    double steady = rms(in, 2, 0, len);
    for (int k = 1; loop * k + xf < 7 * RATE; k++) {
      int at = loop * k;
      for (int w = at - RATE / 4; w < at + xf + RATE / 4; w += 480) {
        assertThat(rms(o, 2, w, w + 480) / steady).as("window at frame %d", w)
            .isBetween(0.75, 1.3);
      }
    }
  }

  @Test
  void trimsALongerFileAndFadesBothEnds() throws Exception {
    Path src = AudioFileFixtures.noise(dir.resolve("long.flac"), 44_100, 2, 5.0, 3);
    FileMusicProvider p = FileMusicProvider.builder().path(src).build();

    p.compose(request(Mood.CALM, Duration.ofMillis(2500), 1, "out.wav"));

    short[] o = AudioFileFixtures.readWav(dir.resolve("out.wav")).toShorts();
    int frames = o.length / 2;
    assertThat(frames).isEqualTo(120_000);
    double middle = rms(o, 2, 50_000, 70_000);
    assertThat(middle).isGreaterThan(4000);
    int ms50 = RATE / 20;
    assertThat(rms(o, 2, 0, ms50)).isLessThan(middle * 0.2);
    assertThat(rms(o, 2, frames - ms50, frames)).isLessThan(middle * 0.2);
    // The fades are ramps: a quarter of the way into the fade-in it is louder than at the start.
    assertThat(rms(o, 2, 15_000, 15_000 + ms50)).isGreaterThan(rms(o, 2, 0, ms50) * 3);
  }

  @Test
  void decodesAnMp3AndResamplesItTo48kHzStereo() throws Exception {
    assumeTrue(AudioFileFixtures.hasMp3Encoder(), "this FFmpeg build has no MP3 encoder");
    Path src = AudioFileFixtures.tone(dir.resolve("calm_piano.mp3"), 44_100, 1, 2.0, 441);
    FileMusicProvider p = FileMusicProvider.builder().path(src).fade(Duration.ZERO).build();

    p.compose(request(Mood.CALM, Duration.ofSeconds(3), 0, "out.wav"));

    PcmAudio out = AudioFileFixtures.readWav(dir.resolve("out.wav"));
    assertThat(out.sampleRateHz()).isEqualTo(RATE);
    assertThat(out.channels()).isEqualTo(2);
    assertThat(out.frameCount()).isEqualTo(3L * RATE);
    short[] o = out.toShorts();
    // 441 Hz: 882 zero crossings a second on the left channel, the right one equal to it.
    int crossings = 0;
    for (int i = RATE / 10; i < RATE / 10 + RATE; i++) {
      if ((o[2 * i] >= 0) != (o[2 * i + 2] >= 0)) {
        crossings++;
      }
      assertThat(o[2 * i + 1]).isEqualTo(o[2 * i]);
    }
    assertThat(crossings).isBetween(870, 894);
  }

  @Test
  void picksAFolderFileByMoodWordAndSeedDeterministically() throws Exception {
    Path music = Files.createDirectory(dir.resolve("music"));
    for (String n : new String[] {"dread-1.wav", "Dread_2.wav", "calm_piano.wav", "dreadful.wav"}) {
      AudioFileFixtures.noise(music.resolve(n), 22_050, 1, 0.5, n.hashCode());
    }
    AudioFileFixtures.png(music.resolve("cover.png"));
    Files.writeString(music.resolve("notes.txt"), "not music");
    FileMusicProvider p = FileMusicProvider.builder().path(music).build();

    assertThat(p.candidates(Mood.DREAD)).extracting(f -> f.getFileName().toString())
        .containsExactly("Dread_2.wav", "dread-1.wav");
    assertThat(p.candidates(Mood.CALM)).extracting(f -> f.getFileName().toString())
        .containsExactly("calm_piano.wav");
    // "dreadful" is not the word "dread": an untagged file, which serves the untagged moods.
    assertThat(p.candidates(Mood.SORROW)).extracting(f -> f.getFileName().toString())
        .containsExactly("dreadful.wav");
    Set<String> picked = new HashSet<>();
    for (long seed = 0; seed < 40; seed++) {
      Path first = p.pick(Mood.DREAD, seed);
      assertThat(p.pick(Mood.DREAD, seed)).isEqualTo(first);
      assertThat(FileMusicProvider.builder().path(music).build().pick(Mood.DREAD, seed))
          .isEqualTo(first);
      picked.add(first.getFileName().toString());
    }
    assertThat(picked).containsExactlyInAnyOrder("dread-1.wav", "Dread_2.wav");

    GeneratedAudio g = p.compose(request(Mood.CALM, Duration.ofSeconds(1), 5, "calm.wav"));
    assertThat(g.source()).isEqualTo("file:calm_piano.wav");
    p.preflight(Set.of(Mood.values()));
  }

  @Test
  void aFolderWithOnlyOtherMoodsIsAClearErrorListingItsFiles() throws Exception {
    Path music = Files.createDirectory(dir.resolve("music"));
    AudioFileFixtures.noise(music.resolve("calm-1.wav"), RATE, 2, 0.5, 1);
    AudioFileFixtures.noise(music.resolve("wonder.wav"), RATE, 2, 0.5, 2);
    FileMusicProvider p = FileMusicProvider.builder().path(music).build();

    assertThatThrownBy(() -> p.preflight(Set.of(Mood.CALM, Mood.DREAD)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'dread'")
        .hasMessageContaining("calm-1.wav (calm)")
        .hasMessageContaining("wonder.wav (wonder)")
        .hasMessageContaining("dread-1.mp3");
    assertThatThrownBy(() -> p.compose(request(Mood.DREAD, Duration.ofSeconds(1), 0, "x.wav")))
        .isInstanceOf(InvalidInputException.class);
    assertThat(dir.resolve("x.wav")).doesNotExist();
    p.preflight(Set.of(Mood.CALM, Mood.WONDER));
  }

  @Test
  void aCorruptFileInTheFolderIsRefusedByName() throws Exception {
    Path music = Files.createDirectory(dir.resolve("music"));
    AudioFileFixtures.noise(music.resolve("calm.wav"), RATE, 2, 0.5, 1);
    AudioFileFixtures.garbage(music.resolve("dread.mp3"), 20_000, 9);

    assertThatThrownBy(() -> FileMusicProvider.builder().path(music).build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("dread.mp3")
        .hasMessageNotContaining("Exception");
  }

  @Test
  void aPngIsNotMusic() throws Exception {
    Path png = AudioFileFixtures.png(dir.resolve("cover.png"));
    assertThatThrownBy(() -> FileMusicProvider.builder().path(png).build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("cover.png")
        .hasMessageContaining("no audio stream");
    Path music = Files.createDirectory(dir.resolve("music"));
    Files.copy(png, music.resolve("calm.mp3"));
    assertThatThrownBy(() -> FileMusicProvider.builder().path(music).build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("calm.mp3");
  }

  @Test
  void aTruncatedWavIsRefused() throws Exception {
    Path wav = AudioFileFixtures.noise(dir.resolve("dread.wav"), RATE, 2, 4.0, 1);
    AudioFileFixtures.truncate(wav, 0.4);
    assertThatThrownBy(() -> FileMusicProvider.builder().path(wav).build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("dread.wav")
        .hasMessageContaining("truncated");
  }

  @Test
  void aTruncatedMp3IsRefused() throws Exception {
    assumeTrue(AudioFileFixtures.hasMp3Encoder(), "this FFmpeg build has no MP3 encoder");
    Path mp3 = AudioFileFixtures.noise(dir.resolve("dread.mp3"), 44_100, 2, 4.0, 1);
    AudioFileFixtures.truncate(mp3, 0.4);
    assertThatThrownBy(() -> FileMusicProvider.builder().path(mp3).build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("dread.mp3")
        .hasMessageContaining("truncated");
  }

  @Test
  void aMissingPathOrAnEmptyFolderIsRefused() throws Exception {
    assertThatThrownBy(() -> FileMusicProvider.builder().path(dir.resolve("nope")).build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("music.path=")
        .hasMessageContaining("does not exist");
    Path empty = Files.createDirectory(dir.resolve("empty"));
    Files.writeString(empty.resolve("readme.txt"), "x");
    assertThatThrownBy(() -> FileMusicProvider.builder().path(empty).build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("holds no audio file");
  }

  @Test
  void theFingerprintFollowsTheFilesContentNotTheirFolder() throws Exception {
    Path a = Files.createDirectory(dir.resolve("a"));
    Path b = Files.createDirectory(dir.resolve("b"));
    AudioFileFixtures.noise(a.resolve("calm.wav"), RATE, 2, 0.5, 1);
    AudioFileFixtures.noise(b.resolve("calm.wav"), RATE, 2, 0.5, 1);
    String fa = FileMusicProvider.builder().path(a).build().fingerprint();
    assertThat(FileMusicProvider.builder().path(b).build().fingerprint()).isEqualTo(fa);
    assertThat(fa).contains("calm.wav").doesNotContain(dir.toString());

    AudioFileFixtures.noise(b.resolve("calm.wav"), RATE, 2, 0.5, 2); // same size, new content
    Files.setLastModifiedTime(b.resolve("calm.wav"),
        java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
    assertThat(FileMusicProvider.builder().path(b).build().fingerprint()).isNotEqualTo(fa);
    assertThat(FileMusicProvider.builder().path(a).fade(Duration.ofMillis(250)).build()
        .fingerprint()).isNotEqualTo(fa);
  }

  @Test
  void theFactoryIsFoundByNameAndChecksItsSettings() throws Exception {
    Path src = AudioFileFixtures.noise(dir.resolve("calm.wav"), RATE, 2, 0.5, 1);
    MusicProvider p = Providers.create(MusicProvider.class, "file",
        new ProviderSettings(Map.of("music.path", src.toString(), "music.fadeMillis", "250")));
    assertThat(p).isInstanceOf(FileMusicProvider.class);
    assertThat(p.fingerprint()).contains("fade=250ms");

    assertThatThrownBy(() -> new FileMusicProviderFactory().create(ProviderSettings.EMPTY))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("music.path=/path/to/music");
    assertThatThrownBy(() -> new FileMusicProviderFactory().create(new ProviderSettings(
        Map.of("music.path", src.toString(), "music.crossfadeMillis", "-1"))))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("music.crossfadeMillis");
    assertThat(new FileMusicProviderFactory().isAvailable()).isFalse();
  }
}
