package dev.storyreel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.storyreel.core.spi.Aligner;
import dev.storyreel.core.spi.Moderator;
import dev.storyreel.core.spi.ProviderFactory;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.StoryPlanner;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A paid provider is used only when named: the test factories below are registered in this
 * module's test {@code META-INF/services}, available, and outrank the free ones ({@link
 * ProvidersTest}'s {@code offline-only} moderator). Nothing here depends on which offline
 * providers core itself ships.
 */
class PaidProvidersTest {

  @Test
  void withoutANameTheFreeProviderWinsOverAnAvailablePaidOneOfHigherPriority() {
    List<ProviderFactory<Moderator>> all = Providers.factories(Moderator.class);
    assertThat(all.get(0).name()).isEqualTo("paid-moderator"); // first by priority
    assertThat(all.get(0).isAvailable()).isTrue();

    Moderator chosen = Providers.create(Moderator.class, null, ProviderSettings.EMPTY);
    assertThat(chosen.name()).isNotEqualTo("paid-moderator");
    assertThat(all).filteredOn(f -> f.name().equals(chosen.name()))
        .isNotEmpty().noneMatch(ProviderFactory::isPaid);
  }

  @Test
  void thePaidProviderIsUsedWhenNamed() {
    assertThat(Providers.create(Moderator.class, "paid-moderator", ProviderSettings.EMPTY)
        .name()).isEqualTo("paid-moderator");
  }

  @Test
  void aReelNamingThePaidModeratorCallsIt(@TempDir Path dir) {
    StoryReel reel = StoryReel.builder().moderator("paid-moderator")
        .planner(new Unused("test-planner") {
          @Override
          public Storyboard plan(Story story, VideoFormat format, String visualStyle) {
            return new Storyboard(List.of(new Segment(0, "The ferry left.", "a ferry")),
                "plain");
          }
        })
        .format(new VideoFormat(180, 320, 10)).images(new Fakes.Images())
        .speech(new Fakes.Speech(true)).renderer(new Fakes.Render())
        .workDir(dir.resolve("work")).build();
    assertThatThrownBy(() -> reel.render(new Story("Pier", "The ferry left."), dir.resolve("out")))
        .hasStackTraceContaining("a paid provider was called");
  }

  @Test
  void whenOnlyPaidProvidersAreAvailableTheErrorSaysToNameOne() {
    assertThatThrownBy(() -> Providers.create(Aligner.class, null, ProviderSettings.EMPTY))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("No free Aligner is available")
        .hasMessageContaining("paid-aligner")
        .hasMessageContaining("StoryReel.builder().aligner(\"paid-aligner\")")
        .hasMessageContaining("--aligner paid-aligner")
        .hasMessageNotContaining("Exception");
  }

  @Test
  void aFactoryWhoseIsPaidThrowsIsTakenAsPaid() {
    assertThatThrownBy(() -> Providers.create(Aligner.class, null, ProviderSettings.EMPTY))
        .hasMessageContaining("throwing-paid");
    assertThat(Providers.create(Aligner.class, "throwing-paid", ProviderSettings.EMPTY).name())
        .isEqualTo("throwing-paid");
  }

  @Test
  void theFoundListMarksPaidFactories() {
    assertThatThrownBy(() -> Providers.create(Moderator.class, "nope", ProviderSettings.EMPTY))
        .hasMessageContaining("paid-moderator (paid)")
        .hasMessageContaining("offline-only")
        .hasMessageNotContaining("offline-only (paid)");
  }

  /** A provider that must never be called in these tests. */
  static class Unused implements StoryPlanner, Aligner, Moderator {
    private final String name;

    Unused(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public List<List<String>> moderate(List<String> texts) {
      throw new AssertionError("a paid provider was called");
    }

    @Override
    public String model() {
      return "test";
    }

    @Override
    public String resource() {
      return "test";
    }

    @Override
    public Storyboard plan(Story story, VideoFormat format, String visualStyle) {
      throw new AssertionError("a paid provider was called");
    }

    @Override
    public List<WordTiming> align(int segmentIndex, String text, PcmAudio audio) {
      throw new AssertionError("a paid provider was called");
    }
  }

  /** Available, paid, and of higher priority than every other moderator factory. */
  public static final class PaidModerator implements ProviderFactory<Moderator> {
    @Override
    public Class<Moderator> type() {
      return Moderator.class;
    }

    @Override
    public String name() {
      return "paid-moderator";
    }

    @Override
    public int priority() {
      return 10;
    }

    @Override
    public boolean isPaid() {
      return true;
    }

    @Override
    public Moderator create(ProviderSettings settings) {
      return new Unused(name());
    }
  }

  /** The only aligner factory on the classpath that is available; paid. */
  public static class PaidAligner implements ProviderFactory<Aligner> {
    @Override
    public Class<Aligner> type() {
      return Aligner.class;
    }

    @Override
    public String name() {
      return "paid-aligner";
    }

    @Override
    public boolean isPaid() {
      return true;
    }

    @Override
    public Aligner create(ProviderSettings settings) {
      return new Unused(name());
    }
  }

  /** Breaks the contract: {@code isPaid()} throws. */
  public static final class ThrowingPaidAligner extends PaidAligner {
    @Override
    public String name() {
      return "throwing-paid";
    }

    @Override
    public int priority() {
      return 1;
    }

    @Override
    public boolean isPaid() {
      throw new IllegalStateException("broken plugin");
    }
  }
}
