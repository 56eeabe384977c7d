package dev.storyreel.core.internal;

import dev.storyreel.core.ProgressEvent;
import dev.storyreel.core.ProgressListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps a caller's listener so that an exception it throws is logged and swallowed: a listener
 * must never break a run.
 */
public final class SafeListener implements ProgressListener {
  private static final Logger LOG = LoggerFactory.getLogger(SafeListener.class);
  private final ProgressListener delegate;

  private SafeListener(ProgressListener delegate) {
    this.delegate = delegate;
  }

  /**
   * @param listener the caller's listener, or {@code null}
   * @return a listener that never throws
   */
  public static ProgressListener wrap(ProgressListener listener) {
    if (listener == null) {
      return ProgressListener.NONE;
    }
    return listener instanceof SafeListener ? listener : new SafeListener(listener);
  }

  @Override
  public void onEvent(ProgressEvent event) {
    try {
      delegate.onEvent(event);
    } catch (RuntimeException e) {
      LOG.warn("progress listener threw on {}; ignored", event, e);
    }
  }
}
