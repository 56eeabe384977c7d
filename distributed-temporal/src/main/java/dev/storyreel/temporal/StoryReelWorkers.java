package dev.storyreel.temporal;

import dev.storyreel.core.ProgressListener;
import dev.storyreel.core.StoryReel;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * StoryReel's Temporal workers in one JVM: the workflow and the activities of the task queues
 * this host serves. Every worker of a deployment must build its {@link StoryReel} the same way
 * (providers, format, seed, settings: the job's cache keys come from them) and resolve storage
 * locations to the same files.
 *
 * <pre>{@code
 * WorkflowClient client = WorkflowClient.newInstance(
 *     WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
 *         .setTarget("temporal.example.com:7233").build()));
 * StoryReelWorkers workers = StoryReelWorkers.builder(client, reel, location -> storage)
 *     .queues(TaskQueues.defaults(), List.of(queues.render()))   // a render machine
 *     .concurrency(queues.render(), 1)
 *     .start();
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} stops polling and waits for running activities up to 30 s.
 */
public final class StoryReelWorkers implements AutoCloseable {
  private final WorkerFactory factory;
  private final ExecutorService threads;

  private StoryReelWorkers(WorkerFactory factory, ExecutorService threads) {
    this.factory = factory;
    this.threads = threads;
  }

  /**
   * @param client the Temporal client of the cluster; not {@code null}
   * @param reel how this host makes jobs; not {@code null}
   * @param storages resolves each job's storage location; not {@code null}
   * @return a builder serving every queue of {@link TaskQueues#defaults()}
   * @throws NullPointerException if an argument is {@code null}
   */
  public static Builder builder(WorkflowClient client, StoryReel reel, StorageResolver storages) {
    return new Builder(client, reel, storages);
  }

  /** @return the Temporal worker factory, for its own settings and metrics */
  public WorkerFactory factory() {
    return factory;
  }

  /** Stops polling, waits up to 30 s for running activities, then interrupts them. */
  @Override
  public void close() {
    factory.shutdown();
    factory.awaitTermination(30, TimeUnit.SECONDS);
    factory.shutdownNow();
    threads.shutdownNow();
  }

  /** Configures {@link StoryReelWorkers}. Not thread-safe. */
  public static final class Builder {
    private final WorkflowClient client;
    private final StoryReel reel;
    private final StorageResolver storages;
    private TaskQueues queues = TaskQueues.defaults();
    private List<String> served;
    private boolean workflows = true;
    private final Map<String, Integer> concurrency = new LinkedHashMap<>();
    private ProgressListener listener = ProgressListener.NONE;
    private Duration heartbeatEvery = Duration.ofSeconds(1);

    private Builder(WorkflowClient client, StoryReel reel, StorageResolver storages) {
      this.client = Objects.requireNonNull(client, "client");
      this.reel = Objects.requireNonNull(reel, "reel");
      this.storages = Objects.requireNonNull(storages, "storages");
    }

    /**
     * Which queues this host serves.
     *
     * @param queues the deployment's queue names; not {@code null}
     * @param activityQueues the activity queues to poll here, each one of {@code
     *     queues.activityQueues()}; not {@code null}, may be empty (workflows only)
     * @return this builder
     * @throws IllegalArgumentException if a queue is not one of {@code queues}'
     */
    public Builder queues(TaskQueues queues, List<String> activityQueues) {
      this.queues = Objects.requireNonNull(queues, "queues");
      for (String q : activityQueues) {
        if (!queues.activityQueues().contains(q)) {
          throw new IllegalArgumentException("Unknown task queue '" + q + "'; the queues of"
              + " prefix '" + queues.prefix() + "' are " + queues.activityQueues());
        }
      }
      this.served = List.copyOf(activityQueues);
      return this;
    }

    /**
     * Whether this host also runs workflows (light, event-driven; on by default).
     *
     * @param on whether to poll the workflow queue
     * @return this builder
     */
    public Builder workflows(boolean on) {
      this.workflows = on;
      return this;
    }

    /**
     * How many activities of one queue run at once on this host (default: 1 for the render
     * queue, since one render uses every core; 8 for the others).
     *
     * @param queue an activity queue
     * @param max at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code max < 1}
     */
    public Builder concurrency(String queue, int max) {
      if (max < 1) {
        throw new IllegalArgumentException("concurrency of " + queue + " must be >= 1, was "
            + max);
      }
      concurrency.put(Objects.requireNonNull(queue, "queue"), max);
      return this;
    }

    /**
     * Receives the events of the tasks this host runs (frames rendered, cache hits, ...); the
     * caller's listener gets the tasks' starts and ends from the workflow.
     *
     * @param listener not {@code null}; must not block
     * @return this builder
     */
    public Builder listener(ProgressListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * How often a running activity heartbeats (default 1 s). Keep it well under the jobs'
     * heartbeat timeout ({@link TemporalJobRunner.Builder#heartbeatTimeout}); the SDK also
     * throttles heartbeats to 80% of that timeout.
     *
     * @param every positive
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder heartbeatEvery(Duration every) {
      if (every.isNegative() || every.isZero()) {
        throw new IllegalArgumentException("heartbeatEvery must be positive, was " + every);
      }
      this.heartbeatEvery = every;
      return this;
    }

    /**
     * Registers the workflow and activities and starts polling.
     *
     * @return the running workers
     */
    public StoryReelWorkers start() {
      AtomicInteger n = new AtomicInteger();
      ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "storyreel-activity-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
      WorkerFactory factory = WorkerFactory.newInstance(client);
      if (workflows) {
        factory.newWorker(queues.workflow())
            .registerWorkflowImplementationTypes(StoryReelWorkflowImpl.class);
      }
      List<String> polled = served != null ? served : new ArrayList<>(queues.activityQueues());
      for (String q : polled) {
        int max = concurrency.getOrDefault(q, q.equals(queues.render()) ? 1 : 8);
        Worker w = factory.newWorker(q, WorkerOptions.newBuilder()
            .setMaxConcurrentActivityExecutionSize(max).build());
        w.registerActivitiesImplementations(new StoryReelActivitiesImpl(reel, storages,
            listener, heartbeatEvery, threads));
      }
      factory.start();
      return new StoryReelWorkers(factory, threads);
    }
  }
}
