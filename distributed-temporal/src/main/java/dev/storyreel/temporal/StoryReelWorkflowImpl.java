package dev.storyreel.temporal;

import dev.storyreel.core.TaskKind;
import dev.storyreel.core.distributed.JobTasks;
import dev.storyreel.core.distributed.MadeAsset;
import dev.storyreel.core.distributed.PlannedJob;
import dev.storyreel.core.distributed.TaskInfo;
import dev.storyreel.core.distributed.TaskOutput;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link StoryReelWorkflow}: deterministic, as Temporal requires. It holds only task ids and the
 * keys activities return; the media stay in the job's storage.
 *
 * <p>Retries: a task StoryReel retries gets Temporal's {@link RetryOptions} from the job's
 * {@code RetryPolicy} (attempts, first delay, multiplier, longest delay); a task StoryReel never
 * retries gets {@link JobSpec#crashAttempts()} attempts, which only a lost worker (a timeout)
 * uses, since its activity turns every StoryReel failure into a non-retryable one. Activities
 * are cancelled with {@link ActivityCancellationType#WAIT_CANCELLATION_COMPLETED}, so a cancelled
 * workflow ends only once its running tasks have stopped (and a publish has removed what it had
 * written).
 */
public final class StoryReelWorkflowImpl implements StoryReelWorkflow {
  /** The failure type of a task that did not finish in time (its worker was lost). */
  static final String TIMEOUT_TYPE = "StoryReelTaskTimeout";
  private final List<TaskEvent> events = new ArrayList<>();

  @Override
  public String run(JobSpec spec) {
    TaskQueues queues = new TaskQueues(spec.queuePrefix());
    TaskInfo planning = new TaskInfo("plan", TaskKind.STORYBOARD, -1, "planner", List.of(),
        true);
    StoryReelActivities planner = stub(spec, queues.planning(), planning);
    try {
      record(planning, TaskEvent.Phase.STARTED, 0, "");
      long t0 = Workflow.currentTimeMillis();
      PlannedJob planned;
      try {
        planned = planner.plan(spec);
      } catch (ActivityFailure f) {
        record(planning, TaskEvent.Phase.FAILED, Workflow.currentTimeMillis() - t0,
            message(planning, f));
        throw settled(planning, f);
      }
      record(planning, TaskEvent.Phase.SUCCEEDED, Workflow.currentTimeMillis() - t0, "");
      List<MadeAsset> made = new ArrayList<>(planned.made());
      Map<String, Promise<TaskOutput>> done = new HashMap<>();
      for (TaskInfo t : planned.tasks()) {
        List<Promise<TaskOutput>> deps = new ArrayList<>();
        for (String d : t.dependencies()) {
          deps.add(done.get(d));
        }
        StoryReelActivities s = stub(spec, queues.forKind(t.kind()), t);
        Promise<Void> ready = deps.isEmpty() ? Workflow.newPromise(null) : Promise.allOf(deps);
        done.put(t.id(), ready.thenCompose(v -> {
          record(t, TaskEvent.Phase.STARTED, 0, "");
          long start = Workflow.currentTimeMillis();
          // Every other task has ended when publish starts: it is the last, and depends on all.
          Promise<TaskOutput> call = t.id().equals(JobTasks.PUBLISH)
              ? Async.function(s::publish, spec, t, List.copyOf(made))
              : Async.function(s::run, spec, t);
          return call.handle((r, f) -> {
            long took = Workflow.currentTimeMillis() - start;
            if (f != null) {
              record(t, TaskEvent.Phase.FAILED, took, message(t, f));
              throw settled(t, f);
            }
            record(t, TaskEvent.Phase.SUCCEEDED, took, "");
            made.addAll(r.made());
            return r;
          });
        }));
      }
      // Every task is an ancestor of publish, so its promise fails with the first failure.
      return done.get(JobTasks.PUBLISH).get().reference();
    } catch (ApplicationFailure f) {
      throw f;
    } catch (ActivityFailure f) {
      // Only a cancellation is left unsettled (see settled): the workflow ends cancelled.
      if (f.getCause() instanceof CanceledFailure c) {
        throw c;
      }
      throw ApplicationFailure.newNonRetryableFailure(f.getMessage(), "StoryReelFailure");
    }
  }

  /**
   * A failed task's failure as the workflow's: StoryReel's message and exception type, not
   * retryable; a cancellation stays one.
   */
  private static RuntimeException settled(TaskInfo t, RuntimeException f) {
    if (f instanceof CanceledFailure
        || f instanceof ActivityFailure a && a.getCause() instanceof CanceledFailure) {
      return f;
    }
    if (f instanceof ApplicationFailure) {
      return f;
    }
    return ApplicationFailure.newNonRetryableFailure(message(t, f), type(f));
  }

  @Override
  public List<TaskEvent> events(int from) {
    return from >= events.size() ? List.of() : List.copyOf(events.subList(from, events.size()));
  }

  private void record(TaskInfo t, TaskEvent.Phase phase, long elapsedMillis, String message) {
    events.add(new TaskEvent(t.id(), phase, t.kind(), t.segment(), elapsedMillis, message));
  }

  private static StoryReelActivities stub(JobSpec spec, String queue, TaskInfo t) {
    RetryOptions.Builder retry = RetryOptions.newBuilder();
    if (t.retried()) {
      retry.setMaximumAttempts(spec.maxAttempts())
          .setInitialInterval(Duration.ofMillis(spec.initialDelayMillis()))
          .setBackoffCoefficient(spec.multiplier())
          .setMaximumInterval(Duration.ofMillis(spec.maxDelayMillis()));
    } else {
      retry.setMaximumAttempts(spec.crashAttempts())
          .setInitialInterval(Duration.ofSeconds(1));
    }
    return Workflow.newActivityStub(StoryReelActivities.class, ActivityOptions.newBuilder()
        .setTaskQueue(queue)
        .setStartToCloseTimeout(Duration.ofMillis(spec.taskTimeoutMillis()))
        .setHeartbeatTimeout(Duration.ofMillis(spec.heartbeatTimeoutMillis()))
        .setRetryOptions(retry.build())
        .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
        .setSummary(t.id())
        .build());
  }

  /** StoryReel's message of a failed task, or what went wrong with it. */
  static String message(TaskInfo t, Throwable f) {
    Throwable c = f instanceof ActivityFailure && f.getCause() != null ? f.getCause() : f;
    if (c instanceof ApplicationFailure a) {
      return a.getOriginalMessage();
    }
    if (c instanceof TimeoutFailure to) {
      return "Task " + t.id() + " timed out (" + to.getTimeoutType() + ") on each of its"
          + " attempts: its workers were lost or too slow. Check that workers poll its task"
          + " queue and that its heartbeat timeout suits them.";
    }
    return "Task " + t.id() + " failed: " + c.getMessage();
  }

  private static String type(Throwable f) {
    Throwable c = f instanceof ActivityFailure && f.getCause() != null ? f.getCause() : f;
    if (c instanceof ApplicationFailure a) {
      return a.getType();
    }
    return c instanceof TimeoutFailure ? TIMEOUT_TYPE : "StoryReelFailure";
  }
}
