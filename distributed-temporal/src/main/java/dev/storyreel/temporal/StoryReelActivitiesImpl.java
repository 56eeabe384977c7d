package dev.storyreel.temporal;

import dev.storyreel.core.ProgressEvent;
import dev.storyreel.core.ProgressListener;
import dev.storyreel.core.RetriableException;
import dev.storyreel.core.StoryReel;
import dev.storyreel.core.StoryReelException;
import dev.storyreel.core.TaskKind;
import dev.storyreel.core.distributed.JobTasks;
import dev.storyreel.core.distributed.MadeAsset;
import dev.storyreel.core.distributed.PlannedJob;
import dev.storyreel.core.distributed.TaskInfo;
import dev.storyreel.core.distributed.TaskOutput;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCanceledException;
import io.temporal.client.ActivityCompletionException;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The activities on a worker: each runs one call of {@link JobTasks} on a thread of its own
 * while the activity's thread heartbeats (with the render's progress, {@code "frames D/T"}), so
 * that a cancellation reaches the task (its thread is interrupted) and a lost worker is noticed
 * within the heartbeat timeout. A task whose workflow has ended (another task failed for good)
 * may finish within {@link #FAILURE_GRACE}, so that what it was paid for is stored. StoryReel's failures become {@link ApplicationFailure}s: a
 * retriable one (of a task StoryReel retries, before its last attempt) retryable, with the
 * provider's {@code Retry-After} as the next delay; any other not retryable, with StoryReel's
 * message and the exception's class name as its type.
 */
final class StoryReelActivitiesImpl implements StoryReelActivities {
  private static final Logger LOG = LoggerFactory.getLogger(StoryReelActivitiesImpl.class);
  /** How long a task no longer wanted may go on, as the in-process graph's failure grace. */
  static final Duration FAILURE_GRACE = Duration.ofMinutes(3);
  private final StoryReel reel;
  private final StorageResolver storages;
  private final ProgressListener listener;
  private final Duration heartbeatEvery;
  private final ExecutorService threads;

  StoryReelActivitiesImpl(StoryReel reel, StorageResolver storages, ProgressListener listener,
      Duration heartbeatEvery, ExecutorService threads) {
    this.reel = reel;
    this.storages = storages;
    this.listener = listener;
    this.heartbeatEvery = heartbeatEvery;
    this.threads = threads;
  }

  @Override
  public PlannedJob plan(JobSpec spec) {
    TaskInfo planning = new TaskInfo("plan", TaskKind.STORYBOARD, -1,
        "planner", List.of(), true);
    return heartbeating(spec, planning, (tasks, events) -> tasks.plan(events));
  }

  @Override
  public TaskOutput run(JobSpec spec, TaskInfo task) {
    return heartbeating(spec, task, (tasks, events) -> tasks.run(task.id(), events));
  }

  @Override
  public TaskOutput publish(JobSpec spec, TaskInfo task, List<MadeAsset> made) {
    return heartbeating(spec, task, (tasks, events) -> tasks.publish(made, events));
  }

  @FunctionalInterface
  private interface Call<T> {
    T apply(JobTasks tasks, ProgressListener events);
  }

  private <T> T heartbeating(JobSpec spec, TaskInfo task, Call<T> call) {
    ActivityExecutionContext ctx = Activity.getExecutionContext();
    int attempt = ctx.getInfo().getAttempt();
    AtomicReference<String> progress = new AtomicReference<>("started");
    ProgressListener events = e -> {
      listener.onEvent(e);
      if (e instanceof ProgressEvent.FramesRendered f) {
        progress.set("frames " + f.framesDone() + "/" + f.framesTotal());
      }
    };
    Future<T> f;
    try {
      f = threads.submit(() -> call.apply(reel.tasks(spec.story(), storages.resolve(
          spec.storage())), events));
    } catch (RuntimeException e) {
      throw failure(spec, task, attempt, e);
    }
    while (true) {
      try {
        return f.get(heartbeatEvery.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        try {
          ctx.heartbeat(progress.get());
        } catch (ActivityCanceledException stop) {
          // The job was cancelled: stop the task and let it unwind first.
          LOG.info("task {} of job {} is cancelled", task.id(), spec.jobId());
          f.cancel(true);
          awaitStopped(f, Duration.ofSeconds(30));
          throw stop;
        } catch (ActivityCompletionException gone) {
          // The workflow has ended (another task failed for good) or this worker is stopping:
          // as in process, a running task may finish within the grace and store what it was
          // paid for; its result can no longer be reported.
          LOG.info("task {} of job {} is no longer wanted ({}); letting it finish", task.id(),
              spec.jobId(), gone.getClass().getSimpleName());
          awaitStopped(f, FAILURE_GRACE);
          f.cancel(true);
          throw gone;
        }
      } catch (InterruptedException e) {
        f.cancel(true);
        Thread.currentThread().interrupt();
        throw ApplicationFailure.newFailure("the worker is shutting down", "WorkerShutdown");
      } catch (ExecutionException e) {
        throw failure(spec, task, attempt, e.getCause());
      }
    }
  }

  private static void awaitStopped(Future<?> f, Duration atMost) {
    // A cancelled FutureTask does not wait for its body: poll until the body has returned.
    long deadline = System.nanoTime() + atMost.toNanos();
    while (!f.isDone() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** StoryReel's failure as Temporal's, retryable only where StoryReel would retry it. */
  static ApplicationFailure failure(JobSpec spec, TaskInfo task, int attempt, Throwable t) {
    String type = t.getClass().getName();
    if (t instanceof StoryReelException e && e.isRetriable() && task.retried()) {
      if (attempt < spec.maxAttempts()) {
        Duration after = e instanceof RetriableException r ? r.retryAfter() : null;
        return after == null
            ? ApplicationFailure.newFailure(e.getMessage(), type)
            : ApplicationFailure.newFailureWithCauseAndDelay(e.getMessage(), type, null, after);
      }
      e.recordAttempts(attempt); // "Failed after N attempts: ...", as in process
      return ApplicationFailure.newNonRetryableFailure(e.getMessage(), type);
    }
    if (t instanceof CancellationException) {
      return ApplicationFailure.newNonRetryableFailure("Task " + task.id() + " was cancelled: "
          + t.getMessage(), type);
    }
    String m = t instanceof StoryReelException ? t.getMessage()
        : "Task " + task.id() + " failed: " + t;
    return ApplicationFailure.newNonRetryableFailure(m, type);
  }
}
