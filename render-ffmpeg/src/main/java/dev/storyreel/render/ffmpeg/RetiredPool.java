package dev.storyreel.render.ffmpeg;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * Buffers a render's caches have dropped, handed out again once no worker can still be reading
 * them: a buffer is retired with the first frame index from which nothing reads it, and becomes
 * free when the encoder reports that every frame below that index is composed ({@link
 * #composedBelow}). With it a long render reuses its canvas planes and caption states instead of
 * allocating new ones per segment and per cue, which is what keeps G1's young generation (and
 * so the process' resident memory) from growing with the video's length.
 *
 * <p>Thread-safe. {@link #composedBelow} costs a volatile read when nothing is due.
 *
 * @param <T> the buffer type
 */
final class RetiredPool<T> {

  private record Retired<T>(long freeFrom, T buffer) {}

  /** Retired buffers not yet free, in retirement order; guarded by itself. */
  private final ArrayDeque<Retired<T>> retired = new ArrayDeque<>();
  /** The least {@link Retired#freeFrom} in {@link #retired}. */
  private volatile long earliestFree = Long.MAX_VALUE;
  private final ArrayBlockingQueue<T> free;

  /** @param capacity the most free buffers kept; more are dropped for the garbage collector */
  RetiredPool(int capacity) {
    this.free = new ArrayBlockingQueue<>(capacity);
  }

  /**
   * @param buffer a buffer the cache no longer hands out, which workers may still be reading
   * @param freeFrom the first frame index that does not read it: it is free once every frame
   *     below is composed
   */
  void retire(T buffer, long freeFrom) {
    synchronized (retired) {
      retired.add(new Retired<>(freeFrom, buffer));
      earliestFree = Math.min(earliestFree, freeFrom);
    }
  }

  /** @return a free buffer, or {@code null} if there is none */
  T poll() {
    return free.poll();
  }

  /**
   * Frees the retired buffers that only frames below {@code frame} read.
   *
   * @param frame the number of frames composed, all of them below this index
   */
  void composedBelow(long frame) {
    if (frame < earliestFree) {
      return;
    }
    synchronized (retired) {
      long earliest = Long.MAX_VALUE;
      for (Iterator<Retired<T>> it = retired.iterator(); it.hasNext(); ) {
        Retired<T> r = it.next();
        if (r.freeFrom() <= frame) {
          it.remove();
          free.offer(r.buffer()); // dropped when the free list is full
        } else {
          earliest = Math.min(earliest, r.freeFrom());
        }
      }
      earliestFree = earliest;
    }
  }
}
