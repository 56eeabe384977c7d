package dev.storyreel.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static java.util.stream.Collectors.counting;
import static java.util.stream.Collectors.groupingBy;

import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.ProgressEvent;
import dev.storyreel.core.ProgressEvent.TaskFailed;
import dev.storyreel.core.ProgressEvent.TaskRetrying;
import dev.storyreel.core.ProgressEvent.TaskStarted;
import dev.storyreel.core.ProgressEvent.TaskSucceeded;
import dev.storyreel.core.ProgressListener;
import dev.storyreel.core.RetriableException;
import dev.storyreel.core.RetryPolicy;
import dev.storyreel.core.internal.TaskGraph.Execution;
import dev.storyreel.core.internal.TaskGraph.Results;
import dev.storyreel.core.internal.TaskGraph.TaskKey;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

// Timeouts here only guard against hangs; no test asserts that something was fast.
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class TaskGraphTest {

  private static final long GUARD_S = 10;

  /** Fast, deterministic retries. */
  private static final RetryPolicy FAST =
      RetryPolicy.builder()
          .maxAttempts(4)
          .initialDelay(Duration.ofMillis(2))
          .multiplier(1.0)
          .jitter(0)
          .build();

  /** Collects events and checks that they pair up. */
  private static final class Recorder implements ProgressListener {
    final List<ProgressEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(ProgressEvent event) {
      events.add(event);
    }

    List<ProgressEvent> of(String id) {
      List<ProgressEvent> out = new ArrayList<>();
      for (ProgressEvent e : events) {
        if (id.equals(taskId(e))) {
          out.add(e);
        }
      }
      return out;
    }

    List<String> kinds(String id) {
      return of(id).stream().map(e -> e.getClass().getSimpleName()).toList();
    }

    /**
     * Every TaskStarted(attempt n) is followed, for that task, by exactly one closing event for
     * attempt n before anything else; attempts count up from 1.
     */
    void assertPaired() {
      Set<String> ids = new LinkedHashSet<>();
      events.forEach(e -> ids.add(taskId(e)));
      for (String id : ids) {
        List<ProgressEvent> seq = of(id);
        assertThat(seq.size() % 2).as("events of %s: %s", id, seq).isZero();
        for (int i = 0; i < seq.size(); i += 2) {
          int attempt = i / 2 + 1;
          assertThat(seq.get(i)).as("events of %s: %s", id, seq).isInstanceOf(TaskStarted.class);
          assertThat(((TaskStarted) seq.get(i)).attempt()).isEqualTo(attempt);
          ProgressEvent end = seq.get(i + 1);
          assertThat(attemptOf(end)).as("events of %s: %s", id, seq).isEqualTo(attempt);
          if (end instanceof TaskRetrying) {
            continue;
          }
          assertThat(end).isInstanceOfAny(TaskSucceeded.class, TaskFailed.class);
          assertThat(i + 2).as("nothing after the final event of %s: %s", id, seq)
              .isEqualTo(seq.size());
        }
      }
    }

    private static String taskId(ProgressEvent e) {
      if (e instanceof TaskStarted s) {
        return s.taskId();
      } else if (e instanceof TaskSucceeded s) {
        return s.taskId();
      } else if (e instanceof TaskRetrying r) {
        return r.taskId();
      } else if (e instanceof TaskFailed f) {
        return f.taskId();
      }
      throw new AssertionError("unexpected event " + e);
    }

    private static int attemptOf(ProgressEvent e) {
      if (e instanceof TaskSucceeded s) {
        return s.attempt();
      } else if (e instanceof TaskRetrying r) {
        return r.failedAttempt();
      } else if (e instanceof TaskFailed f) {
        return f.attempt();
      }
      throw new AssertionError("not a closing event: " + e);
    }
  }

  private static Results await(Execution e) throws Exception {
    return e.completion().get(GUARD_S, TimeUnit.SECONDS);
  }

  /** Waits for the run to fail and returns the failure's cause, unwrapped. */
  private static Throwable failureOf(Execution e) throws Exception {
    try {
      e.completion().get(GUARD_S, TimeUnit.SECONDS);
    } catch (ExecutionException ex) {
      return ex.getCause();
    }
    throw new AssertionError("run succeeded, expected a failure");
  }

  private static void awaitOrFail(CountDownLatch latch, String what) throws InterruptedException {
    assertThat(latch.await(GUARD_S, TimeUnit.SECONDS)).as(what).isTrue();
  }

  /** Blocks until interrupted; counts the interrupt. */
  private static Object blockUntilInterrupted(CountDownLatch started, CountDownLatch interrupted)
      throws InterruptedException {
    started.countDown();
    try {
      Thread.sleep(TimeUnit.SECONDS.toMillis(60));
    } catch (InterruptedException e) {
      interrupted.countDown();
      throw e;
    }
    throw new AssertionError("was never interrupted");
  }

  // --- dependencies and results -----------------------------------------------------------------

  @Test
  void dependenciesRunFirstAndPassTheirResults() throws Exception {
    List<String> log = Collections.synchronizedList(new ArrayList<>());
    TaskGraph.Builder b = TaskGraph.builder();
    // d is declared first, with forward references, to show declaration order does not matter.
    TaskKey<Integer> d =
        b.add("d", "cpu", List.of(TaskKey.of("b"), TaskKey.of("c")), ctx -> {
          log.add("start:d");
          int sum = ctx.<Integer>get(TaskKey.of("b")) + ctx.<Integer>get(TaskKey.of("c"));
          log.add("end:d");
          return sum;
        });
    TaskKey<Integer> a = b.add("a", "cpu", List.of(), ctx -> {
      log.add("start:a");
      Thread.sleep(5);
      log.add("end:a");
      return 1;
    });
    TaskKey<Integer> bKey = b.add("b", "cpu", List.of(a), ctx -> {
      log.add("start:b");
      int r = ctx.get(a) + 10;
      log.add("end:b");
      return r;
    });
    b.add("c", "image", List.of(a), ctx -> {
      log.add("start:c");
      int r = ctx.get(a) + 100;
      log.add("end:c");
      return r;
    });

    Results results = await(b.build().start(RetryPolicy.none(), ProgressListener.NONE));

    assertThat(results.get(d)).isEqualTo(11 + 101);
    assertThat(results.get(bKey)).isEqualTo(11);
    assertThat(log.indexOf("end:a")).isLessThan(log.indexOf("start:b"));
    assertThat(log.indexOf("end:a")).isLessThan(log.indexOf("start:c"));
    assertThat(log.indexOf("end:b")).isLessThan(log.indexOf("start:d"));
    assertThat(log.indexOf("end:c")).isLessThan(log.indexOf("start:d"));
    assertThat(log).hasSize(8);
  }

  @Test
  void resultsMayBeNullAndUnknownKeysAreRejected() throws Exception {
    TaskGraph.Builder b = TaskGraph.builder();
    TaskKey<String> nothing = b.add("nothing", "cpu", List.of(), ctx -> null);
    AtomicReference<String> seen = new AtomicReference<>("unset");
    b.add("user", "cpu", List.of(nothing), ctx -> {
      seen.set(ctx.get(nothing));
      return "x";
    });

    Results results = await(b.build().start(RetryPolicy.none(), ProgressListener.NONE));

    assertThat(results.get(nothing)).isNull();
    assertThat(seen.get()).isNull();
    assertThat(results.<String>get(TaskKey.of("user"))).isEqualTo("x");
    assertThatThrownBy(() -> results.get(TaskKey.of("ghost")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ghost");
  }

  @Test
  void askingForAnUndeclaredTaskFailsTheRun() throws Exception {
    TaskGraph.Builder b = TaskGraph.builder();
    TaskKey<String> a = b.add("a", "cpu", List.of(), ctx -> "a");
    b.add("b", "cpu", List.of(a), ctx -> "b");
    // c runs after b but declared only a.
    b.add("c", "cpu", List.of(a, TaskKey.of("b")), ctx -> "c");
    b.add("sneaky", "cpu", List.of(TaskKey.of("c")), ctx -> ctx.get(TaskKey.of("a")));

    Throwable cause = failureOf(b.build().start(RetryPolicy.none(), ProgressListener.NONE));

    assertThat(cause)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sneaky")
        .hasMessageContaining("'a'");
  }

  @Test
  void emptyGraphCompletesAtOnce() throws Exception {
    Results r = await(TaskGraph.builder().build().start(RetryPolicy.none(), ProgressListener.NONE));
    assertThatThrownBy(() -> r.get(TaskKey.of("x"))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aGraphCanBeStartedMoreThanOnce() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    TaskGraph.Builder b = TaskGraph.builder();
    TaskKey<Integer> k = b.add("count", "cpu", List.of(), ctx -> runs.incrementAndGet());
    TaskGraph graph = b.build();

    Execution first = graph.start(RetryPolicy.none(), ProgressListener.NONE);
    Execution second = graph.start(RetryPolicy.none(), ProgressListener.NONE);

    Set<Integer> values = Set.of(await(first).get(k), await(second).get(k));
    assertThat(values).containsExactlyInAnyOrder(1, 2);
    assertThat(runs).hasValue(2);
  }

  // --- parallelism and resource limits -----------------------------------------------------------

  @Test
  void independentTasksRunAtTheSameTime() throws Exception {
    // Each task waits for the other at the barrier: run one after the other, they would time out.
    CyclicBarrier bothRunning = new CyclicBarrier(2);
    TaskGraph.Builder b = TaskGraph.builder().resourceLimit("speech", 2);
    b.add("s1", "speech", List.of(), ctx -> bothRunning.await(GUARD_S, TimeUnit.SECONDS));
    b.add("s2", "speech", List.of(), ctx -> bothRunning.await(GUARD_S, TimeUnit.SECONDS));

    await(b.build().start(RetryPolicy.none(), ProgressListener.NONE));
  }

  @Test
  void unlimitedResourceRunsEverythingAtOnce() throws Exception {
    int n = 6;
    CountDownLatch allIn = new CountDownLatch(n);
    TaskGraph.Builder b = TaskGraph.builder().resourceLimit("other", 1);
    for (int i = 0; i < n; i++) {
      b.add("t" + i, "free", List.of(), ctx -> {
        allIn.countDown();
        return allIn.await(GUARD_S, TimeUnit.SECONDS);
      });
    }
    Results r = await(b.build().start(RetryPolicy.none(), ProgressListener.NONE));
    for (int i = 0; i < n; i++) {
      assertThat(r.<Boolean>get(TaskKey.of("t" + i))).as("t%d saw all %d running", i, n).isTrue();
    }
  }

  @Test
  void resourceLimitIsNeverExceededButIsReached() throws Exception {
    AtomicInteger current = new AtomicInteger();
    AtomicInteger max = new AtomicInteger();
    // The first two to run wait for each other, so reaching the limit is certain, not luck.
    CountDownLatch firstPair = new CountDownLatch(2);
    Set<String> threads = ConcurrentHashMap.newKeySet();
    TaskGraph.Builder b = TaskGraph.builder().resourceLimit("speech", 2).resourceLimit("image", 4);
    for (int i = 0; i < 6; i++) {
      b.add("speech-" + i, "speech", List.of(), ctx -> {
        int now = current.incrementAndGet();
        max.accumulateAndGet(now, Math::max);
        threads.add(Thread.currentThread().getName());
        firstPair.countDown();
        firstPair.await(GUARD_S, TimeUnit.SECONDS);
        Thread.sleep(3); // hold the permit a little, so an extra task would overlap
        current.decrementAndGet();
        return null;
      });
    }
    Recorder rec = new Recorder();

    await(b.build().start(RetryPolicy.none(), rec));

    assertThat(max).hasValue(2);
    assertThat(threads).allMatch(name -> name.startsWith("storyreel-task-"));
    assertThat(rec.events.stream().filter(TaskSucceeded.class::isInstance)).hasSize(6);
    rec.assertPaired();
  }

  @Test
  void limitOfOneSerialisesTasks() throws Exception {
    AtomicInteger current = new AtomicInteger();
    AtomicInteger max = new AtomicInteger();
    TaskGraph.Builder b = TaskGraph.builder().resourceLimit("cpu", 1);
    for (int i = 0; i < 4; i++) {
      b.add("c" + i, "cpu", List.of(), ctx -> {
        max.accumulateAndGet(current.incrementAndGet(), Math::max);
        Thread.sleep(2);
        current.decrementAndGet();
        return null;
      });
    }
    await(b.build().start(RetryPolicy.none(), ProgressListener.NONE));
    assertThat(max).hasValue(1);
  }

  @Test
  void poolThreadsAreDaemonsAndEndWithTheRun() throws Exception {
    AtomicReference<Thread> worker = new AtomicReference<>();
    TaskGraph.Builder b = TaskGraph.builder();
    b.add("only", "cpu", List.of(), ctx -> {
      worker.set(Thread.currentThread());
      return null;
    });
    await(b.build().start(RetryPolicy.none(), ProgressListener.NONE));

    Thread t = worker.get();
    assertThat(t.isDaemon()).isTrue();
    assertThat(t.getName()).matches("storyreel-task-\\d+");
    t.join(TimeUnit.SECONDS.toMillis(GUARD_S));
    assertThat(t.isAlive()).as("pool thread still alive after the run ended").isFalse();
  }

  // --- retries -----------------------------------------------------------------------------------

  @Test
  void retriableFailureIsRetriedUntilItSucceeds() throws Exception {
    List<Integer> attempts = new CopyOnWriteArrayList<>();
    TaskGraph.Builder b = TaskGraph.builder();
    TaskKey<String> k = b.add("flaky", "speech", List.of(), ctx -> {
      attempts.add(ctx.attempt());
      if (ctx.attempt() < 3) {
        throw new RetriableException("503 from provider, attempt " + ctx.attempt());
      }
      return "ok";
    });
    Recorder rec = new Recorder();

    Results r = await(b.build().start(FAST, rec));

    assertThat(r.get(k)).isEqualTo("ok");
    assertThat(attempts).containsExactly(1, 2, 3);
    assertThat(rec.kinds("flaky"))
        .containsExactly(
            "TaskStarted", "TaskRetrying", "TaskStarted", "TaskRetrying", "TaskStarted",
            "TaskSucceeded");
    TaskRetrying first = (TaskRetrying) rec.of("flaky").get(1);
    assertThat(first.failedAttempt()).isEqualTo(1);
    assertThat(first.cause()).hasMessageContaining("attempt 1");
    assertThat(first.delay()).isEqualTo(Duration.ofMillis(2));
    assertThat(((TaskStarted) rec.of("flaky").get(0)).resource()).isEqualTo("speech");
    rec.assertPaired();
  }

  static Stream<Exception> nonRetriableFailures() {
    return Stream.of(
        new NonRetriableException("content refused"),
        new IllegalStateException("bug"),
        new IOException("disk full"));
  }

  @ParameterizedTest
  @MethodSource("nonRetriableFailures")
  void otherFailuresAreNotRetried(Exception failure) throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    TaskGraph.Builder b = TaskGraph.builder();
    b.add("bad", "image", List.of(), ctx -> {
      attempts.incrementAndGet();
      throw failure;
    });
    Recorder rec = new Recorder();

    Throwable cause = failureOf(b.build().start(FAST, rec));

    assertThat(cause).isSameAs(failure);
    assertThat(attempts).hasValue(1);
    assertThat(rec.kinds("bad")).containsExactly("TaskStarted", "TaskFailed");
    assertThat(((TaskFailed) rec.of("bad").get(1)).cause()).isSameAs(failure);
  }

  @Test
  void exhaustedRetriesFailWithTheLastException() throws Exception {
    List<RetriableException> thrown = new CopyOnWriteArrayList<>();
    TaskGraph.Builder b = TaskGraph.builder();
    b.add("down", "speech", List.of(), ctx -> {
      RetriableException e = new RetriableException("timeout #" + ctx.attempt());
      thrown.add(e);
      throw e;
    });
    Recorder rec = new Recorder();
    Execution run = b.build().start(FAST.toBuilder().maxAttempts(3).build(), rec);

    assertThatThrownBy(() -> run.completion().join())
        .isInstanceOf(CompletionException.class)
        .cause()
        .isSameAs(thrown.get(thrown.size() - 1));
    assertThat(thrown).hasSize(3);
    assertThat(rec.kinds("down"))
        .containsExactly(
            "TaskStarted", "TaskRetrying", "TaskStarted", "TaskRetrying", "TaskStarted",
            "TaskFailed");
    TaskFailed failed = (TaskFailed) rec.of("down").get(5);
    assertThat(failed.attempt()).isEqualTo(3);
    assertThat(failed.cause()).isSameAs(thrown.get(2));
    rec.assertPaired();
  }

  @Test
  void retryAfterFromTheProviderIsHonoured() throws Exception {
    Duration retryAfter = Duration.ofMillis(60);
    List<Long> startNanos = new CopyOnWriteArrayList<>();
    TaskGraph.Builder b = TaskGraph.builder();
    b.add("limited", "image", List.of(), ctx -> {
      startNanos.add(System.nanoTime());
      if (ctx.attempt() == 1) {
        throw new RetriableException("429", null, retryAfter);
      }
      return "ok";
    });
    Recorder rec = new Recorder();

    await(b.build().start(FAST, rec));

    TaskRetrying retrying = (TaskRetrying) rec.of("limited").get(1);
    assertThat(retrying.delay()).isGreaterThanOrEqualTo(retryAfter);
    // A lower bound only: the next attempt must not come early.
    assertThat(Duration.ofNanos(startNanos.get(1) - startNanos.get(0)))
        .isGreaterThanOrEqualTo(retryAfter);
  }

  @Test
  void permitIsFreeDuringBackoff() throws Exception {
    // With one permit, "other" can only run while "flaky" waits out its 10 s backoff; flaky's
    // retry is never needed because other finishes the test by cancelling the run.
    CountDownLatch otherRan = new CountDownLatch(1);
    CountDownLatch flakyFailed = new CountDownLatch(1);
    TaskGraph.Builder b = TaskGraph.builder().resourceLimit("speech", 1);
    b.add("flaky", "speech", List.of(), ctx -> {
      flakyFailed.countDown();
      throw new RetriableException("busy", null, Duration.ofSeconds(10));
    });
    b.add("other", "speech", List.of(), ctx -> {
      awaitOrFail(flakyFailed, "flaky ran first");
      otherRan.countDown();
      return null;
    });
    // Declared order puts flaky first in the queue, so it takes the only permit first.
    Recorder rec = new Recorder();
    Execution run = b.build().start(FAST, rec);

    awaitOrFail(otherRan, "other ran while flaky was backing off");
    run.cancel();
    assertThat(rec.kinds("flaky")).containsExactly("TaskStarted", "TaskRetrying");
  }

  // --- fail-fast and cancellation ----------------------------------------------------------------

  @Test
  void failureInterruptsRunningSiblingsAndStartsNothingElse() throws Exception {
    CountDownLatch slowStarted = new CountDownLatch(1);
    CountDownLatch slowInterrupted = new CountDownLatch(1);
    AtomicBoolean pendingRan = new AtomicBoolean();
    NonRetriableException boom = new NonRetriableException("bad prompt");
    TaskGraph.Builder b = TaskGraph.builder().resourceLimit("speech", 1);
    TaskKey<Object> slow =
        b.add("slow", "speech", List.of(), ctx -> blockUntilInterrupted(slowStarted, slowInterrupted));
    // Ready, but waits for slow's permit.
    b.add("queued", "speech", List.of(), ctx -> pendingRan.getAndSet(true));
    // Waits for slow to succeed.
    b.add("after-slow", "cpu", List.of(slow), ctx -> pendingRan.getAndSet(true));
    b.add("bad", "image", List.of(), ctx -> {
      awaitOrFail(slowStarted, "slow started");
      throw boom;
    });
    Recorder rec = new Recorder();
    Execution run = b.build().start(FAST, rec);

    assertThatThrownBy(() -> run.completion().join())
        .isInstanceOf(CompletionException.class)
        .cause()
        .isSameAs(boom);
    awaitOrFail(slowInterrupted, "slow was interrupted");
    awaitSlowFailedEvent(rec);

    assertThat(pendingRan).isFalse();
    assertThat(rec.of("queued")).isEmpty();
    assertThat(rec.of("after-slow")).isEmpty();
    assertThat(rec.kinds("bad")).containsExactly("TaskStarted", "TaskFailed");
    assertThat(((TaskFailed) rec.of("slow").get(1)).cause())
        .isInstanceOf(InterruptedException.class);
    rec.assertPaired();
  }

  private static void awaitSlowFailedEvent(Recorder rec) throws InterruptedException {
    // The interrupted task reports TaskFailed after it unwinds, which may be after completion.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GUARD_S);
    while (rec.of("slow").size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    assertThat(rec.kinds("slow")).containsExactly("TaskStarted", "TaskFailed");
  }

  @Test
  void cancelInterruptsRunningTasksAndStartsNothingElse() throws Exception {
    CountDownLatch slowStarted = new CountDownLatch(1);
    CountDownLatch slowInterrupted = new CountDownLatch(1);
    AtomicBoolean dependentRan = new AtomicBoolean();
    TaskGraph.Builder b = TaskGraph.builder();
    TaskKey<Object> slow =
        b.add("slow", "speech", List.of(), ctx -> blockUntilInterrupted(slowStarted, slowInterrupted));
    b.add("dependent", "image", List.of(slow), ctx -> dependentRan.getAndSet(true));
    Recorder rec = new Recorder();
    Execution run = b.build().start(FAST, rec);
    awaitOrFail(slowStarted, "slow started");

    run.cancel();

    assertThatThrownBy(() -> run.completion().join()).isInstanceOf(CancellationException.class);
    assertThat(run.completion().isCancelled()).isTrue();
    awaitOrFail(slowInterrupted, "slow was interrupted");
    awaitSlowFailedEvent(rec);
    assertThat(dependentRan).isFalse();
    assertThat(rec.of("dependent")).isEmpty();
    rec.assertPaired();
  }

  @Test
  void cancellingTheCompletionFutureCancelsTheRun() throws Exception {
    CountDownLatch slowStarted = new CountDownLatch(1);
    CountDownLatch slowInterrupted = new CountDownLatch(1);
    TaskGraph.Builder b = TaskGraph.builder();
    b.add("slow", "speech", List.of(), ctx -> blockUntilInterrupted(slowStarted, slowInterrupted));
    Execution run = b.build().start(FAST, ProgressListener.NONE);
    awaitOrFail(slowStarted, "slow started");

    assertThat(run.completion().cancel(true)).isTrue();

    awaitOrFail(slowInterrupted, "slow was interrupted");
  }

  @Test
  void cancelAbandonsABackoffWait() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    CountDownLatch retrying = new CountDownLatch(1);
    TaskGraph.Builder b = TaskGraph.builder();
    b.add("limited", "image", List.of(), ctx -> {
      attempts.incrementAndGet();
      throw new RetriableException("429", null, Duration.ofMinutes(5));
    });
    Execution run = b.build().start(FAST, e -> {
      if (e instanceof TaskRetrying) {
        retrying.countDown();
      }
    });
    awaitOrFail(retrying, "task is backing off");

    run.cancel();

    // Guarded by the class timeout: a run that still waited out the 5 minutes would hang here.
    assertThatThrownBy(() -> run.completion().get(GUARD_S, TimeUnit.SECONDS))
        .isInstanceOf(CancellationException.class);
    assertThat(attempts).hasValue(1);
  }

  @Test
  void cancellingAFinishedRunDoesNothing() throws Exception {
    TaskGraph.Builder b = TaskGraph.builder();
    TaskKey<String> k = b.add("done", "cpu", List.of(), ctx -> "result");
    Execution run = b.build().start(RetryPolicy.none(), ProgressListener.NONE);
    await(run);

    run.cancel();

    assertThat(run.completion().isCompletedExceptionally()).isFalse();
    assertThat(run.completion().join().get(k)).isEqualTo("result");
  }

  @Test
  void contextReportsCancellation() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    AtomicReference<TaskGraph.TaskContext> context = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(1);
    TaskGraph.Builder b = TaskGraph.builder();
    b.add("busy", "cpu", List.of(), ctx -> {
      context.set(ctx);
      started.countDown();
      // Deliberately ignores interrupts: only the context tells it to stop.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GUARD_S);
      while (!ctx.isCancelled() && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      done.countDown();
      return null;
    });
    Execution run = b.build().start(RetryPolicy.none(), ProgressListener.NONE);
    awaitOrFail(started, "busy started");
    assertThat(context.get().isCancelled()).isFalse();

    run.cancel();

    awaitOrFail(done, "busy saw the cancellation");
    assertThat(context.get().isCancelled()).isTrue();
  }

  @Test
  void anErrorFromATaskFailsTheRun() throws Exception {
    AssertionError error = new AssertionError("boom");
    TaskGraph.Builder b = TaskGraph.builder();
    b.add("err", "cpu", List.of(), ctx -> {
      throw error;
    });
    assertThat(failureOf(b.build().start(FAST, ProgressListener.NONE))).isSameAs(error);
  }

  // --- listener ----------------------------------------------------------------------------------

  @Test
  void aThrowingListenerDoesNotBreakTheRun() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    ProgressListener hostile = e -> {
      calls.incrementAndGet();
      throw new IllegalStateException("listener bug");
    };
    TaskGraph.Builder b = TaskGraph.builder();
    TaskKey<Integer> a = b.add("a", "cpu", List.of(), ctx -> {
      if (ctx.attempt() == 1) {
        throw new RetriableException("once");
      }
      return 20;
    });
    TaskKey<Integer> c = b.add("c", "cpu", List.of(a), ctx -> ctx.get(a) + 1);

    Results r = await(b.build().start(FAST, hostile));

    assertThat(r.get(c)).isEqualTo(21);
    // a: started, retrying, started, succeeded; c: started, succeeded.
    assertThat(calls).hasValue(6);
  }

  @Test
  void eventsPairUpAcrossABusyGraph() throws Exception {
    TaskGraph.Builder b = TaskGraph.builder().resourceLimit("speech", 2).resourceLimit("image", 3);
    List<TaskKey<?>> speech = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      int n = i;
      speech.add(b.add("speech-" + i, "speech", List.of(), ctx -> {
        if (ctx.attempt() <= n % 3) {
          throw new RetriableException("flaky " + n);
        }
        return n;
      }));
    }
    for (int i = 0; i < 5; i++) {
      int n = i;
      b.add("image-" + i, "image", List.of(speech.get(i)), ctx -> {
        if (ctx.attempt() == 1 && n % 2 == 0) {
          throw new RetriableException("flaky image " + n);
        }
        return ctx.get(speech.get(n));
      });
    }
    b.add("render", "cpu", List.copyOf(speech), ctx -> "video");
    Recorder rec = new Recorder();

    await(b.build().start(FAST, rec));

    rec.assertPaired();
    Map<String, Long> succeededPerTask =
        rec.events.stream()
            .filter(TaskSucceeded.class::isInstance)
            .collect(groupingBy(e -> ((TaskSucceeded) e).taskId(), counting()));
    assertThat(succeededPerTask).hasSize(11).allSatisfy((id, count) -> assertThat(count).isOne());
    assertThat(rec.kinds("speech-2"))
        .containsExactly(
            "TaskStarted", "TaskRetrying", "TaskStarted", "TaskRetrying", "TaskStarted",
            "TaskSucceeded");
    // A dependency's success is reported before its dependent starts.
    int speech0Done = rec.events.indexOf(rec.of("speech-0").get(1));
    int image0Started = rec.events.indexOf(rec.of("image-0").get(0));
    assertThat(speech0Done).isLessThan(image0Started);
  }

  // --- validation --------------------------------------------------------------------------------

  @Test
  void cycleIsRejectedWithItsPath() {
    TaskGraph.Builder b = TaskGraph.builder();
    b.add("a", "cpu", List.of(TaskKey.of("b")), ctx -> null);
    b.add("b", "cpu", List.of(TaskKey.of("c")), ctx -> null);
    b.add("c", "cpu", List.of(TaskKey.of("a")), ctx -> null);
    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a -> b -> c -> a");
  }

  @Test
  void cycleAwayFromTheRootsIsFound() {
    TaskGraph.Builder b = TaskGraph.builder();
    TaskKey<Object> root = b.add("root", "cpu", List.of(), ctx -> null);
    b.add("leaf", "cpu", List.of(TaskKey.of("y")), ctx -> null);
    b.add("x", "cpu", List.of(root, TaskKey.of("y")), ctx -> null);
    b.add("y", "cpu", List.of(TaskKey.of("z")), ctx -> null);
    b.add("z", "cpu", List.of(TaskKey.of("x")), ctx -> null);
    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("x -> y -> z -> x")
        .hasMessageNotContaining("root")
        .hasMessageNotContaining("leaf");
  }

  @Test
  void selfDependencyIsACycle() {
    TaskGraph.Builder b = TaskGraph.builder();
    b.add("me", "cpu", List.of(TaskKey.of("me")), ctx -> null);
    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("me -> me");
  }

  @Test
  void longChainBuildsWithoutStackOverflow() {
    TaskGraph.Builder b = TaskGraph.builder();
    TaskKey<Object> prev = b.add("t0", "cpu", List.of(), ctx -> null);
    for (int i = 1; i < 20_000; i++) {
      prev = b.add("t" + i, "cpu", List.of(prev), ctx -> null);
    }
    assertThat(b.build().taskIds()).hasSize(20_000);
  }

  @Test
  void unknownDependencyIsRejected() {
    TaskGraph.Builder b = TaskGraph.builder();
    b.add("render", "cpu", List.of(TaskKey.of("narration")), ctx -> null);
    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("render")
        .hasMessageContaining("narration");
  }

  @Test
  void duplicateIdIsRejected() {
    TaskGraph.Builder b = TaskGraph.builder();
    b.add("image-1", "image", List.of(), ctx -> null);
    b.add("image-1", "image", List.of(), ctx -> null);
    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("image-1");
  }

  @Test
  void badResourceLimitIsRejected() {
    assertThatThrownBy(() -> TaskGraph.builder().resourceLimit("speech", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("speech")
        .hasMessageContaining("was 0");
    assertThatThrownBy(() -> TaskGraph.builder().resourceLimit("image", -3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-3");
  }

  @Test
  void graphDescribesItsShape() {
    TaskGraph.Builder b = TaskGraph.builder();
    TaskKey<Object> a = b.add("a", "cpu", List.of(), ctx -> null);
    TaskKey<Object> c = b.add("c", "cpu", List.of(a, TaskKey.of("b"), a), ctx -> null);
    b.add("b", "cpu", List.of(), ctx -> null);
    TaskGraph g = b.build();
    assertThat(g.taskIds()).containsExactly("a", "c", "b");
    assertThat(g.dependenciesOf(c)).containsExactly("a", "b");
    assertThatThrownBy(() -> g.dependenciesOf(TaskKey.of("zz")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void startRejectsNulls() {
    TaskGraph g = TaskGraph.builder().build();
    assertThatThrownBy(() -> g.start(null, ProgressListener.NONE))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> g.start(RetryPolicy.none(), null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void awaitQuiescenceWaitsForInterruptedSiblingsToUnwind() throws Exception {
    CountDownLatch siblingRunning = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean unwound = new java.util.concurrent.atomic.AtomicBoolean();
    TaskGraph.Builder b = TaskGraph.builder();
    b.add("slow", "io", List.of(), ctx -> {
      siblingRunning.countDown();
      try {
        Thread.sleep(60_000);
      } catch (InterruptedException e) {
        // still writing something after the interrupt, as a storage put would
        long until = System.nanoTime() + 200_000_000L;
        while (System.nanoTime() < until) {
          Thread.onSpinWait();
        }
        unwound.set(true);
        Thread.currentThread().interrupt();
      }
      return null;
    });
    b.add("bad", "io", List.of(), ctx -> {
      siblingRunning.await();
      throw new NonRetriableException("boom");
    });
    Execution exec = b.build().start(RetryPolicy.none(), ProgressListener.NONE);
    assertThatThrownBy(() -> exec.completion().join()).hasCauseInstanceOf(NonRetriableException.class);
    assertThat(exec.awaitQuiescence(Duration.ofSeconds(20))).isTrue();
    assertThat(unwound).isTrue();
  }
}
