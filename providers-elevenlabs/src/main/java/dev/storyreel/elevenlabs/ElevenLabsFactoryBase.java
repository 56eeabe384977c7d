package dev.storyreel.elevenlabs;

import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.http.KeyPool;
import dev.storyreel.core.spi.ProviderFactory;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.SettingSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the ElevenLabs factories share: the name {@code elevenlabs}, availability when {@value
 * ElevenLabsConfig#KEY_ENV} is set, being {@linkplain #isPaid() paid} (used only when named),
 * and the {@code elevenlabs.*} settings of {@link ElevenLabsConfig}:
 *
 * <ul>
 *   <li>{@code elevenlabs.apiKey}: the key (never shown); default: {@value
 *       ElevenLabsConfig#KEY_ENV};
 *   <li>{@code elevenlabs.apiKeys}: several keys, comma-separated, rotated (never shown);
 *       default: {@value ElevenLabsConfig#KEYS_ENV}; before the single key when both are set;
 *   <li>{@code elevenlabs.maxConcurrencyPerKey}: 1..64 calls one rotated key carries at once
 *       (default: no per-key limit);
 *   <li>{@code elevenlabs.baseUrl}: default {@value ElevenLabsConfig#DEFAULT_BASE_URL};
 *   <li>{@code elevenlabs.timeoutSeconds}: 1..3600, how long one call may take (default 180);
 *   <li>{@code elevenlabs.maxConcurrency}: 1..64 calls of one provider at once (default 2);
 *   <li>{@code elevenlabs.pcmRateHz}: the PCM rate asked for, 8000, 16000, 22050, 24000
 *       (default), 44100 (Pro tier) or 48000.
 * </ul>
 *
 * <p>Loading a factory never touches the network and never throws.
 *
 * @param <T> the kind made
 */
abstract class ElevenLabsFactoryBase<T> implements ProviderFactory<T> {

  /** The settings every ElevenLabs provider reads. */
  static final List<SettingSpec> SHARED = List.of(
      SettingSpec.secret("elevenlabs.apiKey", "API key; default: the environment variable "
          + ElevenLabsConfig.KEY_ENV),
      SettingSpec.secret("elevenlabs.apiKeys", "several API keys, comma-separated, rotated on"
          + " rate limits and dropped on 401; default: the environment variable "
          + ElevenLabsConfig.KEYS_ENV),
      SettingSpec.integer("elevenlabs.maxConcurrencyPerKey", "calls one rotated key carries at"
          + " once", 1, 64),
      SettingSpec.text("elevenlabs.baseUrl", "ElevenLabs' API, http(s)://host[:port]"),
      SettingSpec.integer("elevenlabs.timeoutSeconds", "how long one call may take, in seconds",
          1, 3600),
      SettingSpec.integer("elevenlabs.maxConcurrency", "calls of one provider at once", 1, 64),
      SettingSpec.oneOf("elevenlabs.pcmRateHz", "PCM sample rate asked for, in Hz", "8000",
          "16000", "22050", "24000", "44100", "48000"));

  /** @return {@code elevenlabs} */
  @Override
  public final String name() {
    return "elevenlabs";
  }

  /**
   * @return whether {@value ElevenLabsConfig#KEY_ENV} or {@value ElevenLabsConfig#KEYS_ENV} is
   *     set; never throws
   */
  @Override
  public final boolean isAvailable() {
    return ElevenLabsConfig.envKey() != null;
  }

  /** @return {@code true}: ElevenLabs bills the account, so it is used only when named */
  @Override
  public final boolean isPaid() {
    return true;
  }

  /** @return this kind's own settings, then the shared ones */
  @Override
  public final List<SettingSpec> settings() {
    List<SettingSpec> all = new ArrayList<>(own());
    all.addAll(SHARED);
    return List.copyOf(all);
  }

  /** @return the settings only this kind reads */
  abstract List<SettingSpec> own();

  /**
   * @param s the shared settings
   * @return the configuration from the {@code elevenlabs.*} settings and the environment
   * @throws ConfigurationException if a value is not allowed (naming the key) or no key is set
   *     for a remote server
   */
  final ElevenLabsConfig config(ProviderSettings s) {
    return config(s, System.getenv());
  }

  /**
   * @param s the shared settings
   * @param env the environment the keys fall back to
   * @return the configuration, as {@link #config(ProviderSettings)}
   */
  final ElevenLabsConfig config(ProviderSettings s, Map<String, String> env) {
    SettingSpec.checkAll(settings(), s);
    ElevenLabsConfig.Builder b = ElevenLabsConfig.builder()
        .apiKey(s.get("elevenlabs.apiKey").orElse(env.get(ElevenLabsConfig.KEY_ENV)));
    b.apiKeys(KeyPool.parse(s.get("elevenlabs.apiKeys")
        .orElse(env.get(ElevenLabsConfig.KEYS_ENV))));
    s.get("elevenlabs.maxConcurrencyPerKey").ifPresent(v -> b.maxConcurrencyPerKey(
        spec("elevenlabs.maxConcurrencyPerKey").parseInt(v)));
    s.get("elevenlabs.baseUrl").ifPresent(v -> {
      try {
        b.baseUrl(v);
      } catch (IllegalArgumentException e) {
        throw new ConfigurationException("The setting elevenlabs.baseUrl is not valid: "
            + e.getMessage() + ". Change or remove it.", e);
      }
    });
    s.get("elevenlabs.timeoutSeconds").ifPresent(v -> b.requestTimeout(
        Duration.ofSeconds(spec("elevenlabs.timeoutSeconds").parseLong(v))));
    s.get("elevenlabs.maxConcurrency").ifPresent(v -> b.maxConcurrency(
        spec("elevenlabs.maxConcurrency").parseInt(v)));
    s.get("elevenlabs.pcmRateHz").ifPresent(v -> b.pcmRateHz(Integer.parseInt(
        spec("elevenlabs.pcmRateHz").check(v))));
    return b.build();
  }

  /** @return the spec of one of {@link #settings()} */
  final SettingSpec spec(String key) {
    for (SettingSpec sp : settings()) {
      if (sp.key().equals(key)) {
        return sp;
      }
    }
    throw new IllegalStateException("no setting " + key);
  }

  /** @return the stripped value, or {@code null} when unset or blank */
  static String get(ProviderSettings s, String key) {
    return s.get(key).map(String::strip).filter(v -> !v.isEmpty()).orElse(null);
  }
}
