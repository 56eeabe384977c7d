package dev.storyreel.offline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storyreel.core.Mood;
import dev.storyreel.core.spi.MusicRequest;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 10-minute bed (105.8 MB of audio) is written by a JVM whose whole heap is 48 MB: it can only
 * succeed if the provider streams the audio to the file instead of holding it.
 */
class LongBedTest {
  @TempDir Path dir;

  /** Child JVM: composes {@code args[1]} seconds of {@code args[2]} into {@code args[0]}. */
  public static void main(String[] args) {
    new ProceduralMusicProvider().compose(new MusicRequest(Mood.parse(args[2]),
        Duration.ofSeconds(Long.parseLong(args[1])), 42, Path.of(args[0])));
  }

  @Test
  void aTenMinuteBedIsWrittenWithA48MegabyteHeap() throws Exception {
    Path out = dir.resolve("long.wav");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(List.of(java, "-Xmx48m", "-Djava.awt.headless=true",
            "-cp", System.getProperty("java.class.path"), LongBedTest.class.getName(),
            out.toString(), "600", "tension"))
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("child.log").toFile())
        .start();
    boolean done = p.waitFor(10, TimeUnit.MINUTES);
    if (!done) {
      p.destroyForcibly();
    }
    String log = Files.readString(dir.resolve("child.log"));
    assertThat(done).as("child finished; log:%n%s", log).isTrue();
    assertThat(p.exitValue()).as("child exit; log:%n%s", log).isZero();

    long frames = 600L * 44_100;
    assertThat(Files.size(out)).isEqualTo(44 + frames * 4).isGreaterThan(2 * 48L * 1024 * 1024);
    assertThat(Wav.frameLength(out)).isEqualTo(frames);
    // Music still plays at the end, not silence after the score ran out.
    assertThat(Wav.rms(Wav.mono(out, 590, 10))).isGreaterThan(0.01);
    assertThat(new File(out.toString()).length()).isEqualTo(Files.size(out));
  }
}
