package dev.storyreel.render.ffmpeg;

import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.timeline.BackgroundVideo;
import dev.storyreel.core.timeline.Timeline;
import dev.storyreel.core.timeline.VisualClip;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameFilter;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameFilter;

/**
 * The moving pictures of one render: each clip segment's frames, fitted to the segment by its
 * {@link dev.storyreel.core.timeline.ClipFit} ({@link ClipFitting}), and the timeline's
 * {@link BackgroundVideo} under the segments that show it.
 *
 * <p>Clips: one {@link ClipReader} per clip segment, opened when a worker first needs one of its
 * frames; once the workers have moved two segments past a clip its reader is closed (its ring
 * freed), so at most about three clips hold decoded frames at once. A reader asked again after
 * that reopens the file. {@link dev.storyreel.core.timeline.ClipFit#HOLD} holds the clip's last
 * frame with a slow push-in of up to {@link ClipFitting#HOLD_ZOOM}, sampled with the Ken Burns
 * sampler from that frame's planes.
 *
 * <p>Background: looped seamlessly. With {@code c} source frames of loop crossfade (the
 * background's {@link BackgroundVideo#loopCrossfade()}, shortened to less than half the video)
 * and {@code m} frames, each pass lasts {@code m - c} frames and its first {@code c} frames blend
 * the previous pass's last {@code c} frames into the new pass's first ones, linearly. Output frame
 * {@code k} shows source position {@code k * f / F} on that loop ({@code f} the background's
 * rate, {@code F} the output's), so the background runs at its own speed under the whole story,
 * across segment boundaries. Two readers serve it, taking turns pass by pass: each plays its
 * pass forward and on into the tail that the next pass's first frames blend with, so neither
 * seeks back more than once per two passes. The background's blur ({@code boxblur}, radius in output pixels)
 * and dim ({@code lutyuv}, every sample pulled towards black by the dim fraction, which darkens
 * the RGB picture by that fraction) are FFmpeg filters applied once per decoded frame, at the
 * cropped source's size before it is scaled up to the output's.
 *
 * <p>Every frame is a function of its index alone. Thread-safe: the readers lock themselves; the
 * caches are concurrent.
 */
final class MotionLayer implements AutoCloseable {
  private final Timeline timeline;
  private final int width;
  private final int height;
  private final int fps;
  private final long[] start;
  private final long[] end;
  private final ClipReader[] clips;
  private final ClipReader head;
  private final ClipReader tail;
  private final Map<Integer, KenBurns.Canvas> held = new ConcurrentHashMap<>();
  /** Clip readers of segments below this one have been closed. */
  private final AtomicInteger closedBelow = new AtomicInteger();

  private MotionLayer(Timeline timeline, long[] start, long[] end) {
    this.timeline = timeline;
    this.width = timeline.format().widthPx();
    this.height = timeline.format().heightPx();
    this.fps = timeline.format().fps();
    this.start = start;
    this.end = end;
    int n = timeline.visual().size();
    clips = new ClipReader[n];
    for (int i = 0; i < n; i++) {
      VisualClip v = timeline.visual().get(i);
      if (v.isClip()) {
        clips[i] = new ClipReader(v.video(), "the clip of segment " + i, width, height, "");
      }
    }
    BackgroundVideo bg = timeline.background();
    if (bg != null) {
      String extra = backgroundFilters(bg, width);
      head = new ClipReader(bg.video(), "the background video", width, height, extra);
      tail = new ClipReader(bg.video(), "the background video", width, height, extra);
    } else {
      head = null;
      tail = null;
    }
  }

  /**
   * @param timeline the timeline
   * @param start each segment's first frame
   * @param end one past each segment's last frame
   * @return the layer, or {@code null} when the timeline has neither clips nor a background
   */
  static MotionLayer of(Timeline timeline, long[] start, long[] end) {
    boolean any = timeline.background() != null
        || timeline.visual().stream().anyMatch(VisualClip::isClip);
    return any ? new MotionLayer(timeline, start, end) : null;
  }

