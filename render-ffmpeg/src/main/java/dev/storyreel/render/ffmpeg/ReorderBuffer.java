package dev.storyreel.render.ffmpeg;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import dev.storyreel.core.NonRetriableException;

/**
 * Hands frames composed by several workers, in any order, to one encoder thread in frame order,
 * holding at most {@code capacity} frames.
 *
 * <p>A worker takes a free buffer <em>before</em> it claims the next frame index, so the frames
 * claimed but not yet encoded never outnumber the buffers: frame {@code k} can always live in
 * slot {@code k % capacity}, and memory is {@code capacity} frames whatever the video's length.
 *
 * <p>A worker that throws stops the render: {@link #take(long)} then throws a {@link
 * NonRetriableException} whose cause is the worker's exception. Thread-safe.
 */
final class ReorderBuffer {

  private static final AtomicInteger THREADS = new AtomicInteger();

  /** Prefix of the compositor threads' names. */
  static final String THREAD_PREFIX = "storyreel-compositor-";

  private final int capacity;
  private final long frames;
  private final ArrayBlockingQueue<byte[]> free;
  private final byte[][] slots;
  private final long[] slotFrame;
  private final AtomicLong next = new AtomicLong();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition ready = lock.newCondition();
  private Throwable failure;
  private long failedFrame = -1;
  private volatile boolean stopped;

  /**
   * @param capacity frames held at most, at least 1
   * @param frameBytes bytes of one frame
   * @param frames frames of the video
   */
  ReorderBuffer(int capacity, int frameBytes, long frames) {
    this.capacity = capacity;
    this.frames = frames;
    this.free = new ArrayBlockingQueue<>(capacity);
    this.slots = new byte[capacity][];
    this.slotFrame = new long[capacity];
    java.util.Arrays.fill(slotFrame, -1);
    for (int i = 0; i < capacity; i++) {
      free.add(new byte[frameBytes]);
    }
  }

  /** @return daemon threads named {@value #THREAD_PREFIX}N */
  static ThreadFactory threads() {
    return r -> {
      Thread t = new Thread(r, THREAD_PREFIX + THREADS.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * A worker's loop: claims frames in order and composes them until none are left, the buffer is
   * stopped, or the thread is interrupted. Records any exception as the render's failure.
   *
   * @param compositor this worker's own compositor
   */
  void work(FrameCompositor compositor) {
    long k = -1;
    try {
      while (!stopped && !Thread.currentThread().isInterrupted()) {
        byte[] buf = free.take();
        k = next.getAndIncrement();
        if (k >= frames || stopped) {
          free.put(buf);
          return;
        }
        compositor.composeYuv(k, buf);
        lock.lock();
        try {
          int slot = (int) (k % capacity);
          slots[slot] = buf;
          slotFrame[slot] = k;
          ready.signalAll();
        } finally {
          lock.unlock();
        }
      }
    } catch (InterruptedException | CancellationException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) { // NOPMD: any failure of a worker must reach the encoder thread
      lock.lock();
      try {
        if (failure == null) {
          failure = t;
          failedFrame = k;
        }
        ready.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  /**
   * Waits for frame {@code k}; frames must be taken in order.
   *
   * @param k the frame index
   * @return its yuv420p bytes; give them back with {@link #release(byte[])} once encoded
   * @throws InterruptedException if the encoder thread is interrupted while waiting
   * @throws NonRetriableException if a worker failed
   */
  byte[] take(long k) throws InterruptedException {
    int slot = (int) (k % capacity);
    lock.lockInterruptibly();
    try {
      while (slotFrame[slot] != k) {
        if (failure != null) {
          throw new NonRetriableException(
              "composing frame " + failedFrame + " failed: " + failure, failure);
        }
        ready.await();
      }
      byte[] b = slots[slot];
      slots[slot] = null;
      slotFrame[slot] = -1;
      return b;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Gives a frame's bytes back for reuse.
   *
   * @param buf bytes returned by {@link #take(long)}
   */
  void release(byte[] buf) {
    free.offer(buf);
  }

  /** Tells the workers to stop after their current frame. */
  void stop() {
    stopped = true;
  }
}
