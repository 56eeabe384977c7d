package dev.storyreel.core.internal;

import dev.storyreel.core.InvalidInputException;
import dev.storyreel.core.LocalStorage;
import dev.storyreel.core.spi.ProviderFactory;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.SettingSpec;
import dev.storyreel.core.spi.Storage;
import java.util.List;
import java.nio.file.Path;

/** Discovers {@link LocalStorage} as {@code local}. Setting: {@code root} (required). */
public final class LocalStorageFactory implements ProviderFactory<Storage> {
  @Override
  public Class<Storage> type() {
    return Storage.class;
  }

  @Override
  public String name() {
    return "local";
  }

  @Override
  public int priority() {
    return 1;
  }

  @Override
  public List<SettingSpec> settings() {
    return List.of(SettingSpec.text("root", "the output folder"));
  }

  @Override
  public Storage create(ProviderSettings settings) {
    String root = settings.get("root").orElseThrow(() ->
        new InvalidInputException("local storage needs the setting 'root' (an output folder)"));
    return new LocalStorage(Path.of(root));
  }
}
