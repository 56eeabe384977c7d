package dev.storyreel.samples.plugin;

import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.spi.ImageProvider;
import dev.storyreel.core.spi.ProviderFactory;
import dev.storyreel.core.spi.ProviderSettings;

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

  /** @throws ConfigurationException if {@code gradient.saturation} is not a number in 0..1 */
  @Override
  public ImageProvider create(ProviderSettings settings) {
    String s = settings.get("gradient.saturation").orElse("0.6");
    try {
      return new GradientImageProvider(Float.parseFloat(s));
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("gradient.saturation must be a number 0..1, was " + s, e);
    }
  }
}
