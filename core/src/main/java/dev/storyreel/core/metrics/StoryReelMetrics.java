package dev.storyreel.core.metrics;

import dev.storyreel.core.JobState;
import dev.storyreel.core.ProgressEvent;
import dev.storyreel.core.ProgressListener;
import dev.storyreel.core.TaskKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Records a job's progress as Micrometer meters in a registry the host owns. Give the listener
 * to the builder ({@code StoryReel.builder().listener(StoryReelMetrics.listener(registry))}, or
 * combined with your own listener); it needs {@code io.micrometer:micrometer-core} on the class
 * path, which {@code storyreel-core} declares as optional.
 *
 * <p>Meters:
 *
 * <ul>
 *   <li>{@value #STAGE} (timer, tag {@code stage}: planning, generating_assets, rendering,
 *       publishing): wall time of each stage of each job;
 *   <li>{@value #CALLS} (counter, tags {@code kind} (image, speech, music, ...) and {@code
 *       outcome}: success, retried, failed, cache_hit): one count per task attempt's end, and one
 *       per asset found in the cache;
 *   <li>{@value #COST} (counter, tags {@code provider}, {@code model}): the estimated cost spent,
 *       in US dollars, from the job's price table.
 * </ul>
 *
 * <p>Thread-safe: events come from several threads; meters are registered on first use.
 */
public final class StoryReelMetrics {
  /** The stage timer's name: {@value}. */
  public static final String STAGE = "storyreel.stage";
  /** The provider-call counter's name: {@value}. */
  public static final String CALLS = "storyreel.calls";
  /** The cost counter's name, in US dollars: {@value}. */
  public static final String COST = "storyreel.cost.usd";

  private StoryReelMetrics() {}

  /**
   * @param registry where the meters go; never {@code null}
   * @return a listener that records every event of the jobs it is given to; one listener may
   *     serve several jobs at once only if they run one after another (stage times are measured
   *     between consecutive state changes)
   */
  public static ProgressListener listener(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    return new ProgressListener() {
      private long stageStart = System.nanoTime();
      private JobState stage;

      @Override
      public void onEvent(ProgressEvent e) {
        if (e instanceof ProgressEvent.JobStateChanged s) {
          synchronized (this) {
            long now = System.nanoTime();
            if (stage != null && !stage.isTerminal()) {
              Timer.builder(STAGE).description("Wall time of a job's stage")
                  .tag("stage", stage.name().toLowerCase(Locale.ROOT)).register(registry)
                  .record(now - stageStart, TimeUnit.NANOSECONDS);
            }
            stage = s.state();
            stageStart = now;
          }
        } else if (e instanceof ProgressEvent.TaskSucceeded t) {
          count(registry, t.kind(), "success");
        } else if (e instanceof ProgressEvent.TaskRetrying t) {
          count(registry, t.kind(), "retried");
        } else if (e instanceof ProgressEvent.TaskFailed t) {
          count(registry, t.kind(), "failed");
        } else if (e instanceof ProgressEvent.CacheHit h) {
          count(registry, h.kind(), "cache_hit");
        } else if (e instanceof ProgressEvent.UsageRecorded u) {
          double usd = u.usage().estimatedCostUsd().doubleValue();
          if (usd > 0) {
            Counter.builder(COST).description("Estimated cost spent, in US dollars")
                .baseUnit("usd").tag("provider", u.provider()).tag("model", u.model())
                .register(registry).increment(usd);
          }
        }
      }
    };
  }

  private static void count(MeterRegistry registry, TaskKind kind, String outcome) {
    Counter.builder(CALLS).description("Provider calls and cache hits, by kind and outcome")
        .tag("kind", kind.name().toLowerCase(Locale.ROOT)).tag("outcome", outcome)
        .register(registry).increment();
  }
}
