package dev.storyreel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LocalStorageTest {
  @TempDir Path dir;

  @Test
  void putHeadOpenListDelete() throws Exception {
    LocalStorage s = new LocalStorage(dir.resolve("out"));
    byte[] data = "hello".getBytes(StandardCharsets.UTF_8);
    AssetRef ref = s.put("assets/a.json", data, "application/json");
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    assertThat(ref).isEqualTo(new AssetRef("assets/a.json", "application/json", 5, sha));
    assertThat(s.head("assets/a.json")).contains(ref);
    assertThat(s.read("assets/a.json")).isEqualTo(data);
    assertThat(s.list("")).containsExactly("assets/a.json");
    assertThat(s.head("missing.txt")).isEmpty();
    s.delete("assets/a.json");
    assertThat(s.list("")).isEmpty();
    assertThatThrownBy(() -> s.open("assets/a.json"))
        .isInstanceOf(NonRetriableException.class).hasMessageContaining("Nothing is stored");
  }

  @Test
  void writesLeaveNoTemporaryFiles() throws Exception {
    LocalStorage s = new LocalStorage(dir);
    Path src = Files.writeString(dir.resolve("src.bin"), "x".repeat(100_000));
    s.put("copy/video.mp4", src, "video/mp4");
    s.put("copy/video.mp4", new byte[] {1, 2, 3}, "video/mp4");
    try (Stream<Path> files = Files.list(dir.resolve("copy"))) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("video.mp4");
    }
    assertThat(Files.readAllBytes(dir.resolve("copy/video.mp4"))).containsExactly(1, 2, 3);
  }

  @Test
  void outputsGetTheUsualPermissionsNotOwnerOnly() throws Exception {
    LocalStorage s = new LocalStorage(dir);
    s.put("video.mp4", new byte[] {1}, "video/mp4");
    Path plain = Files.createFile(dir.resolve("plain"));
    assertThat(Files.getPosixFilePermissions(dir.resolve("video.mp4")))
        .isEqualTo(Files.getPosixFilePermissions(plain));
  }

  @ParameterizedTest
  @ValueSource(strings = {"../evil.txt", "a/../../evil.txt", "/etc/passwd", "a\\b.txt",
      "a//b.txt", "a/./b", "bell\u0007.txt", "new\nline.txt", ""})
  void rejectsKeysThatCouldEscapeOrConfuse(String key) {
    LocalStorage s = new LocalStorage(dir.resolve("root"));
    assertThatThrownBy(() -> s.put(key, new byte[1], "text/plain"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("Invalid storage key");
    assertThat(dir.resolve("evil.txt")).doesNotExist();
    assertThat(dir.resolve("root")).doesNotExist();
  }

  @Test
  void preflightRejectsAFileAndAReadOnlyFolder() throws Exception {
    Path file = Files.writeString(dir.resolve("plain.txt"), "x");
    assertThatThrownBy(() -> new LocalStorage(file.resolve("sub")).preflight())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("is a file, not a folder");
    Path ro = Files.createDirectory(dir.resolve("ro"));
    assertThat(ro.toFile().setWritable(false, false)).isTrue();
    try {
      if (!Files.isWritable(ro)) { // root can write anywhere; the check only means something otherwise
        assertThatThrownBy(() -> new LocalStorage(ro.resolve("out")).preflight())
            .isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("cannot be written");
      }
    } finally {
      ro.toFile().setWritable(true, false);
    }
    new LocalStorage(dir.resolve("new/deeper")).preflight();
    assertThat(dir.resolve("new")).doesNotExist();
  }
}
