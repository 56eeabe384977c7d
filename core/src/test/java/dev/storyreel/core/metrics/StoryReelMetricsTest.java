package dev.storyreel.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storyreel.core.PriceTable;
import dev.storyreel.core.Story;
import dev.storyreel.core.StoryReel;
import dev.storyreel.core.TestFakes;
import dev.storyreel.core.VideoFormat;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Stage timers, call and cache-hit counters and the cost counter, from a job's events. */
@Timeout(60)
class StoryReelMetricsTest {
  @TempDir Path dir;

  @Test
  void aJobAndItsRerunAreCountedByKindOutcomeStageAndCost() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    StoryReel.Builder b = TestFakes.reel(dir)
        .format(new VideoFormat(180, 320, 10))
        .priceTable(PriceTable.empty().with("fake-images/solid", PriceTable.Price.perImage("0.04")))
        .listener(StoryReelMetrics.listener(registry));
    Story story = new Story("Pier", "The ferry left at nine. Nobody waved. The fog came in.");
    int segments = b.build().render(story, dir.resolve("out")).manifest().segments().size();

    assertThat(registry.get(StoryReelMetrics.CALLS).tags("kind", "image", "outcome", "success")
        .counter().count()).isEqualTo(segments);
    assertThat(registry.get(StoryReelMetrics.CALLS).tags("kind", "speech", "outcome", "success")
        .counter().count()).isEqualTo(segments);
    assertThat(registry.get(StoryReelMetrics.COST).tags("provider", "fake-images")
        .counter().count()).isCloseTo(0.04 * segments, org.assertj.core.data.Offset.offset(1e-9));
    for (String stage : new String[] {"planning", "generating_assets", "rendering", "publishing"}) {
      assertThat(registry.get(StoryReelMetrics.STAGE).tags("stage", stage).timer().count())
          .as(stage).isEqualTo(1);
    }
    assertThat(registry.find(StoryReelMetrics.CALLS).tags("outcome", "cache_hit").counter())
        .isNull();

    // The rerun finds every asset in the cache and spends nothing more.
    b.build().render(story, dir.resolve("out"));
    assertThat(registry.get(StoryReelMetrics.CALLS).tags("kind", "image", "outcome", "cache_hit")
        .counter().count()).isEqualTo(segments);
    assertThat(registry.get(StoryReelMetrics.COST).tags("provider", "fake-images")
        .counter().count()).isCloseTo(0.04 * segments, org.assertj.core.data.Offset.offset(1e-9));
  }
}
