package dev.storyreel.storage.s3;

import dev.storyreel.core.InvalidInputException;
import dev.storyreel.core.spi.ProviderFactory;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.Storage;
import java.net.URI;
import java.time.Duration;

/**
 * Discovers {@link S3Storage} as {@code s3}. Settings: {@code s3.uri} ({@code s3://bucket/prefix},
 * required), {@code s3.region}, {@code s3.endpoint}, {@code s3.pathStyle} ({@code true}/{@code
 * false}), {@code s3.presignExpirySeconds}. Credentials come from the SDK's default chain. Priority
 * 0: it is used only when asked for by name. Thread-safe and stateless.
 */
public final class S3StorageFactory implements ProviderFactory<Storage> {
  /** Creates the factory; {@link java.util.ServiceLoader} calls this. */
  public S3StorageFactory() {}

  @Override
  public Class<Storage> type() {
    return Storage.class;
  }

  @Override
  public String name() {
    return "s3";
  }

  @Override
  public int priority() {
    return 0;
  }

  /**
   * @param settings see the class comment
   * @return a new {@link S3Storage}
   * @throws InvalidInputException if {@code s3.uri} is missing or malformed
   */
  @Override
  public Storage create(ProviderSettings settings) {
    String uri = settings.get("s3.uri").orElseThrow(() ->
        new InvalidInputException("S3 storage needs the setting 's3.uri' (s3://bucket/prefix)"));
    S3Storage.Builder b = S3Storage.fromUri(uri);
    settings.get("s3.region").ifPresent(b::region);
    settings.get("s3.endpoint").ifPresent(e -> b.endpointOverride(URI.create(e)));
    settings.get("s3.pathStyle").ifPresent(p -> b.pathStyle(Boolean.parseBoolean(p)));
    settings.get("s3.presignExpirySeconds")
        .ifPresent(s -> b.presignExpiry(Duration.ofSeconds(Long.parseLong(s))));
    return b.build();
  }
}
