package dev.storyreel.render.ffmpeg;

import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.spi.MusicProvider;
import dev.storyreel.core.spi.ProviderFactory;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.SettingSpec;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Makes {@link FileMusicProvider}s (music provider {@value FileMusicProvider#NAME}) for {@link
 * java.util.ServiceLoader}; registered in {@code
 * META-INF/services/dev.storyreel.core.spi.ProviderFactory}.
 *
 * <p>Settings:
 *
 * <ul>
 *   <li>{@code music.path} (required): a music file, or a folder of music files whose names carry
 *       their mood, for example {@code dread-1.mp3}
 *   <li>{@code music.fadeMillis}: fade-in and fade-out of each bed in milliseconds, 0..30000;
 *       1000 by default
 *   <li>{@code music.crossfadeMillis}: crossfade at each loop point in milliseconds, 0..30000;
 *       2000 by default
 * </ul>
 *
 * <p>{@link #isAvailable()} is {@code false}: the provider needs {@code music.path}, so it is
 * used only when asked for by name ({@code file}), never picked by priority.
 *
 * <p>Stateless and thread-safe.
 */
public final class FileMusicProviderFactory implements ProviderFactory<MusicProvider> {

  static final SettingSpec PATH =
      SettingSpec.text(FileMusicProvider.PATH_SETTING, "a music file, or a folder of music files"
          + " named by mood (dread-1.mp3, calm_piano.ogg)");
  static final SettingSpec FADE =
      SettingSpec.integer("music.fadeMillis", "fade-in and fade-out of each bed in milliseconds",
          0, FileMusicProvider.MAX_FADE.toMillis());
  static final SettingSpec CROSSFADE =
      SettingSpec.integer("music.crossfadeMillis", "crossfade at each loop point in milliseconds",
          0, FileMusicProvider.MAX_FADE.toMillis());

  /** Creates the factory; touches no native code and no file. */
  public FileMusicProviderFactory() {}

  /** @return {@code MusicProvider.class} */
  @Override
  public Class<MusicProvider> type() {
    return MusicProvider.class;
  }

  /** @return {@value FileMusicProvider#NAME} */
  @Override
  public String name() {
    return FileMusicProvider.NAME;
  }

  /** @return 1, as the offline defaults */
  @Override
  public int priority() {
    return 1;
  }

  /** @return {@code false}: only used when named, since it needs {@code music.path} */
  @Override
  public boolean isAvailable() {
    return false;
  }

  /** @return {@code music.path}, {@code music.fadeMillis} and {@code music.crossfadeMillis} */
  @Override
  public List<SettingSpec> settings() {
    return List.of(PATH, FADE, CROSSFADE);
  }

  /**
   * Creates the provider and checks every music file it may use.
   *
   * @param settings the shared settings; never {@code null}
   * @return a new provider
   * @throws ConfigurationException if {@code music.path} is missing or a value is out of range
   * @throws dev.storyreel.core.InvalidInputException if the path does not exist, holds no audio,
   *     or a file in it is not decodable audio (the message names the file)
   */
  @Override
  public MusicProvider create(ProviderSettings settings) {
    SettingSpec.checkAll(settings(), settings);
    FileMusicProvider.Builder b = FileMusicProvider.builder().path(path(settings, PATH,
        "The file music provider needs " + PATH.key() + ": a music file or a folder of music"
            + " files named by mood. Set " + PATH.key() + "=/path/to/music."));
    settings.get(FADE.key()).ifPresent(v -> b.fade(Duration.ofMillis(FADE.parseLong(v))));
    settings.get(CROSSFADE.key())
        .ifPresent(v -> b.crossfade(Duration.ofMillis(CROSSFADE.parseLong(v))));
    return b.build();
  }

  /**
   * @return the path a setting names
   * @throws ConfigurationException if it is missing, blank or not a path
   */
  static Path path(ProviderSettings settings, SettingSpec spec, String missing) {
    String v = settings.get(spec.key()).map(String::strip).orElse("");
    if (v.isEmpty()) {
      throw new ConfigurationException(missing);
    }
    try {
      return Path.of(v);
    } catch (InvalidPathException e) {
      throw new ConfigurationException("Setting " + spec.key() + "='" + v + "' is not a valid"
          + " path (" + e.getReason() + ").", e);
    }
  }
}
