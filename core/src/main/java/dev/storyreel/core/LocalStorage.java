package dev.storyreel.core;

import dev.storyreel.core.spi.Storage;
import dev.storyreel.core.spi.StorageKeys;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@link Storage} in a folder of the local file system.
 *
 * <p>Every write goes to a temporary file in the same folder ({@code .name.*.tmp}) and is then
 * moved over the final name with {@link StandardCopyOption#ATOMIC_MOVE}, so a crash never leaves
 * a half-written file under a final name. Keys are checked with {@link StorageKeys#validate}:
 * {@code ..} segments, absolute paths, backslashes, empty segments and control characters are
 * refused, and a resolved path must stay inside the root.
 *
 * <p>The media type is not stored: {@link #head(String)} guesses it from the file extension.
 * Thread-safe: concurrent writes to the same key each complete, and the last move wins whole.
 *
 * <p>{@code Storage out = new LocalStorage(Path.of("out/my-story"));}
 */
public final class LocalStorage implements Storage {
  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
  private final Path root;

  /**
   * @param root the folder; created on the first write if missing; never {@code null}
   */
  public LocalStorage(Path root) {
    this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
  }

  /** @return the absolute, normalised root folder */
  public Path root() {
    return root;
  }

  /**
   * Resolves a key to its file, after checking the key.
   *
   * @param key a storage key
   * @return the file the key maps to, inside the root
   * @throws InvalidInputException if the key is not acceptable
   */
  public Path resolve(String key) {
    checkKey(key);
    Path p = root.resolve(key).normalize();
    if (!p.startsWith(root) || p.equals(root)) {
      throw new InvalidInputException("Storage key '" + key + "' points outside " + root);
    }
    return p;
  }

  /**
   * Checks a storage key with the rule every storage shares, {@link StorageKeys#validate}.
   *
   * @param key the key
   * @throws InvalidInputException naming what is wrong
   */
  public static void checkKey(String key) {
    StorageKeys.validate(key);
  }

  @Override
  public void preflight() {
    Path existing = root;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      throw new InvalidInputException("Output folder " + root + " has no existing parent.");
    }
    if (!Files.isDirectory(existing)) {
      throw new InvalidInputException(
          "Output folder " + root + " cannot be made: " + existing
              + " is a file, not a folder. Choose another output folder.");
    }
    if (!Files.isWritable(existing)) {
      throw new InvalidInputException(
          "Output folder " + root + " cannot be written: no write permission on " + existing
              + ". Choose another output folder or fix its permissions.");
    }
  }

  @Override
  public AssetRef put(String key, byte[] bytes, String mediaType) {
    Objects.requireNonNull(bytes, "bytes");
    return write(key, mediaType, out -> out.write(bytes));
  }

  @Override
  public AssetRef put(String key, Path file, String mediaType) {
    Objects.requireNonNull(file, "file");
    return write(key, mediaType, out -> Files.copy(file, out));
  }

  private interface Body {
    void writeTo(OutputStream out) throws IOException;
  }

  private AssetRef write(String key, String mediaType, Body body) {
    Objects.requireNonNull(mediaType, "mediaType");
    Path target = resolve(key);
    Path tmp = null;
    try {
      Files.createDirectories(target.getParent());
      // Not Files.createTempFile: that makes the file owner-only (0600), and the move would carry
      // those permissions onto the final output. CREATE_NEW keeps the process's umask.
      tmp = target.resolveSibling(
          "." + target.getFileName() + "." + Long.toHexString(RANDOM.nextLong()) + ".tmp");
      MessageDigest sha = sha256();
      long size;
      try (OutputStream raw = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW,
              StandardOpenOption.WRITE);
          DigestOutputStream out = new DigestOutputStream(raw, sha)) {
        body.writeTo(out);
        out.flush();
        size = Files.size(tmp);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
      return new AssetRef(key, mediaType, size, HexFormat.of().formatHex(sha.digest()));
    } catch (AccessDeniedException e) {
      throw new NonRetriableException(
          "Cannot write " + target + ": permission denied. Choose another output folder.", e);
    } catch (FileSystemException e) {
      throw new NonRetriableException("Cannot write " + target + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + target, e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // best effort: a stray .tmp file never carries a final name
        }
      }
    }
  }

  @Override
  public Optional<AssetRef> head(String key) {
    Path p = resolve(key);
    if (!Files.isRegularFile(p)) {
      return Optional.empty();
    }
    try (InputStream in = Files.newInputStream(p)) {
      MessageDigest sha = sha256();
      byte[] buf = new byte[1 << 16];
      long size = 0;
      for (int n; (n = in.read(buf)) > 0; ) {
        sha.update(buf, 0, n);
        size += n;
      }
      return Optional.of(
          new AssetRef(key, MediaTypes.fromName(key), size, HexFormat.of().formatHex(sha.digest())));
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + p, e);
    }
  }

  @Override
  public InputStream open(String key) {
    Path p = resolve(key);
    try {
      return Files.newInputStream(p);
    } catch (NoSuchFileException e) {
      throw new NonRetriableException("Nothing is stored under '" + key + "' in " + root, e);
    } catch (IOException e) {
      throw new UncheckedIOException("opening " + p, e);
    }
  }

  @Override
  public List<String> list(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile)
          .map(p -> root.relativize(p).toString().replace('\\', '/'))
          .filter(k -> !k.substring(k.lastIndexOf('/') + 1).startsWith("."))
          .filter(k -> k.startsWith(prefix))
          .sorted()
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException("listing " + root, e);
    }
  }

  @Override
  public void delete(String key) {
    Path p = resolve(key);
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new UncheckedIOException("deleting " + p, e);
    }
  }

  @Override
  public URI locate(String key) {
    return resolve(key).toUri();
  }

  @Override
  public String toString() {
    return "LocalStorage[" + root + "]";
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
