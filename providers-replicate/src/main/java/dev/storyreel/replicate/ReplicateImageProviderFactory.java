package dev.storyreel.replicate;

import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.spi.ImageProvider;
import dev.storyreel.core.spi.ProviderFactory;
import dev.storyreel.core.spi.ProviderSettings;
import java.time.Duration;

/**
 * Makes {@link ReplicateImageProvider}s, registered as {@code replicate}. Available when {@code
 * REPLICATE_API_TOKEN} is set. Settings (others ignored): {@code replicate.apiToken}, {@code
 * replicate.baseUrl}, {@code replicate.model}, {@code replicate.outputFormat}, {@code
 * replicate.deadlineSeconds}, {@code replicate.maxConcurrency}.
 *
 * <p>Stateless and thread-safe; loading it never touches the network.
 */
public final class ReplicateImageProviderFactory implements ProviderFactory<ImageProvider> {

  /** Creates the factory; {@link java.util.ServiceLoader} calls this. */
  public ReplicateImageProviderFactory() {}

  @Override
  public Class<ImageProvider> type() {
    return ImageProvider.class;
  }

  /** @return {@code replicate} */
  @Override
  public String name() {
    return "replicate";
  }

  /** @return whether {@code REPLICATE_API_TOKEN} is set; never throws */
  @Override
  public boolean isAvailable() {
    try {
      String t = System.getenv(ReplicateImageProvider.TOKEN_ENV);
      return t != null && !t.isBlank();
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * @throws ConfigurationException if no token is set for a remote server, or a setting is bad
   */
  @Override
  public ImageProvider create(ProviderSettings s) {
    ReplicateImageProvider.Builder b = ReplicateImageProvider.builder();
    try {
      s.get("replicate.apiToken").ifPresent(b::apiToken);
      s.get("replicate.baseUrl").ifPresent(b::baseUrl);
      s.get("replicate.model").ifPresent(b::model);
      s.get("replicate.outputFormat").ifPresent(b::outputFormat);
      s.get("replicate.deadlineSeconds").ifPresent(
          v -> b.deadline(Duration.ofSeconds(Long.parseLong(v.strip()))));
      s.get("replicate.maxConcurrency").ifPresent(
          v -> b.maxConcurrency(Integer.parseInt(v.strip())));
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("replicate settings: " + e.getMessage(), e);
    }
    return b.build();
  }
}
