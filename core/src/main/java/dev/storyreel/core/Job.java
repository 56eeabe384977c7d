package dev.storyreel.core;

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
}
