package dev.storyreel.core.spi;

import dev.storyreel.core.AssetRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where a job's assets and outputs are kept: a local folder, an S3 bucket.
 *
 * <p>Keys are relative, {@code /}-separated paths such as {@code assets/segment-000.png}. An
 * implementation rejects keys containing {@code ..} segments, a leading {@code /}, backslashes or
 * control characters with an {@link dev.storyreel.core.InvalidInputException}.
 *
 * <p>Writes are atomic: nothing is visible under a key until its whole content is stored, so a
 * crash never leaves a half-written object under a final key. Implementations are thread-safe.
 */
public interface Storage {

  /**
   * Checks, before a job does any work, that this storage can be written, so that a bad output
   * location fails at once instead of after paid assets were made. Writes nothing that stays.
   *
   * @throws dev.storyreel.core.InvalidInputException if it cannot be written, saying why and
   *     what to do
   */
  default void preflight() {}

  /**
   * Stores bytes under a key, replacing what was there.
   *
   * @param key the key; never {@code null}
   * @param bytes the content; never {@code null}
   * @param mediaType the IANA media type, for example {@code image/png}
   * @return what was stored
   * @throws dev.storyreel.core.StoryReelException if the write fails
   */
  AssetRef put(String key, byte[] bytes, String mediaType);

  /**
   * Stores a local file's content under a key, replacing what was there. The file is not changed.
   *
   * @param key the key; never {@code null}
   * @param file a readable regular file
   * @param mediaType the IANA media type
   * @return what was stored
   * @throws dev.storyreel.core.StoryReelException if the write fails
   */
  AssetRef put(String key, Path file, String mediaType);

  /**
   * Stores under {@code to} what is stored under {@code from.key()}, replacing what was there,
   * without the content passing through the caller: the output's files are references to the
   * asset cache's blobs, not second copies. {@link dev.storyreel.core.LocalStorage} makes a hard
   * link (one copy on disk), S3 a server-side copy. This default reads the content through a
   * temporary file and stores it again.
   *
   * @param from what is stored, as {@link #put} or {@link #head} returned it; its SHA-256 and
   *     size are trusted
   * @param to the new key; never {@code null}
   * @return what is now stored under {@code to}: {@code from}'s type, size and SHA-256
   * @throws dev.storyreel.core.StoryReelException if nothing is stored under {@code from} or the
   *     write fails
   */
  default AssetRef copy(AssetRef from, String to) {
    java.util.Objects.requireNonNull(from, "from");
    java.util.Objects.requireNonNull(to, "to");
    Path tmp = null;
    try {
      tmp = java.nio.file.Files.createTempFile("storyreel-copy-", ".bin");
      try (InputStream in = open(from.key())) {
        java.nio.file.Files.copy(in, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      return put(to, tmp, from.mediaType());
    } catch (java.io.IOException e) {
      throw new UncheckedIOException("copying " + from.key() + " to " + to, e);
    } finally {
      if (tmp != null) {
        try {
          java.nio.file.Files.deleteIfExists(tmp);
        } catch (java.io.IOException ignored) {
          // a temporary file left behind harms nothing
        }
      }
    }
  }

  /**
   * @param key the key
   * @return what is stored under the key, or empty if nothing is
   * @throws dev.storyreel.core.StoryReelException if the lookup fails
   */
  Optional<AssetRef> head(String key);

  /**
   * @param key the key of a stored object
   * @return a stream of its content, to be closed by the caller
   * @throws dev.storyreel.core.NonRetriableException if nothing is stored under the key
   */
  InputStream open(String key);

  /**
   * @param key the key of a stored object
   * @return its whole content
   * @throws dev.storyreel.core.NonRetriableException if nothing is stored under the key
   */
  default byte[] read(String key) {
    try (InputStream in = open(key)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + key, e);
    }
  }

  /**
   * @param prefix a key prefix, may be empty
   * @return the keys that start with {@code prefix}, sorted
   */
  List<String> list(String prefix);

  /**
   * Deletes a key; deleting a missing key does nothing.
   *
   * @param key the key
   */
  void delete(String key);

  /**
   * @param key the key
   * @return where a person or program finds the object: a {@code file:} URI for local storage,
   *     {@code s3://bucket/key} for S3
   */
  URI locate(String key);

  /**
   * A URL anyone can GET the object at for a while, where the storage can make one (S3's
   * presigned URLs). Signing makes no request; the object need not exist yet.
   *
   * @param key the key
   * @return the URL, or empty (this default) for a storage that has none, such as local folders
   */
  default Optional<URI> presignedUrl(String key) {
    return Optional.empty();
  }
}
