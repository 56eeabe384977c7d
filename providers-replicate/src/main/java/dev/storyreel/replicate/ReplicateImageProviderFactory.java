package dev.storyreel.replicate;

import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.spi.ImageProvider;
import dev.storyreel.core.spi.ProviderFactory;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.SettingSpec;
import java.time.Duration;
import java.util.List;

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

  private static final SettingSpec API_TOKEN = SettingSpec.secret("replicate.apiToken",
      "API token; default: the environment variable " + ReplicateImageProvider.TOKEN_ENV);
  private static final SettingSpec BASE_URL = SettingSpec.text("replicate.baseUrl",
      "Replicate's API base URL, http(s)://host/...");
  private static final SettingSpec MODEL = SettingSpec.text("replicate.model",
      "model, owner/name[:version]");
  private static final SettingSpec OUTPUT_FORMAT = SettingSpec.oneOf("replicate.outputFormat",
      "image format asked for", "png", "jpg");
  private static final SettingSpec DEADLINE_SECONDS = SettingSpec.integer(
      "replicate.deadlineSeconds", "how long to wait for one prediction, in seconds", 1, 86_400);
  private static final SettingSpec MAX_CONCURRENCY = SettingSpec.integer(
      "replicate.maxConcurrency", "predictions at once", 1, 64);

  /** @return the {@code replicate.*} settings, with their ranges */
  @Override
  public List<SettingSpec> settings() {
    return List.of(API_TOKEN, BASE_URL, MODEL, OUTPUT_FORMAT, DEADLINE_SECONDS, MAX_CONCURRENCY);
  }

  /**
   * @throws ConfigurationException if no token is set for a remote server, or a setting is bad
   *     (the message names the key, the value and the range)
   */
  @Override
  public ImageProvider create(ProviderSettings s) {
    // Every value is checked before the builder sees it: a negative deadline would otherwise be
    // accepted and end a paid prediction at once.
    SettingSpec.checkAll(settings(), s);
    ReplicateImageProvider.Builder b = ReplicateImageProvider.builder();
    try {
      s.get(API_TOKEN.key()).ifPresent(b::apiToken);
      s.get(BASE_URL.key()).ifPresent(b::baseUrl);
      s.get(MODEL.key()).map(MODEL::check).ifPresent(b::model);
      s.get(OUTPUT_FORMAT.key()).map(OUTPUT_FORMAT::check).ifPresent(b::outputFormat);
      s.get(DEADLINE_SECONDS.key()).ifPresent(
          v -> b.deadline(Duration.ofSeconds(DEADLINE_SECONDS.parseLong(v))));
      s.get(MAX_CONCURRENCY.key()).ifPresent(v -> b.maxConcurrency(MAX_CONCURRENCY.parseInt(v)));
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("replicate settings: " + e.getMessage(), e);
    }
    return b.build();
  }
}
