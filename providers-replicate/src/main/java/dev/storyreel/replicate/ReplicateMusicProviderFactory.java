package dev.storyreel.replicate;

import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.spi.MusicProvider;
import dev.storyreel.core.spi.ProviderFactory;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.SettingSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes {@link ReplicateMusicProvider}s, registered as the music provider {@code replicate}.
 * Available when {@code REPLICATE_API_TOKEN} is set. Settings (others ignored): the ones every
 * Replicate provider reads ({@code replicate.apiToken}, {@code replicate.baseUrl}, {@code
 * replicate.deadlineSeconds}, {@code replicate.pollIntervalMillis}, {@code
 * replicate.requestTimeoutSeconds}, {@code replicate.downloadAttempts}, {@code
 * replicate.maxConcurrency}; see {@link ReplicateImageProviderFactory}), and:
 *
 * <ul>
 *   <li>{@code replicate.musicModel}: {@code owner/name:version} (or {@code owner/name} for an
 *       official model); default {@value ReplicateMusicProvider#DEFAULT_MODEL};
 *   <li>{@code replicate.musicModelVersion}: MusicGen's checkpoint, {@code stereo-melody-large}
 *       (default), {@code stereo-large}, {@code melody-large} or {@code large};
 *   <li>{@code replicate.musicMaxClipSeconds}: 1..3600, the longest clip asked for (default
 *       300; 30 for versions that cap clips at 30 s).
 * </ul>
 *
 * <p>Every value is checked in {@link #create} before the provider exists, so a bad one never
 * reaches Replicate (nothing is created, nothing is billed).
 *
 * <p>Stateless and thread-safe; loading it never touches the network.
 */
public final class ReplicateMusicProviderFactory implements ProviderFactory<MusicProvider> {
  private static final SettingSpec MODEL = SettingSpec.text("replicate.musicModel",
      "music model, owner/name[:version]");
  private static final SettingSpec MODEL_VERSION = SettingSpec.oneOf(
      "replicate.musicModelVersion", "MusicGen checkpoint", "stereo-melody-large",
      "stereo-large", "melody-large", "large");
  private static final SettingSpec MAX_CLIP_SECONDS = SettingSpec.integer(
      "replicate.musicMaxClipSeconds", "longest music clip asked for, in seconds", 1, 3_600);

  /** Creates the factory; {@link java.util.ServiceLoader} calls this. */
  public ReplicateMusicProviderFactory() {}

  @Override
  public Class<MusicProvider> type() {
    return MusicProvider.class;
  }

  /** @return {@code replicate} */
  @Override
  public String name() {
    return "replicate";
  }

  /** @return whether {@code REPLICATE_API_TOKEN} is set; never throws */
  /**
   * @return {@code true}: Replicate bills every prediction, so this provider is used only when
   *     named
   */
  @Override
  public boolean isPaid() {
    return true;
  }

  @Override
  public boolean isAvailable() {
    return ReplicateSettings.tokenInEnvironment();
  }

  /** @return the {@code replicate.*} settings this factory reads, with their ranges */
  @Override
  public List<SettingSpec> settings() {
    List<SettingSpec> all = new ArrayList<>(ReplicateSettings.COMMON);
    all.add(MODEL);
    all.add(MODEL_VERSION);
    all.add(MAX_CLIP_SECONDS);
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
  public MusicProvider create(ProviderSettings s) {
    SettingSpec.checkAll(settings(), s);
    ReplicateMusicProvider.Builder b = ReplicateMusicProvider.builder();
    ReplicateSettings.applyCommon(s, b);
    s.get("replicate.musicModel").ifPresent(v -> ReplicateSettings.apply("replicate.musicModel",
        v, () -> b.model(v.strip()), "owner/name:version or owner/name, for example "
        + ReplicateMusicProvider.DEFAULT_MODEL));
    s.get("replicate.musicModelVersion").ifPresent(v -> ReplicateSettings.apply(
        "replicate.musicModelVersion", v, () -> b.modelVersion(v.strip()),
        "stereo-melody-large, stereo-large, melody-large or large"));
    s.get("replicate.musicMaxClipSeconds").ifPresent(v -> b.maxClipSeconds((int) ReplicateSettings
        .whole("replicate.musicMaxClipSeconds", v, 1, 3_600, "seconds")));
    return b.build();
  }
}