  /**
   * @param bg a background
   * @param outWidth the output's width, pixels
   * @return its blur and dim as FFmpeg filters for the cropped source (before the scale to the
   *     output), or an empty string. The blur radius is given in output pixels, so it is scaled
   *     by the cropped source's width over the output's ({@code w / W}, {@code cw / W} for the
   *     half-width chroma planes).
   */
  static String backgroundFilters(BackgroundVideo bg, int outWidth) {
    StringBuilder sb = new StringBuilder();
    if (bg.blurRadiusPx() > 0) {
      int r = bg.blurRadiusPx();
      sb.append("boxblur=luma_radius='max(1,").append(r).append("*w/").append(outWidth)
          .append(")':luma_power=1:chroma_radius='").append(r).append("*cw/").append(outWidth)
          .append("':chroma_power=1");
    }
    if (bg.dim() > 0) {
      String k = String.format(Locale.ROOT, "%.4f", 1 - bg.dim());
      if (sb.length() > 0) {
        sb.append(',');
      }
      // Limited range: black is Y 16 and chroma 128, so darkening scales the distance to them.
      sb.append("lutyuv=y=16+(val-16)*").append(k).append(":u=128+(val-128)*").append(k)
          .append(":v=128+(val-128)*").append(k);
    }
    return sb.toString();
  }

  /**
   * @param segment a segment
   * @return whether its picture moves: a clip, or the background
   */
  boolean moving(int segment) {
    VisualClip v = timeline.visual().get(segment);
    return v.isClip() || v.showsBackground();
  }

  /**
   * @param segment a segment
   * @return whether it shows the background video
   */
  boolean showsBackground(int segment) {
    return timeline.visual().get(segment).showsBackground();
  }

  /**
   * Composes a moving segment's picture at frame {@code k} (inside the segment, or a neighbour's
   * frame during a crossfade: a clip then holds its first or last picture, the background runs
   * on).
   *
   * @param segment a segment for which {@link #moving} is true
   * @param k the output frame
   * @param out the yuv420p frame to write
   * @param scratch a frame-sized buffer the caller owns
   * @param sampler the calling compositor's sampler
   */
  void compose(int segment, long k, byte[] out, byte[] scratch, KenBurns.Sampler sampler) {
    if (showsBackground(segment)) {
      background(k, out, scratch);
      return;
    }
    release(segment);
    ClipReader r = clips[segment];
    ClipFitting.Pick p = ClipFitting.pick(timeline.visual().get(segment).fit(),
        k - start[segment], end[segment] - start[segment], fps, r.frameCount(), r.fps());
    if (p.pushIn() > 1) {
      KenBurns.Canvas c = held.computeIfAbsent(segment, s -> canvas(r, p.frame()));
      double w = width / p.pushIn();
      double h = height / p.pushIn();
      sampler.sampleYuv(c, new KenBurns.View((width - w) / 2, (height - h) / 2, w, h), out);
      return;
    }
    r.read(p.frame(), out);
    if (p.weight() > 0) {
      r.read(p.next(), scratch);
      FrameCompositor.blend(out, scratch, p.weight(), out);
    }
  }

  /**
   * The background's picture at output frame {@code k}.
   *
   * @param k the output frame
   * @param out the yuv420p frame to write
   * @param scratch a frame-sized buffer the caller owns
   */
  void background(long k, byte[] out, byte[] scratch) {
    long m = head.frameCount();
    double f = head.fps();
    long c = loopCrossfadeFrames(timeline.background(), m, f);
    long period = m - c;
    long i = (long) Math.floor(k * f / fps + 1e-9);
    long pass = i / period;
    long q = i % period;
    // Passes alternate between the two readers, so that each only plays forward: the one that
    // played the previous pass goes on into its tail during the crossfade (and serves workers
    // still finishing that pass), while the other starts the new pass from the file's start.
    ClipReader current = pass % 2 == 0 ? head : tail;
    ClipReader previous = pass % 2 == 0 ? tail : head;
    current.read(q, out);
    if (pass >= 1 && q < c) {
      previous.read(q + period, scratch);
      int w = (int) ((2 * q + 1) * 256 / (2 * c));
      FrameCompositor.blend(scratch, out, w, out);
    }
  }

