package dev.storyreel.temporal;

import dev.storyreel.core.RetryPolicy;
import dev.storyreel.core.Story;
import java.time.Duration;
import java.util.Objects;

/**
 * The workflow's input: what any worker needs to rebuild the job, and how its activities are
 * scheduled. Small (the story's text is its only large part, and {@code StoryReel} caps it);
 * serialised as JSON by Temporal's default data converter.
 *
 * @param jobId the job's id, which is the workflow id
 * @param title the story's title
 * @param text the story's text
 * @param storage where the job's files are, as the workers' {@link StorageResolver} reads it (an
 *     {@code s3://bucket/prefix} URI in production, a folder in tests)
 * @param queuePrefix the {@link TaskQueues} prefix
 * @param maxAttempts attempts of a retriable task, from StoryReel's {@link RetryPolicy}, at
 *     least 1
 * @param initialDelayMillis the first retry's delay, in milliseconds, at least 1
 * @param multiplier each next delay's factor, at least 1
 * @param maxDelayMillis the longest delay, in milliseconds, at least {@code initialDelayMillis}
 * @param crashAttempts attempts of a task that StoryReel never retries (layout, timeline, render,
 *     publish) when its worker is lost (a heartbeat or start-to-close timeout); at least 1
 * @param heartbeatTimeoutMillis how long a running activity may go without a heartbeat before
 *     Temporal gives it to another worker, in milliseconds, at least 1000
 * @param taskTimeoutMillis the longest one attempt of a task may run, in milliseconds, at least
 *     the heartbeat timeout
 */
public record JobSpec(String jobId, String title, String text, String storage,
    String queuePrefix, int maxAttempts, long initialDelayMillis, double multiplier,
    long maxDelayMillis, int crashAttempts, long heartbeatTimeoutMillis,
    long taskTimeoutMillis) {

  /**
   * @param jobId see the record's description
   * @param title see the record's description
   * @param text see the record's description
   * @param storage see the record's description
   * @param queuePrefix see the record's description
   * @param maxAttempts see the record's description
   * @param initialDelayMillis see the record's description
   * @param multiplier see the record's description
   * @param maxDelayMillis see the record's description
   * @param crashAttempts see the record's description
   * @param heartbeatTimeoutMillis see the record's description
   * @param taskTimeoutMillis see the record's description
   * @throws NullPointerException if a string is {@code null}
   * @throws IllegalArgumentException if a number is out of its range (the message names it)
   */
  public JobSpec {
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(storage, "storage");
    new TaskQueues(queuePrefix);
    atLeast("maxAttempts", maxAttempts, 1);
    atLeast("initialDelayMillis", initialDelayMillis, 1);
    if (!(multiplier >= 1)) {
      throw new IllegalArgumentException("multiplier must be >= 1, was " + multiplier);
    }
    atLeast("maxDelayMillis", maxDelayMillis, initialDelayMillis);
    atLeast("crashAttempts", crashAttempts, 1);
    atLeast("heartbeatTimeoutMillis", heartbeatTimeoutMillis, 1000);
    atLeast("taskTimeoutMillis", taskTimeoutMillis, heartbeatTimeoutMillis);
  }

  private static void atLeast(String name, long value, long min) {
    if (value < min) {
      throw new IllegalArgumentException(name + " must be >= " + min + ", was " + value);
    }
  }

  /** @return the story */
  public Story story() {
    return new Story(title, text);
  }

  /** @return the job's retry policy, as StoryReel's */
  public RetryPolicy retry() {
    return RetryPolicy.builder().maxAttempts(maxAttempts)
        .initialDelay(Duration.ofMillis(initialDelayMillis)).multiplier(multiplier)
        .maxDelay(Duration.ofMillis(maxDelayMillis)).build();
  }
}
