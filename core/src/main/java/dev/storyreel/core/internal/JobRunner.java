package dev.storyreel.core.internal;

import dev.storyreel.core.ProgressListener;
import dev.storyreel.core.RetryPolicy;
import java.time.Duration;

/**
 * Runs a job's {@link TaskGraph}: the seam between what a job is (its tasks, their inputs and
 * resources) and where its tasks run. A job builds its graphs and hands each one to its runner;
 * the runner owns the threads (or workers, or workflow) that execute the tasks, enforces the
 * graph's per-resource limits and retries, and reports every task's events to the listener.
 *
 * <p>{@link #inProcess()} runs the tasks on a thread pool of this JVM and is the default. A
 * runner that executes tasks elsewhere (a workflow engine such as Temporal, a later issue) only
 * has to honour the contract of {@link TaskGraph#start(RetryPolicy, ProgressListener, Duration)}:
 * a task starts once its dependencies have succeeded; tasks exchange storage references (cache
 * keys, {@link dev.storyreel.core.AssetRef}s), never each other's in-memory state, so each one
 * can run on any machine that reaches the job's storage.
 *
 * <p>Implementations are thread-safe: one runner serves every job of a {@code StoryReel}.
 */
@FunctionalInterface
public interface JobRunner {

  /**
   * Starts running a graph and returns at once.
   *
   * @param graph the tasks; not {@code null}
   * @param retry how retriable failures are retried, unless a task has its own policy; not
   *     {@code null}
   * @param listener receives every task's events; not {@code null}
   * @param grace how long running tasks may go on after one task failed for good; zero or
   *     positive
   * @return the running execution, which the job waits on and cancels; never {@code null}
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if {@code grace} is negative
   */
  TaskGraph.Execution start(TaskGraph graph, RetryPolicy retry, ProgressListener listener,
      Duration grace);

  /**
   * The default runner: {@link TaskGraph#start(RetryPolicy, ProgressListener, Duration)}, on
   * daemon threads of this JVM, one pool per execution.
   *
   * @return the in-process runner; never {@code null}
   */
  static JobRunner inProcess() {
    return InProcessJobRunner.INSTANCE;
  }
}
