package dev.storyreel.render.ffmpeg;

import dev.storyreel.core.timeline.Timeline;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Each segment's picture scaled once to its Ken Burns {@link KenBurns.Canvas}, shared by the
 * compositor workers of one render. At most {@link #CAPACITY} canvases are kept (about 10 MB each
 * at 1080x1920 with zoom 1.12); a canvas evicted and needed again is scaled again, which only
 * happens when segments are shorter than the reorder buffer.
 *
 * <p>Thread-safe: the first thread that asks for a segment scales it; others asking meanwhile
 * wait for that result instead of scaling it twice. Canvases are never modified once made.
 */
final class CanvasCache {

  /** Canvases kept: two segments in a transition, plus slack for workers ahead. */
  static final int CAPACITY = 4;

  private final Timeline timeline;
  private final double zoom;
  private volatile Executor prefetcher;
  private final Map<Integer, CompletableFuture<KenBurns.Canvas>> canvases =
      new LinkedHashMap<>(16, 0.75f, true);

  /**
   * @param timeline the timeline whose segment pictures are scaled
   * @param zoom the maximum Ken Burns zoom, 1.0..2.0
   */
  CanvasCache(Timeline timeline, double zoom) {
    this.timeline = timeline;
    this.zoom = zoom;
  }

  /**
   * Where the next segment's canvas is made ahead of need; {@code null} (the default) makes every
   * canvas on the thread that first asks for it.
   *
   * @param executor a background executor, or {@code null} to stop prefetching
   */
  void prefetchWith(Executor executor) {
    this.prefetcher = executor;
  }

  /**
   * Forgets canvases still being made ahead (after the prefetch executor was shut down, some may
   * never be): a later {@link #get} makes them itself instead of waiting forever.
   */
  void dropPending() {
    synchronized (canvases) {
      canvases.values().removeIf(f -> {
        boolean pending = !f.isDone();
        if (pending) {
          f.cancel(false);
        }
        return pending;
      });
    }
  }

  /** Registers a pending canvas and evicts the least recently used beyond the capacity. */
  private CompletableFuture<KenBurns.Canvas> claim(int segment) {
    CompletableFuture<KenBurns.Canvas> f = new CompletableFuture<>();
    canvases.put(segment, f);
    Iterator<Integer> it = canvases.keySet().iterator();
    while (canvases.size() > CAPACITY && it.hasNext()) {
      if (it.next() != segment) {
        it.remove();
      }
    }
    return f;
  }

  /** Makes a prefetched canvas; a failure is kept for the worker that asks for it. */
  private void make(int segment, CompletableFuture<KenBurns.Canvas> f) {
    try {
      f.complete(KenBurns.Canvas.cover(timeline.visual().get(segment).loadImage(),
          timeline.format().widthPx(), timeline.format().heightPx(), zoom));
    } catch (RuntimeException | Error e) {
      f.completeExceptionally(e);
      synchronized (canvases) {
        canvases.remove(segment, f);
      }
    }
  }

  /**
   * @param segment a segment index
   * @return its canvas, scaling the picture if it is not cached
   * @throws RuntimeException whatever scaling the picture threw
   */
  KenBurns.Canvas get(int segment) {
    CompletableFuture<KenBurns.Canvas> f;
    boolean mine = false;
    CompletableFuture<KenBurns.Canvas> next = null;
    Executor ahead = prefetcher;
    synchronized (canvases) {
      f = canvases.get(segment);
      if (f == null) {
        f = claim(segment);
        mine = true;
      }
      // Start on the next segment's picture in the background, so that the workers do not all
      // wait for its decoding and scaling at the cut (the encoder would starve meanwhile).
      // A clip or a background segment has no Ken Burns canvas (issue 10).
      if (ahead != null && segment + 1 < timeline.visual().size()
          && !canvases.containsKey(segment + 1) && isStill(segment + 1)) {
        next = claim(segment + 1);
      }
    }
    if (next != null) {
      CompletableFuture<KenBurns.Canvas> target = next;
      try {
        ahead.execute(() -> make(segment + 1, target));
      } catch (RejectedExecutionException e) {
        // The render is ending: whoever asks for the segment will make it.
        make(segment + 1, target);
      }
    }
    if (mine) {
      try {
        f.complete(
            KenBurns.Canvas.cover(
                timeline.visual().get(segment).loadImage(),
                timeline.format().widthPx(),
                timeline.format().heightPx(),
                zoom));
      } catch (RuntimeException | Error e) {
        f.completeExceptionally(e);
        synchronized (canvases) {
          canvases.remove(segment, f);
        }
        throw e;
      }
    }
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.util.concurrent.CancellationException("rendering was interrupted");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException r) {
        throw r;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(c);
    }
  }

  private boolean isStill(int segment) {
    var v = timeline.visual().get(segment);
    return !v.isClip() && !v.showsBackground();
  }
}
