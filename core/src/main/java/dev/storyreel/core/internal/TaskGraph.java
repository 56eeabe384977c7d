package dev.storyreel.core.internal;

import dev.storyreel.core.ProgressListener;
import dev.storyreel.core.RetryPolicy;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;

/**
 * An in-process graph of tasks with declared dependencies. STUB: the implementation is being
 * written; see the contract in each method.
 */
public final class TaskGraph {

  private TaskGraph() {}

  /** @return a new builder */
  public static Builder builder() {
    throw new UnsupportedOperationException("not yet implemented");
  }

  /**
   * Starts running the graph.
   *
   * @param retry how retriable failures are retried
   * @param listener receives task events
   * @return the handle of the running execution
   */
  public Execution start(RetryPolicy retry, ProgressListener listener) {
    throw new UnsupportedOperationException("not yet implemented");
  }

  /**
   * The body of a task.
   *
   * @param <T> the result type
   */
  @FunctionalInterface
  public interface Task<T> {
    /**
     * @param ctx access to dependencies' results
     * @return the result, may be {@code null}
     * @throws Exception on failure; retried only if it is a retriable StoryReelException
     */
    T run(TaskContext ctx) throws Exception;
  }

  /** What a running task can see. */
  public interface TaskContext {
    /**
     * @param dep a declared dependency
     * @param <R> its result type
     * @return its result
     */
    <R> R get(TaskKey<R> dep);

    /** @return the current attempt, from 1 */
    int attempt();
  }

  /**
   * A typed task id.
   *
   * @param id the id
   * @param <T> the result type
   */
  public record TaskKey<T>(String id) {
    /**
     * @param id the id
     * @param <T> the result type
     * @return the key
     */
    public static <T> TaskKey<T> of(String id) {
      return new TaskKey<>(id);
    }
  }

  /** Results of a finished graph. */
  public interface Results {
    /**
     * @param key a task
     * @param <T> its result type
     * @return its result
     */
    <T> T get(TaskKey<T> key);
  }

  /** A running execution. */
  public interface Execution {
    /** @return completes with the results, or exceptionally with the first failure */
    CompletableFuture<Results> completion();

    /** Cancels the run. */
    void cancel();
  }

  /** Builds a graph. */
  public interface Builder {
    /**
     * @param resource a resource class
     * @param maxConcurrent the most tasks of it running at once
     * @return this
     */
    Builder resourceLimit(String resource, int maxConcurrent);

    /**
     * @param id unique id
     * @param resource resource class
     * @param dependsOn the tasks that must succeed first
     * @param task the body
     * @param <T> result type
     * @return the key
     */
    <T> TaskKey<T> add(String id, String resource, Collection<TaskKey<?>> dependsOn, Task<T> task);

    /** @return the graph */
    TaskGraph build();
  }
}
