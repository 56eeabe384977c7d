package dev.storyreel.core;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A running job: its state, its result, and a way to cancel it. Thread-safe.
 *
 * <p>{@code Job job = reel.submit(story, storage); job.result().join();}
 */
public interface Job {

  /** @return the current state; never {@code null} */
  JobState state();

  /**
   * The job's outcome. Cancelling this future ({@code result().cancel(true)}) or completing it
   * from outside (for example through {@code result().orTimeout(...)}) cancels the job as
   * {@link #cancel()} does: running tasks are interrupted and no final output (video, captions,
   * thumbnail, manifest) is left; {@link #state()} becomes {@link JobState#CANCELLED} once the
   * job has stopped.
   *
   * @return completes with the outputs, or exceptionally with the {@link StoryReelException}
   *     that failed the job, or a {@link java.util.concurrent.CancellationException}
   */
  CompletableFuture<JobResult> result();

  /**
   * Cancels the job: running tasks are interrupted and nothing new starts. Final outputs are
   * written only in the publishing stage, each by an atomic move, so a cancelled job leaves none
   * half-written. Returns at once; {@link #result()} then completes with a {@link
   * java.util.concurrent.CancellationException}. Does nothing once the job has ended.
   */
  void cancel();

  /**
   * The job's plan, once planning (and moderation) is done: the storyboard, the cost estimate and
   * the storyboard sheet. Also sent as {@link ProgressEvent.PlanReady}.
   *
   * @return the plan, or empty before it is known (and for jobs that do not publish one)
   */
  default Optional<Plan> plan() {
    return Optional.empty();
  }

  /**
   * Approves the plan of a job submitted with {@link StoryReel.Builder#requireApproval(boolean)}:
   * the job leaves {@link JobState#AWAITING_APPROVAL} and makes the video. Approving before the
   * plan is ready lets the job go on as soon as it is; approving twice, or a job that ended
   * before it was decided, does nothing.
   *
   * @throws IllegalStateException if the job was not submitted with approval required, or its
   *     plan was already rejected
   */
  default void approve() {
    throw new IllegalStateException("This job was not submitted with approval required"
        + " (StoryReel.builder().requireApproval(true)); it needs no approval.");
  }

  /**
   * Rejects the plan of a job submitted with {@link StoryReel.Builder#requireApproval(boolean)}:
   * the job ends {@link JobState#CANCELLED} having spent nothing beyond planning, and {@link
   * #result()} completes with a {@link java.util.concurrent.CancellationException} saying the plan
   * was rejected. Rejecting twice, or a job that ended before it was decided, does nothing.
   *
   * @throws IllegalStateException if the job was not submitted with approval required, or its
   *     plan was already approved
   */
  default void reject() {
    throw new IllegalStateException("This job was not submitted with approval required"
        + " (StoryReel.builder().requireApproval(true)); cancel it with cancel() instead.");
  }
}
