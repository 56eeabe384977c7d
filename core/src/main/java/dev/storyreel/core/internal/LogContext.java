package dev.storyreel.core.internal;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * The SLF4J MDC keys StoryReel sets, and the helpers that set them. Logs only: none of these
 * values is part of the public API.
 *
 * <ul>
 *   <li>{@value #JOB_ID}: the job, on its own thread and on every task thread of its graphs;
 *   <li>{@value #TASK}: the task id, for example {@code image-003};
 *   <li>{@value #SEGMENT}: the segment number of a per-segment task ({@code 3} for {@code
 *       image-003}); absent for other tasks;
 *   <li>{@value #RESOURCE}: the task's resource class, for example {@code image};
 *   <li>{@value #ATTEMPT}: the attempt number, from 1;
 *   <li>{@value #PROVIDER}: the provider that does the work, where the stage knows it.
 * </ul>
 *
 * <p>Thread-safe: the MDC is per thread.
 */
public final class LogContext {

  /** MDC key of the job id. */
  public static final String JOB_ID = "jobId";
  /** MDC key of the task id. */
  public static final String TASK = "task";
  /** MDC key of the segment number. */
  public static final String SEGMENT = "segment";
  /** MDC key of the task's resource class. */
  public static final String RESOURCE = "resource";
  /** MDC key of the attempt number. */
  public static final String ATTEMPT = "attempt";
  /** MDC key of the provider's name. */
  public static final String PROVIDER = "provider";

  private static final AtomicLong JOBS = new AtomicLong();
  private static final Pattern SEGMENT_TASK = Pattern.compile("[a-z][a-z-]*-(\\d{1,9})");

  private LogContext() {}

  /**
   * A job id for logs: the first 12 characters of the job's input key, then a counter that tells
   * two runs of the same input in one JVM apart.
   *
   * @param inputKey the job's input key (a SHA-256 in hex); {@code null} or blank gives {@code
   *     "job"} as the prefix
   * @return for example {@code 3fa2b9c01d2e-1}; never {@code null}
   */
  public static String jobId(@Nullable String inputKey) {
    String prefix = inputKey == null || inputKey.isBlank() ? "job"
        : inputKey.substring(0, Math.min(12, inputKey.length()));
    return prefix + "-" + JOBS.incrementAndGet();
  }

  /**
   * Replaces this thread's MDC with {@code base} plus the task's keys. The caller clears it when
   * the task body returns.
   *
   * @param base the MDC of the thread that started the run; may be {@code null} (none)
   * @param taskId the task id, for example {@code image-003}
   * @param resource the task's resource class
   * @param attempt the attempt number, from 1
   */
  static void enterTask(@Nullable Map<String, String> base, String taskId, String resource,
      int attempt) {
    if (base == null) {
      MDC.clear();
    } else {
      MDC.setContextMap(base);
    }
    MDC.put(TASK, taskId);
    Matcher m = SEGMENT_TASK.matcher(taskId);
    if (m.matches()) {
      MDC.put(SEGMENT, Integer.toString(Integer.parseInt(m.group(1))));
    }
    MDC.put(RESOURCE, resource);
    MDC.put(ATTEMPT, Integer.toString(attempt));
  }

  /**
   * Puts the provider's name in this thread's MDC, from inside a task body: the task graph clears
   * it with the rest of the task's MDC.
   *
   * @param name the provider's name, for example {@code procedural}; {@code null} puts nothing
   */
  static void provider(@Nullable String name) {
    if (name != null) {
      MDC.put(PROVIDER, name);
    }
  }
}
