package dev.storyreel.samples.plugin;

import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.spi.ImageProvider;
import dev.storyreel.core.spi.ProviderFactory;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.SettingSpec;
import java.util.List;

/**
 * Registers {@link GradientImageProvider} as {@code gradient}: listed in {@code
 * META-INF/services/dev.storyreel.core.spi.ProviderFactory}, so {@code
 * StoryReel.builder().images("gradient")} (CLI: {@code --images gradient}) finds it once this jar
 * is on the classpath. Priority 0: it is used only when named. Setting read: {@code
 * gradient.saturation} (0..1, default 0.6); others are ignored.
 *
 * <p>Stateless and thread-safe; never throws while being discovered.
 */
public final class GradientImageProviderFactory implements ProviderFactory<ImageProvider> {

  /** Creates the factory; {@link java.util.ServiceLoader} calls this. */
  public GradientImageProviderFactory() {}

  @Override
  public Class<ImageProvider> type() {
    return ImageProvider.class;
  }

  @Override
  public String name() {
    return GradientImageProvider.NAME;
  }

  /** @return 0: only used when asked for by name */
  @Override
  public int priority() {
    return 0;
  }

  private static final SettingSpec SATURATION =
      SettingSpec.decimal("gradient.saturation", "colour saturation of the gradients", 0, 1);

  /** @return {@code gradient.saturation}, 0..1 */
  @Override
  public List<SettingSpec> settings() {
    return List.of(SATURATION);
  }

  /** @throws ConfigurationException if {@code gradient.saturation} is not a number in 0..1 */
  @Override
  public ImageProvider create(ProviderSettings settings) {
    float saturation = settings.get(SATURATION.key())
        .map(v -> (float) SATURATION.parseDouble(v)).orElse(0.6f);
    return new GradientImageProvider(saturation);
  }
}
