package dev.storyreel.temporal;

import dev.storyreel.core.TaskKind;
import java.util.Objects;

/**
 * What the workflow records about a task, for the caller's listener ({@link
 * TemporalJobRunner} turns these into {@link dev.storyreel.core.ProgressEvent}s).
 *
 * @param taskId the task, for example {@code image-002}; {@code plan} for planning
 * @param phase what happened
 * @param kind what the task makes
 * @param segment its segment, or -1
 * @param elapsedMillis for an end, how long the activity took including retries, in
 *     milliseconds; else 0
 * @param message for a failure, StoryReel's message; else empty
 */
public record TaskEvent(String taskId, Phase phase, TaskKind kind, int segment,
    long elapsedMillis, String message) {

  /** A task's phases. */
  public enum Phase {
    /** The activity was scheduled. */
    STARTED,
    /** It succeeded. */
    SUCCEEDED,
    /** It failed for good (after Temporal's retries), or was cancelled. */
    FAILED
  }

  /**
   * @param taskId see the record's description
   * @param phase see the record's description
   * @param kind see the record's description
   * @param segment see the record's description
   * @param elapsedMillis see the record's description
   * @param message see the record's description
   * @throws NullPointerException if an argument is {@code null}
   */
  public TaskEvent {
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(message, "message");
  }
}
