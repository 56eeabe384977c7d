package dev.storyreel.temporal;

import dev.storyreel.core.AssetRef;
import dev.storyreel.core.Job;
import dev.storyreel.core.JobResult;
import dev.storyreel.core.JobState;
import dev.storyreel.core.Manifest;
import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.OutputLocation;
import dev.storyreel.core.ProgressEvent;
import dev.storyreel.core.ProgressListener;
import dev.storyreel.core.TaskKind;
import dev.storyreel.core.spi.Storage;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job running as a workflow, seen from the caller: its result, its state and its events, read
 * from the workflow ({@link StoryReelWorkflow#events(int)}) by one daemon thread until it ends.
 */
final class TemporalJob implements Job {
  private static final Logger LOG = LoggerFactory.getLogger(TemporalJob.class);
  private final WorkflowStub stub;
  private final Storage storage;
  private final ProgressListener listener;
  private final CompletableFuture<JobResult> result = new CompletableFuture<>();
  private final AtomicReference<JobState> state = new AtomicReference<>(JobState.PLANNING);
  private final ScheduledExecutorService poller;
  private final long t0 = System.nanoTime();
  private int seen;

  TemporalJob(WorkflowStub stub, Storage storage, ProgressListener listener, Duration pollEvery,
      boolean started) {
    this.stub = stub;
    this.storage = storage;
    this.listener = listener;
    this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "storyreel-temporal-events");
      t.setDaemon(true);
      return t;
    });
    if (started) {
      tell(new ProgressEvent.JobStateChanged(JobState.PLANNING));
    }
    poller.scheduleWithFixedDelay(this::poll, 0, pollEvery.toMillis(), TimeUnit.MILLISECONDS);
    stub.getResultAsync(String.class).whenComplete((key, failure) ->
        poller.execute(() -> finish(key, failure)));
    // Cancelling result() from outside cancels the job, as a local job's does.
    result.whenComplete((r, t) -> {
      if (t instanceof CancellationException && state.get() != JobState.CANCELLED) {
        cancel();
      }
    });
  }

  @Override
  public JobState state() {
    return state.get();
  }

  @Override
  public CompletableFuture<JobResult> result() {
    return result;
  }

  @Override
  public void cancel() {
    JobState s = state.get();
    if (s == JobState.COMPLETED || s == JobState.FAILED || s == JobState.CANCELLED) {
      return;
    }
    try {
      stub.cancel();
    } catch (RuntimeException e) {
      LOG.warn("cannot cancel the job's workflow: {}", e.getMessage());
    }
  }

  private void poll() {
    try {
      TaskEvent[] events = stub.query("events", TaskEvent[].class, seen);
      for (TaskEvent e : events) {
        seen++;
        tellTask(e);
      }
    } catch (RuntimeException e) {
      LOG.debug("cannot read the job's events yet: {}", e.getMessage());
    }
  }

  private void tellTask(TaskEvent e) {
    OptionalInt seg = e.segment() < 0 ? OptionalInt.empty() : OptionalInt.of(e.segment());
    switch (e.phase()) {
      case STARTED -> {
        if (e.kind() == TaskKind.RENDER) {
          setState(JobState.RENDERING);
        } else if (e.kind() == TaskKind.PUBLISH) {
          setState(JobState.PUBLISHING);
        } else if (e.kind() != TaskKind.STORYBOARD && state.get() == JobState.PLANNING) {
          setState(JobState.GENERATING_ASSETS);
        }
        tell(new ProgressEvent.TaskStarted(e.taskId(), e.kind().name().toLowerCase(), 1,
            e.kind(), seg));
      }
      case SUCCEEDED -> tell(new ProgressEvent.TaskSucceeded(e.taskId(), 1,
          Duration.ofMillis(e.elapsedMillis()), e.kind(), seg));
      case FAILED -> tell(new ProgressEvent.TaskFailed(e.taskId(), 1,
          new NonRetriableException(e.message()), e.kind(), seg));
      default -> throw new IllegalStateException("unknown phase " + e.phase());
    }
  }

  private void finish(String manifestKey, Throwable failure) {
    try {
      poll(); // the last events, before the end
      if (failure == null) {
        JobResult r = read(manifestKey);
        setState(JobState.COMPLETED);
        result.complete(r);
        return;
      }
      Throwable c = failure instanceof CompletionException && failure.getCause() != null
          ? failure.getCause() : failure;
      if (c instanceof WorkflowFailedException w && w.getCause() instanceof CanceledFailure) {
        setState(JobState.CANCELLED);
        result.completeExceptionally(new CancellationException("the job was cancelled"));
      } else if (c instanceof WorkflowFailedException w
          && w.getCause() instanceof ApplicationFailure a) {
        setState(JobState.FAILED);
        result.completeExceptionally(new NonRetriableException(a.getOriginalMessage(), a));
      } else {
        setState(JobState.FAILED);
        result.completeExceptionally(new NonRetriableException("The job's workflow ended"
            + " without a result: " + c.getMessage(), c));
      }
    } catch (RuntimeException e) {
      setState(JobState.FAILED);
      result.completeExceptionally(e);
    } finally {
      poller.shutdown();
    }
  }

  /** The finished job's outputs, from its manifest in the storage. */
  private JobResult read(String manifestKey) {
    Manifest m;
    try (InputStream in = storage.open(manifestKey)) {
      m = Manifest.read(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the job's " + manifestKey, e);
    }
    AssetRef manifestRef = storage.head(manifestKey).orElseThrow(() -> new NonRetriableException(
        "The job completed but its " + manifestKey + " is not in " + storage.locate(manifestKey)
            + ": was the storage changed meanwhile?"));
    Map<String, OutputLocation> stems = new LinkedHashMap<>();
    if (m.soundtrack() != null) {
      m.soundtrack().stems().forEach((k, v) -> stems.put(k, OutputLocation.of(storage, v)));
    }
    return new JobResult(m, OutputLocation.of(storage, m.video().file()),
        OutputLocation.of(storage, m.captions().srt()),
        OutputLocation.of(storage, m.captions().vtt()), OutputLocation.of(storage, m.thumbnail()),
        OutputLocation.of(storage, manifestRef), stems, Duration.ofNanos(System.nanoTime() - t0));
  }

  private void setState(JobState s) {
    if (state.getAndSet(s) != s) {
      tell(new ProgressEvent.JobStateChanged(s));
    }
  }

  private void tell(ProgressEvent e) {
    try {
      listener.onEvent(e);
    } catch (RuntimeException ex) {
      LOG.warn("the listener threw on {}: {}", e.getClass().getSimpleName(), ex.toString());
    }
  }
}
