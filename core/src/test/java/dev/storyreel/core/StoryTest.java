package dev.storyreel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class StoryTest {
  @TempDir Path dir;

  @Test
  void readsUtf8AndTakesTheTitleFromTheFirstLine() throws Exception {
    Path f = dir.resolve("s.txt");
    Files.write(f, "\uFEFFThe Ferry\n\nAnaïs waited — “quietly”.".getBytes(StandardCharsets.UTF_8));
    Story s = Story.read(f);
    assertThat(s.title()).isEqualTo("The Ferry");
    assertThat(s.text()).startsWith("The Ferry").contains("Anaïs", "“quietly”");
  }

  @Test
  void rejectsLatin1WithTheOffset() throws Exception {
    Path f = dir.resolve("latin1.txt");
    Files.write(f, "Caf\u00e9 au lait".getBytes(StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> Story.read(f))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("not valid UTF-8")
        .hasMessageContaining("offset 3");
  }

  @Test
  void rejectsBlankAndMissing() throws Exception {
    Path f = dir.resolve("blank.txt");
    Files.writeString(f, "  \n\t \n");
    assertThatThrownBy(() -> Story.read(f)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("empty or only whitespace");
    assertThatThrownBy(() -> Story.read(dir.resolve("nope.txt")))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("does not exist");
    assertThatThrownBy(() -> new Story("t", " ")).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void refusesAFileOverTheLimitWithoutReadingItWhole() throws Exception {
    Path f = dir.resolve("huge.txt");
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
      raf.setLength(3L * 1024 * 1024 * 1024); // sparse: 3 GiB of zero bytes, no disk used
    }
    assertThatThrownBy(() -> Story.read(f, 50_000))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("over the limit of 50000 characters")
        .hasMessageContaining("more than 200004 bytes")
        .hasMessageContaining("--max-chars");
  }

  @Test
  void countsCharactersNotBytesAfterDecoding() throws Exception {
    Path f = dir.resolve("s.txt");
    Files.writeString(f, "\u00e9".repeat(10), StandardCharsets.UTF_8); // 20 bytes, 10 chars
    assertThat(Story.read(f, 10).text()).hasSize(10);
    assertThatThrownBy(() -> Story.read(f, 9))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("10 characters long, over the limit of 9");
  }

  @Test
  void refusesDevicesAndFoldersBeforeOpeningThem() {
    assertThatThrownBy(() -> Story.read(Path.of("/dev/zero"), 100))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("not a regular file");
    assertThatThrownBy(() -> Story.read(dir, 100))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("is a folder, not a file");
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS) // guards against a hang, not a speed check
  void refusesAFifoWithoutBlocking() throws Exception {
    Path fifo = dir.resolve("story.fifo");
    Process p;
    try {
      p = new ProcessBuilder("mkfifo", fifo.toString()).start();
    } catch (IOException e) {
      Assumptions.abort("mkfifo is not available: " + e.getMessage());
      return;
    }
    Assumptions.assumeTrue(p.waitFor() == 0 && Files.exists(fifo), "mkfifo failed");
    assertThatThrownBy(() -> Story.read(fifo, 100))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("not a regular file");
  }

  @Test
  void followsSymbolicLinksToRegularFiles() throws Exception {
    Path f = Files.writeString(dir.resolve("real.txt"), "Linked story.");
    Path link = Files.createSymbolicLink(dir.resolve("link.txt"), f);
    assertThat(Story.read(link, 100).text()).isEqualTo("Linked story.");
  }

  @Test
  void rejectsALimitOutOfRange() {
    assertThatThrownBy(() -> Story.read(dir.resolve("x"), 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was 0");
  }
}
