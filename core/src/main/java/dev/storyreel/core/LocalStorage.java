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
import java.nio.file.LinkOption;
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
 * <p>Symbolic links: nothing is read or written through a link that leads out of the root.
 * Before every operation on a key, the deepest part of the key's path that exists (the file, or
 * else its nearest existing folder) is resolved with {@link Path#toRealPath} and must lie inside
 * the root's real path; otherwise the operation is refused with a {@link NonRetriableException}
 * that names the key and the link. A link inside the root that leads elsewhere inside it is
 * followed; the root itself may be a link. The check runs before each operation, so a link
 * swapped in by another process between the check and the write is not caught.
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
   * @throws NonRetriableException if the key's path goes through a symbolic link that leads out
   *     of the root, or through a link that leads nowhere
   */
  public Path resolve(String key) {
    checkKey(key);
    Path p = root.resolve(key).normalize();
    if (!p.startsWith(root) || p.equals(root)) {
      throw new InvalidInputException("Storage key '" + key + "' points outside " + root);
    }
    checkNoLinkOut(key, p);
    return p;
  }

  /** Refuses a key whose existing part resolves, through a link, to outside the root. */
  private void checkNoLinkOut(String key, Path target) {
    Path existing = target;
    while (!existing.equals(root) && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      existing = existing.getParent();
    }
    if (existing.equals(root) && !Files.exists(root)) {
      return; // nothing of the root exists yet: every folder will be made, none is a link
    }
    Path real;
    Path rootReal;
    try {
      rootReal = root.toRealPath();
      real = existing.toRealPath();
    } catch (IOException e) {
      throw new NonRetriableException(
          "Storage key '" + key + "' in " + root + " goes through " + describeLink(existing)
              + ", which leads to nothing that exists (" + e.getMessage() + "). Remove the link"
              + " or make it point inside the output folder.",
          e);
    }
    if (!real.startsWith(rootReal)) {
      throw new NonRetriableException(
          "Storage key '" + key + "' would be read or written through " + describeLink(existing)
              + ", which leads out of the output folder " + root + " (to " + real + ")."
              + " Nothing was written there. Replace the link with a real folder, or choose an"
              + " output folder without such links.");
    }
  }

  /** @return the first symbolic link on the way from the root to {@code p}, with its target */
  private String describeLink(Path p) {
    Path cur = root;
    for (Path part : root.relativize(p)) {
      cur = cur.resolve(part);
      if (Files.isSymbolicLink(cur)) {
        String to;
        try {
          to = Files.readSymbolicLink(cur).toString();
        } catch (IOException | UnsupportedOperationException e) {
          to = "?";
        }
        return "the symbolic link " + cur + " -> " + to;
      }
    }
    return "a symbolic link at " + p;
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

  /**
   * Makes {@code to} a hard link to {@code from}'s file, so the output and the cache hold one copy
   * on disk; where the file system cannot link (another device, no hard links), the content is
   * copied. Atomic: {@code to} is either the old file or the whole new one.
   */
  @Override
  public AssetRef copy(AssetRef from, String to) {
    Objects.requireNonNull(from, "from");
    Path source = resolve(from.key());
    Path target = resolve(to);
    if (!Files.isRegularFile(source)) {
      throw new NonRetriableException("Nothing is stored under '" + from.key() + "' in " + root);
    }
    if (source.equals(target)) {
      return new AssetRef(to, from.mediaType(), from.sizeBytes(), from.sha256());
    }
    Path tmp = null;
    try {
      Files.createDirectories(target.getParent());
      tmp = target.resolveSibling(
          "." + target.getFileName() + "." + Long.toHexString(RANDOM.nextLong()) + ".tmp");
      try {
        Files.createLink(tmp, source);
      } catch (UnsupportedOperationException | FileSystemException e) {
        Files.copy(source, tmp);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
      return new AssetRef(to, from.mediaType(), from.sizeBytes(), from.sha256());
    } catch (AccessDeniedException e) {
      throw new NonRetriableException(
          "Cannot write " + target + ": permission denied. Choose another output folder.", e);
    } catch (IOException e) {
      throw new UncheckedIOException("linking " + target + " to " + source, e);
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
