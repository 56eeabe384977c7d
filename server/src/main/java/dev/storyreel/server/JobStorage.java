package dev.storyreel.server;

import dev.storyreel.core.LocalStorage;
import dev.storyreel.core.spi.Storage;
import dev.storyreel.storage.s3.S3Storage;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Where each job's outputs go: {@code <storageRoot>/<id>/out} on local storage, or {@code
 * <prefix>/<id>/out} on S3, whose outputs are then handed out as presigned URLs. Thread-safe.
 */
final class JobStorage implements AutoCloseable {
  private final Path root;
  private final @Nullable S3Storage s3Root;
  private final ServerConfig config;

  JobStorage(ServerConfig config) {
    this.config = config;
    this.root = config.storageRoot();
    this.s3Root = config.s3Storage() == null ? null : s3(config, "");
  }

  private static S3Storage s3(ServerConfig c, String under) {
    S3Storage.Builder b = S3Storage.fromUri(c.s3Storage());
    if (c.s3Endpoint() != null) {
      b.endpointOverride(c.s3Endpoint());
    }
    if (c.s3Region() != null) {
      b.region(c.s3Region());
    }
    b.pathStyle(c.s3PathStyle());
    if (!under.isEmpty()) {
      String base = b.build().prefix();
      b.prefix(base.isEmpty() ? under : base + "/" + under);
    }
    return b.build();
  }

  boolean isS3() {
    return s3Root != null;
  }

  /** @return the job's storage; an S3 one must be closed by the caller */
  Storage open(String id) {
    return s3Root == null ? new LocalStorage(root.resolve(id).resolve("out"))
        : s3(config, id + "/out");
  }

  /** @return a presigned GET URL of a job's output, on S3 only */
  Optional<URI> presign(String id, String name) {
    return s3Root == null ? Optional.empty() : Optional.of(s3Root.presign(id + "/out/" + name));
  }

  @Override
  public void close() {
    if (s3Root != null) {
      s3Root.close();
    }
  }
}
