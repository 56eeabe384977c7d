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

  @Test
  void concurrentWritersOfOneKeyBothSucceedAndLeaveOneWholeFile() throws Exception {
    LocalStorage s = new LocalStorage(dir);
    byte[] a = new byte[1 << 20];
    byte[] b = new byte[1 << 20];
    java.util.Arrays.fill(a, (byte) 'a');
    java.util.Arrays.fill(b, (byte) 'b');
    var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 20; round++) {
        var fa = pool.submit(() -> s.put("cache/k.bin", a, "application/octet-stream"));
        var fb = pool.submit(() -> s.put("cache/k.bin", b, "application/octet-stream"));
        fa.get();
        fb.get();
        byte[] got = Files.readAllBytes(dir.resolve("cache/k.bin"));
        assertThat(got).satisfiesAnyOf(g -> assertThat(g).isEqualTo(a), g -> assertThat(g).isEqualTo(b));
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(s.list("")).containsExactly("cache/k.bin");
  }

  @ParameterizedTest
  @ValueSource(strings = {"../x", "/abs", "a\\b", "a/../../b", "tab\tkey", "nul\u0000key"})
  void aTraversalAttemptCannotWriteOutsideTheRoot(String key) throws Exception {
    Path root = Files.createDirectories(dir.resolve("deep/root"));
    LocalStorage s = new LocalStorage(root);
    assertThatThrownBy(() -> s.put(key, new byte[] {1}, "text/plain"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("Invalid storage key");
    assertThatThrownBy(() -> s.head(key)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> s.delete(key)).isInstanceOf(InvalidInputException.class);
    try (Stream<Path> all = Files.walk(dir)) {
      assertThat(all.filter(Files::isRegularFile)).isEmpty();
    }
  }
}
