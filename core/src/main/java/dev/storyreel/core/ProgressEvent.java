package dev.storyreel.core;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Something that happened in a job. Task events come in pairs: every {@link TaskStarted} is
 * followed by exactly one of {@link TaskSucceeded}, {@link TaskRetrying} (then a new {@link
 * TaskStarted}) or {@link TaskFailed}. A task cancelled before it started gets no event.
 *
 * <p>Task events carry the task's {@link TaskKind} and, for per-segment work, the segment's index
 * as fields: a listener never parses the task id. An asset found in the cache gets a {@link
 * CacheHit} and no task work of its own is paid for; what the manifest lists as a warning is also
 * sent as a {@link Warning} when it is found.
 */
public sealed interface ProgressEvent {

  /**
   * A task attempt began.
   *
   * @param taskId the task's id, for example {@code image-3}
   * @param resource the resource class it holds a permit of, for example {@code image}
   * @param attempt the attempt number, from 1
   * @param kind what the task makes
   * @param segment the segment's index (from 0) for per-segment work, else empty
   */
  record TaskStarted(String taskId, String resource, int attempt, TaskKind kind,
      OptionalInt segment) implements ProgressEvent {
    /**
     * @param taskId the task's id, for example {@code image-3}
     * @param resource the resource class it holds a permit of, for example {@code image}
     * @param attempt the attempt number, from 1
     * @param kind what the task makes
     * @param segment the segment's index for per-segment work, else empty
     * @throws NullPointerException if an argument is {@code null}
     */
    public TaskStarted {
      Objects.requireNonNull(taskId, "taskId");
      Objects.requireNonNull(resource, "resource");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(segment, "segment");
    }

    /**
     * An event of a task without a kind ({@link TaskKind#OTHER}, no segment).
     *
     * @param taskId the task's id
     * @param resource the resource class
     * @param attempt the attempt number, from 1
     */
    public TaskStarted(String taskId, String resource, int attempt) {
      this(taskId, resource, attempt, TaskKind.OTHER, OptionalInt.empty());
    }
  }

  /**
   * A task attempt finished successfully.
   *
   * @param taskId the task's id
   * @param attempt the attempt that succeeded, from 1
   * @param elapsed wall time of that attempt
   * @param kind what the task makes
   * @param segment the segment's index (from 0) for per-segment work, else empty
   */
  record TaskSucceeded(String taskId, int attempt, Duration elapsed, TaskKind kind,
      OptionalInt segment) implements ProgressEvent {
    /**
     * @param taskId the task's id
     * @param attempt the attempt that succeeded, from 1
     * @param elapsed wall time of that attempt
     * @param kind what the task makes
     * @param segment the segment's index for per-segment work, else empty
     * @throws NullPointerException if an argument is {@code null}
     */
    public TaskSucceeded {
      Objects.requireNonNull(taskId, "taskId");
      Objects.requireNonNull(elapsed, "elapsed");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(segment, "segment");
    }

    /**
     * An event of a task without a kind ({@link TaskKind#OTHER}, no segment).
     *
     * @param taskId the task's id
     * @param attempt the attempt that succeeded
     * @param elapsed wall time of that attempt
     */
    public TaskSucceeded(String taskId, int attempt, Duration elapsed) {
      this(taskId, attempt, elapsed, TaskKind.OTHER, OptionalInt.empty());
    }
  }

  /**
   * A task attempt failed retriably and will be tried again after {@code delay}.
   *
   * @param taskId the task's id
   * @param failedAttempt the attempt that failed, from 1
   * @param delay the wait before the next attempt
   * @param cause why the attempt failed
   * @param kind what the task makes
   * @param segment the segment's index (from 0) for per-segment work, else empty
   */
  record TaskRetrying(String taskId, int failedAttempt, Duration delay, Throwable cause,
      TaskKind kind, OptionalInt segment) implements ProgressEvent {
    /**
     * @param taskId the task's id
     * @param failedAttempt the attempt that failed, from 1
     * @param delay the wait before the next attempt
     * @param cause why the attempt failed
     * @param kind what the task makes
     * @param segment the segment's index for per-segment work, else empty
     * @throws NullPointerException if an argument is {@code null}
     */
    public TaskRetrying {
      Objects.requireNonNull(taskId, "taskId");
      Objects.requireNonNull(delay, "delay");
      Objects.requireNonNull(cause, "cause");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(segment, "segment");
    }

    /**
     * An event of a task without a kind ({@link TaskKind#OTHER}, no segment).
     *
     * @param taskId the task's id
     * @param failedAttempt the attempt that failed
     * @param delay the wait before the next attempt
     * @param cause why it failed
     */
    public TaskRetrying(String taskId, int failedAttempt, Duration delay, Throwable cause) {
      this(taskId, failedAttempt, delay, cause, TaskKind.OTHER, OptionalInt.empty());
    }
  }

