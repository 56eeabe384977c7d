package dev.storyreel.core;

import java.time.Duration;
import java.util.Objects;

/**
 * Something that happened in a job. Task events come in pairs: every {@link TaskStarted} is
 * followed by exactly one of {@link TaskSucceeded}, {@link TaskRetrying} (then a new {@link
 * TaskStarted}) or {@link TaskFailed}. A task cancelled before it started gets no event.
 */
public sealed interface ProgressEvent {

  /**
   * A task attempt began.
   *
   * @param taskId the task's id, for example {@code image-3}
   * @param resource the resource class it holds a permit of, for example {@code image}
   * @param attempt the attempt number, from 1
   */
  record TaskStarted(String taskId, String resource, int attempt) implements ProgressEvent {
    /**
     * @param taskId the task's id, for example {@code image-3}
     * @param resource the resource class it holds a permit of, for example {@code image}
     * @param attempt the attempt number, from 1
     * @throws NullPointerException if a text is {@code null}
     */
    public TaskStarted {
      Objects.requireNonNull(taskId, "taskId");
      Objects.requireNonNull(resource, "resource");
    }
  }

  /**
   * A task attempt finished successfully.
   *
   * @param taskId the task's id
   * @param attempt the attempt that succeeded, from 1
   * @param elapsed wall time of that attempt
   */
  record TaskSucceeded(String taskId, int attempt, Duration elapsed) implements ProgressEvent {
    /**
     * @param taskId the task's id
     * @param attempt the attempt that succeeded, from 1
     * @param elapsed wall time of that attempt
     * @throws NullPointerException if an argument is {@code null}
     */
    public TaskSucceeded {
      Objects.requireNonNull(taskId, "taskId");
      Objects.requireNonNull(elapsed, "elapsed");
    }
  }

  /**
   * A task attempt failed retriably and will be tried again after {@code delay}.
   *
   * @param taskId the task's id
   * @param failedAttempt the attempt that failed, from 1
   * @param delay the wait before the next attempt
   * @param cause why the attempt failed
   */
  record TaskRetrying(String taskId, int failedAttempt, Duration delay, Throwable cause)
      implements ProgressEvent {
    /**
     * @param taskId the task's id
     * @param failedAttempt the attempt that failed, from 1
     * @param delay the wait before the next attempt
     * @param cause why the attempt failed
     * @throws NullPointerException if an argument is {@code null}
     */
    public TaskRetrying {
      Objects.requireNonNull(taskId, "taskId");
      Objects.requireNonNull(delay, "delay");
      Objects.requireNonNull(cause, "cause");
    }
  }

  /**
   * A task failed for good: non-retriable, out of attempts, or cancelled while running.
   *
   * @param taskId the task's id
   * @param attempt the last attempt, from 1
   * @param cause why it failed
   */
  record TaskFailed(String taskId, int attempt, Throwable cause) implements ProgressEvent {
    /**
     * @param taskId the task's id
     * @param attempt the last attempt, from 1
     * @param cause why it failed
     * @throws NullPointerException if an argument is {@code null}
     */
    public TaskFailed {
      Objects.requireNonNull(taskId, "taskId");
      Objects.requireNonNull(cause, "cause");
    }
  }

  /**
   * The job moved to another stage.
   *
   * @param state the new state
   */
  record JobStateChanged(JobState state) implements ProgressEvent {
    /**
     * @param state the new state
     * @throws NullPointerException if {@code state} is {@code null}
     */
    public JobStateChanged {
      Objects.requireNonNull(state, "state");
    }
  }

  /**
   * Planning finished: the job will make one image and one narration for each segment.
   *
   * @param segmentCount how many segments the storyboard has, at least 1
   */
  record StoryboardPlanned(int segmentCount) implements ProgressEvent {}

  /**
   * The renderer has encoded more frames.
   *
   * @param framesDone frames handed to the encoder so far
   * @param framesTotal frames the video will have
   */
  record FramesRendered(long framesDone, long framesTotal) implements ProgressEvent {}
}
