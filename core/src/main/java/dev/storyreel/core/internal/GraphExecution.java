package dev.storyreel.core.internal;

import dev.storyreel.core.ProgressEvent;
import dev.storyreel.core.ProgressListener;
import dev.storyreel.core.RetriableException;
import dev.storyreel.core.RetryPolicy;
import dev.storyreel.core.StoryReelException;
import dev.storyreel.core.internal.TaskGraph.Node;
import dev.storyreel.core.internal.TaskGraph.Results;
import dev.storyreel.core.internal.TaskGraph.TaskContext;
import dev.storyreel.core.internal.TaskGraph.TaskKey;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One run of a {@link TaskGraph}.
 *
 * <p>All scheduling state is guarded by {@link #lock}. Task bodies, listener calls and the
 * completion of {@link #completion} happen outside it, so that a slow listener or a callback on
 * the future cannot stall scheduling, and so that either may call {@link #cancel()} safely.
 */
final class GraphExecution implements TaskGraph.Execution {

  private static final Logger LOG = LoggerFactory.getLogger(TaskGraph.class);
  private static final AtomicInteger TASK_THREADS = new AtomicInteger();
  private static final AtomicInteger RETRY_THREADS = new AtomicInteger();

  private final List<Node> nodes;
  private final Map<String, Integer> limits;
  private final RetryPolicy retry;
  private final ProgressListener listener;
  private final Duration grace;
  private final CompletableFuture<Results> completion = new CompletableFuture<>();
  /** The MDC of the thread that started the run (the job id), copied onto each task's thread. */
  private final @Nullable Map<String, String> callerMdc = MDC.getCopyOfContextMap();

  // Cached pool: dispatch only happens once a permit is free, so the number of threads is bounded
  // by the permits (or the task count for unbounded resources), and none ever waits for a permit.
  private final ThreadPoolExecutor pool =
      new ThreadPoolExecutor(
          0,
          Integer.MAX_VALUE,
          30,
          TimeUnit.SECONDS,
          new SynchronousQueue<>(),
          daemonThreads("storyreel-task-", TASK_THREADS));
  // Backoff waits live here rather than in a sleeping pool thread; it only hands the next attempt
  // back to the pool. Its thread is created on the first retry only.
  private final ScheduledThreadPoolExecutor timer =
      new ScheduledThreadPoolExecutor(1, daemonThreads("storyreel-retry-", RETRY_THREADS));

  private final Object lock = new Object();
  // Read without the lock by task threads for early exits; only ever changes false -> true.
  private volatile boolean stopped;
  // --- guarded by lock ---
  private final int[] waitingOn;
  private final int[] nextAttempt; // the number the next dispatch of each task gets, from 1
  private final Object[] results;
  private final Future<?>[] running;
  private final ScheduledFuture<?>[] backoff;
  private final Map<String, ArrayDeque<Node>> ready = new LinkedHashMap<>();
  private final Map<String, Integer> inUse = new HashMap<>();
  private int succeeded;
  // A failure that ends the run once the running tasks have returned (or the grace is over).
  private Throwable pendingFailure;
  private ScheduledFuture<?> graceTimer;

  GraphExecution(List<Node> nodes, Map<String, Integer> limits, RetryPolicy retry,
      ProgressListener listener, Duration grace) {
    this.nodes = nodes;
    this.limits = limits;
    this.retry = retry;
    this.listener = listener;
    this.grace = grace;
    int n = nodes.size();
    this.waitingOn = new int[n];
    this.nextAttempt = new int[n];
    Arrays.fill(nextAttempt, 1);
    this.results = new Object[n];
    this.running = new Future<?>[n];
    this.backoff = new ScheduledFuture<?>[n];
    timer.setRemoveOnCancelPolicy(true);
    // Whoever completes the future other than us (completion().cancel(true), complete(...)) means
    // "stop"; when we complete it ourselves, stopped is already true and this does nothing.
    completion.whenComplete((r, t) -> cancel());
  }

  /** Queues the tasks without dependencies; called once, right after construction. */
  void begin() {
    Results done = null;
    synchronized (lock) {
      for (Node node : nodes) {
        waitingOn[node.index] = node.deps.length;
        if (node.deps.length == 0) {
          enqueue(node, false);
        }
      }
      done = allSucceededOrDispatch();
    }
    completeIfDone(done);
  }

  @Override
  public CompletableFuture<Results> completion() {
    return completion;
  }

  @Override
  public boolean awaitQuiescence(Duration timeout) throws InterruptedException {
    // The pool is shut down when the run ends, so its termination means every body returned.
    return pool.awaitTermination(saturatedNanos(timeout), TimeUnit.NANOSECONDS);
  }

  @Override
  public void cancel() {
    List<Future<?>> toCancel;
    Throwable cause = new CancellationException("Task graph execution was cancelled");
    synchronized (lock) {
      if (stopped) {
        if (pendingFailure == null) {
          return;
        }
        // In a failure's grace: stop waiting for the running tasks, keep the failure as the cause.
        cause = pendingFailure;
        pendingFailure = null;
      }
      toCancel = stopLocked();
    }
    finishStopped(toCancel, cause);
  }

  @Override
  public String toString() {
    return "TaskGraph.Execution[" + (completion.isDone() ? "done" : "running") + "]";
  }

  // --- scheduling, all with lock held -----------------------------------------------------------

  private void enqueue(Node node, boolean first) {
    ArrayDeque<Node> q = ready.computeIfAbsent(node.resource, r -> new ArrayDeque<>());
    if (first) {
      q.addFirst(node);
    } else {
      q.addLast(node);
    }
  }

  private void dispatch() {
    if (stopped) {
      return;
    }
    for (Map.Entry<String, ArrayDeque<Node>> e : ready.entrySet()) {
      String resource = e.getKey();
      ArrayDeque<Node> q = e.getValue();
      int limit = limits.getOrDefault(resource, Integer.MAX_VALUE);
      int used = inUse.getOrDefault(resource, 0);
      while (!q.isEmpty() && used < limit) {
        Node node = q.poll();
        used++;
        int attempt = nextAttempt[node.index]++;
        running[node.index] = pool.submit(() -> runAttempt(node, attempt));
      }
      inUse.put(resource, used);
    }
  }

  private void release(Node node) {
    inUse.merge(node.resource, -1, Integer::sum);
  }

  /** Marks the run stopped and collects what must be interrupted; with lock held. */
  private List<Future<?>> stopLocked() {
    stopped = true;
    List<Future<?>> out = new ArrayList<>();
    for (int i = 0; i < running.length; i++) {
      if (running[i] != null) {
        out.add(running[i]);
        running[i] = null;
      }
      if (backoff[i] != null) {
        out.add(backoff[i]);
        backoff[i] = null;
      }
    }
    ready.clear();
    return out;
  }

  private Results snapshot() {
    Map<String, Object> m = new HashMap<>();
    for (Node node : nodes) {
      m.put(node.id, results[node.index]);
    }
    return new GraphResults(Collections.unmodifiableMap(m));
  }

  // --- outside the lock ---------------------------------------------------------------------------

  /** Interrupts, shuts down and completes the future after {@link #stopLocked()}. */
  private void finishStopped(List<Future<?>> toCancel, Throwable cause) {
    // Interrupt first, so that by the time a caller sees the failure, siblings are already told.
    for (Future<?> f : toCancel) {
      f.cancel(true);
    }
    shutDownPools();
    completion.completeExceptionally(cause);
  }

  private void shutDownPools() {
    // shutdown(), not shutdownNow(): the caller may be a pool thread, which must not interrupt
    // itself; the tasks that had to be interrupted were cancelled one by one.
    pool.shutdown();
    timer.shutdownNow();
  }

  private void runAttempt(Node node, int attempt) {
    // Pool threads are shared between tasks: the MDC is set for this attempt and cleared after.
    LogContext.enterTask(callerMdc, node.id, node.resource, attempt);
    try {
      runAttemptLogged(node, attempt);
    } finally {
      MDC.clear();
    }
  }

  private void runAttemptLogged(Node node, int attempt) {
    boolean interrupted = false;
    try {
      if (stopped) {
        // Stopped between dispatch and now: the task never started, so it gets no event.
        returnedAfterStop(node);
        return;
      }
      emit(new ProgressEvent.TaskStarted(node.id, node.resource, attempt,
          node.meta.kind(), node.meta.segment()));
      long t0 = System.nanoTime();
      Object value = null;
      Throwable failure = null;
      try {
        value = node.task.run(new Context(node, attempt));
      } catch (Throwable t) { // any Throwable: an Error must fail the run, not hang it
        failure = t;
      }
      Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
      // Clear the flag so that listener calls and bookkeeping run normally; restored below.
      interrupted = Thread.interrupted() || failure instanceof InterruptedException;
      if (failure == null) {
        LOG.debug("task '{}' succeeded in {} ms", node.id, elapsed.toMillis());
        onSuccess(node, attempt, value, elapsed);
      } else {
        onFailure(node, attempt, failure);
      }
    } catch (Throwable t) { // a listener Error or a bug here: end the run rather than hang it
      failRun(node, t);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void onSuccess(Node node, int attempt, Object value, Duration elapsed) {
    // Before the bookkeeping, so that dependents' TaskStarted always comes after this event.
    emit(new ProgressEvent.TaskSucceeded(node.id, attempt, elapsed, node.meta.kind(),
        node.meta.segment()));
    Results done = null;
    Finish finish = null;
    synchronized (lock) {
      running[node.index] = null;
      release(node);
      if (stopped) {
        finish = graceOverLocked();
      } else {
        results[node.index] = value;
        succeeded++;
        for (int d : node.dependents) {
          if (--waitingOn[d] == 0) {
            enqueue(nodes.get(d), false);
          }
        }
        done = allSucceededOrDispatch();
      }
    }
    if (finish != null) {
      finishStopped(finish.toCancel(), finish.cause());
      return;
    }
    completeIfDone(done);
  }

  /**
   * Ends the run when every task has succeeded (an empty graph included), else starts what can
   * start. Call with {@link #lock} held.
   *
   * @return the results when the run is over, else {@code null}
   */
  private Results allSucceededOrDispatch() {
    if (succeeded == nodes.size()) {
      stopped = true;
      return snapshot();
    }
    dispatch();
    return null;
  }

  /** Completes the run outside the lock, so that callbacks on the future cannot stall it. */
  private void completeIfDone(Results done) {
    if (done != null) {
      shutDownPools();
      completion.complete(done);
    }
  }

  private void onFailure(Node node, int attempt, Throwable failure) {
    boolean retriable = failure instanceof StoryReelException s && s.isRetriable();
    RetryPolicy retry = node.retry != null ? node.retry : this.retry;
    if (retriable && attempt < retry.maxAttempts() && !stopped) {
      Duration retryAfter = failure instanceof RetriableException r ? r.retryAfter() : null;
      Duration delay = retry.delayAfter(attempt, retryAfter);
      // Emitted before the timer is armed so that this event precedes the next TaskStarted. If
      // the run stops in between, the retry is abandoned, as it is for a stop during the wait.
      emit(new ProgressEvent.TaskRetrying(node.id, attempt, delay, failure,
          node.meta.kind(), node.meta.segment()));
      Finish finish = null;
      synchronized (lock) {
        running[node.index] = null;
        // The permit goes back during the wait, so other tasks of this resource can use it.
        release(node);
        if (stopped) {
          finish = graceOverLocked();
        } else {
          backoff[node.index] = timer.schedule(
              () -> backoffOver(node), saturatedNanos(delay), TimeUnit.NANOSECONDS);
          dispatch();
        }
      }
      if (finish != null) {
        finishStopped(finish.toCancel(), finish.cause());
      }
      return;
    }
    if (failure instanceof StoryReelException se && attempt > 1) {
      // The last failure, not the first: its message now says how many attempts were made.
      se.recordAttempts(attempt);
    }
    emit(new ProgressEvent.TaskFailed(node.id, attempt, failure, node.meta.kind(),
        node.meta.segment()));
    failRun(node, failure);
  }

  /**
   * Ends the run with {@code cause}, unless it has already ended. With a grace period and tasks
   * still running, the run first stops starting tasks and waits for the running ones (see {@link
   * TaskGraph#start(RetryPolicy, ProgressListener, Duration)}).
   */
  private void failRun(Node node, Throwable cause) {
    Finish finish;
    List<Future<?>> dropped = new ArrayList<>();
    synchronized (lock) {
      if (running[node.index] != null) {
        // Our own future: cancelling it would interrupt this very thread.
        running[node.index] = null;
        release(node);
      }
      if (stopped) {
        // Already stopping: this task's return may be the last one a grace waits for.
        finish = graceOverLocked();
      } else if (grace.isZero() || runningCountLocked() == 0) {
        finish = new Finish(stopLocked(), cause);
      } else {
        // Stop starting work, but let running tasks finish and store what they were paid for.
        stopped = true;
        ready.clear();
        for (int i = 0; i < backoff.length; i++) {
          if (backoff[i] != null) {
            dropped.add(backoff[i]);
            backoff[i] = null;
          }
        }
        pendingFailure = cause;
        graceTimer = timer.schedule(this::graceExpired, saturatedNanos(grace),
            TimeUnit.NANOSECONDS);
        int n = runningCountLocked();
        LOG.debug("task '{}' failed; letting {} running task(s) finish within {}", node.id, n,
            grace);
        finish = null;
      }
    }
    for (Future<?> f : dropped) {
      f.cancel(true);
    }
    if (finish != null) {
      finishStopped(finish.toCancel(), finish.cause());
    }
  }

  /** What ends a stopped run: the futures to interrupt and the failure to report. */
  private record Finish(List<Future<?>> toCancel, Throwable cause) {}

  /** Called when a task returns, or is dropped before it started, after the run stopped. */
  private void returnedAfterStop(Node node) {
    Finish finish;
    synchronized (lock) {
      if (running[node.index] != null) {
        running[node.index] = null;
        release(node);
      }
      finish = graceOverLocked();
    }
    if (finish != null) {
      finishStopped(finish.toCancel(), finish.cause());
    }
  }

  /**
   * With lock held: if the run is in a failure's grace and no task is running any more, ends the
   * grace.
   *
   * @return how to finish the run now, or {@code null} if it is not waiting or must wait on
   */
  private Finish graceOverLocked() {
    if (pendingFailure == null || runningCountLocked() > 0) {
      return null;
    }
    Throwable cause = pendingFailure;
    pendingFailure = null;
    if (graceTimer != null) {
      graceTimer.cancel(false);
      graceTimer = null;
    }
    return new Finish(stopLocked(), cause);
  }

  private void graceExpired() {
    Finish finish;
    synchronized (lock) {
      if (pendingFailure == null) {
        return;
      }
      int n = runningCountLocked();
      LOG.warn("{} task(s) still running {} after a failure; interrupting them", n, grace);
      finish = new Finish(stopLocked(), pendingFailure);
      pendingFailure = null;
      graceTimer = null;
    }
    finishStopped(finish.toCancel(), finish.cause());
  }

  private int runningCountLocked() {
    int n = 0;
    for (Future<?> f : running) {
      if (f != null) {
        n++;
      }
    }
    return n;
  }

  private void backoffOver(Node node) {
    try {
      synchronized (lock) {
        backoff[node.index] = null;
        if (stopped) {
          return;
        }
        // First in line: it already waited its backoff, and must not queue behind every task that
        // became ready meanwhile.
        enqueue(node, true);
        dispatch();
      }
    } catch (Throwable t) { // never leave the run hanging on a bug here
      failRun(node, t);
    }
  }

  private void emit(ProgressEvent event) {
    try {
      listener.onEvent(event);
    } catch (Exception e) { // a listener cannot break a run (see ProgressListener)
      LOG.warn("ProgressListener threw on {}; ignored", event.getClass().getSimpleName(), e);
    }
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  private static ThreadFactory daemonThreads(String prefix, AtomicInteger counter) {
    return r -> {
      Thread t = new Thread(r, prefix + counter.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** The context of one attempt. */
  private final class Context implements TaskContext {
    private final Node node;
    private final int attempt;

    Context(Node node, int attempt) {
      this.node = node;
      this.attempt = attempt;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> R get(TaskKey<R> dep) {
      Objects.requireNonNull(dep, "dep");
      if (!node.depIds.contains(dep.id())) {
        throw new IllegalArgumentException(
            "Task '" + node.id + "' did not declare a dependency on '" + dep.id()
                + "'; declared: " + node.depIds);
      }
      for (int d : node.deps) {
        Node depNode = nodes.get(d);
        if (depNode.id.equals(dep.id())) {
          synchronized (lock) {
            return (R) results[d];
          }
        }
      }
      throw new AssertionError("declared dependency not in graph: " + dep.id());
    }

    @Override
    public int attempt() {
      return attempt;
    }

    @Override
    public boolean isCancelled() {
      return stopped;
    }
  }

  /** Results of a finished run. */
  private record GraphResults(Map<String, Object> byId) implements Results {
    @Override
    @SuppressWarnings("unchecked")
    public <T> T get(TaskKey<T> key) {
      Objects.requireNonNull(key, "key");
      if (!byId.containsKey(key.id())) {
        throw new IllegalArgumentException(
            "No task '" + key.id() + "' in this graph; tasks: " + byId.keySet());
      }
      return (T) byId.get(key.id());
    }
  }
}
