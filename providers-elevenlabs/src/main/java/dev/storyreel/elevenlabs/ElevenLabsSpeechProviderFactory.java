package dev.storyreel.elevenlabs;

import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.SettingSpec;
import dev.storyreel.core.spi.SpeechProvider;
import java.util.List;

/**
 * Makes {@link ElevenLabsSpeechProvider}s, registered as the speech provider {@code
 * elevenlabs}. Settings: {@code elevenlabs.speech.model} (default {@value
 * ElevenLabsSpeechProvider#DEFAULT_MODEL}), {@code elevenlabs.speech.voice} (id or name; default
 * Rachel), {@code elevenlabs.speech.stability}, {@code elevenlabs.speech.similarityBoost},
 * {@code elevenlabs.speech.style} (each 0..1), {@code elevenlabs.speech.speed} (0.7..1.2),
 * {@code elevenlabs.speech.speakerBoost} (true or false), and the shared ones of {@link
 * ElevenLabsFactoryBase}.
 *
 * <p>Stateless and thread-safe; loading it never touches the network.
 */
public final class ElevenLabsSpeechProviderFactory
    extends ElevenLabsFactoryBase<SpeechProvider> {

  /** Creates the factory; {@link java.util.ServiceLoader} calls this. */
  public ElevenLabsSpeechProviderFactory() {}

  /** @return {@link SpeechProvider} */
  @Override
  public Class<SpeechProvider> type() {
    return SpeechProvider.class;
  }

  @Override
  List<SettingSpec> own() {
    return List.of(
        SettingSpec.text("elevenlabs.speech.model", "speech model id, default "
            + ElevenLabsSpeechProvider.DEFAULT_MODEL),
        SettingSpec.text("elevenlabs.speech.voice", "voice id or name, default Rachel"),
        SettingSpec.decimal("elevenlabs.speech.stability", "voice stability", 0, 1),
        SettingSpec.decimal("elevenlabs.speech.similarityBoost", "similarity boost", 0, 1),
        SettingSpec.decimal("elevenlabs.speech.style", "style exaggeration", 0, 1),
        SettingSpec.decimal("elevenlabs.speech.speed", "speaking speed, 1 is normal", 0.7, 1.2),
        SettingSpec.bool("elevenlabs.speech.speakerBoost", "boost similarity to the speaker"));
  }

  /**
   * @param s {@code elevenlabs.*} settings, others ignored
   * @return a new provider; sends no request
   * @throws dev.storyreel.core.ConfigurationException if no key is set for a remote server or a
   *     setting is not allowed
   */
  @Override
  public SpeechProvider create(ProviderSettings s) {
    ElevenLabsSpeechProvider.Builder b = ElevenLabsSpeechProvider.builder(config(s));
    String model = get(s, "elevenlabs.speech.model");
    if (model != null) {
      b.model(model);
    }
    String voice = get(s, "elevenlabs.speech.voice");
    if (voice != null) {
      b.voice(voice);
    }
    b.stability(decimal(s, "elevenlabs.speech.stability"))
        .similarityBoost(decimal(s, "elevenlabs.speech.similarityBoost"))
        .style(decimal(s, "elevenlabs.speech.style"))
        .speed(decimal(s, "elevenlabs.speech.speed"));
    String boost = get(s, "elevenlabs.speech.speakerBoost");
    if (boost != null) {
      b.speakerBoost(spec("elevenlabs.speech.speakerBoost").parseBoolean(boost));
    }
    return b.build();
  }

  private Double decimal(ProviderSettings s, String key) {
    String v = get(s, key);
    return v == null ? null : spec(key).parseDouble(v);
  }
}
