package dev.storyreel.replicate;

import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.spi.ImageProvider;
import dev.storyreel.core.spi.ProviderFactory;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.SettingSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes {@link ReplicateImageProvider}s, registered as {@code replicate}. Available when {@code
 * REPLICATE_API_TOKEN} is set; {@linkplain #isPaid() paid}, so used only when named ({@code
 * StoryReel.builder().images("replicate")}). Settings (others ignored):
 *
 * <ul>
 *   <li>{@code replicate.apiToken}: the API token (never shown in any message);
 *   <li>{@code replicate.baseUrl}: an {@code http(s)://host/...} URL without user info;
 *   <li>{@code replicate.model}: {@code owner/name} or {@code owner/name:version};
 *   <li>{@code replicate.outputFormat}: {@code png} or {@code jpg};
 *   <li>{@code replicate.deadlineSeconds}: 1..86400, how long a call waits for its prediction;
 *   <li>{@code replicate.pollIntervalMillis}: 1..60000, the wait between polls;
 *   <li>{@code replicate.requestTimeoutSeconds}: 1..3600, how long one HTTP call may take;
 *   <li>{@code replicate.downloadAttempts}: 1..20, downloads of an output before giving up;
 *   <li>{@code replicate.maxConcurrency}: 1..64, predictions running at once.
 * </ul>
 *
 * <p>Every value is checked in {@link #create} before the provider exists, so a bad one never
 * reaches Replicate (nothing is created, nothing is billed).
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
    return ReplicateSettings.tokenInEnvironment();
  }

  /**
   * @return {@code true}: Replicate bills every prediction, so this provider is used only when
   *     named
   */
  @Override
  public boolean isPaid() {
    return true;
  }

  private static final SettingSpec MODEL = SettingSpec.text("replicate.model",
      "image model, owner/name[:version]");
  private static final SettingSpec OUTPUT_FORMAT = SettingSpec.oneOf("replicate.outputFormat",
      "image format asked for", "png", "jpg");

  /** @return the {@code replicate.*} settings, with their ranges */
  @Override
  public List<SettingSpec> settings() {
    List<SettingSpec> all = new ArrayList<>(ReplicateSettings.COMMON);
    all.add(MODEL);
    all.add(OUTPUT_FORMAT);
    return List.copyOf(all);
  }

  /**
   * @param s the settings; never {@code null}
   * @return a new provider; sends no request
   * @throws ConfigurationException if no token is set for a remote server, or a setting is not
   *     a valid value: the message names the setting, the value (never the token's) and what is
   *     accepted
   */
  @Override
  public ImageProvider create(ProviderSettings s) {
    // Every value is checked before the builder sees it: a negative deadline would otherwise be
    // accepted and end a paid prediction at once.
    SettingSpec.checkAll(settings(), s);
    ReplicateImageProvider.Builder b = ReplicateImageProvider.builder();
    ReplicateSettings.applyCommon(s, b);
    s.get("replicate.model").ifPresent(v -> ReplicateSettings.apply("replicate.model", v,
        () -> b.model(v.strip()), "owner/name or owner/name:version, for example "
        + ReplicateImageProvider.DEFAULT_MODEL));
    s.get("replicate.outputFormat").ifPresent(v -> ReplicateSettings.apply(
        "replicate.outputFormat", v, () -> b.outputFormat(v.strip()), "png or jpg"));
    return b.build();
  }
}
