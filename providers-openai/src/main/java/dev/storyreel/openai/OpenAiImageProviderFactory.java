package dev.storyreel.openai;

import dev.storyreel.core.spi.ImageProvider;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.SettingSpec;
import java.util.List;

/**
 * Makes {@link OpenAiImageProvider}s, registered as {@code openai}. Settings: {@code openai.model.image} (default {@value OpenAiImageProvider#DEFAULT_MODEL}), {@code openai.image.quality} and those of {@link OpenAiConfig}.
 *
 * <p>Stateless and thread-safe; loading it never touches the network.
 */
public final class OpenAiImageProviderFactory extends OpenAiFactoryBase<ImageProvider> {

  /** Creates the factory; {@link java.util.ServiceLoader} calls this. */
  public OpenAiImageProviderFactory() {}

  /** @return {@link ImageProvider} */
  @Override
  public Class<ImageProvider> type() {
    return ImageProvider.class;
  }

  @Override
  List<SettingSpec> own() {
    return List.of(
        SettingSpec.text("openai.model.image", "image model, default " + OpenAiImageProvider.DEFAULT_MODEL),
        SettingSpec.text("openai.image.quality", "image quality the model accepts, for example hd or high"));
  }

  /**
   * @param settings {@code openai.*} settings, others ignored
   * @return a new provider
   * @throws dev.storyreel.core.ConfigurationException if no key is set for a remote server or a
   *     setting is malformed
   */
  @Override
  public ImageProvider create(ProviderSettings settings) {
    return new OpenAiImageProvider(config(settings), get(settings, "openai.model.image", OpenAiImageProvider.DEFAULT_MODEL), get(settings, "openai.image.quality", null));
  }
}
