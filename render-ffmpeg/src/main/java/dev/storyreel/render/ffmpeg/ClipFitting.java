package dev.storyreel.render.ffmpeg;

import dev.storyreel.core.timeline.ClipFit;

/**
 * Which source frame of a clip each output frame of its segment shows, by {@link ClipFit}: a pure
 * function of the policy, the frame's place in the segment, the segment's length in frames, the
 * output rate and the clip's frame count and rate. It never looks at which frames were shown
 * before, so the video is the same for any number of compositor workers, and the segment always
 * has exactly its own frames (the cut stays on the narration boundary).
 *
 * <p>Source frame {@code i} of a clip at {@code f} fps plays at {@code i / f} seconds; output
 * frame {@code j} of the segment (from 0) at {@code j / F}. Stateless and thread-safe.
 */
final class ClipFitting {

  /** How far {@link ClipFit#HOLD} pushes in on the held last frame, by its segment's end. */
  static final double HOLD_ZOOM = 1.08;

  private ClipFitting() {}

  /**
   * What one output frame shows.
   *
   * @param frame the source frame, from 0
   * @param next the source frame blended in (SLOW), or {@code frame}
   * @param weight the weight of {@code next}, 0..256 (0: {@code frame} alone)
   * @param pushIn for a held last frame, the push-in's zoom, at least 1; 1 for none
   */
  record Pick(long frame, long next, int weight, double pushIn) {}

  /**
   * @param fit the policy
   * @param j the output frame's index in its segment; clamped to {@code 0..n-1} (a neighbour's
   *     frames in a crossfade hold its first or last view)
   * @param n the segment's length in output frames, positive
   * @param outFps the output rate, frames per second
   * @param m the clip's frame count, positive
   * @param srcFps the clip's rate, frames per second
   * @return what the frame shows
   */
  static Pick pick(ClipFit fit, long j, long n, int outFps, long m, double srcFps) {
    long jj = Math.max(0, Math.min(j, n - 1));
    // The natural source frame at the output frame's time (a tiny margin against 0.999999).
    long natural = (long) Math.floor(jj * srcFps / outFps + 1e-9);
    long last = m - 1;
    switch (fit) {
      case TRIM -> {
        return new Pick(Math.min(natural, last), Math.min(natural, last), 0, 1);
      }
      case SLOW -> {
        double slow = Math.max(1, Math.min(ClipFit.MAX_SLOWDOWN,
            ((double) n / outFps) / (m / srcFps)));
        double x = jj * srcFps / (outFps * slow);
        long a = (long) Math.floor(x + 1e-9);
        int w = (int) Math.round((x - a) * 256);
        if (w >= 256) {
          a++;
          w = 0;
        }
        if (a >= last) {
          return new Pick(last, last, 0, 1);
        }
        return new Pick(a, w == 0 ? a : a + 1, w, 1);
      }
      case PING_PONG -> {
        if (last == 0) {
          return new Pick(0, 0, 0, 1);
        }
        long period = 2 * last;
        long q = natural % period;
        long i = q <= last ? q : period - q;
        return new Pick(i, i, 0, 1);
      }
      case HOLD -> {
        if (natural <= last) {
          return new Pick(natural, natural, 0, 1);
        }
        // The first output frame that holds: the first whose natural frame is past the last.
        long held = (long) Math.ceil(m * (double) outFps / srcFps - 1e-9);
        held = Math.max(0, Math.min(held, n - 1));
        double p = n - 1 > held ? (double) (jj - held) / (n - 1 - held) : 1;
        double zoom = 1 + (HOLD_ZOOM - 1) * KenBurns.ease(p);
        return new Pick(last, last, 0, zoom);
      }
      default -> throw new AssertionError(fit);
    }
  }
}
