package dev.storyreel.openai;

import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.SettingSpec;
import dev.storyreel.core.spi.StoryWriter;
import java.util.List;

/**
 * Makes {@link OpenAiWriter}s, registered as {@code openai} (paid: used only when named). Settings:
 * {@code openai.model.writer} (default {@value OpenAiWriter#DEFAULT_MODEL}) and those of {@link
 * OpenAiConfig}.
 *
 * <p>Stateless and thread-safe; loading it never touches the network.
 */
public final class OpenAiWriterFactory extends OpenAiFactoryBase<StoryWriter> {

  /** Creates the factory; {@link java.util.ServiceLoader} calls this. */
  public OpenAiWriterFactory() {}

  /** @return {@link StoryWriter} */
  @Override
  public Class<StoryWriter> type() {
    return StoryWriter.class;
  }

  @Override
  List<SettingSpec> own() {
    return List.of(SettingSpec.text("openai.model.writer",
        "chat model that writes stories from ideas, default " + OpenAiWriter.DEFAULT_MODEL));
  }

  /**
   * @param settings {@code openai.*} settings, others ignored
   * @return a new writer
   * @throws dev.storyreel.core.ConfigurationException if no key is set for a remote server or a
   *     setting is malformed
   */
  @Override
  public StoryWriter create(ProviderSettings settings) {
    return new OpenAiWriter(config(settings),
        get(settings, "openai.model.writer", OpenAiWriter.DEFAULT_MODEL));
  }
}
