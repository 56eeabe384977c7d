package dev.storyreel.render.ffmpeg;

import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.spi.ProviderFactory;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.SettingSpec;
import dev.storyreel.core.spi.SoundEffectProvider;
import java.util.List;

/**
 * Makes {@link FolderSoundEffectProvider}s (sound-effect provider {@value
 * FolderSoundEffectProvider#NAME}) for {@link java.util.ServiceLoader}; registered in {@code
 * META-INF/services/dev.storyreel.core.spi.ProviderFactory}.
 *
 * <p>Setting {@code sfx.path} (required): a folder of effect files named by what is heard, for
 * example {@code door-creak.wav}.
 *
 * <p>{@link #isAvailable()} is {@code false}: the provider needs {@code sfx.path}, so it is used
 * only when asked for by name ({@code folder}), never picked by priority.
 *
 * <p>Stateless and thread-safe.
 */
public final class FolderSoundEffectProviderFactory
    implements ProviderFactory<SoundEffectProvider> {

  static final SettingSpec PATH =
      SettingSpec.text(FolderSoundEffectProvider.PATH_SETTING, "a folder of sound-effect files"
          + " named by what is heard (door-creak.wav, thunder.ogg)");

  /** Creates the factory; touches no native code and no file. */
  public FolderSoundEffectProviderFactory() {}

  /** @return {@code SoundEffectProvider.class} */
  @Override
  public Class<SoundEffectProvider> type() {
    return SoundEffectProvider.class;
  }

  /** @return {@value FolderSoundEffectProvider#NAME} */
  @Override
  public String name() {
    return FolderSoundEffectProvider.NAME;
  }

  /** @return 1, as the offline defaults */
  @Override
  public int priority() {
    return 1;
  }

  /** @return {@code false}: only used when named, since it needs {@code sfx.path} */
  @Override
  public boolean isAvailable() {
    return false;
  }

  /** @return {@code sfx.path} */
  @Override
  public List<SettingSpec> settings() {
    return List.of(PATH);
  }

  /**
   * Creates the provider and checks every effect file in the folder.
   *
   * @param settings the shared settings; never {@code null}
   * @return a new provider
   * @throws ConfigurationException if {@code sfx.path} is missing
   * @throws dev.storyreel.core.InvalidInputException if the folder does not exist, holds no audio,
   *     or a file in it is not decodable audio (the message names the file)
   */
  @Override
  public SoundEffectProvider create(ProviderSettings settings) {
    SettingSpec.checkAll(settings(), settings);
    return FolderSoundEffectProvider.builder()
        .folder(FileMusicProviderFactory.path(settings, PATH,
            "The folder sound-effect provider needs " + PATH.key() + ": a folder of effect files"
                + " named by what is heard. Set " + PATH.key() + "=/path/to/effects."))
        .build();
  }
}
