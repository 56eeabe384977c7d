package dev.storyreel.testkit;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * What a piece of code allocates on the Java heap, measured with the JVM's per-thread allocation
 * counter ({@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes}, which HotSpot keeps
 * exactly per TLAB refill and per object outside TLABs). For tests that assert an allocation is
 * gone, not for speed: a figure is bytes, counted on the calling thread only.
 *
 * <p>Thread-safe; measures the calling thread.
 */
public final class Allocations {

  private Allocations() {}

  /** @return whether this JVM counts each thread's allocated bytes (HotSpot does) */
  public static boolean supported() {
    ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    return bean instanceof com.sun.management.ThreadMXBean b
        && b.isThreadAllocatedMemorySupported();
  }

  /**
   * Runs {@code task} {@code runs} times on the calling thread and returns the least it
   * allocated in one run: the least, so that a first run's class loading or a JIT's profiling
   * does not count.
   *
   * @param runs how many times, at least 1
   * @param task what to measure
   * @return bytes allocated by the calling thread during the cheapest run
   * @throws UnsupportedOperationException if {@link #supported()} is false
   * @throws IllegalArgumentException if {@code runs < 1}
   */
  public static long leastOf(int runs, Runnable task) {
    if (runs < 1) {
      throw new IllegalArgumentException("runs must be at least 1, got " + runs);
    }
    if (!supported()) {
      throw new UnsupportedOperationException("this JVM does not count per-thread allocation;"
          + " check Allocations.supported() first");
    }
    com.sun.management.ThreadMXBean bean =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    bean.setThreadAllocatedMemoryEnabled(true);
    long id = Thread.currentThread().getId();
    long least = Long.MAX_VALUE;
    for (int i = 0; i < runs; i++) {
      long before = bean.getThreadAllocatedBytes(id);
      task.run();
      least = Math.min(least, bean.getThreadAllocatedBytes(id) - before);
    }
    return least;
  }
}
