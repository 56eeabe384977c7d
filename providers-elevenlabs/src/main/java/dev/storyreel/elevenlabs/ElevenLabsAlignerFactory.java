package dev.storyreel.elevenlabs;

import dev.storyreel.core.spi.Aligner;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.SettingSpec;
import java.util.List;

/**
 * Makes {@link ElevenLabsAligner}s, registered as the aligner {@code elevenlabs}. Settings: the
 * shared ones of {@link ElevenLabsFactoryBase}.
 *
 * <p>Stateless and thread-safe; loading it never touches the network.
 */
public final class ElevenLabsAlignerFactory extends ElevenLabsFactoryBase<Aligner> {

  /** Creates the factory; {@link java.util.ServiceLoader} calls this. */
  public ElevenLabsAlignerFactory() {}

  /** @return {@link Aligner} */
  @Override
  public Class<Aligner> type() {
    return Aligner.class;
  }

  @Override
  List<SettingSpec> own() {
    return List.of();
  }

  /**
   * @param s {@code elevenlabs.*} settings, others ignored
   * @return a new aligner; sends no request
   * @throws dev.storyreel.core.ConfigurationException if no key is set for a remote server or a
   *     setting is not allowed
   */
  @Override
  public Aligner create(ProviderSettings s) {
    return new ElevenLabsAligner(config(s));
  }
}
