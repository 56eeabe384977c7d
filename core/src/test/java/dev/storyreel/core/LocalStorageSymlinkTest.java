package dev.storyreel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Nothing is read or written through a symbolic link that leads out of the storage's root. */
@Timeout(60)
class LocalStorageSymlinkTest {
  @TempDir Path dir;

  private static final byte[] DATA = "hello".getBytes(StandardCharsets.UTF_8);

  private static long count(Path folder) throws Exception {
    try (Stream<Path> s = Files.walk(folder)) {
      return s.filter(p -> !p.equals(folder)).count();
    }
  }

  @Test
  void aFolderLinkedOutOfTheRootIsNeitherWrittenNorRead() throws Exception {
    Path out = Files.createDirectories(dir.resolve("out"));
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    Path link = Files.createSymbolicLink(out.resolve("assets"), elsewhere);
    LocalStorage s = new LocalStorage(out);

    assertThatThrownBy(() -> s.put("assets/x", DATA, "application/octet-stream"))
        .isInstanceOf(NonRetriableException.class)
        .hasMessageContaining("'assets/x'")
        .hasMessageContaining("symbolic link " + link + " -> " + elsewhere)
        .hasMessageContaining("leads out of the output folder " + out);
    assertThatThrownBy(() -> s.put("assets/deeper/y.png", DATA, "image/png"))
        .isInstanceOf(NonRetriableException.class);
    assertThat(count(elsewhere)).isZero();

    Files.write(elsewhere.resolve("secret"), DATA);
    assertThatThrownBy(() -> s.open("assets/secret"))
        .isInstanceOf(NonRetriableException.class).hasMessageContaining("'assets/secret'");
    assertThatThrownBy(() -> s.head("assets/secret")).isInstanceOf(NonRetriableException.class);
    assertThatThrownBy(() -> s.delete("assets/secret")).isInstanceOf(NonRetriableException.class);
    assertThat(elsewhere.resolve("secret")).exists();

    // Keys elsewhere in the root are unaffected.
    s.put("video.mp4", DATA, "video/mp4");
    assertThat(s.read("video.mp4")).isEqualTo(DATA);
  }

  @Test
  void aFileLinkedOutOfTheRootIsNotReadOrReplaced() throws Exception {
    Path out = Files.createDirectories(dir.resolve("out"));
    Path secret = Files.write(dir.resolve("secret.txt"), DATA);
    Files.createSymbolicLink(out.resolve("manifest.json"), secret);
    LocalStorage s = new LocalStorage(out);

    assertThatThrownBy(() -> s.open("manifest.json")).isInstanceOf(NonRetriableException.class);
    assertThatThrownBy(() -> s.put("manifest.json", new byte[] {1}, "application/json"))
        .isInstanceOf(NonRetriableException.class);
    assertThat(Files.readAllBytes(secret)).isEqualTo(DATA);
  }

  @Test
  void aDanglingLinkIsRefusedNamingIt() throws Exception {
    Path out = Files.createDirectories(dir.resolve("out"));
    Path link = Files.createSymbolicLink(out.resolve("cache"), dir.resolve("gone"));
    LocalStorage s = new LocalStorage(out);

    assertThatThrownBy(() -> s.put("cache/ab/cd.bin", DATA, "application/octet-stream"))
        .isInstanceOf(NonRetriableException.class)
        .hasMessageContaining("symbolic link " + link)
        .hasMessageContaining("leads to nothing");
    assertThat(dir.resolve("gone")).doesNotExist();
  }

  @Test
  void linksThatStayInsideTheRootAndALinkedRootWork() throws Exception {
    Path real = Files.createDirectories(dir.resolve("real-out"));
    Path root = Files.createSymbolicLink(dir.resolve("out"), real);
    Files.createDirectories(real.resolve("store"));
    Files.createSymbolicLink(real.resolve("assets"), real.resolve("store"));
    LocalStorage s = new LocalStorage(root);

    s.put("assets/x", DATA, "application/octet-stream");
    s.put("cache/new/y", DATA, "application/octet-stream");

    assertThat(real.resolve("store/x")).hasBinaryContent(DATA);
    assertThat(s.read("assets/x")).isEqualTo(DATA);
    assertThat(real.resolve("cache/new/y")).hasBinaryContent(DATA);
  }

  @Test
  void aJobIntoAnOutputWithALinkedAssetsFolderWritesNothingElsewhere() throws Exception {
    Path out = Files.createDirectories(dir.resolve("out"));
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    Files.createSymbolicLink(out.resolve("assets"), elsewhere);
    StoryReel reel = StoryReel.builder()
        .format(new VideoFormat(270, 480, 12))
        .images(new Fakes.Images())
        .speech(new Fakes.Speech(true))
        .planner(new Fakes.Sentences())
        .renderer(new Fakes.Render())
        .retryPolicy(RetryPolicy.builder().initialDelay(Duration.ofMillis(1)).jitter(0).build())
        .workDir(dir.resolve("work"))
        .build();

    assertThatThrownBy(() -> reel.render(new Story("t", "The ferry left at nine."), out))
        .isInstanceOf(NonRetriableException.class)
        .hasMessageContaining("symbolic link");
    assertThat(count(elsewhere)).isZero();
    assertThat(out.resolve("manifest.json")).doesNotExist();
  }
}
