package dev.storyreel.elevenlabs;

import dev.storyreel.core.spi.MusicProvider;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.SettingSpec;
import java.util.List;

/**
 * Makes {@link ElevenLabsMusicProvider}s, registered as the music provider {@code elevenlabs}.
 * Settings: {@code elevenlabs.music.style} (a musical style added to every prompt instead of the
 * story's, which each request carries), and the shared ones of {@link ElevenLabsFactoryBase}.
 *
 * <p>Stateless and thread-safe; loading it never touches the network.
 */
public final class ElevenLabsMusicProviderFactory extends ElevenLabsFactoryBase<MusicProvider> {

  /** Creates the factory; {@link java.util.ServiceLoader} calls this. */
  public ElevenLabsMusicProviderFactory() {}

  /** @return {@link MusicProvider} */
  @Override
  public Class<MusicProvider> type() {
    return MusicProvider.class;
  }

  @Override
  List<SettingSpec> own() {
    return List.of(SettingSpec.text("elevenlabs.music.style", "a musical style for every prompt,"
        + " instead of the story's"));
  }

  /**
   * @param s {@code elevenlabs.*} settings, others ignored
   * @return a new provider; sends no request
   * @throws dev.storyreel.core.ConfigurationException if no key is set for a remote server or a
   *     setting is not allowed
   */
  @Override
  public MusicProvider create(ProviderSettings s) {
    return new ElevenLabsMusicProvider(config(s), get(s, "elevenlabs.music.style"));
  }
}
