package dev.storyreel.render.ffmpeg;

import dev.storyreel.core.CaptionCue;
import dev.storyreel.core.CaptionStyle;
import dev.storyreel.core.timeline.Timeline;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Composes one frame of a render by index: the segment's Ken Burns view (or its clip, or the
 * background video: {@link MotionLayer}), a crossfade with the neighbouring segment near a
 * boundary, the caption of the moment, then the overlays ({@link OverlayPainter}); and converts
 * it to yuv420p.
 *
 * <p>The per-frame path allocates nothing and uses no Java2D: bilinear sampling of a pre-scaled
 * canvas ({@link KenBurns.Sampler}), an integer blend for the crossfade, an alpha blit of a cached
 * caption bitmap ({@link CaptionPainter}), and a fixed-point RGB to YUV conversion.
 *
 * <p>A frame depends only on its index and the timeline, never on which frames were composed
 * before, so any number of compositors can share a {@link Plan} and compose frames in any order:
 * the video is the same whichever worker made which frame.
 *
 * <p>Not thread-safe: one compositor per thread (it owns its scratch arrays, sampler and the RGB
 * path's caption painter). The {@link Plan}, its {@link CanvasCache} and its caption states are
 * shared.
 */
final class FrameCompositor {

  /**
   * What all the compositors of one render share: the timeline, the settings, the frame ranges and
   * transition windows, and the canvas cache. Immutable apart from the thread-safe cache.
   */
  static final class Plan {
    final Timeline timeline;
    final int width;
    final int height;
    final double zoom;
    final boolean captions;
    final CaptionStyle style;
    final CanvasCache canvases;
    final List<CaptionCue> cues;
    private final long[] start;
    private final long[] end;
    /** Frames of the crossfade before boundary {@code i} (between segments i and i+1). */
    private final long[] before;
    /** Frames of the crossfade from boundary {@code i} on. */
    private final long[] after;
    /** Each cue's start and end, nanoseconds: frames find their cue with no Duration made. */
    private final long[] cueStartNanos;
    private final long[] cueEndNanos;
    /** Each cue's words' starts, nanoseconds, as {@link CaptionCue#activeWordAt} reads them. */
    private final long[][] wordStartNanos;
    /**
     * Caption states (cue, highlighted word) in YUV, drawn once for all workers. Frames are
     * composed nearly in order (the reorder buffer bounds how far workers run apart), so the
     * states of cues two or more behind the newest one drawn are dropped: memory stays that of a
     * few cues however long the video.
     */
    private final ConcurrentHashMap<Long, CaptionPainter.YuvBitmap> captionStates =
        new ConcurrentHashMap<>();

    /**
     * Caption states dropped, kept for reuse: two cues' worth. A cue has a state per word and one
     * between words, and the states of a whole cue are retired at once; with fewer kept, every
     * cue longer than that allocated new planes for its last states.
     */
    private static final int FREE_CAPTIONS = 16;

    /**
     * Caption states dropped from {@link #captionStates}, whose planes the next states are drawn
     * into when large enough (about 0.7 MB a state at 1080x1920): a long video then allocates
     * no caption planes per cue. A worker may still be blending a dropped state into a frame of
     * its cue, so it is free only once every frame up to the cue's end is composed.
     */
    private final RetiredPool<CaptionPainter.YuvBitmap> captionPlanes =
        new RetiredPool<>(FREE_CAPTIONS);

    /** Draws {@link #captionStates} for all workers, one at a time; {@code null} without captions. */
    private final CaptionPainter statePainter;

    /** The clips and the background video, or {@code null} when there are none. */
    final MotionLayer motion;
    /** Title cards and watermarks, or {@code null} when there are none. */
    final OverlayPainter overlays;

    /**
     * @param timeline the timeline
     * @param zoom the maximum Ken Burns zoom, 1.0..2.0
     * @param captions whether to draw captions
     * @param transitionFrames frames of each crossfade, 0 for hard cuts; each window is centred
     *     on the boundary frame and shrunk where a segment is shorter than twice its half
     */
    Plan(Timeline timeline, double zoom, boolean captions, int transitionFrames) {
      this(timeline, zoom, captions, CaptionStyle.CLASSIC, transitionFrames);
    }

    /**
     * @param timeline the timeline
     * @param zoom the maximum Ken Burns zoom, 1.0..2.0
     * @param captions whether to draw captions
     * @param style how they look; nothing is drawn when its {@code burnIn} is off
     * @param transitionFrames frames of each crossfade, as above
     * @throws dev.storyreel.core.ConfigurationException if the style's font file is unreadable
     */
    Plan(Timeline timeline, double zoom, boolean captions, CaptionStyle style,
        int transitionFrames) {
      this.timeline = timeline;
      this.width = timeline.format().widthPx();
      this.height = timeline.format().heightPx();
      this.zoom = zoom;
      this.style = style;
      this.captions = captions && style.burnIn() && !timeline.captions().isEmpty();
      // Loads the font here, on the caller's thread, so a bad font file fails before any work.
      this.statePainter = this.captions ? new CaptionPainter(width, height, style) : null;
      this.canvases = new CanvasCache(timeline, zoom);
      this.cues = timeline.captions();
      int n = timeline.visual().size();
      start = new long[n];
      end = new long[n];
      for (int i = 0; i < n; i++) {
        start[i] = timeline.startFrame(i);
        end[i] = timeline.endFrame(i);
      }
      before = new long[Math.max(0, n - 1)];
      after = new long[Math.max(0, n - 1)];
      for (int i = 0; i + 1 < n; i++) {
        long h1 = transitionFrames / 2;
        long h2 = transitionFrames - h1;
        before[i] = Math.max(0, Math.min(h1, (end[i] - start[i]) / 2));
        after[i] = Math.max(0, Math.min(h2, (end[i + 1] - start[i + 1]) / 2));
      }
      cueStartNanos = new long[cues.size()];
      cueEndNanos = new long[cues.size()];
      wordStartNanos = new long[cues.size()][];
      for (int i = 0; i < cues.size(); i++) {
        CaptionCue cue = cues.get(i);
        cueStartNanos[i] = cue.start().toNanos();
        cueEndNanos[i] = cue.end().toNanos();
        wordStartNanos[i] = new long[cue.words().size()];
        for (int w = 0; w < wordStartNanos[i].length; w++) {
          wordStartNanos[i][w] = cue.words().get(w).start().toNanos();
        }
      }
      this.motion = MotionLayer.of(timeline, start, end);
      this.overlays = timeline.overlays().isEmpty() ? null : new OverlayPainter(timeline);
    }

    /**
     * @param segment a segment
     * @return whether its picture is a clip or the background rather than a still
     */
    boolean moving(int segment) {
      return motion != null && motion.moving(segment);
    }

    /**
     * Closes the clip and background decoders and the still decoder; the plan can be used again
     * (they reopen).
     */
    void close() {
      if (motion != null) {
        motion.close();
      }
      canvases.close();
    }

    /**
     * The caption of cue {@code c} with word {@code active} highlighted, drawn the first time any
     * worker needs it.
     */
    CaptionPainter.YuvBitmap caption(int c, int active) {
      long key = ((long) c << 32) | (active & 0xffffffffL);
      CaptionPainter.YuvBitmap b = captionStates.get(key);
      if (b != null) {
        return b;
      }
      // One painter for all workers, one state drawn at a time: each cue's glyph outlines are
      // built once (the painter keeps the last cue's), not once per worker, and no state is drawn
      // twice by racing workers. A state is drawn once per cue and word, so workers rarely wait.
      synchronized (statePainter) {
        b = captionStates.get(key);
        if (b != null) {
          return b;
        }
        b = statePainter.yuvBitmap(c, cues.get(c), active, captionPlanes.poll());
        captionStates.put(key, b);
        for (Long k : captionStates.keySet()) {
          int cue = (int) (k >>> 32);
          if (cue < c - 1) {
            // remove() hands the state to one thread only, so it is retired once.
            CaptionPainter.YuvBitmap dropped = captionStates.remove(k);
            if (dropped != null) {
              retire(cue, dropped);
            }
          }
        }
      }
      return b;
    }

    private void retire(int cue, CaptionPainter.YuvBitmap bitmap) {
      // Frame k shows the cue while frameTime(k) < end: the first frame past it, plus one.
      long endNanos = cueEndNanos[cue];
      int fps = timeline.format().fps();
      captionPlanes.retire(bitmap, Math.floorDiv(Math.multiplyExact(endNanos, (long) fps)
          + 999_999_999L, 1_000_000_000L) + 1);
    }

    /**
     * Tells the plan that every frame below {@code frame} is composed (the encoder has taken
     * them): canvases and caption states that only those frames used are reused from now on.
     * Called by the encoding thread after each frame; a volatile read or two when nothing is due.
     *
     * @param frame the number of frames composed, all of them below this index
     */
    void composedBelow(long frame) {
      canvases.composedBelow(frame);
      captionPlanes.composedBelow(frame);
    }

    /** @return the frame count of the video */
    long frameCount() {
      return end[end.length - 1];
    }

    /**
     * @param frame a frame index
     * @return the segment the frame belongs to (as {@link Timeline#segmentAtFrame(long)})
     */
    int segmentAt(long frame) {
      int lo = 0;
      int hi = start.length - 1;
      while (lo < hi) {
        int mid = (lo + hi + 1) >>> 1;
        if (start[mid] <= frame) {
          lo = mid;
        } else {
          hi = mid - 1;
        }
      }
      return lo;
    }

    /**
     * @param k a frame index
     * @return the index of the cue shown at frame {@code k}, or -1
     */
    int cueAt(long k) {
      long t = frameNanos(k);
      int lo = 0;
      int hi = cueEndNanos.length; // first cue whose end is after t
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (cueEndNanos[mid] <= t) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return lo < cues.size() && cueStartNanos[lo] <= t ? lo : -1;
    }

    /**
     * @param c a cue index
     * @param k a frame index
     * @return the word of cue {@code c} spoken at frame {@code k}, as {@link
     *     CaptionCue#activeWordAt} at {@link Timeline#frameTime}{@code (k)}: the last word
     *     started by then, or -1
     */
    int activeWordAt(int c, long k) {
      long t = frameNanos(k);
      long[] starts = wordStartNanos[c];
      int active = -1;
      for (int i = 0; i < starts.length && starts[i] <= t; i++) {
        active = i;
      }
      return active;
    }

    /** @return {@link Timeline#frameTime}{@code (k)} in nanoseconds, with no Duration made */
    private long frameNanos(long k) {
      return Math.floorDiv(k * 1_000_000_000L, timeline.format().fps());
    }
  }

  private final Plan plan;
  private final KenBurns.Sampler sampler;
  /** The RGB path's caption painter, made on its first use (the YUV path draws via the plan). */
  private CaptionPainter painter;
  /** The RGB path's buffers, made on its first use (a render only uses it for the thumbnail). */
  private int[] rgb;
  private int[] other;
  private final byte[] otherYuv;
  /** Which static view {@link #otherYuv} holds: {@code 2 * segment + (last ? 1 : 0)}, or -1. */
  private long otherKey = -1;
  /** The caption state this compositor blended last, and its (cue, word) key. */
  private CaptionPainter.YuvBitmap lastCaption;
  private long lastCaptionKey = Long.MIN_VALUE;
  /** Scratch frame for blending clip and background frames, made on first use. */
  private byte[] motionScratch;

  /**
   * @param plan the render's shared plan
   */
  FrameCompositor(Plan plan) {
    this.plan = plan;
    this.sampler = new KenBurns.Sampler(plan.width, plan.height);
    this.otherYuv = new byte[plan.width * plan.height + 2 * (plan.width / 2) * (plan.height / 2)];
  }

  /**
   * Composes frame {@code k} into this compositor's RGB buffer.
   *
   * @param k the frame index, {@code 0 <= k < frameCount}
   * @param withCaptions whether to draw the caption (false for the thumbnail)
   * @return the frame: {@code W * H} packed {@code 0xRRGGBB} ints, row by row; owned by this
   *     compositor and overwritten by the next call
   */
  int[] composeRgb(long k, boolean withCaptions) {
    int s = plan.segmentAt(k);
    if (rgb == null) {
      rgb = new int[plan.width * plan.height];
      other = new int[plan.width * plan.height];
    }
    kenBurns(s, k, rgb);
    if (s > 0 && k < plan.start[s] + plan.after[s - 1]) {
      // Second half of the crossfade from segment s-1.
      kenBurns(s - 1, k, other);
      blend(other, rgb, weight(k, s - 1), rgb);
    } else if (s + 1 < plan.start.length && k >= plan.end[s] - plan.before[s]) {
      // First half of the crossfade into segment s+1.
      kenBurns(s + 1, k, other);
      blend(rgb, other, weight(k, s), rgb);
    }
    if (withCaptions && plan.captions) {
      if (painter == null) {
        painter = new CaptionPainter(plan.width, plan.height, plan.style);
      }
      int c = plan.cueAt(k);
      if (c >= 0) {
        CaptionCue cue = plan.cues.get(c);
        painter
            .bitmap(c, cue, cue.activeWordAt(plan.timeline.frameTime(k)))
            .blendInto(rgb, plan.width, plan.height);
      }
    }
    return rgb;
  }

  /**
   * Composes frame {@code k} with its caption and writes it as yuv420p.
   *
   * @param k the frame index
   * @param yuv the output, {@code W*H + 2 * (W/2)*(H/2)} bytes: the Y plane then U then V, rows
   *     without padding
   */
  void composeYuv(long k, byte[] yuv) {
    pictureYuv(k, yuv);
    if (plan.captions) {
      int c = plan.cueAt(k);
      if (c >= 0) {
        int active = plan.activeWordAt(c, k);
        long key = ((long) c << 32) | (active & 0xffffffffL);
        if (key != lastCaptionKey) {
          // The state of this worker's last frame stays valid while its cue is on screen (its
          // planes are recycled only once every frame of the cue is composed), so consecutive
          // frames of one state skip the shared map and its boxed key.
          lastCaption = plan.caption(c, active);
          lastCaptionKey = key;
        }
        lastCaption.blendInto(yuv, plan.width, plan.height);
      }
    }
    if (plan.overlays != null) {
      plan.overlays.blendInto(k, yuv);
    }
  }

  /**
   * Composes frame {@code k}'s pictures (stills, clips, background, crossfades) without captions
   * or overlays, as yuv420p.
   *
   * @param k the frame index
   * @param yuv the output, as in {@link #composeYuv}
   */
  void pictureYuv(long k, byte[] yuv) {
    int s = plan.segmentAt(k);
    segmentYuv(s, k, yuv);
    if (s > 0 && k < plan.start[s] + plan.after[s - 1]) {
      // Segment s-1 holds its last view after its own frames: the same picture on every frame
      // of this half of the crossfade, so it is composed once and only blended after that.
      staticView(s - 1, false, k);
      blend(otherYuv, yuv, weight(k, s - 1), yuv);
    } else if (s + 1 < plan.start.length && k >= plan.end[s] - plan.before[s]) {
      // Segment s+1 holds its first view before its own frames.
      staticView(s + 1, true, k);
      blend(yuv, otherYuv, weight(k, s), yuv);
    }
  }

  /** One segment's picture at frame k: its Ken Burns still, or its clip or the background. */
  private void segmentYuv(int segment, long k, byte[] out) {
    if (plan.moving(segment)) {
      if (motionScratch == null) {
        motionScratch = new byte[out.length];
      }
      plan.motion.compose(segment, k, out, motionScratch, sampler);
    } else {
      kenBurnsYuv(segment, k, out);
    }
  }

  /**
   * The same frame through the RGB path ({@link #composeRgb} then {@link #toYuv420p}): the
   * reference {@link #composeYuv} is checked against.
   *
   * @param k the frame index
   * @param yuv the output, as in {@link #composeYuv}
   */
  void composeYuvViaRgb(long k, byte[] yuv) {
    toYuv420p(composeRgb(k, true), plan.width, plan.height, yuv);
  }

  /**
   * {@code out = a * (256 - w) / 256 + b * w / 256} per byte, rounded; {@code out} may be
   * {@code a} or {@code b}. Valid on YUV samples because the colour conversion is affine.
   */
  static void blend(byte[] a, byte[] b, int w, byte[] out) {
    int gw = 256 - w;
    // Eight samples at a time: even and odd bytes in the 16-bit lanes of two longs; a lane holds
    // at most 255 * 256 + 128, so none carries into the next.
    final long m = 0x00ff00ff00ff00ffL;
    final long half = 0x0080008000800080L;
    int n = out.length & ~7;
    for (int i = 0; i < n; i += 8) {
      long p = (long) KenBurns.LONG.get(a, i);
      long q = (long) KenBurns.LONG.get(b, i);
      long even = (p & m) * gw + (q & m) * w + half;
      long odd = ((p >>> 8) & m) * gw + ((q >>> 8) & m) * w + half;
      KenBurns.LONG.set(out, i, ((even >>> 8) & m) | (odd & ~m));
    }
    for (int i = n; i < out.length; i++) {
      out[i] = (byte) (((a[i] & 0xff) * gw + (b[i] & 0xff) * w + 128) >>> 8);
    }
  }

  /**
   * Makes {@link #otherYuv} segment {@code segment}'s first (or last) view, unless it holds that
   * already. The view outside a segment's own frames does not depend on the frame (see {@link
   * #view}), so the result is the same as composing it for each frame.
   */
  private void staticView(int segment, boolean first, long k) {
    if (plan.motion != null && plan.motion.showsBackground(segment)) {
      // The background runs on under the neighbour's frames: not static.
      otherKey = -1;
      segmentYuv(segment, k, otherYuv);
      return;
    }
    long key = 2L * segment + (first ? 0 : 1);
    if (otherKey != key) {
      otherKey = -1; // a failure below leaves no stale key
      segmentYuv(segment, first ? plan.start[segment] : plan.end[segment] - 1, otherYuv);
      otherKey = key;
    }
  }

  private void kenBurnsYuv(int segment, long k, byte[] out) {
    KenBurns.Canvas canvas = plan.canvases.get(segment);
    sampler.sampleYuv(canvas, view(segment, k, canvas), out);
  }

  /** Weight of the incoming picture at frame k in the crossfade over boundary i, 0..256. */
  private int weight(long k, int i) {
    long b = plan.start[i + 1];
    long from = b - plan.before[i];
    long len = plan.before[i] + plan.after[i];
    return (int) (((k - from) * 2 + 1) * 256 / (2 * len));
  }

  private void kenBurns(int segment, long k, int[] out) {
    KenBurns.Canvas canvas = plan.canvases.getRgb(segment);
    sampler.sample(canvas, view(segment, k, canvas), out);
  }

  private KenBurns.View view(int segment, long k, KenBurns.Canvas canvas) {
    long span = plan.end[segment] - plan.start[segment] - 1;
    // Outside its own frames (during a crossfade) a segment holds its first or last view: the
    // ease curve is at rest there, so the motion does not jump.
    double p = span <= 0 ? 0.0 : (double) (k - plan.start[segment]) / span;
    return KenBurns.view(
            KenBurns.Motion.forSegment(segment),
            Math.max(0.0, Math.min(1.0, p)),
            canvas.width(),
            canvas.height(),
            plan.width,
            plan.height,
            plan.zoom);
  }

  /**
   * {@code out = a * (256 - w) / 256 + b * w / 256} per channel, rounded; {@code out} may be
   * {@code a} or {@code b}.
   */
  static void blend(int[] a, int[] b, int w, int[] out) {
    int gw = 256 - w;
    for (int i = 0; i < out.length; i++) {
      int p = a[i];
      int q = b[i];
      int rb = ((p & 0xff00ff) * gw + (q & 0xff00ff) * w + 0x800080) >>> 8;
      int g = ((p & 0x00ff00) * gw + (q & 0x00ff00) * w + 0x008000) >>> 8;
      out[i] = (rb & 0xff00ff) | (g & 0x00ff00);
    }
  }

  /**
   * Converts packed RGB to yuv420p with BT.601 coefficients into limited range (Y 16..235, chroma
   * 16..240), 8-bit fixed point; each chroma sample is computed from the average of its 2x2 RGB
   * pixels. The stream is tagged {@code smpte170m}, {@code tv} accordingly.
   *
   * @param rgb {@code w * h} packed {@code 0xRRGGBB} ints
   * @param w width, pixels, even
   * @param h height, pixels, even
   * @param out {@code w*h*3/2} bytes: Y plane, then U, then V
   */
  static void toYuv420p(int[] rgb, int w, int h, byte[] out) {
    int cw = w >> 1;
    int uBase = w * h;
    int vBase = uBase + cw * (h >> 1);
    for (int y = 0; y < h; y += 2) {
      int r0 = y * w;
      int r1 = r0 + w;
      int c = uBase + (y >> 1) * cw;
      int cv = vBase + (y >> 1) * cw;
      for (int x = 0; x < w; x += 2) {
        int p00 = rgb[r0 + x];
        int p01 = rgb[r0 + x + 1];
        int p10 = rgb[r1 + x];
        int p11 = rgb[r1 + x + 1];
        out[r0 + x] = luma(p00);
        out[r0 + x + 1] = luma(p01);
        out[r1 + x] = luma(p10);
        out[r1 + x + 1] = luma(p11);
        // Sum the four pixels' red+blue and green lanes at once; each lane sum fits in 10 bits.
        int rb = (p00 & 0xff00ff) + (p01 & 0xff00ff) + (p10 & 0xff00ff) + (p11 & 0xff00ff);
        int g = ((p00 & 0xff00) + (p01 & 0xff00) + (p10 & 0xff00) + (p11 & 0xff00)) >>> 8;
        int r = rb >>> 16;
        int b = rb & 0x3ff;
        // Coefficients scaled by 4 for the sum of four: (x * coeff + 512) >> 10.
        out[c++] = cb(r, g, b);
        out[cv++] = cr(r, g, b);
      }
    }
  }

  /** @return BT.601 limited-range luma of a packed {@code 0xRRGGBB} pixel */
  static byte luma(int p) {
    int r = (p >>> 16) & 0xff;
    int g = (p >>> 8) & 0xff;
    int b = p & 0xff;
    return (byte) (((66 * r + 129 * g + 25 * b + 128) >> 8) + 16);
  }

  /** @return BT.601 limited-range Cb of the sum of four pixels' channels (each 0..1020) */
  static byte cb(int r4, int g4, int b4) {
    return (byte) (((-38 * r4 - 74 * g4 + 112 * b4 + 512) >> 10) + 128);
  }

  /** @return BT.601 limited-range Cr of the sum of four pixels' channels (each 0..1020) */
  static byte cr(int r4, int g4, int b4) {
    return (byte) (((112 * r4 - 94 * g4 - 18 * b4 + 512) >> 10) + 128);
  }
}
