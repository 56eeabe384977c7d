package dev.storyreel.openai;

import dev.storyreel.core.spi.ProviderFactory;
import dev.storyreel.core.spi.ProviderSettings;

/**
 * What the OpenAI factories share: the name {@code openai}, priority 5, and availability when
 * {@code OPENAI_API_KEY} is set. Without a key a factory is still listed, and {@code create}
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
      return k != null && !k.isBlank();
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * @param settings the shared settings
   * @return the configuration from {@code openai.*} settings and the environment
   */
  static OpenAiConfig config(ProviderSettings settings) {
    return OpenAiConfig.fromSettings(settings, System.getenv());
  }

  static String get(ProviderSettings s, String key, String def) {
    return s.get(key).map(String::strip).filter(v -> !v.isEmpty()).orElse(def);
  }
}
