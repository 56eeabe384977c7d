package dev.storyreel.replicate;

import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.spi.ClipProvider;
import dev.storyreel.core.spi.ProviderFactory;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.SettingSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes {@link ReplicateClipProvider}s, registered as the clip provider {@code replicate}.
 * Available when {@code REPLICATE_API_TOKEN} is set; {@linkplain #isPaid() paid}, so used only
 * when named ({@code StoryReel.builder().clips("replicate")}, CLI {@code --clips-provider}).
 * Settings (others ignored): the ones every Replicate provider reads (see {@link
 * ReplicateImageProviderFactory}), and {@code replicate.clipModel}: {@code owner/name} or {@code
 * owner/name:version}, default {@value ReplicateClipProvider#DEFAULT_MODEL} (CLI {@code
 * --clip-model}).
 *
 * <p>Every value is checked in {@link #create} before the provider exists, so a bad one never
 * reaches Replicate. Stateless and thread-safe; loading it never touches the network.
 */
public final class ReplicateClipProviderFactory implements ProviderFactory<ClipProvider> {
  private static final SettingSpec MODEL = SettingSpec.text("replicate.clipModel",
      "image-to-video model, owner/name[:version]");

  /** Creates the factory; {@link java.util.ServiceLoader} calls this. */
  public ReplicateClipProviderFactory() {}

  @Override
  public Class<ClipProvider> type() {
    return ClipProvider.class;
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

  /** @return {@code true}: Replicate bills every prediction, so this is used only when named */
  @Override
  public boolean isPaid() {
    return true;
  }

  /** @return the {@code replicate.*} settings this factory reads, with their ranges */
  @Override
  public List<SettingSpec> settings() {
    List<SettingSpec> all = new ArrayList<>(ReplicateSettings.COMMON);
    all.add(MODEL);
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
  public ClipProvider create(ProviderSettings s) {
    SettingSpec.checkAll(settings(), s);
    ReplicateClipProvider.Builder b = ReplicateClipProvider.builder();
    ReplicateSettings.applyCommon(s, b);
    s.get("replicate.clipModel").ifPresent(v -> ReplicateSettings.apply("replicate.clipModel",
        v, () -> b.model(v.strip()), "owner/name or owner/name:version, for example "
        + ReplicateClipProvider.DEFAULT_MODEL));
    return b.build();
  }
}
