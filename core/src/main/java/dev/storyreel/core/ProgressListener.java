package dev.storyreel.core;

/**
 * Receives a job's {@link ProgressEvent}s.
 *
 * <p>Events may arrive from several worker threads at once, so an implementation must be
 * thread-safe. A listener must return quickly; if it throws, the exception is logged and the job
 * goes on: a listener cannot break a run.
 */
@FunctionalInterface
public interface ProgressListener {

  /** A listener that ignores every event. */
  ProgressListener NONE = event -> {};

  /**
   * @param event what happened; never {@code null}
   */
  void onEvent(ProgressEvent event);
}
