package dev.storyreel.render.ffmpeg;

import dev.storyreel.core.spi.RenderRequest;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

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

  private final RenderRequest request;
  private final double zoom;
  private final Map<Integer, CompletableFuture<KenBurns.Canvas>> canvases =
      new LinkedHashMap<>(16, 0.75f, true);

  /**
   * @param request the render request whose segment pictures are scaled
   * @param zoom the maximum Ken Burns zoom, 1.0..2.0
   */
  CanvasCache(RenderRequest request, double zoom) {
    this.request = request;
    this.zoom = zoom;
  }

  /**
   * @param segment a segment index
   * @return its canvas, scaling the picture if it is not cached
   * @throws RuntimeException whatever scaling the picture threw
   */
  KenBurns.Canvas get(int segment) {
    CompletableFuture<KenBurns.Canvas> f;
    boolean mine = false;
    synchronized (canvases) {
      f = canvases.get(segment);
      if (f == null) {
        f = new CompletableFuture<>();
        canvases.put(segment, f);
        mine = true;
        Iterator<Integer> it = canvases.keySet().iterator();
        while (canvases.size() > CAPACITY && it.hasNext()) {
          if (it.next() != segment) {
            it.remove();
          }
        }
      }
    }
    if (mine) {
      try {
        f.complete(
            KenBurns.Canvas.cover(
                request.segments().get(segment).loadImage(),
                request.format().widthPx(),
                request.format().heightPx(),
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
}
