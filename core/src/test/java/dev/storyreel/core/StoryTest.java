package dev.storyreel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
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
}
