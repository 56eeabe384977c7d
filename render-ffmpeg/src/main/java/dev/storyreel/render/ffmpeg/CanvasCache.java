package dev.storyreel.render.ffmpeg;

import dev.storyreel.core.timeline.Timeline;
import java.awt.image.BufferedImage;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Each segment's picture scaled once to its Ken Burns {@link KenBurns.Canvas}, shared by the
 * compositor workers of one render. At most {@link #CAPACITY} canvases are kept; a canvas evicted
 * and needed again is scaled again, which only happens when segments are shorter than the reorder
 * buffer. {@link #get} makes canvases with the yuv420p planes only (3.9 MB each at 1080x1920 with
 * zoom 1.12), {@link #getRgb} one with the RGB pixels too (another 10.4 MB), which only the
 * thumbnail and the RGB reference path ask for.
 *
 * <p>Thread-safe: the first thread that asks for a segment scales it; others asking meanwhile
 * wait for that result instead of scaling it twice. Canvases are never modified once made.
 */
final class CanvasCache {

  /** Canvases kept: two segments in a transition, plus slack for workers ahead. */
  static final int CAPACITY = 4;

  private final Timeline timeline;
  private final double zoom;
  /** Scratch images kept for reuse: the prefetcher usually makes every canvas. */
  private static final int MAX_SCRATCH = 1;

  /**
   * Scratch images the pictures are drawn in before their conversion to planes (10.4 MB each at
   * 1080x1920 with zoom 1.12), reused so that a segment allocates its planes and not its pixels
   * too; a thread that finds none draws in a new one.
   */
  private final ArrayBlockingQueue<BufferedImage> scratch = new ArrayBlockingQueue<>(MAX_SCRATCH);

  /**
   * Images this cache made to decode pictures into ({@link
   * dev.storyreel.core.spi.ImageSource#load(BufferedImage)}), reused across segments: a source
   * that decodes into one allocates no picture per segment (about 6 MB at 1080x1920, plus as
   * much again in the PNG reader's row copies). Only images made here are ever handed to a
   * source, never one a source returned.
   */
  private final ArrayBlockingQueue<BufferedImage> decoded = new ArrayBlockingQueue<>(MAX_SCRATCH);

  /** Retired planes kept for reuse: one per canvas made while another is still sampled. */
  private static final int MAX_FREE_PLANES = 2;

  /**
   * Planes of canvases dropped from the cache, converted into by the next canvases instead of
   * new ones (3.9 MB at 1080x1920 with zoom 1.12, the luma plane a humongous object for G1).
   * Segment {@code s}'s canvas is sampled by frames of segments {@code s - 1} (the crossfade
   * into it), {@code s} and {@code s + 1} (the crossfade out of it), so its planes are free once
   * every frame below the end of segment {@code s + 1} is composed.
   */
  private final RetiredPool<KenBurns.Yuv> planes = new RetiredPool<>(MAX_FREE_PLANES);

  /** Decodes PNG stills into {@link #decoded}'s images with FFmpeg, the rest via the sources. */
  private final StillDecoder stills = new StillDecoder();

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
    evictBeyondCapacity(segment);
    return f;
  }

  /**
   * Drops the least recently used canvases beyond the capacity, never {@code keep}'s, retiring
   * the planes of those made for the YUV path.
   */
  private void evictBeyondCapacity(int keep) {
    Iterator<Map.Entry<Integer, CompletableFuture<KenBurns.Canvas>>> it =
        canvases.entrySet().iterator();
    while (canvases.size() > CAPACITY && it.hasNext()) {
      Map.Entry<Integer, CompletableFuture<KenBurns.Canvas>> e = it.next();
      if (e.getKey() != keep) {
        it.remove();
        CompletableFuture<KenBurns.Canvas> f = e.getValue();
        if (f.isDone() && !f.isCompletedExceptionally() && !f.isCancelled()
            && f.join().rgb() == null) {
          retire(e.getKey(), f.join().yuv());
        }
      }
    }
  }

  private void retire(int segment, KenBurns.Yuv yuv) {
    int next = segment + 1;
    planes.retire(yuv, next < timeline.visual().size() ? timeline.endFrame(next)
        : timeline.frameCount());
  }

  /** Frees the still decoder's native memory; the cache can be used again (it reopens). */
  void close() {
    stills.close();
  }

  /** @return how many stills FFmpeg decoded rather than their sources, for tests */
  long stillsDecodedByFfmpeg() {
    return stills.decodedByFfmpeg();
  }

  /**
   * Tells the cache that every frame below {@code frame} is composed (the encoder has taken
   * them): the planes of dropped canvases that only those frames sampled are reused from now on.
   *
   * @param frame the number of frames composed, all of them below this index
   */
  void composedBelow(long frame) {
    planes.composedBelow(frame);
  }

  /**
   * Loads and scales a segment's picture into a canvas of yuv420p planes only, drawing it in a
   * scratch image from {@link #scratch} (a new one when all are in use).
   */
  private KenBurns.Canvas scale(int segment) {
    BufferedImage mine = decoded.poll();
    BufferedImage picture = stills.load(timeline.visual().get(segment), mine);
    if (mine == null || picture != mine && (mine.getWidth() != picture.getWidth()
        || mine.getHeight() != picture.getHeight())) {
      // None yet, or one of another size: make one of this picture's size for the next
      // segment, whose picture is usually the same size. A source that never decodes into it
      // (an in-memory one) costs this one image per render, not one per segment.
      mine = new BufferedImage(picture.getWidth(), picture.getHeight(),
          BufferedImage.TYPE_3BYTE_BGR);
    }
    int w = timeline.format().widthPx();
    int h = timeline.format().heightPx();
    BufferedImage into = scratch.poll();
    if (into == null) {
      into = new BufferedImage(KenBurns.Canvas.size(w, zoom), KenBurns.Canvas.size(h, zoom),
          BufferedImage.TYPE_INT_RGB);
    }
    KenBurns.Canvas canvas =
        KenBurns.Canvas.coverYuv(picture, w, h, zoom, into, planes.poll());
    scratch.offer(into); // dropped when the queue is full
    decoded.offer(mine); // likewise
    return canvas;
  }

  /** Makes a prefetched canvas; a failure is kept for the worker that asks for it. */
  private void make(int segment, CompletableFuture<KenBurns.Canvas> f) {
    try {
      f.complete(scale(segment));
    } catch (RuntimeException | Error e) {
      f.completeExceptionally(e);
      synchronized (canvases) {
        canvases.remove(segment, f);
      }
    }
  }

  /**
   * The canvas of {@code segment} with its RGB pixels (the thumbnail's and the reference path's):
   * the cached one if it has them, else one made here on the calling thread, which replaces the
   * cached one (its planes are the same bytes).
   *
   * @param segment a segment index
   * @return its canvas, {@link KenBurns.Canvas#rgb()} not null
   * @throws RuntimeException whatever scaling the picture threw
   */
  KenBurns.Canvas getRgb(int segment) {
    CompletableFuture<KenBurns.Canvas> cached;
    synchronized (canvases) {
      cached = canvases.get(segment);
    }
    if (cached != null && cached.isDone() && !cached.isCompletedExceptionally()
        && cached.join().rgb() != null) {
      return cached.join();
    }
    KenBurns.Canvas full = KenBurns.Canvas.cover(timeline.visual().get(segment).loadImage(),
        timeline.format().widthPx(), timeline.format().heightPx(), zoom);
    synchronized (canvases) {
      canvases.put(segment, CompletableFuture.completedFuture(full));
      evictBeyondCapacity(segment);
    }
    return full;
  }

  /**
   * @param segment a segment index
   * @return its canvas (yuv420p planes only, {@link KenBurns.Canvas#rgb()} null unless {@link
   *     #getRgb} made it), scaling the picture if it is not cached
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
        f.complete(scale(segment));
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
