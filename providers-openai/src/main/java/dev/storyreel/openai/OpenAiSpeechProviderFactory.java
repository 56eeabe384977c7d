package dev.storyreel.openai;

import dev.storyreel.core.spi.SpeechProvider;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.SettingSpec;
import java.util.List;

/**
 * Makes {@link OpenAiSpeechProvider}s, registered as {@code openai}. Settings: {@code openai.model.speech} (default {@value OpenAiSpeechProvider#DEFAULT_MODEL}), {@code openai.speech.voice} (default {@value OpenAiSpeechProvider#DEFAULT_VOICE}), {@code openai.speech.format} ({@code wav} or {@code pcm}), {@code openai.speech.instructions} and those of {@link OpenAiConfig}.
 *
 * <p>Stateless and thread-safe; loading it never touches the network.
 */
public final class OpenAiSpeechProviderFactory extends OpenAiFactoryBase<SpeechProvider> {

  /** Creates the factory; {@link java.util.ServiceLoader} calls this. */
  public OpenAiSpeechProviderFactory() {}

  /** @return {@link SpeechProvider} */
  @Override
  public Class<SpeechProvider> type() {
    return SpeechProvider.class;
  }

  @Override
  List<SettingSpec> own() {
    return List.of(
        SettingSpec.text("openai.model.speech", "speech model, default " + OpenAiSpeechProvider.DEFAULT_MODEL),
        SettingSpec.text("openai.speech.voice", "voice, default " + OpenAiSpeechProvider.DEFAULT_VOICE),
        SettingSpec.oneOf("openai.speech.format", "audio format asked for", "wav", "pcm"),
        SettingSpec.text("openai.speech.instructions", "how to speak, for models that take instructions"));
  }

  /**
   * @param settings {@code openai.*} settings, others ignored
   * @return a new provider
   * @throws dev.storyreel.core.ConfigurationException if no key is set for a remote server or a
   *     setting is malformed
   */
  @Override
  public SpeechProvider create(ProviderSettings settings) {
    return new OpenAiSpeechProvider(config(settings), get(settings, "openai.model.speech", OpenAiSpeechProvider.DEFAULT_MODEL), get(settings, "openai.speech.voice", OpenAiSpeechProvider.DEFAULT_VOICE), get(settings, "openai.speech.format", "wav"), get(settings, "openai.speech.instructions", null));
  }
}
