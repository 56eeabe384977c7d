package dev.storyreel.openai;

import dev.storyreel.core.spi.Moderator;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.SettingSpec;
import java.util.List;

/**
 * Makes {@link OpenAiModerator}s, registered as {@code openai}. Settings: {@code openai.model.moderation} (default {@value OpenAiModerator#DEFAULT_MODEL}) and those of {@link OpenAiConfig}.
 *
 * <p>Stateless and thread-safe; loading it never touches the network.
 */
public final class OpenAiModeratorFactory extends OpenAiFactoryBase<Moderator> {

  /** Creates the factory; {@link java.util.ServiceLoader} calls this. */
  public OpenAiModeratorFactory() {}

  /** @return {@link Moderator} */
  @Override
  public Class<Moderator> type() {
    return Moderator.class;
  }

  @Override
  List<SettingSpec> own() {
    return List.of(
        SettingSpec.text("openai.model.moderation", "moderation model, default " + OpenAiModerator.DEFAULT_MODEL));
  }

  /**
   * @param settings {@code openai.*} settings, others ignored
   * @return a new provider
   * @throws dev.storyreel.core.ConfigurationException if no key is set for a remote server or a
   *     setting is malformed
   */
  @Override
  public Moderator create(ProviderSettings settings) {
    return new OpenAiModerator(config(settings), get(settings, "openai.model.moderation", OpenAiModerator.DEFAULT_MODEL));
  }
}
