package dev.storyreel.offline;

import dev.storyreel.core.spi.ImageProvider;
import dev.storyreel.core.spi.ProviderFactory;
import dev.storyreel.core.spi.ProviderSettings;

/**
 * Makes {@link ProceduralImageProvider}s: the offline image fallback, registered as {@value
 * ProceduralImageProvider#NAME} with priority 1 so that any available image model wins. It takes
 * no settings.
 *
 * <p>Stateless and thread-safe; it never touches the network.
 */
public final class ProceduralImageProviderFactory implements ProviderFactory<ImageProvider> {

  /** Creates the factory; {@link java.util.ServiceLoader} calls this. */
  public ProceduralImageProviderFactory() {}

  /** @return {@link ImageProvider} */
  @Override
  public Class<ImageProvider> type() {
    return ImageProvider.class;
  }

  /** @return {@value ProceduralImageProvider#NAME} */
  @Override
  public String name() {
    return ProceduralImageProvider.NAME;
  }

  /** @return 1: the offline fallback */
  @Override
  public int priority() {
    return 1;
  }

  /**
   * @param settings ignored; never {@code null}
   * @return a new provider
   */
  @Override
  public ImageProvider create(ProviderSettings settings) {
    return new ProceduralImageProvider();
  }
}
