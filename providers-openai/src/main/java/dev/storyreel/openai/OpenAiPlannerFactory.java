package dev.storyreel.openai;

import dev.storyreel.core.spi.StoryPlanner;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.SettingSpec;
import java.util.List;

/**
 * Makes {@link OpenAiPlanner}s, registered as {@code openai}. Settings: {@code openai.model.planner} (default {@value OpenAiPlanner#DEFAULT_MODEL}) and those of {@link OpenAiConfig}.
 *
 * <p>Stateless and thread-safe; loading it never touches the network.
 */
public final class OpenAiPlannerFactory extends OpenAiFactoryBase<StoryPlanner> {

  /** Creates the factory; {@link java.util.ServiceLoader} calls this. */
  public OpenAiPlannerFactory() {}

  /** @return {@link StoryPlanner} */
  @Override
  public Class<StoryPlanner> type() {
    return StoryPlanner.class;
  }

  @Override
  List<SettingSpec> own() {
    return List.of(
        SettingSpec.text("openai.model.planner", "chat model that plans the storyboard, default " + OpenAiPlanner.DEFAULT_MODEL));
  }

  /**
   * @param settings {@code openai.*} settings, others ignored
   * @return a new provider
   * @throws dev.storyreel.core.ConfigurationException if no key is set for a remote server or a
   *     setting is malformed
   */
  @Override
  public StoryPlanner create(ProviderSettings settings) {
    return new OpenAiPlanner(config(settings), get(settings, "openai.model.planner", OpenAiPlanner.DEFAULT_MODEL));
  }
}
