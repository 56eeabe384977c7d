package dev.storyreel.openai;

import dev.storyreel.core.spi.ProviderFactory;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.SettingSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * What the OpenAI factories share: the name {@code openai}, priority 5, availability when {@code
 * OPENAI_API_KEY} is set, and being {@linkplain #isPaid() paid}: they are used only when named
 * ({@code StoryReel.builder().planner("openai")}), never picked just because the key is set. Without a key a factory is still listed, and {@code create}
 * fails with a {@link dev.storyreel.core.ConfigurationException} that says to set it, unless
 * {@code openai.baseUrl} points at a local server.
 *
 * @param <T> the kind made
 */
abstract class OpenAiFactoryBase<T> implements ProviderFactory<T> {

  /** @return {@code openai} */
  @Override
  public final String name() {
    return "openai";
  }

  /** @return whether {@code OPENAI_API_KEY} is set; never throws */
  @Override
  public final boolean isAvailable() {
    try {
      String k = System.getenv(OpenAiConfig.KEY_ENV);
      String ks = System.getenv(OpenAiConfig.KEYS_ENV);
      return k != null && !k.isBlank() || ks != null && !ks.isBlank();
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * @return {@code true}: OpenAI bills the account for every call, so the OpenAI providers are
   *     used only when named
   */
  @Override
  public final boolean isPaid() {
    return true;
  }

  /** The {@link OpenAiConfig} settings every OpenAI provider reads. */
  static final List<SettingSpec> SHARED = List.of(
      SettingSpec.text("openai.baseUrl", "OpenAI or a compatible server, http(s)://host[:port]/v1"),
      SettingSpec.secret("openai.apiKey", "API key; default: the environment variable "
          + OpenAiConfig.KEY_ENV),
      SettingSpec.secret("openai.apiKeys", "several API keys, comma-separated, rotated on rate"
          + " limits and revoked keys; default: the environment variable "
          + OpenAiConfig.KEYS_ENV),
      SettingSpec.integer("openai.maxConcurrencyPerKey", "calls one rotated key carries at once",
          1, 64),
      SettingSpec.text("openai.organization", "sent as the OpenAI-Organization header"),
      SettingSpec.text("openai.project", "sent as the OpenAI-Project header"),
      SettingSpec.integer("openai.timeoutSeconds", "how long one call may take, in seconds", 1,
          3600),
      SettingSpec.integer("openai.maxConcurrency", "calls of one provider at once", 1, 64));

  /** @return the settings of this kind's provider: its own ({@link #own()}) and the shared ones */
  @Override
  public final List<SettingSpec> settings() {
    List<SettingSpec> all = new ArrayList<>(own());
    all.addAll(SHARED);
    return List.copyOf(all);
  }

  /** @return the settings only this kind's provider reads, for example its model */
  abstract List<SettingSpec> own();

  /**
   * @param settings the shared settings
   * @return the configuration from {@code openai.*} settings and the environment
   * @throws dev.storyreel.core.ConfigurationException if a value of {@link #settings()} is not
   *     allowed (naming the key and the range), or no key is set for a remote server
   */
  OpenAiConfig config(ProviderSettings settings) {
    SettingSpec.checkAll(settings(), settings);
    return OpenAiConfig.fromSettings(settings, System.getenv());
  }

  static String get(ProviderSettings s, String key, String def) {
    return s.get(key).map(String::strip).filter(v -> !v.isEmpty()).orElse(def);
  }
}
