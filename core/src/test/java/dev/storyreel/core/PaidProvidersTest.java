package dev.storyreel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.storyreel.core.spi.Aligner;
import dev.storyreel.core.spi.ProviderFactory;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.StoryPlanner;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A paid provider is used only when named: the test factories below are registered in this
 * module's test {@code META-INF/services}, available, and outrank the offline ones.
 */
class PaidProvidersTest {

  @Test
  void withoutANameTheFreeProviderWinsOverAnAvailablePaidOneOfHigherPriority() {
    List<ProviderFactory<StoryPlanner>> all = Providers.factories(StoryPlanner.class);
    assertThat(all.get(0).name()).isEqualTo("paid-planner"); // first by priority
    assertThat(all.get(0).isAvailable()).isTrue();

    assertThat(Providers.create(StoryPlanner.class, null, ProviderSettings.EMPTY).name())
        .isEqualTo("rules");
  }

  @Test
  void aReelBuiltWithDefaultsPlansOffline(@TempDir Path dir) {
    // The paid planner's plan() throws, so a render that completes did not use it.
    JobResult r = StoryReel.builder().format(new VideoFormat(180, 320, 10))
        .images(new Fakes.Images()).speech(new Fakes.Speech(true)).renderer(new Fakes.Render())
        .workDir(dir.resolve("work")).build()
        .render(new Story("Pier", "The ferry left at nine. Nobody waved."), dir.resolve("out"));
    assertThat(r.manifest().planner().provider()).isEqualTo("rules");
  }

  @Test
  void aReelNamingThePaidPlannerUsesIt(@TempDir Path dir) {
    StoryReel reel = StoryReel.builder().planner("paid-planner").format(new VideoFormat(180, 320,
        10)).images(new Fakes.Images()).speech(new Fakes.Speech(true))
        .renderer(new Fakes.Render()).workDir(dir.resolve("work")).build();
    assertThatThrownBy(() -> reel.render(new Story("Pier", "The ferry left."), dir.resolve("out")))
        .hasStackTraceContaining("a paid provider was called");
  }

  @Test
  void thePaidProviderIsUsedWhenNamed() {
    assertThat(Providers.create(StoryPlanner.class, "paid-planner", ProviderSettings.EMPTY)
        .name()).isEqualTo("paid-planner");
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
    assertThatThrownBy(() -> Providers.create(StoryPlanner.class, "nope", ProviderSettings.EMPTY))
        .hasMessageContaining("paid-planner (paid)")
        .hasMessageContaining("rules")
        .hasMessageNotContaining("rules (paid)");
  }

  /** A planner that must never be called in these tests. */
  record Unused(String name) implements StoryPlanner, Aligner {
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

  /** Available, paid, and of higher priority than the offline planner. */
  public static final class PaidPlanner implements ProviderFactory<StoryPlanner> {
    @Override
    public Class<StoryPlanner> type() {
      return StoryPlanner.class;
    }

    @Override
    public String name() {
      return "paid-planner";
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
    public StoryPlanner create(ProviderSettings settings) {
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
