package dev.storyreel.offline;

import dev.storyreel.core.spi.MusicProvider;
import dev.storyreel.core.spi.ProviderFactory;
import dev.storyreel.core.spi.ProviderSettings;

/**
 * Makes {@link ProceduralMusicProvider}s: the offline music, registered as {@value
 * ProceduralMusicProvider#NAME} with priority 1 so that any available music model or the user's
 * own files win. It takes no settings (the mood and seed come with each request).
 *
 * <p>Stateless and thread-safe; loading it, {@link #name()}, {@link #priority()} and {@link
 * #isAvailable()} open no synthesizer and touch no network.
 */
public final class ProceduralMusicProviderFactory implements ProviderFactory<MusicProvider> {

  /** Creates the factory; {@link java.util.ServiceLoader} calls this. */
  public ProceduralMusicProviderFactory() {}

  /** @return {@link MusicProvider} */
  @Override
  public Class<MusicProvider> type() {
    return MusicProvider.class;
  }

  /** @return {@value ProceduralMusicProvider#NAME} */
  @Override
  public String name() {
    return ProceduralMusicProvider.NAME;
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
  public MusicProvider create(ProviderSettings settings) {
    return new ProceduralMusicProvider();
  }
}
