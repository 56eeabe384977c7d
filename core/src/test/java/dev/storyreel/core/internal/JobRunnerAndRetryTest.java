package dev.storyreel.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.storyreel.core.ProgressEvent;
import dev.storyreel.core.ProgressListener;
import dev.storyreel.core.RetriableException;
import dev.storyreel.core.RetryPolicy;
import dev.storyreel.core.StoryReelException;
import dev.storyreel.core.internal.TaskGraph.TaskKey;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A task's own retry policy, the attempt count on a final failure, and the in-process runner. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class JobRunnerAndRetryTest {
  private static final RetryPolicy FOUR =
      RetryPolicy.builder().maxAttempts(4).initialDelay(Duration.ofMillis(1)).jitter(0).build();

  @Test
  void aTaskWithItsOwnPolicyIsTriedAsItSaysAndTheOthersAsTheRunSays() {
    AtomicInteger once = new AtomicInteger();
    AtomicInteger four = new AtomicInteger();
    TaskGraph.Builder g = TaskGraph.builder();
    TaskKey<Object> flaky = g.add("run-policy", "cpu", List.of(), ctx -> {
      if (four.incrementAndGet() < 4) {
        throw new RetriableException("not yet (test)");
      }
      return "ok";
    });
    // Runs after the first has succeeded under the run's policy (4 attempts).
    TaskKey<Object> single = g.add("single", "cpu", List.of(flaky), ctx -> {
      once.incrementAndGet();
      throw new RetriableException("single fails (test)");
    });
    g.retryPolicy(single, RetryPolicy.none());
    TaskGraph.Execution e = JobRunner.inProcess().start(g.build(), FOUR, ProgressListener.NONE,
        Duration.ZERO);
    assertThatThrownBy(() -> e.completion().join()).isInstanceOf(CompletionException.class)
        .cause().hasMessage("single fails (test)");
    assertThat(four.get()).isEqualTo(4);
    assertThat(once.get()).isEqualTo(1);
  }

  @Test
  void aRetryPolicyForAnUnknownTaskIsRefusedByBuild() {
    TaskGraph.Builder g = TaskGraph.builder();
    g.add("a", "cpu", List.of(), ctx -> 1);
    g.retryPolicy(TaskKey.of("b"), RetryPolicy.none());
    assertThatThrownBy(g::build).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown task 'b'");
  }

  @Test
  void theFinalFailureSaysHowManyAttemptsWereMadeAndTheFirstOnesDoNot() {
    List<ProgressEvent> events = new CopyOnWriteArrayList<>();
    List<String> messagesWhenRetrying = new CopyOnWriteArrayList<>();
    TaskGraph.Builder g = TaskGraph.builder();
    g.add("flaky", "cpu", List.of(), ctx -> {
      throw new RetriableException("HTTP 503 from the vendor, attempt " + ctx.attempt()
          + " (test)");
    });
    TaskGraph.Execution e = g.build().start(FOUR, ev -> {
      events.add(ev);
      if (ev instanceof ProgressEvent.TaskRetrying r) {
        messagesWhenRetrying.add(r.cause().getMessage());
      }
    });
    assertThatThrownBy(() -> e.completion().join()).cause()
        .isInstanceOf(RetriableException.class)
        .hasMessage("Failed after 4 attempts: HTTP 503 from the vendor, attempt 4 (test)")
        .satisfies(t -> assertThat(((StoryReelException) t).attempts()).hasValue(4));
    assertThat(messagesWhenRetrying).hasSize(3).noneMatch(m -> m.startsWith("Failed after"));
    ProgressEvent.TaskFailed failed = events.stream()
        .filter(ProgressEvent.TaskFailed.class::isInstance).map(ProgressEvent.TaskFailed.class::cast)
        .findFirst().orElseThrow();
    assertThat(failed.attempt()).isEqualTo(4);
  }

  @Test
  void aFailureOnTheFirstAttemptKeepsItsMessage() {
    TaskGraph.Builder g = TaskGraph.builder();
    g.add("once", "cpu", List.of(), ctx -> {
      throw new RetriableException("refused (test)");
    });
    TaskGraph.Execution e = g.build().start(RetryPolicy.none(), ProgressListener.NONE);
    assertThatThrownBy(() -> e.completion().join()).cause().hasMessage("refused (test)")
        .satisfies(t -> assertThat(((StoryReelException) t).attempts()).isEmpty());
  }
}
