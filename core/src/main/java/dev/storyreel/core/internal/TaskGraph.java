package dev.storyreel.core.internal;

import dev.storyreel.core.ProgressEvent;
import dev.storyreel.core.ProgressListener;
import dev.storyreel.core.RetriableException;
import dev.storyreel.core.RetryPolicy;
import dev.storyreel.core.StoryReelException;
import dev.storyreel.core.TaskKind;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * An in-process graph of tasks with declared dependencies, run on an internal thread pool.
 *
 * <p>Build one with {@link #builder()}: declare per-resource concurrency limits, add tasks with
 * their dependencies (forward references made with {@link TaskKey#of(String)} are allowed), then
 * {@link Builder#build()} checks the graph. {@link #start(RetryPolicy, ProgressListener)} runs it:
 *
 * <ul>
 *   <li>a task starts only after every one of its dependencies has succeeded;
 *   <li>independent tasks run in parallel, at most {@code maxConcurrent} at once per resource class
 *       (a resource with no limit is unbounded). A task is handed to a thread only once a permit of
 *       its resource is free, so no thread ever blocks waiting for a permit;
 *   <li>a task that throws a {@linkplain StoryReelException#isRetriable() retriable} {@link
 *       StoryReelException} is tried again per the {@link RetryPolicy} (honouring {@link
 *       RetriableException#retryAfter()}); its permit is given back while it waits, and the wait
 *       holds no thread. Any other exception is never retried;
 *   <li>fail-fast: the first task to fail for good ends the run. The execution's {@link
 *       Execution#completion() completion} completes exceptionally with that task's exception,
 *       unwrapped, every other running task is interrupted, and nothing pending starts;
 *   <li>{@link Execution#cancel()} stops the run the same way, with a {@link
 *       CancellationException}.
 * </ul>
 *
 * <p>Each execution has its own pool of daemon threads named {@code storyreel-task-N} (and a
 * {@code storyreel-retry-N} timer thread for backoff waits), shut down when the execution ends.
 *
 * <p>Thread safety: a {@code TaskGraph} is immutable once built and may be started any number of
 * times, from any threads; every {@code start} is independent of the others. Task bodies are shared
 * between executions, so a graph started twice runs each body twice.
 */
public final class TaskGraph {

  private final List<Node> nodes;
  private final Map<String, Node> byId;
  private final Map<String, Integer> limits;

  private TaskGraph(List<Node> nodes, Map<String, Integer> limits) {
    this.nodes = nodes;
    Map<String, Node> m = new HashMap<>();
    for (Node n : nodes) {
      m.put(n.id, n);
    }
    this.byId = Collections.unmodifiableMap(m);
    this.limits = limits;
  }

  /**
   * Returns a new, empty builder.
   *
   * @return a new builder; never {@code null}
   */
  public static Builder builder() {
    return new GraphBuilder();
  }

  /**
   * Starts running the graph and returns at once; the tasks run on threads of a pool owned by the
   * returned execution. Tasks with no dependencies may already be running, or even finished, when
   * this method returns. An empty graph completes at once with empty results.
   *
   * <p>For each attempt of a task that starts, the listener gets {@link
   * ProgressEvent.TaskStarted}, then exactly one of {@link ProgressEvent.TaskSucceeded}, {@link
   * ProgressEvent.TaskRetrying} (followed, unless the run stops during the wait, by the next
   * attempt's {@code TaskStarted}) or {@link ProgressEvent.TaskFailed}. A task that never starts
   * gets no event. A task's {@code TaskSucceeded} is delivered before any {@code TaskStarted} of a
   * task that depends on it. Events come from several threads at once. A running task that is
   * interrupted when the run stops still gets its closing event, possibly after {@link
   * Execution#completion()} has completed. If the listener throws an {@link Exception}, it is
   * logged at {@code WARNING} and the run goes on; if it throws an {@link Error}, the run fails
   * with that error rather than hang.
   *
   * @param retry how retriable failures are retried; not {@code null}
   * @param listener receives task events; not {@code null} (use {@link ProgressListener#NONE})
   * @return the handle of the running execution; never {@code null}
   * @throws NullPointerException if an argument is {@code null}
   */
  public Execution start(RetryPolicy retry, ProgressListener listener) {
    return start(retry, listener, Duration.ZERO);
  }

  /**
   * Starts a run in which a failure stops <em>starting</em> tasks at once but lets the tasks
   * already running finish, for at most {@code grace}, before they are interrupted and {@link
   * Execution#completion()} fails. A task that is in the middle of a paid call can thus receive
   * and store its answer before the run ends: work that was paid for is never thrown away because
   * a sibling failed. Tasks waiting for a retry's backoff, and tasks not yet started, are dropped
   * at once. {@link Execution#cancel()} still interrupts everything at once, ending the grace
   * early. With a zero grace this is {@link #start(RetryPolicy, ProgressListener)}.
   *
   * @param retry how retriable failures are retried; not {@code null}
   * @param listener receives task events; not {@code null}
   * @param grace how long running tasks may go on after a failure; zero or positive
   * @return the handle of the running execution; never {@code null}
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if {@code grace} is negative
   */
  public Execution start(RetryPolicy retry, ProgressListener listener, Duration grace) {
    Objects.requireNonNull(retry, "retry");
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(grace, "grace");
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace must be zero or positive, was " + grace);
    }
    GraphExecution e = new GraphExecution(nodes, limits, retry, listener, grace);
    e.begin();
    return e;
  }

  /**
   * Returns the ids of this graph's tasks, in the order they were added.
   *
   * @return an unmodifiable list; never {@code null}
   */
  public List<String> taskIds() {
    return nodes.stream().map(n -> n.id).collect(Collectors.toUnmodifiableList());
  }

  /**
   * Returns the ids of the tasks that the given task depends on, in declaration order.
   *
   * @param key a task of this graph; not {@code null}
   * @return an unmodifiable list; never {@code null}, empty for a task with no dependencies
   * @throws IllegalArgumentException if this graph has no task with that id
   */
  public List<String> dependenciesOf(TaskKey<?> key) {
    Objects.requireNonNull(key, "key");
    Node n = byId.get(key.id());
    if (n == null) {
      throw new IllegalArgumentException("Unknown task '" + key.id() + "'; tasks: " + byId.keySet());
    }
    List<String> out = new ArrayList<>(n.deps.length);
    for (int d : n.deps) {
      out.add(nodes.get(d).id);
    }
    return Collections.unmodifiableList(out);
  }

  @Override
  public String toString() {
    return "TaskGraph[tasks=" + taskIds() + ", limits=" + limits + "]";
  }

  /**
   * The same graph restricted to some of its tasks (with the same bodies, metadata, retry
   * policies and limits), for running one task of a job elsewhere: the set must hold every
   * dependency of each task it holds.
   *
   * @param ids the tasks to keep
   * @return the smaller graph
   * @throws IllegalArgumentException if a kept task depends on one that is not kept
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  TaskGraph only(Set<String> ids) {
    Builder b = builder();
    limits.forEach(b::resourceLimit);
    for (Node n : nodes) {
      if (ids.contains(n.id)) {
        List<TaskKey<?>> deps = new ArrayList<>();
        for (int d : n.deps) {
          deps.add(TaskKey.of(nodes.get(d).id));
        }
        TaskKey<?> k = b.add(n.id, n.resource, n.meta, deps, (Task) n.task);
        if (n.retry != null) {
          b.retryPolicy(k, n.retry);
        }
      }
    }
    return b.build();
  }

  /**
   * @param id a task's id
   * @return its node, or {@code null}
   */
  Node node(String id) {
    return byId.get(id);
  }

  /**
   * The body of a task.
   *
   * <p>A body may run on any pool thread, more than once (once per attempt, and once per {@link
   * #start start} of the graph), so it must be thread-safe with respect to anything it shares. It
   * should answer interruption (the run was cancelled or another task failed) by returning or
   * throwing soon.
   *
   * @param <T> the result type
   */
  @FunctionalInterface
  public interface Task<T> {
    /**
     * Runs one attempt of the task.
     *
     * @param ctx access to dependencies' results and the attempt number; never {@code null}
     * @return the result, may be {@code null}
     * @throws Exception on failure; retried only if it is a {@link StoryReelException} whose
     *     {@link StoryReelException#isRetriable()} is {@code true}. {@link InterruptedException}
     *     when the run was stopped is expected
     */
    T run(TaskContext ctx) throws Exception;
  }

  /**
   * What a running task attempt can see. Valid only during that attempt; meant to be used from the
   * task's own thread, though it is safe to read from any thread.
   */
  public interface TaskContext {
    /**
     * Returns the result of one of this task's declared dependencies, which has succeeded.
     *
     * @param dep a declared dependency of this task; not {@code null}
     * @param <R> its result type
     * @return its result; {@code null} if that task returned {@code null}
     * @throws IllegalArgumentException if {@code dep} is not a declared dependency of this task
     * @throws NullPointerException if {@code dep} is {@code null}
     */
    <R> R get(TaskKey<R> dep);

    /**
     * Returns the number of this attempt.
     *
     * @return the current attempt, from 1
     */
    int attempt();

    /**
     * Whether the run this attempt belongs to has stopped (cancelled, or another task failed for
     * good). A task that does long work without blocking calls (which would see the interrupt)
     * can poll this and give up early; its result would be discarded anyway.
     *
     * <p>The default implementation reports the current thread's interrupt flag.
     *
     * @return {@code true} once the run has stopped
     */
    default boolean isCancelled() {
      return Thread.currentThread().isInterrupted();
    }
  }

  /**
   * A typed task id. Two keys with the same id are equal whatever their type parameter.
   *
   * @param id the id
   * @param <T> the result type
   */
  public record TaskKey<T>(String id) {
    /**
     * Makes a key, for example to name a task that is added later (a forward reference).
     *
     * @param id the id
     * @param <T> the result type
     * @return the key
     */
    public static <T> TaskKey<T> of(String id) {
      return new TaskKey<>(id);
    }
  }

  /**
   * What a task makes, copied into each of its events so that listeners need not parse its id.
   *
   * @param kind what the task makes
   * @param segment the segment's index (from 0) for per-segment work, else empty
   */
  public record Meta(TaskKind kind, OptionalInt segment) {
    /** A task without a kind: {@link TaskKind#OTHER}, no segment. */
    public static final Meta NONE = new Meta(TaskKind.OTHER, OptionalInt.empty());

    /**
     * @param kind what the task makes
     * @param segment the segment's index, or empty
     * @throws NullPointerException if an argument is {@code null}
     */
    public Meta {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(segment, "segment");
    }

    /**
     * @param kind what the task makes, once per job
     * @return the metadata with no segment
     */
    public static Meta of(TaskKind kind) {
      return new Meta(kind, OptionalInt.empty());
    }

    /**
     * @param kind what the task makes
     * @param segment the segment's index, from 0
     * @return the metadata of a per-segment task
     */
    public static Meta of(TaskKind kind, int segment) {
      return new Meta(kind, OptionalInt.of(segment));
    }
  }

  /** Results of a graph whose every task succeeded. Immutable and thread-safe. */
  public interface Results {
    /**
     * Returns the result of any task of the graph.
     *
     * @param key a task of the graph; not {@code null}
     * @param <T> its result type
     * @return its result; {@code null} if the task returned {@code null}
     * @throws IllegalArgumentException if the graph has no task with that id
     * @throws NullPointerException if {@code key} is {@code null}
     */
    <T> T get(TaskKey<T> key);
  }

  /** A running (or finished) execution of a graph. Thread-safe. */
  public interface Execution {
    /**
     * Returns the future that completes when the run ends: normally with the results once every
     * task has succeeded; exceptionally with the first task's failure, unwrapped (the exact
     * {@link Throwable} the task threw, so {@code completion().join()} throws a {@link
     * java.util.concurrent.CompletionException} whose cause is that throwable); or with a {@link
     * CancellationException} after {@link #cancel()}.
     *
     * <p>The same future is returned on every call. Completing or cancelling it from outside (for
     * example {@code completion().cancel(true)}) cancels the run, as {@link #cancel()} does.
     * Callbacks attached to it may run on a task thread; keep them short.
     *
     * @return the completion future; never {@code null}
     */
    CompletableFuture<Results> completion();

    /**
     * Cancels the run: running tasks are interrupted, no pending task starts, backoff waits are
     * abandoned and {@link #completion()} completes exceptionally with a {@link
     * CancellationException}. Returns without waiting for interrupted tasks to finish. Does
     * nothing if the run has already ended (succeeded, failed or cancelled). Safe to call from any
     * thread, including a task or the listener.
     */
    void cancel();

    /**
     * Waits until no task body of this run is executing any more: after a failure or {@link
     * #cancel()}, interrupted tasks may still be unwinding (and writing) when {@link
     * #completion()} completes; a caller that must know they stopped waits here. Call it only
     * after the run has ended, and never from a task thread.
     *
     * @param timeout the longest wait
     * @return {@code true} if every task body has returned, {@code false} on timeout
     * @throws InterruptedException if the waiting thread is interrupted
     */
    boolean awaitQuiescence(java.time.Duration timeout) throws InterruptedException;
  }

  /**
   * Builds a {@link TaskGraph}. Not thread-safe: use it from one thread, then share the built
   * graph.
   */
  public interface Builder {
    /**
     * Sets the most tasks of a resource class that may run at once. A resource without a limit is
     * unbounded. Setting a limit again replaces the earlier one. A limit for a resource that no
     * task uses is allowed and has no effect.
     *
     * @param resource a resource class, for example {@code "speech"}; not {@code null} or blank
     * @param maxConcurrent the most tasks of it running at once, {@code >= 1}
     * @return this builder
     * @throws IllegalArgumentException if {@code maxConcurrent < 1} (the message names the value)
     *     or {@code resource} is blank
     * @throws NullPointerException if {@code resource} is {@code null}
     */
    Builder resourceLimit(String resource, int maxConcurrent);

    /**
     * Adds a task. Its dependencies may name tasks that are added later; they are checked by
     * {@link #build()}. A dependency named twice counts once.
     *
     * @param id unique id; not {@code null} or blank (uniqueness is checked by {@link #build()})
     * @param resource resource class whose permit the task holds while it runs; not {@code null}
     *     or blank
     * @param dependsOn the tasks that must succeed first; not {@code null}, no {@code null}
     *     elements, may be empty
     * @param task the body; not {@code null}
     * @param <T> result type
     * @return the key of the new task
     * @throws IllegalArgumentException if {@code id} or {@code resource} is blank
     * @throws NullPointerException if an argument or a dependency is {@code null}
     */
    default <T> TaskKey<T> add(
        String id, String resource, Collection<TaskKey<?>> dependsOn, Task<T> task) {
      return add(id, resource, Meta.NONE, dependsOn, task);
    }

    /**
     * Adds a task with its metadata, which each of its events carries (see {@link
     * ProgressEvent.TaskStarted#kind()}); otherwise as {@link #add(String, String, Collection,
     * Task)}.
     *
     * @param id unique id; not {@code null} or blank
     * @param resource resource class; not {@code null} or blank
     * @param meta what the task makes; not {@code null}
     * @param dependsOn the tasks that must succeed first; not {@code null}
     * @param task the body; not {@code null}
     * @param <T> result type
     * @return the key of the new task
     * @throws IllegalArgumentException if {@code id} or {@code resource} is blank
     * @throws NullPointerException if an argument or a dependency is {@code null}
     */
    <T> TaskKey<T> add(String id, String resource, Meta meta, Collection<TaskKey<?>> dependsOn,
        Task<T> task);

    /**
     * Gives one task its own retry policy, in place of the one the run is started with: a task
     * whose failure would repeat with the same inputs (a render, say) is given {@link
     * RetryPolicy#none()}. Setting it again replaces the earlier one.
     *
     * @param task a task added to this builder (checked by {@link #build()}); not {@code null}
     * @param retry its policy; not {@code null}
     * @return this builder
     * @throws NullPointerException if an argument is {@code null}
     */
    Builder retryPolicy(TaskKey<?> task, RetryPolicy retry);

    /**
     * Checks the tasks added so far and builds an immutable graph. The builder may be used again
     * afterwards; later changes do not affect graphs already built.
     *
     * @return the graph; never {@code null}
     * @throws IllegalArgumentException if two tasks share an id (the message names the ids), a
     *     dependency names a task that was never added (the message names both tasks), or the
     *     dependencies form a cycle (the message gives the path, such as {@code a -> b -> c -> a},
     *     where each task depends on the next)
     */
    TaskGraph build();
  }

  // ---------------------------------------------------------------------------------------------

  /** One task of a built graph; immutable. Indices refer to the graph's node list. */
  static final class Node {
    final int index;
    final String id;
    final String resource;
    final Meta meta;
    final Task<?> task;
    final int[] deps;
    final Set<String> depIds;
    final int[] dependents;
    /** The task's own retry policy, or {@code null} for the run's. */
    final RetryPolicy retry;

    Node(
        int index,
        String id,
        String resource,
        Meta meta,
        Task<?> task,
        int[] deps,
        Set<String> depIds,
        int[] dependents,
        RetryPolicy retry) {
      this.retry = retry;
      this.index = index;
      this.id = id;
      this.resource = resource;
      this.meta = meta;
      this.task = task;
      this.deps = deps;
      this.depIds = depIds;
      this.dependents = dependents;
    }
  }

  private static final class GraphBuilder implements Builder {
    private record Spec(String id, String resource, Meta meta, List<String> deps, Task<?> task) {}

    private final List<Spec> specs = new ArrayList<>();
    private final Map<String, Integer> limits = new LinkedHashMap<>();
    private final Map<String, RetryPolicy> retries = new HashMap<>();

    @Override
    public Builder retryPolicy(TaskKey<?> task, RetryPolicy retry) {
      Objects.requireNonNull(task, "task");
      Objects.requireNonNull(retry, "retry");
      retries.put(task.id(), retry);
      return this;
    }

    @Override
    public Builder resourceLimit(String resource, int maxConcurrent) {
      requireText(resource, "resource");
      if (maxConcurrent < 1) {
        throw new IllegalArgumentException(
            "Resource limit for '" + resource + "' must be >= 1, was " + maxConcurrent);
      }
      limits.put(resource, maxConcurrent);
      return this;
    }

    @Override
    public <T> TaskKey<T> add(String id, String resource, Meta meta,
        Collection<TaskKey<?>> dependsOn, Task<T> task) {
      requireText(id, "id");
      requireText(resource, "resource");
      Objects.requireNonNull(meta, "meta");
      Objects.requireNonNull(dependsOn, "dependsOn");
      Objects.requireNonNull(task, "task");
      // A LinkedHashSet keeps declaration order (for messages) and drops repeated dependencies.
      Set<String> deps = new LinkedHashSet<>();
      for (TaskKey<?> k : dependsOn) {
        Objects.requireNonNull(k, () -> "dependency of task '" + id + "'");
        Objects.requireNonNull(k.id(), () -> "dependency id of task '" + id + "'");
        deps.add(k.id());
      }
      specs.add(new Spec(id, resource, meta, List.copyOf(deps), task));
      return TaskKey.of(id);
    }

    @Override
    public TaskGraph build() {
      Map<String, Integer> index = new HashMap<>();
      Set<String> duplicates = new LinkedHashSet<>();
      for (Spec s : specs) {
        if (index.putIfAbsent(s.id, index.size()) != null) {
          duplicates.add(s.id);
        }
      }
      if (!duplicates.isEmpty()) {
        throw new IllegalArgumentException("Duplicate task id(s): " + String.join(", ", duplicates));
      }
      List<String> unknown = new ArrayList<>();
      for (Spec s : specs) {
        for (String d : s.deps) {
          if (!index.containsKey(d)) {
            unknown.add("task '" + s.id + "' depends on unknown task '" + d + "'");
          }
        }
      }
      for (String r : retries.keySet()) {
        if (!index.containsKey(r)) {
          unknown.add("a retry policy names unknown task '" + r + "'");
        }
      }
      if (!unknown.isEmpty()) {
        throw new IllegalArgumentException(String.join("; ", unknown));
      }

      int count = specs.size();
      int[][] deps = new int[count][];
      List<List<Integer>> dependents = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        deps[i] = specs.get(i).deps.stream().mapToInt(index::get).toArray();
        dependents.add(new ArrayList<>());
      }
      for (int i = 0; i < count; i++) {
        for (int d : deps[i]) {
          dependents.get(d).add(i);
        }
      }
      List<Node> nodes = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        Spec s = specs.get(i);
        int[] after = dependents.get(i).stream().mapToInt(Integer::intValue).toArray();
        nodes.add(new Node(i, s.id, s.resource, s.meta, s.task, deps[i], Set.copyOf(s.deps), after,
            retries.get(s.id)));
      }
      String cycle = findCycle(nodes);
      if (cycle != null) {
        throw new IllegalArgumentException(
            "Dependency cycle: " + cycle + " (each task depends on the next)");
      }
      return new TaskGraph(List.copyOf(nodes), Map.copyOf(limits));
    }

    /**
     * Kahn's algorithm, then a walk among the leftovers. Iterative on purpose: a long chain of
     * tasks must not overflow the stack the way a recursive depth-first search could.
     *
     * @return the cycle as {@code a -> b -> a}, starting at its earliest-added task, or {@code
     *     null} if there is none
     */
    private static String findCycle(List<Node> nodes) {
      int n = nodes.size();
      int[] remaining = new int[n];
      Deque<Integer> free = new ArrayDeque<>();
      for (Node node : nodes) {
        remaining[node.index] = node.deps.length;
        if (node.deps.length == 0) {
          free.add(node.index);
        }
      }
      boolean[] removed = new boolean[n];
      int removedCount = 0;
      while (!free.isEmpty()) {
        int i = free.poll();
        removed[i] = true;
        removedCount++;
        for (int d : nodes.get(i).dependents) {
          if (--remaining[d] == 0) {
            free.add(d);
          }
        }
      }
      if (removedCount == n) {
        return null;
      }
      // Every task left over still waits on a leftover dependency, so following leftover
      // dependencies from any of them must eventually come back to a task already on the path.
      int start = 0;
      while (removed[start]) {
        start++;
      }
      int[] posOnPath = new int[n];
      Arrays.fill(posOnPath, -1);
      List<Integer> path = new ArrayList<>();
      int cur = start;
      while (posOnPath[cur] < 0) {
        posOnPath[cur] = path.size();
        path.add(cur);
        int next = -1;
        for (int d : nodes.get(cur).deps) {
          if (!removed[d]) {
            next = d;
            break;
          }
        }
        cur = next;
      }
      List<Integer> cycle = new ArrayList<>(path.subList(posOnPath[cur], path.size()));
      // Rotate so that the message starts at the earliest-added task: stable, and easy to find.
      int minPos = 0;
      for (int k = 1; k < cycle.size(); k++) {
        if (cycle.get(k) < cycle.get(minPos)) {
          minPos = k;
        }
      }
      Collections.rotate(cycle, -minPos);
      cycle.add(cycle.get(0));
      return cycle.stream().map(i -> nodes.get(i).id).collect(Collectors.joining(" -> "));
    }

    private static void requireText(String s, String what) {
      Objects.requireNonNull(s, what);
      if (s.isBlank()) {
        throw new IllegalArgumentException(what + " must not be blank");
      }
    }
  }
}
