package dev.storyreel.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** The per-server webhook secret kept in a file, made on first start (owner-only on POSIX). */
final class SecretFile {
  private SecretFile() {}

  static String load(Path file) {
    try {
      if (Files.isRegularFile(file)) {
        return Files.readString(file, StandardCharsets.US_ASCII).strip();
      }
      Files.createDirectories(file.getParent());
      String secret = WebhookSigner.newSecret();
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, secret + "\n", StandardCharsets.US_ASCII);
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: the folder's own permissions apply
      }
      Files.move(tmp, file);
      return secret;
    } catch (IOException e) {
      throw new IllegalStateException("the webhook secret file " + file + " could not be read"
          + " or made: " + e.getMessage() + "; set STORYREEL_WEBHOOK_SECRET instead");
    }
  }
}
