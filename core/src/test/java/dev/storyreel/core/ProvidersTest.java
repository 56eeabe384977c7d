package dev.storyreel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.storyreel.core.spi.Moderator;
import dev.storyreel.core.spi.MusicProvider;
import dev.storyreel.core.spi.ProviderFactory;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.Renderer;
import dev.storyreel.core.spi.StoryPlanner;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProvidersTest {

  @Test
  void withNoPlannerOnTheClasspathTheErrorNamesTheOfflineModule() {
    // Core has no planner of its own: the offline one lives in providers-offline (whose own
    // tests find it by name and by priority).
    assertThat(Providers.factories(StoryPlanner.class)).isEmpty();
    assertThatThrownBy(() -> Providers.create(StoryPlanner.class, null, ProviderSettings.EMPTY))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("No StoryPlanner is available. Found: none.")
        .hasMessageContaining("Add the Maven dependency dev.storyreel:storyreel-providers-offline");
    assertThatThrownBy(() -> Providers.create(MusicProvider.class, null, ProviderSettings.EMPTY))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("dev.storyreel:storyreel-providers-offline");
    assertThatThrownBy(() -> Providers.create(Renderer.class, null, ProviderSettings.EMPTY))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("dev.storyreel:storyreel-render-ffmpeg");
  }

  @Test
  void anOfflineProviderAskedForByNameNamesItsModule() {
    for (String name : List.of("rules", "procedural", "freetts")) {
      assertThatThrownBy(() -> Providers.create(StoryPlanner.class, name, ProviderSettings.EMPTY))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("No StoryPlanner named '" + name + "'")
          .hasMessageContaining("Add the Maven dependency dev.storyreel:storyreel-providers-offline.");
    }
  }

  @Test
  void unknownNameListsWhatWasFoundAndTheModuleToAdd() {
    assertThatThrownBy(() -> Providers.create(StoryPlanner.class, "openai", ProviderSettings.EMPTY))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("No StoryPlanner named 'openai'")
        .hasMessageContaining("Found: none")
        .hasMessageContaining("dev.storyreel:storyreel-providers-openai");
    assertThatThrownBy(() -> Providers.create(Moderator.class, "openai", ProviderSettings.EMPTY))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("twin (unavailable), twin (unavailable), offline-only")
        .hasMessageContaining("paid-moderator (paid)");
  }

  @Test
  void duplicateNamesAreAnError() {
    assertThatThrownBy(() -> Providers.create(Moderator.class, "twin", ProviderSettings.EMPTY))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("Several Moderator factories are named 'twin'")
        .hasMessageContaining(TwinA.class.getName())
        .hasMessageContaining(TwinB.class.getName());
  }

  @Test
  void unavailableFactoriesAreSkippedWithoutAName() {
    List<ProviderFactory<Moderator>> all = Providers.factories(Moderator.class);
    assertThat(all).extracting(ProviderFactory::name).contains("twin", "offline-only");
    // TwinA and TwinB are unavailable; only "offline-only" may be picked.
    assertThat(Providers.create(Moderator.class, null, ProviderSettings.EMPTY).name())
        .isEqualTo("offline-only");
  }

  /** A test moderator that flags nothing. */
  record Passing(String name) implements Moderator {
    @Override
    public String model() {
      return "test";
    }

    @Override
    public List<List<String>> moderate(List<String> texts) {
      return texts.stream().map(t -> List.<String>of()).toList();
    }
  }

  abstract static class Base implements ProviderFactory<Moderator> {
    @Override
    public Class<Moderator> type() {
      return Moderator.class;
    }

    @Override
    public Moderator create(ProviderSettings settings) {
      return new Passing(name());
    }
  }

  /** First of two factories with the same name. */
  public static class TwinA extends Base {
    @Override
    public String name() {
      return "twin";
    }

    @Override
    public int priority() {
      return 9;
    }

    @Override
    public boolean isAvailable() {
      return false;
    }
  }

  /** Second of two factories with the same name. */
  public static final class TwinB extends TwinA {}

  /** Always available, low priority. */
  public static final class OfflineOnly extends Base {
    @Override
    public String name() {
      return "offline-only";
    }

    @Override
    public int priority() {
      return 1;
    }
  }
}
