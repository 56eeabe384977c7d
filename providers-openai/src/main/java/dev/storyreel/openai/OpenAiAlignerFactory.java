package dev.storyreel.openai;

import dev.storyreel.core.spi.Aligner;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.SettingSpec;
import java.util.List;

/**
 * Makes {@link OpenAiAligner}s, registered as {@code openai}. Settings: {@code openai.model.aligner} (default {@value OpenAiAligner#DEFAULT_MODEL}) and those of {@link OpenAiConfig}.
 *
 * <p>Stateless and thread-safe; loading it never touches the network.
 */
public final class OpenAiAlignerFactory extends OpenAiFactoryBase<Aligner> {

  /** Creates the factory; {@link java.util.ServiceLoader} calls this. */
  public OpenAiAlignerFactory() {}

  /** @return {@link Aligner} */
  @Override
  public Class<Aligner> type() {
    return Aligner.class;
  }

  @Override
  List<SettingSpec> own() {
    return List.of(
        SettingSpec.text("openai.model.aligner", "transcription model for word timings, default " + OpenAiAligner.DEFAULT_MODEL));
  }

  /**
   * @param settings {@code openai.*} settings, others ignored
   * @return a new provider
   * @throws dev.storyreel.core.ConfigurationException if no key is set for a remote server or a
   *     setting is malformed
   */
  @Override
  public Aligner create(ProviderSettings settings) {
    return new OpenAiAligner(config(settings), get(settings, "openai.model.aligner", OpenAiAligner.DEFAULT_MODEL));
  }
}
