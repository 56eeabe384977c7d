package dev.storyreel.core.http;

import java.util.OptionalInt;

/**
 * Which API key position made the calls of the current thread: an {@link HttpTransport} with a
 * {@link KeyPool} records the position of the key each successful call used, and the job reads it
 * once the provider returns, so the manifest can say which key made each asset (never the key).
 *
 * <p>Scoped to one thread between {@link #begin()} and {@link #end()}: a provider must make its
 * HTTP calls on the thread that called it (every StoryReel provider does).
 */
public final class KeyUse {
  private static final ThreadLocal<int[]> LAST = new ThreadLocal<>();

  private KeyUse() {}

  /** Starts recording on this thread (forgetting anything recorded before). */
  public static void begin() {
    LAST.set(new int[1]);
  }

  /**
   * @param position the position of the key that made a successful call, from 1
   */
  static void record(int position) {
    int[] a = LAST.get();
    if (a == null) {
      a = new int[1];
      LAST.set(a);
    }
    a[0] = position;
  }

  /**
   * The position of the key of this thread's last successful pooled call, without ending the
   * scope: what a provider reads to send follow-up calls (polls) with the same key ({@link
   * HttpTransport#pinned(int)}).
   *
   * @return the position, or empty when none was recorded
   */
  public static OptionalInt last() {
    int[] a = LAST.get();
    return a == null || a[0] == 0 ? OptionalInt.empty() : OptionalInt.of(a[0]);
  }

  /**
   * Stops recording on this thread.
   *
   * @return the position of the key of the last successful call since {@link #begin()}, or empty
   *     when no call used a key pool
   */
  public static OptionalInt end() {
    int[] a = LAST.get();
    LAST.remove();
    return a == null || a[0] == 0 ? OptionalInt.empty() : OptionalInt.of(a[0]);
  }
}
