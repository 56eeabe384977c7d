package dev.storyreel.temporal;

import dev.storyreel.core.Job;
import dev.storyreel.core.ProgressListener;
import dev.storyreel.core.RetryPolicy;
import dev.storyreel.core.Story;
import dev.storyreel.core.StoryReel;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Runs StoryReel jobs on a Temporal cluster: the job runner for many machines, beside the
 * in-process one a {@code StoryReel} uses by default. {@link #submit} starts the job's workflow
 * ({@link StoryReelWorkflow}; its id is the job id) and returns a {@link Job} whose result, state,
 * events and cancellation work as a local job's. The job's tasks run on whichever {@link
 * StoryReelWorkers} poll its queues; this JVM calls no provider and renders nothing.
 *
 * <ul>
 *   <li>Starting a job id that is running, or that completed, attaches to that run: a job runs
 *       once. A job id whose last run failed or was cancelled starts again, and resumes from
 *       what the failed run stored.
 *   <li>The listener gets {@code JobStateChanged}, {@code TaskStarted}, {@code TaskSucceeded}
 *       and {@code TaskFailed} events, read from the workflow every {@link
 *       Builder#pollEvery(Duration)} (so at most that late); the frame counts of a render stay on
 *       its worker (its heartbeat details carry them).
 *   <li>A failed job's {@code result()} fails with a {@link dev.storyreel.core.NonRetriableException}
 *       carrying StoryReel's message from the worker; a cancelled one with a {@link
 *       java.util.concurrent.CancellationException}.
 * </ul>
 *
 * <pre>{@code
 * TemporalJobRunner runner = TemporalJobRunner.builder(client, location -> storage).build();
 * Job job = runner.submit("job-42", story, "s3://bucket/jobs/job-42", listener);
 * JobResult r = job.result().join();
 * }</pre>
 *
 * <p>Thread-safe and immutable; one runner serves any number of jobs.
 */
public final class TemporalJobRunner {
  private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9._:-]{1,200}");
  private final WorkflowClient client;
  private final StorageResolver storages;
  private final TaskQueues queues;
  private final RetryPolicy retry;
  private final int crashAttempts;
  private final Duration heartbeatTimeout;
  private final Duration taskTimeout;
  private final Duration pollEvery;
  private final @Nullable StoryReel preflight;

  private TemporalJobRunner(Builder b) {
    this.client = b.client;
    this.storages = b.storages;
    this.queues = b.queues;
    this.retry = b.retry;
    this.crashAttempts = b.crashAttempts;
    this.heartbeatTimeout = b.heartbeatTimeout;
    this.taskTimeout = b.taskTimeout;
    this.pollEvery = b.pollEvery;
    this.preflight = b.preflight;
  }

  /**
   * @param client the Temporal client of the cluster; not {@code null}
   * @param storages resolves a job's storage location here, to the files the workers see; not
   *     {@code null}
   * @return a builder with the defaults written on its methods
   * @throws NullPointerException if an argument is {@code null}
   */
  public static Builder builder(WorkflowClient client, StorageResolver storages) {
    return new Builder(client, storages);
  }

  /**
   * Starts a job, or attaches to the run of the same job id (see the class comment).
   *
   * @param jobId the job's id, the workflow id: 1..200 letters, digits, {@code . _ : -}
   * @param story the story; not {@code null}
   * @param storage the job's storage location as the workers' {@link StorageResolver} reads it
   *     (an {@code s3://bucket/prefix} URI in production); not {@code null}
   * @param listener receives the job's events, on a thread of the runner; not {@code null}
   * @return the running job
   * @throws IllegalArgumentException if {@code jobId} is not a valid id (the message shows it)
   * @throws dev.storyreel.core.InvalidInputException with {@link Builder#preflight}, if the
   *     story or the storage fails {@code StoryReel.submit}'s checks (nothing is started)
   * @throws io.temporal.client.WorkflowServiceException if the cluster cannot be reached
   */
  public Job submit(String jobId, Story story, String storage, ProgressListener listener) {
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(story, "story");
    Objects.requireNonNull(storage, "storage");
    Objects.requireNonNull(listener, "listener");
    if (!JOB_ID.matcher(jobId).matches()) {
      throw new IllegalArgumentException("A job id must be 1..200 letters, digits, '.', '_',"
          + " ':' or '-', was '" + jobId + "'");
    }
    if (preflight != null) {
      // submit's checks, here, before anything is scheduled: a bad story fails the call.
      preflight.tasks(story, storages.resolve(storage));
    }
    JobSpec spec = spec(jobId, story, storage);
    StoryReelWorkflow wf = client.newWorkflowStub(StoryReelWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(jobId).setTaskQueue(queues.workflow())
            .setWorkflowIdReusePolicy(
                WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY)
            .build());
    boolean started = true;
    try {
      WorkflowClient.start(wf::run, spec);
    } catch (WorkflowExecutionAlreadyStarted e) {
      started = false; // running, or completed: the same job; attach to it
    }
    WorkflowStub stub = client.newUntypedWorkflowStub(jobId);
    return new TemporalJob(stub, storages.resolve(storage), listener, pollEvery, started);
  }

  /** The workflow's input for a job, with this runner's schedule settings. */
  JobSpec spec(String jobId, Story story, String storage) {
    return new JobSpec(jobId, story.title(), story.text(), storage, queues.prefix(),
        retry.maxAttempts(), retry.initialDelay().toMillis(), retry.multiplier(),
        retry.maxDelay().toMillis(), crashAttempts, heartbeatTimeout.toMillis(),
        taskTimeout.toMillis());
  }

  /** Configures a {@link TemporalJobRunner}. Not thread-safe. */
  public static final class Builder {
    private final WorkflowClient client;
    private final StorageResolver storages;
    private TaskQueues queues = TaskQueues.defaults();
    private RetryPolicy retry = RetryPolicy.defaults();
    private int crashAttempts = 3;
    private Duration heartbeatTimeout = Duration.ofSeconds(30);
    private Duration taskTimeout = Duration.ofHours(2);
    private Duration pollEvery = Duration.ofMillis(250);
    private @Nullable StoryReel preflight;

    private Builder(WorkflowClient client, StorageResolver storages) {
      this.client = Objects.requireNonNull(client, "client");
      this.storages = Objects.requireNonNull(storages, "storages");
    }

    /**
     * @param queues the queues' names (default {@link TaskQueues#defaults()}); the workers must
     *     use the same
     * @return this builder
     */
    public Builder queues(TaskQueues queues) {
      this.queues = Objects.requireNonNull(queues, "queues");
      return this;
    }

    /**
     * How retriable failures are retried (default {@link RetryPolicy#defaults()}), mapped onto
     * Temporal's retry options of each task StoryReel retries. Set the workers' {@code
     * StoryReel} to what you like: in an activity StoryReel itself does not retry.
     *
     * @param retry not {@code null}
     * @return this builder
     */
    public Builder retryPolicy(RetryPolicy retry) {
      this.retry = Objects.requireNonNull(retry, "retry");
      return this;
    }

    /**
     * Attempts of a task that StoryReel never retries (render, publish, layout, timeline) when
     * its worker is lost (default 3).
     *
     * @param attempts at least 1
     * @return this builder
     * @throws IllegalArgumentException if below 1
     */
    public Builder crashAttempts(int attempts) {
      if (attempts < 1) {
        throw new IllegalArgumentException("crashAttempts must be >= 1, was " + attempts);
      }
      this.crashAttempts = attempts;
      return this;
    }

    /**
     * How long a running task may go without a heartbeat before Temporal gives it to another
     * worker (default 30 s, at least 1 s). Workers heartbeat every second by default.
     *
     * @param timeout at least 1 s
     * @return this builder
     * @throws IllegalArgumentException if under 1 s
     */
    public Builder heartbeatTimeout(Duration timeout) {
      if (timeout.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("heartbeatTimeout must be >= 1 s, was " + timeout);
      }
      this.heartbeatTimeout = timeout;
      return this;
    }

    /**
     * The longest one attempt of a task may run (default 2 h; a long render is the longest).
     *
     * @param timeout at least the heartbeat timeout
     * @return this builder
     */
    public Builder taskTimeout(Duration timeout) {
      this.taskTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * How often a job reads its workflow's events for the listener (default 250 ms).
     *
     * @param every positive
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder pollEvery(Duration every) {
      if (every.isNegative() || every.isZero()) {
        throw new IllegalArgumentException("pollEvery must be positive, was " + every);
      }
      this.pollEvery = every;
      return this;
    }

    /**
     * Checks each job here before it is started, with the workers' configuration: the story's
     * length and words, the voice, the renderer's settings, the storage, an existing output
     * (as {@code StoryReel.submit} does; no provider is called). Without it (the default) the
     * same checks run in the job's first activity, and a bad job fails there, still before any
     * paid call.
     *
     * @param reel a {@code StoryReel} built as the workers build theirs, or {@code null} for none
     * @return this builder
     */
    public Builder preflight(@Nullable StoryReel reel) {
      this.preflight = reel;
      return this;
    }

    /**
     * @return the runner
     * @throws IllegalArgumentException if the task timeout is shorter than the heartbeat timeout
     */
    public TemporalJobRunner build() {
      if (taskTimeout.compareTo(heartbeatTimeout) < 0) {
        throw new IllegalArgumentException("taskTimeout (" + taskTimeout + ") must be at least"
            + " the heartbeatTimeout (" + heartbeatTimeout + ")");
      }
      return new TemporalJobRunner(this);
    }
  }
}
