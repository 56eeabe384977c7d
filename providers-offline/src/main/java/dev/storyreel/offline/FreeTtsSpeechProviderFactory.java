package dev.storyreel.offline;

import dev.storyreel.core.spi.ProviderFactory;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.SettingSpec;
import dev.storyreel.core.spi.SpeechProvider;
import java.util.List;

/**
 * Makes {@link FreeTtsSpeechProvider}s: the offline speech fallback, registered as {@value
 * FreeTtsSpeechProvider#NAME} with priority 1 so that any available online provider wins.
 *
 * <p>Settings: {@value #VOICE} (optional) names the default voice, {@code kevin16} (16 kHz, the
 * default) or {@code kevin} (8 kHz).
 *
 * <p>Stateless and thread-safe; loading it, {@link #name()}, {@link #priority()} and {@link
 * #isAvailable()} load no voice and touch no network.
 */
public final class FreeTtsSpeechProviderFactory implements ProviderFactory<SpeechProvider> {

  /** The setting naming the default voice, {@value}. */
  public static final String VOICE = "voice";

  /** Creates the factory; {@link java.util.ServiceLoader} calls this. */
  public FreeTtsSpeechProviderFactory() {}

  /** @return {@link SpeechProvider} */
  @Override
  public Class<SpeechProvider> type() {
    return SpeechProvider.class;
  }

  /** @return {@value FreeTtsSpeechProvider#NAME} */
  @Override
  public String name() {
    return FreeTtsSpeechProvider.NAME;
  }

  /** @return 1: the offline fallback */
  @Override
  public int priority() {
    return 1;
  }

  /** @return whether the FreeTTS classes are on the classpath (they are a dependency of core) */
  @Override
  public boolean isAvailable() {
    try {
      Class.forName(
          "com.sun.speech.freetts.en.us.cmu_us_kal.KevinVoiceDirectory",
          false,
          FreeTtsSpeechProviderFactory.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** @return {@value #VOICE} */
  @Override
  public List<SettingSpec> settings() {
    return List.of(SettingSpec.text(VOICE, "default FreeTTS voice: kevin16 (16 kHz) or kevin (8 kHz)"));
  }

  /**
   * @param settings may hold {@value #VOICE}; never {@code null}
   * @return a new provider; voices are loaded on its first call
   * @throws dev.storyreel.core.ConfigurationException if the voice does not exist (the message
   *     lists those that do)
   */
  @Override
  public SpeechProvider create(ProviderSettings settings) {
    return new FreeTtsSpeechProvider(
        settings.get(VOICE).filter(v -> !v.isBlank()).map(String::strip).orElse(null));
  }
}
