package dev.storyreel.core.internal;

import dev.storyreel.core.Budget;
import dev.storyreel.core.CostEstimate;
import dev.storyreel.core.Plan;
import dev.storyreel.core.ProgressListener;
import dev.storyreel.core.RetryPolicy;
import dev.storyreel.core.Story;
import dev.storyreel.core.spi.ImageProvider;
import dev.storyreel.core.spi.Storage;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * Plans a story outside a job, for {@link dev.storyreel.core.StoryReel#plan}: the same planning
 * stage a job runs ({@link PlanStage}: the planner through the storage's asset cache, metered
 * against the budget, retried, then moderated), then the estimate and the sheet. The planner call
 * is the only thing that may be paid. Stateless and thread-safe.
 */
public final class Planning {
  private Planning() {}

  /**
   * @param cfg the settings and providers a job would use
   * @param story the story, already checked as {@code submit} checks it
   * @param storage whose asset cache the storyboard is looked up in and stored to
   * @param previews draws the sheet's previews (a free provider), or {@code null}
   * @return the plan, with its estimate and sheet
   * @throws Exception the planner's or moderator's final failure, or a {@link
   *     CancellationException} when this thread was interrupted
   */
  public static Plan plan(Pipeline.Config cfg, Story story, Storage storage,
      @Nullable ImageProvider previews) throws Exception {
    ProgressListener listener = SafeListener.wrap(cfg.listener());
    Metering metering = new Metering(cfg.prices(), new Budget(cfg.budgetUsd()), listener);
    JobContext job = new JobContext(cfg, story, storage, listener,
        new AssetCache(storage, cfg.cacheReads()), metering, cfg.workDir(),
        (graph, retry, grace) -> run(graph, retry, grace, listener));
    PlanStage.Planned p = new PlanStage(job).run();
    SegmentMedia segs = SegmentMedia.resolve(cfg, null, p.board().segments().size());
    CostEstimate estimate = PlanEstimator.estimate(cfg, p.board(), segs, p.usage(), storage);
    Plan plan = Plan.of(story, p.board()).withEstimate(estimate);
    for (int i : segs.clips()) {
      // The clips asked for are written into the plan, so that producing it makes them.
      plan = plan.withShot(plan.shots().get(i).withClip(true));
    }
    return plan.withSheet(SheetPainter.paint(plan, cfg.format(), previews, cfg.seed()));
  }

  private static TaskGraph.Results run(TaskGraph graph, RetryPolicy retry, Duration grace,
      ProgressListener listener) throws Exception {
    TaskGraph.Execution exec = graph.start(retry, listener, grace);
    try {
      return exec.completion().get();
    } catch (InterruptedException e) {
      exec.cancel();
      Thread.currentThread().interrupt();
      throw new CancellationException("planning was interrupted");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception ex) {
        throw ex;
      }
      throw e;
    }
  }
}
