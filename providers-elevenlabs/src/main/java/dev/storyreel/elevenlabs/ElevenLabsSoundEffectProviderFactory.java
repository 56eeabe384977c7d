package dev.storyreel.elevenlabs;

import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.SettingSpec;
import dev.storyreel.core.spi.SoundEffectProvider;
import java.time.Duration;
import java.util.List;

/**
 * Makes {@link ElevenLabsSoundEffectProvider}s, registered as the sound-effect provider {@code
 * elevenlabs}. Settings: {@code elevenlabs.sfx.durationSeconds} (0.5..30, default 3), {@code
 * elevenlabs.sfx.promptInfluence} (0..1, default 0.3), and the shared ones of {@link
 * ElevenLabsFactoryBase}.
 *
 * <p>Stateless and thread-safe; loading it never touches the network.
 */
public final class ElevenLabsSoundEffectProviderFactory
    extends ElevenLabsFactoryBase<SoundEffectProvider> {

  /** Creates the factory; {@link java.util.ServiceLoader} calls this. */
  public ElevenLabsSoundEffectProviderFactory() {}

  /** @return {@link SoundEffectProvider} */
  @Override
  public Class<SoundEffectProvider> type() {
    return SoundEffectProvider.class;
  }

  @Override
  List<SettingSpec> own() {
    return List.of(
        SettingSpec.decimal("elevenlabs.sfx.durationSeconds", "length of each effect, in"
            + " seconds", 0.5, 30),
        SettingSpec.decimal("elevenlabs.sfx.promptInfluence", "how closely effects follow"
            + " their description", 0, 1));
  }

  /**
   * @param s {@code elevenlabs.*} settings, others ignored
   * @return a new provider; sends no request
   * @throws dev.storyreel.core.ConfigurationException if no key is set for a remote server or a
   *     setting is not allowed
   */
  @Override
  public SoundEffectProvider create(ProviderSettings s) {
    ElevenLabsConfig c = config(s);
    String d = get(s, "elevenlabs.sfx.durationSeconds");
    String p = get(s, "elevenlabs.sfx.promptInfluence");
    Duration duration = d == null ? ElevenLabsSoundEffectProvider.DEFAULT_DURATION
        : Duration.ofMillis(Math.round(spec("elevenlabs.sfx.durationSeconds").parseDouble(d)
            * 1000));
    double influence = p == null ? ElevenLabsSoundEffectProvider.DEFAULT_PROMPT_INFLUENCE
        : spec("elevenlabs.sfx.promptInfluence").parseDouble(p);
    return new ElevenLabsSoundEffectProvider(c, duration, influence);
  }
}
