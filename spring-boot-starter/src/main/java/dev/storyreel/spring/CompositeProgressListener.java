package dev.storyreel.spring;

import dev.storyreel.core.ProgressEvent;
import dev.storyreel.core.ProgressListener;
import java.util.List;

/**
 * Hands every event to each of several listeners in order. One that throws does not keep the
 * event from the others: the first failure is thrown again once all have been called, so that
 * the job's own guard logs it (a listener cannot break a run).
 *
 * <p>Thread-safe when the listeners are.
 */
final class CompositeProgressListener implements ProgressListener {
  private final List<ProgressListener> listeners;

  CompositeProgressListener(List<ProgressListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  /**
   * @param listeners the listeners, in the order they are called
   * @return {@link ProgressListener#NONE} for none, the listener itself for one, else a composite
   */
  static ProgressListener of(List<ProgressListener> listeners) {
    if (listeners.isEmpty()) {
      return ProgressListener.NONE;
    }
    if (listeners.size() == 1) {
      return listeners.get(0);
    }
    return new CompositeProgressListener(listeners);
  }

  @Override
  public void onEvent(ProgressEvent event) {
    RuntimeException first = null;
    for (ProgressListener l : listeners) {
      try {
        l.onEvent(event);
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  @Override
  public String toString() {
    return "CompositeProgressListener" + listeners;
  }
}
