package dev.storyreel.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** Ctrl-C (SIGINT) in a child JVM while a job runs: the job is cancelled with one line. */
@DisabledOnOs(OS.WINDOWS)
class CliInterruptTest {
  @TempDir Path dir;

  @Test
  void sigintCancelsTheJobAndSaysHowToResume() throws Exception {
    Path story = Files.writeString(dir.resolve("long.txt"),
        "The lighthouse keeper climbed the stairs again. ".repeat(60));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
        StoryReelCli.class.getName(), "render", story.toString(), "-o",
        dir.resolve("out").toString(), "--music", "none"))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    StringBuilder err = new StringBuilder();
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
      String line;
      boolean sent = false;
      while ((line = r.readLine()) != null) {
        err.append(line).append('\n');
        if (!sent && line.startsWith("making assets")) {
          new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
          sent = true;
        }
      }
    }
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(err.toString()).contains(StoryReelCli.interruptedLine());
    assertThat(p.exitValue()).isEqualTo(130);
  }
}
