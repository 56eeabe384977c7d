package dev.storyreel.core.spi;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * String settings handed to a {@link ProviderFactory} when it creates a provider: for example
 * {@code voice=kevin16}, {@code model=tts-1} or {@code root=/tmp/out}. Keys are provider-defined.
 * One set of settings is handed to every factory a {@link dev.storyreel.core.StoryReel} builder
 * discovers, so a factory ignores keys it does not know. API keys may be passed here; providers
 * must never log them or put them in messages, and {@link #toString()} shows only the keys.
 *
 * @param values the settings; copied
 */
public record ProviderSettings(Map<String, String> values) {

  /** An empty set of settings. */
  public static final ProviderSettings EMPTY = new ProviderSettings(Map.of());

  /**
   * @param values the settings; copied
   * @throws NullPointerException if the map or an entry is {@code null}
   */
  public ProviderSettings {
    values = Map.copyOf(Objects.requireNonNull(values, "values"));
    values.forEach((k, v) -> {
      if (dev.storyreel.core.Redactor.isSecretName(k)) {
        dev.storyreel.core.Redactor.register(v);
      }
    });
  }

  /**
   * @param key a setting name
   * @return the value, if set
   */
  public Optional<String> get(String key) {
    return Optional.ofNullable(values.get(key));
  }

  /**
   * @param key a setting name
   * @param value its value
   * @return these settings with one more (or replaced) value
   */
  public ProviderSettings with(String key, String value) {
    java.util.HashMap<String, String> m = new java.util.HashMap<>(values);
    m.put(key, value);
    return new ProviderSettings(m);
  }

  @Override
  public String toString() {
    // Values may hold secrets: only the keys are shown.
    return "ProviderSettings" + new java.util.TreeSet<>(values.keySet());
  }
}
