package dev.storyreel.core;

import dev.storyreel.core.spi.Storage;
import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where one output of a job can be opened: its storage key, its URI, the local file when the
 * storage is a local folder, and a presigned URL when the storage can make one (S3).
 *
 * <p>{@code
 * result.video().path().ifPresent(p -> System.out.println("open " + p));
 * result.video().presignedUrl().ifPresent(u -> System.out.println("share " + u));
 * }
 *
 * @param key the storage key, for example {@code video.mp4} or {@code captions.srt}
 * @param ref what was stored: size, SHA-256 and media type
 * @param uri where the storage keeps it: a {@code file:} URI for local storage, {@code
 *     s3://bucket/key} for S3
 * @param path the local file, present only when {@code uri} is a {@code file:} URI
 * @param presignedUrl an https GET URL valid for a while (S3), else empty
 */
public record OutputLocation(
    String key, AssetRef ref, URI uri, Optional<Path> path, Optional<URI> presignedUrl) {

  /**
   * @param key the storage key
   * @param ref what was stored
   * @param uri where the storage keeps it
   * @param path the local file, or empty
   * @param presignedUrl a presigned URL, or empty
   * @throws NullPointerException if an argument is {@code null}
   */
  public OutputLocation {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(presignedUrl, "presignedUrl");
  }

  /**
   * The location of a stored object, as the storage reports it.
   *
   * @param storage where it was stored; not {@code null}
   * @param ref what was stored; not {@code null}
   * @return its location
   * @throws NullPointerException if an argument is {@code null}
   */
  public static OutputLocation of(Storage storage, AssetRef ref) {
    Objects.requireNonNull(storage, "storage");
    Objects.requireNonNull(ref, "ref");
    URI uri = storage.locate(ref.key());
    Optional<Path> path = "file".equalsIgnoreCase(uri.getScheme())
        ? Optional.of(Path.of(uri)) : Optional.empty();
    return new OutputLocation(ref.key(), ref, uri, path, storage.presignedUrl(ref.key()));
  }
}