  /**
   * @param bg the background
   * @param m its frame count
   * @param f its rate, frames per second
   * @return the loop crossfade in source frames: the asked length, shortened to less than half
   *     the video
   */
  static long loopCrossfadeFrames(BackgroundVideo bg, long m, double f) {
    long c = Math.round(bg.loopCrossfade().toNanos() * f / 1e9);
    return Math.max(0, Math.min(c, (m - 1) / 2));
  }

  /** Closes the readers of clips two or more segments behind {@code segment}. */
  private void release(int segment) {
    int below = closedBelow.get();
    int upTo = segment - 1;
    if (upTo > below && closedBelow.compareAndSet(below, upTo)) {
      for (int s = below; s < upTo; s++) {
        if (clips[s] != null) {
          clips[s].close();
        }
        held.remove(s);
      }
    }
  }

  /** The planes of source frame {@code i}, padded as {@link KenBurns.Yuv} wants them. */
  private KenBurns.Canvas canvas(ClipReader r, long i) {
    byte[] frame = new byte[width * height + 2 * (width / 2) * (height / 2)];
    r.read(i, frame);
    int cw = width / 2;
    int ch = height / 2;
    byte[] y = padded(frame, 0, width, height);
    byte[] u = padded(frame, width * height, cw, ch);
    byte[] v = padded(frame, width * height + cw * ch, cw, ch);
    return new KenBurns.Canvas(width, height, null, new KenBurns.Yuv(y, cw, ch, u, v));
  }

  /** A {@code w x h} plane copied into rows of {@code w + 1}, plus a last row and column. */
  private static byte[] padded(byte[] src, int off, int w, int h) {
    byte[] p = new byte[(w + 1) * (h + 1)];
    for (int j = 0; j < h; j++) {
      System.arraycopy(src, off + j * w, p, j * (w + 1), w);
      p[j * (w + 1) + w] = src[off + j * w + w - 1];
    }
    System.arraycopy(p, (h - 1) * (w + 1), p, h * (w + 1), w + 1);
    return p;
  }

  /** Closes every reader (each may have been reopened). */
  @Override
  public void close() {
    for (ClipReader r : clips) {
      if (r != null) {
        r.close();
      }
    }
    if (head != null) {
      head.close();
      tail.close();
    }
    held.clear();
  }

  /**
   * Converts a yuv420p frame to an RGB image with FFmpeg's {@code format} filter (libswscale),
   * for the thumbnail of a video that starts with a clip or the background.
   *
   * @param yuv the frame
   * @param w width, pixels, even
   * @param h height, pixels, even
   * @return the picture, {@link BufferedImage#TYPE_INT_RGB}
   */
  static BufferedImage toImage(byte[] yuv, int w, int h) {
    FFmpegFrameFilter f = new FFmpegFrameFilter("format=bgr24", w, h);
    f.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
    try (YuvFrame frame = new YuvFrame(w, h)) {
      f.start();
      frame.fill(yuv);
      f.push(frame.frame(), avutil.AV_PIX_FMT_YUV420P);
      Frame o = f.pull();
      BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
      ByteBuffer b = (ByteBuffer) o.image[0];
      int[] px = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int p = y * o.imageStride + 3 * x;
          px[y * w + x] = (b.get(p + 2) & 0xff) << 16 | (b.get(p + 1) & 0xff) << 8
              | (b.get(p) & 0xff);
        }
      }
      return img;
    } catch (FrameFilter.Exception e) {
      throw new NonRetriableException("FFmpeg could not convert the thumbnail: " + e.getMessage()
          + ".", e);
    } finally {
      try {
        f.release();
      } catch (FrameFilter.Exception ignored) {
        // nothing more comes out of it
      }
    }
  }
}
