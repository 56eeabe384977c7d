package dev.storyreel.core.distributed;

import dev.storyreel.core.ProgressListener;
import dev.storyreel.core.StoryReelException;
import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * One job's production tasks, runnable one at a time in any JVM that has the same {@code
 * StoryReel} configuration and reaches the job's storage. Made by {@link
 * dev.storyreel.core.StoryReel#tasks(dev.storyreel.core.Story, dev.storyreel.core.spi.Storage)}.
 *
 * <p>A task's outputs are entries of the job's asset cache in its storage, so a task needs
 * nothing from the JVM that ran its dependencies: {@link #run} first re-derives their outputs
 * from the cache (cache hits: no provider is called, nothing is paid) and then runs the task
 * itself. A scheduler must therefore start a task only after each of its {@link
 * TaskInfo#dependencies()} has succeeded; it may run the same task again (after a crash, say),
 * which finds what an earlier attempt stored.
 *
 * <p>Nothing here retries: each call is one attempt (the job's {@code RetryPolicy} is for the
 * scheduler to apply, with {@link StoryReelException#isRetriable()} and {@link
 * TaskInfo#retried()}). The final outputs ({@code video.mp4}, captions, {@code manifest.json})
 * are written only by the {@code publish} task, which is the whole job run in this JVM from the
 * cache: a job stopped before it has written no final output.
 *
 * <p>Thread-safe; calls are independent of one another.
 *
 * <pre>{@code
 * JobTasks tasks = reel.tasks(story, storage);
 * PlannedJob job = tasks.plan(listener);
 * List<MadeAsset> made = new ArrayList<>(job.made());
 * for (TaskInfo t : job.tasks()) {              // in dependency order
 *   if (!t.id().equals(JobTasks.PUBLISH)) {     // on any machine, in any order the graph allows
 *     made.addAll(tasks.run(t.id(), listener).made());
 *   }
 * }
 * tasks.publish(made, listener);                // the final outputs and the manifest
 * }
 * }</pre>
 */
public interface JobTasks {

  /** The id of the task that writes the final outputs and the manifest; it runs last. */
  String PUBLISH = "publish";

  /**
   * Plans the job (the storyboard from the planner, or from the cache when planned before,
   * moderated and checked against the budget) and lists its production tasks.
   *
   * @param listener receives the planning's events; not {@code null}
   * @return the tasks in an order where each comes after its dependencies, {@link #PUBLISH} last,
   *     and the storyboard's cache entry if this call made it; never {@code null}
   * @throws StoryReelException if planning fails (the planner, the moderator, the budget)
   * @throws CancellationException if the calling thread is interrupted
   */
  PlannedJob plan(ProgressListener listener);

  /**
   * Runs one task once, in this JVM, blocking until it ends. Interrupting the calling thread
   * cancels it (it then throws {@link CancellationException} once the task has stopped).
   *
   * @param taskId a task of {@link #plan}, other than {@link #PUBLISH}; not {@code null}
   * @param listener receives the task's events (and its dependencies' cache hits); not {@code
   *     null}
   * @return a short reference to what it made and the cache entries it made; never {@code null}
   * @throws IllegalArgumentException if the job has no such task, or it is {@link #PUBLISH}
   * @throws StoryReelException the task's failure, retriable or not
   * @throws CancellationException if the calling thread was interrupted
   */
  TaskOutput run(String taskId, ProgressListener listener);

  /**
   * Runs the {@link #PUBLISH} task: the whole job from the cache in this JVM, as {@code
   * StoryReel.submit} runs it, writing the final outputs and {@code manifest.json} last. Every
   * other task must have succeeded; if one has not, its work is done here. Interrupting the
   * calling thread cancels it, and what it had begun to publish is removed.
   *
   * @param madeByThisJob what the job's other tasks made ({@link TaskOutput#made()}, {@link
   *     PlannedJob#made()}), so that the manifest reports those entries as made by this job,
   *     with their usage; not {@code null}
   * @param listener receives the job's events; not {@code null}
   * @return the manifest's storage key and what this call itself made (nothing, normally)
   * @throws StoryReelException if a task fails here
   * @throws CancellationException if the calling thread was interrupted
   */
  TaskOutput publish(List<MadeAsset> madeByThisJob, ProgressListener listener);
}
