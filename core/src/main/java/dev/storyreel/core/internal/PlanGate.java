package dev.storyreel.core.internal;

import dev.storyreel.core.BudgetExceededException;
import dev.storyreel.core.CostEstimate;
import dev.storyreel.core.JobState;
import dev.storyreel.core.Manifest;
import dev.storyreel.core.Plan;
import dev.storyreel.core.ProgressEvent;
import dev.storyreel.core.TaskKind;
import dev.storyreel.core.Usage;
import dev.storyreel.core.spi.ImageProvider;
import java.math.BigDecimal;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * What a job does between its planning and its first paid asset: plan (or take the plan it was
 * given, without calling the planner), moderate, estimate the cost ({@link PlanEstimator}),
 * check the estimate against the budget, publish the {@link Plan} ({@link
 * ProgressEvent.PlanReady}) and, when approval is required, wait in {@link
 * JobState#AWAITING_APPROVAL} for {@link #approve()} or {@link #reject()}. A rejected, cancelled
 * or over-budget job has spent nothing beyond planning.
 *
 * <p>Thread-safe: the job's thread runs {@link #plan}, any thread approves or rejects.
 */
public final class PlanGate {
  private final @Nullable Plan given;
  private final boolean approvalRequired;
  private final @Nullable ImageProvider previews;
  private final CompletableFuture<Boolean> decision = new CompletableFuture<>();
  private volatile Plan plan;

  /**
   * @param given the plan to make, or {@code null} to plan the job's story
   * @param approvalRequired whether the job waits for {@link #approve()} after publishing its plan
   * @param previews draws the sheet's previews of a plan waiting for approval (a free provider),
   *     or {@code null} for grey boxes
   */
  public PlanGate(@Nullable Plan given, boolean approvalRequired,
      @Nullable ImageProvider previews) {
    this.given = given;
    this.approvalRequired = approvalRequired;
    this.previews = previews;
  }

  /**
   * @return the gate of a job that plans its story and needs no approval: what every job did
   *     before plans
   */
  public static PlanGate plain() {
    return new PlanGate(null, false, null);
  }

  /** @return the published plan, or empty before it is known */
  public Optional<Plan> plan() {
    return Optional.ofNullable(plan);
  }

  /**
   * Lets a job waiting for approval go on.
   *
   * @throws IllegalStateException if approval is not required or the plan was rejected
   */
  public void approve() {
    if (!approvalRequired) {
      throw new IllegalStateException("This job was not submitted with approval required"
          + " (StoryReel.builder().requireApproval(true)); it needs no approval.");
    }
    decision.complete(true);
    if (!decision.join()) {
      throw new IllegalStateException("The plan was already rejected; submit the job again.");
    }
  }

  /**
   * Ends a job waiting for approval, having spent nothing beyond planning.
   *
   * @throws IllegalStateException if approval is not required or the plan was approved
   */
  public void reject() {
    if (!approvalRequired) {
      throw new IllegalStateException("This job was not submitted with approval required"
          + " (StoryReel.builder().requireApproval(true)); cancel it with cancel() instead.");
    }
    decision.complete(false);
    if (decision.join()) {
      throw new IllegalStateException("The plan was already approved; cancel the job instead.");
    }
  }

  /**
   * @param job the job
   * @param setState sets and announces the job's state
   * @return the storyboard to make, moderated, estimated, within budget and approved
   * @throws Exception the planner's or moderator's failure, a {@link BudgetExceededException},
   *     or a {@link CancellationException} when rejected or cancelled
   */
  PlanStage.Planned plan(JobContext job, Consumer<JobState> setState) throws Exception {
    PlanStage.Planned p;
    SegmentMedia segs;
    if (given != null) {
      p = new PlanStage.Planned(given.storyboard(),
          new Manifest.CacheUse(PlanJson.key(given), true), Usage.NONE);
      // Clip indexes and the user's files, before any paid call (moderation included).
      segs = SegmentMedia.resolve(job.cfg, given, p.board().segments().size())
          .checked(job.cfg.renderer());
      if (job.cfg.moderator() != null) {
        // An edited plan's prompts are new text: checked again before any paid asset.
        job.single("moderate", TaskGraph.Meta.of(TaskKind.MODERATION),
            job.cfg.moderator().resource(), job.cfg.retry(),
            ctx -> Moderation.check(job.cfg.moderator(), p.board()));
      }
    } else {
      p = new PlanStage(job).run();
      // Known only now: how many segments the planner made.
      segs = SegmentMedia.resolve(job.cfg, null, p.board().segments().size());
    }
    job.media = segs;
    CostEstimate estimate = PlanEstimator.estimate(job.cfg, p.board(), segs,
        given == null ? p.usage() : null, job.storage);
    checkBudget(job.metering.budget().limitUsd(), job.metering.budget().spentUsd(), estimate);
    Plan made = (given != null ? given : Plan.of(job.story, p.board())).withEstimate(estimate);
    for (int i : segs.clips()) {
      made = made.withShot(made.shots().get(i).withClip(true));
    }
    if (approvalRequired) {
      made = made.withSheet(SheetPainter.paint(made, job.cfg.format(), previews,
          job.cfg.seed()));
    }
    plan = made;
    job.listener.onEvent(new ProgressEvent.PlanReady(made));
    if (approvalRequired) {
      setState.accept(JobState.AWAITING_APPROVAL);
      // Cancelling the job interrupts this thread: the wait ends with InterruptedException.
      if (!decision.get()) {
        throw new CancellationException(
            "the plan was rejected; nothing beyond planning was spent");
      }
    }
    return p;
  }

  /**
   * Checks what of a plan moves before anything is written or paid for: clip indexes against
   * the storyboard, a clip provider when clips are asked for, and the user's own files (they
   * exist and decode).
   *
   * @param cfg the job's settings
   * @param plan the plan
   * @throws dev.storyreel.core.InvalidInputException naming the segment and what is wrong
   * @throws dev.storyreel.core.ConfigurationException if clips are asked for without a clip
   *     provider
   */
  public static void checkMotion(Pipeline.Config cfg, Plan plan) {
    SegmentMedia.resolve(cfg, plan, plan.shots().size()).checked(cfg.renderer());
  }

  /**
   * Fails before the first paid asset when the estimate does not fit the budget.
   *
   * @param limitUsd the budget, or {@code null} for none
   * @param spentUsd what the job spent so far (planning)
   * @param estimate the plan's estimate
   * @throws BudgetExceededException giving the estimate and the budget
   */
  public static void checkBudget(@Nullable BigDecimal limitUsd, BigDecimal spentUsd,
      CostEstimate estimate) {
    if (limitUsd == null) {
      return;
    }
    BigDecimal toProduce = estimate.toProduceUsd();
    BigDecimal total = spentUsd.add(toProduce);
    if (total.compareTo(limitUsd) > 0) {
      throw new BudgetExceededException("Budget exceeded: the plan is estimated to cost ~$"
          + toProduce.stripTrailingZeros().toPlainString() + " to make"
          + (spentUsd.signum() > 0 ? " (~$" + total.toPlainString() + " with the ~$"
              + spentUsd.toPlainString() + " planning spent)" : "")
          + ", over the job's budget of $" + limitUsd.toPlainString()
          + ". Nothing was spent on images or narration. Raise the budget (CLI: --budget-usd;"
          + " StoryReel.builder().budgetUsd(...)), choose cheaper models, or shorten the story.",
          total, limitUsd);
    }
  }
}