  /**
   * A task failed for good: non-retriable, out of attempts, or cancelled while running.
   *
   * @param taskId the task's id
   * @param attempt the last attempt, from 1
   * @param cause why it failed
   * @param kind what the task makes
   * @param segment the segment's index (from 0) for per-segment work, else empty
   */
  record TaskFailed(String taskId, int attempt, Throwable cause, TaskKind kind,
      OptionalInt segment) implements ProgressEvent {
    /**
     * @param taskId the task's id
     * @param attempt the last attempt, from 1
     * @param cause why it failed
     * @param kind what the task makes
     * @param segment the segment's index for per-segment work, else empty
     * @throws NullPointerException if an argument is {@code null}
     */
    public TaskFailed {
      Objects.requireNonNull(taskId, "taskId");
      Objects.requireNonNull(cause, "cause");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(segment, "segment");
    }

    /**
     * An event of a task without a kind ({@link TaskKind#OTHER}, no segment).
     *
     * @param taskId the task's id
     * @param attempt the last attempt
     * @param cause why it failed
     */
    public TaskFailed(String taskId, int attempt, Throwable cause) {
      this(taskId, attempt, cause, TaskKind.OTHER, OptionalInt.empty());
    }
  }

  /**
   * An asset was found in the asset cache: nothing was made or paid for it in this run. Sent from
   * the task that needed it (so between that task's {@link TaskStarted} and its closing event),
   * or from the job's thread for the storyboard and the video.
   *
   * @param kind what the asset is
   * @param segment the segment's index (from 0) for a per-segment asset, else empty
   * @param cacheKey the cache key: 64 lower-case hex digits, as in the manifest
   */
  record CacheHit(TaskKind kind, OptionalInt segment, String cacheKey) implements ProgressEvent {
    /**
     * @param kind what the asset is
     * @param segment the segment's index for a per-segment asset, else empty
     * @param cacheKey the cache key
     * @throws NullPointerException if an argument is {@code null}
     */
    public CacheHit {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(segment, "segment");
      Objects.requireNonNull(cacheKey, "cacheKey");
    }
  }

  /**
   * Something the job went on without, that the caller should know of; the same text is listed
   * in the manifest's {@link Manifest#warnings()}. For example a sound cue no effect was found
   * for.
   *
   * @param message what happened and what to do about it; never contains a credential
   */
  record Warning(String message) implements ProgressEvent {
    /**
     * @param message what happened
     * @throws NullPointerException if {@code message} is {@code null}
     */
    public Warning {
      Objects.requireNonNull(message, "message");
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
   * The job's plan (storyboard, cost estimate, sheet) is ready, after planning and moderation and
   * before any image or narration is paid for. A job submitted with {@link
   * StoryReel.Builder#requireApproval(boolean)} then waits in {@link JobState#AWAITING_APPROVAL}.
   *
   * @param plan the plan; never {@code null}
   */
  record PlanReady(Plan plan) implements ProgressEvent {
    /**
     * @param plan the plan; never {@code null}
     * @throws NullPointerException if it is {@code null}
     */
    public PlanReady {
      Objects.requireNonNull(plan, "plan");
    }
  }

  /**
   * A paid (or metered) provider call finished and what it consumed was counted against the
   * job's budget.
   *
   * @param provider the provider's name, for example {@code openai}
   * @param model its model
   * @param usage what the call consumed, priced with the job's price table ({@link
   *     Usage#estimatedCostUsd()}); never {@code null}
   */
  record UsageRecorded(String provider, String model, Usage usage) implements ProgressEvent {
    /**
     * @param provider the provider's name, for example {@code openai}
     * @param model its model
     * @param usage what the call consumed, priced with the job's price table ({@link
     *     Usage#estimatedCostUsd()}); never {@code null}
     * @throws NullPointerException if an argument is {@code null}
     */
    public UsageRecorded {
      java.util.Objects.requireNonNull(provider, "provider");
      java.util.Objects.requireNonNull(model, "model");
      java.util.Objects.requireNonNull(usage, "usage");
    }
  }

  /**
   * The renderer has encoded more frames.
   *
   * @param framesDone frames handed to the encoder so far
   * @param framesTotal frames the video will have
   */
  record FramesRendered(long framesDone, long framesTotal) implements ProgressEvent {}

  /**
   * Where one segment's picture stands in a streaming render (see {@link SegmentPhase}). For each
   * segment a job sends {@link SegmentPhase#GENERATING} when its picture's task starts (again on
   * a retry), {@link SegmentPhase#READY} once the picture is stored, {@link SegmentPhase#WAITING}
   * if the renderer reached the segment before it was ready, and {@link SegmentPhase#COMPOSED}
   * once the renderer has encoded the segment's last frame. {@code READY} may come before or
   * after {@code WAITING}; {@code COMPOSED} comes last, in segment order.
   *
   * @param segment the segment's index, from 0
   * @param phase where its picture stands; never {@code null}
   */
  record SegmentStatus(int segment, SegmentPhase phase) implements ProgressEvent {
    /**
     * @param segment the segment's index, from 0
     * @param phase where its picture stands; never {@code null}
     * @throws NullPointerException if {@code phase} is {@code null}
     * @throws IllegalArgumentException if {@code segment} is negative
     */
    public SegmentStatus {
      Objects.requireNonNull(phase, "phase");
      if (segment < 0) {
        throw new IllegalArgumentException("segment must be >= 0, was " + segment);
      }
    }
  }

  /** The phases of {@link SegmentStatus}, in the order a segment normally goes through them. */
  enum SegmentPhase {
    /** Its picture is being made (or looked up in the cache). */
    GENERATING,
    /** Its picture is stored; the renderer can compose it. */
    READY,
    /** The renderer has reached it and waits for its picture. */
    WAITING,
    /** The renderer has encoded all of its frames. */
    COMPOSED
  }
}
