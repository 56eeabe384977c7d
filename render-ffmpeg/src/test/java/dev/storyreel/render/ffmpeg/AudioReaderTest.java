package dev.storyreel.render.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.PcmAudio;
import dev.storyreel.core.timeline.AudioSource;
import dev.storyreel.testkit.Allocations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A WAV read natively from its file gives the samples it gives through a stream. */
class AudioReaderTest {

  @TempDir
  Path dir;

  @BeforeAll
  static void natives() {
    FfmpegNatives.prepare();
  }

  /** 3 s of noise, mono or stereo, at 24 kHz: many 4 KB packets, several 64 KB ones. */
  private Path noiseWav(String name, int channels) throws IOException {
    int rate = 24_000;
    byte[] pcm = new byte[3 * rate * channels * 2];
    new Random(channels).nextBytes(pcm);
    return Files.write(dir.resolve(name), new PcmAudio(pcm, rate, channels).toWav());
  }

  private static float[] readAll(AudioReader r, int frames) {
    float[] out = new float[2 * frames];
    int done = 0;
    int n;
    // Odd-sized reads, across the packets' edges.
    while ((n = r.read(out, done, Math.min(777, frames - done))) > 0) {
      done += n;
    }
    return Arrays.copyOf(out, 2 * done);
  }

  @Test
  void aFileReadNativelyGivesTheSamplesOfItsStream() throws Exception {
    for (int channels : new int[] {1, 2}) {
      Path wav = noiseWav("n" + channels + ".wav", channels);
      AudioSource named = AudioSource.of(wav);
      assertThat(named.file()).contains(wav);
      AudioSource streamOnly = () -> {
        try {
          return Files.newInputStream(wav);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      };
      assertThat(streamOnly.file()).isEmpty();
      float[] fromFile;
      float[] fromStream;
      try (AudioReader a = new AudioReader(named, 48_000, "file")) {
        fromFile = readAll(a, 200_000);
      }
      try (AudioReader b = new AudioReader(streamOnly, 48_000, "stream")) {
        fromStream = readAll(b, 200_000);
      }
      // 3 s resampled to 48 kHz, give or take the resampler's edge.
      assertThat(fromFile.length / 2).as("%d channel(s)", channels).isBetween(143_000, 145_000);
      assertThat(fromFile).as("%d channel(s)", channels).isEqualTo(fromStream);
    }
  }

  @Test
  void readingTheFileNativelyAllocatesAFractionOfWhatTheStreamDoes() throws Exception {
    assumeThat(Allocations.supported()).isTrue();
    Path wav = noiseWav("long.wav", 2);
    AudioSource streamOnly = () -> {
      try {
        return Files.newInputStream(wav);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
    long viaFile = Allocations.leastOf(3, () -> drain(AudioSource.of(wav)));
    long viaStream = Allocations.leastOf(3, () -> drain(streamOnly));
    // Through the stream: a Java buffer per read callback (about the file's 288 KB) and javacv's
    // wrappers for each 4 KB packet; from the file: the wrappers of a few 64 KB packets.
    assertThat(viaFile).as("file %d B, stream %d B", viaFile, viaStream)
        .isLessThan(viaStream / 4);
  }

  private static void drain(AudioSource source) {
    float[] out = new float[2 * 4096];
    try (AudioReader r = new AudioReader(source, 48_000, "noise")) {
      while (r.read(out, 0, 4096) > 0) {
        // all of it
      }
    }
  }


  @Test
  void aNamedFileThatIsNotAWavFailsWithWhatAndWhere() throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.wav"), "not a wav file at all");
    assertThatThrownBy(() -> new AudioReader(AudioSource.of(bad), 48_000, "narration clip 4"))
        .isInstanceOf(NonRetriableException.class)
        .hasMessageContaining("narration clip 4")
        .hasMessageContaining(bad.toString())
        .hasMessageContaining("16-bit PCM WAV");
  }
}
