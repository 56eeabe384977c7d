package dev.storyreel.render.ffmpeg;

import dev.storyreel.core.InvalidInputException;
import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.spi.VideoSource;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacv.FFmpegFrameFilter;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameFilter;
import org.bytedeco.javacv.FrameGrabber;

/**
 * Decodes one video (a segment's clip, or the background) into output-sized yuv420p frames, by
 * source frame index, for any number of compositor threads.
 *
 * <p>The reader owns its {@link FFmpegFrameGrabber} and an {@link FFmpegFrameFilter} that makes
 * each decoded picture cover the output: its centre at the output's aspect ratio ({@code crop}),
 * the caller's extra filters (the background's {@code boxblur} and dim) at that size, then a
 * bilinear {@code scale} to the output size and {@code format=yuv420p} (see {@link
 * #filterChain()}). Decoded frames go into a ring of at most
 * {@link #capacity()} frames: source frames {@code [first, next)}, the most recent ones decoded.
 * Memory is bounded by the ring, {@code capacity * 1.5 * W * H} bytes, not by the clip's length.
 *
 * <p>Access: {@link #read} returns source frame {@code i}. A frame in the ring is copied out; one
 * ahead of it is decoded forward (a few frames further, {@link #AHEAD}, so that the next callers
 * find theirs ready; frames too far behind the target to stay in the ring are decoded but not
 * filtered); one behind the ring reopens the file and decodes from its start again, up to a
 * quarter of the ring past the target, which serves a clip played backwards (ping-pong) a ring
 * at a time. Decoding from the start (never a seek) makes every frame's content independent of
 * the order of requests: the frame-by-index contract of the compositor holds for any number of
 * workers. A clip whose whole length fits in the ring is decoded once.
 *
 * <p>Frame count and rate are the container's, read when the file is first opened (the source's
 * {@link VideoSource#file()} is called then, which may wait for a clip still being made). A
 * request past the last frame that really decodes returns that last frame, so a container that
 * overstates its length still gives the same video every time.
 *
 * <p>Thread-safe: one lock guards the grabber, the filter and the ring; a worker waits while
 * another decodes.
 */
final class ClipReader implements AutoCloseable {

  /**
   * The ring's size in bytes, which sets its capacity in frames: {@value} (32 MiB, 10 frames at
   * 1080x1920).
   */
  static final long RING_BYTES = 32L << 20;

  /** Fewest frames a ring holds, whatever the frame size: {@value}. */
  static final int MIN_FRAMES = 8;

  /** Most frames a ring holds: {@value}. */
  static final int MAX_FRAMES = 48;

  /** Frames decoded past the one asked for when decoding forward: {@value}. */
  static final int AHEAD = 3;

  private final VideoSource source;
  private final String what;
  private final int width;
  private final int height;
  private final String extraFilters;
  private final int frameBytes;
  private final int capacity;
  private final byte[][] ring;

  private FFmpegFrameGrabber grabber;
  private FFmpegFrameFilter filter;
  /** The decoded picture's format and size the filter was set up for. */
  private int filterFormat = -1;
  private int filterWidth;
  private int filterHeight;
  /** The decoded picture copied without row padding, and the frame that hands it to the filter. */
  private BytePointer packed;
  private final Frame packedFrame = new Frame();
  private Path file;
  private long frameCount = -1;
  private double fps;
  /** The real frame count once decoding reached the end, else -1. */
  private long decodable = -1;
  /** The ring holds source frames [first, next); the grabber returns frame next when asked. */
  private long first;
  private long next;

  /**
   * @param source the video; opened on the first {@link #read} or {@link #frameCount()}
   * @param what what it is, for messages ("the clip of segment 3", "the background video")
   * @param width output width, pixels, even
   * @param height output height, pixels, even
   * @param extraFilters FFmpeg video filters applied after the crop and before the scale, at the
   *     cropped source's size (their expressions may use {@code w} and {@code h}), comma
   *     separated, or an empty string
   */
  ClipReader(VideoSource source, String what, int width, int height, String extraFilters) {
    this.source = source;
    this.what = what;
    this.width = width;
    this.height = height;
    this.extraFilters = extraFilters;
    this.frameBytes = width * height + 2 * (width / 2) * (height / 2);
    this.capacity = (int) Math.max(MIN_FRAMES, Math.min(MAX_FRAMES, RING_BYTES / frameBytes));
    this.ring = new byte[capacity][];
  }

  /** @return how many frames the ring holds at most */
  int capacity() {
    return capacity;
  }

  /**
   * @return the video's frame count, as its container states it; positive
   * @throws InvalidInputException if the file cannot be opened as a video
   */
  synchronized long frameCount() {
    open();
    return frameCount;
  }

  /** @return the video's frame rate, frames per second; positive */
  synchronized double fps() {
    open();
    return fps;
  }

  /**
   * @return the filter chain applied to each decoded picture: the centre of the picture at the
   *     output's aspect ratio cropped first ({@code crop}), the extra filters at that size (where
   *     there are fewer pixels than at the output's when the source is smaller or of another
   *     shape: a landscape video under a portrait story is cut to a third before anything else),
   *     then {@code scale} to the output size and {@code format=yuv420p}. Cropping then scaling
   *     covers the frame exactly as {@code scale=W:H:force_original_aspect_ratio=increase,crop=W:H}
   *     does, without scaling the part that is cut away.
   */
  String filterChain() {
    String w = "'min(iw,ih*" + width + "/" + height + ")'";
    String h = "'min(ih,iw*" + height + "/" + width + ")'";
    return "crop=w=" + w + ":h=" + h + (extraFilters.isEmpty() ? "" : "," + extraFilters)
        + ",scale=" + width + ":" + height + ":flags=bilinear,format=yuv420p";
  }

  /**
   * Copies source frame {@code index} (clamped to the frames the video has) into {@code out}.
   *
   * @param index a source frame index, from 0
   * @param out {@code W*H} Y bytes then {@code (W/2)*(H/2)} Cb and as many Cr
   * @throws InvalidInputException if the video cannot be opened or decodes to no frame
   * @throws NonRetriableException if decoding or filtering fails midway
   */
  synchronized void read(long index, byte[] out) {
    open();
    long limit = decodable >= 0 ? decodable : frameCount;
    long i = Math.max(0, Math.min(index, limit - 1));
    if (i < first || i >= next) {
      fill(i);
      limit = decodable >= 0 ? decodable : frameCount;
      i = Math.max(0, Math.min(index, limit - 1));
      if (i < first || i >= next) {
        // The stream ended before the target and its last frame was not kept: decode to it.
        fill(i);
      }
    }
    System.arraycopy(ring[(int) (i % capacity)], 0, out, 0, frameBytes);
  }

  /** Makes the ring hold frame {@code i}, decoding forward or, behind the ring, from the start. */
  private void fill(long i) {
    long target;
    if (i < first) {
      reopen();
      target = i + capacity / 4;
    } else {
      target = i + AHEAD;
    }
    long limit = decodable >= 0 ? decodable : Long.MAX_VALUE;
    target = Math.min(target, limit - 1);
    while (next <= target) {
      // A frame that cannot be in the ring once the target is decoded is not filtered.
      boolean keep = target - next < capacity;
      if (!decodeNext(keep)) {
        decodable = next;
        if (decodable == 0) {
          throw new InvalidInputException("The video " + file + " (" + what + ") decodes to no"
              + " picture. Re-encode it or use another file.");
        }
        return;
      }
    }
  }

  private void open() {
    if (grabber != null) {
      return;
    }
    if (file == null) {
      file = source.file();
    }
    FfmpegNatives.prepare();
    FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile());
    // The decoder's own pictures, with no conversion: the filter scales and converts them.
    g.setImageMode(FrameGrabber.ImageMode.RAW);
    try {
      g.start();
    } catch (FFmpegFrameGrabber.Exception | RuntimeException e) {
      release(g, null);
      throw new InvalidInputException("The video " + file + " (" + what + ") cannot be read ("
          + e.getMessage() + "). Give an MP4, MOV, WebM or MKV file.", e);
    }
    if (g.getVideoStream() < 0 || g.getImageWidth() <= 0 || g.getImageHeight() <= 0) {
      release(g, null);
      throw new InvalidInputException("The file " + file + " (" + what + ") has no video"
          + " stream. Give a file with moving pictures.");
    }
    double rate = g.getVideoFrameRate() > 0 ? g.getVideoFrameRate() : g.getFrameRate();
    if (frameCount < 0) {
      fps = rate > 0 && !Double.isInfinite(rate) ? rate : 25;
      long frames = g.getLengthInVideoFrames();
      if (frames <= 0) {
        frames = Math.round(g.getLengthInTime() * fps / 1e6);
      }
      frameCount = Math.max(1, frames);
    }
    grabber = g;
    first = 0;
    next = 0;
  }

  /** Closes the decoder and opens it again at the file's start; the ring is emptied. */
  private void reopen() {
    release(grabber, null);
    grabber = null;
    open();
  }

  /** Sets up the filter for decoded pictures of this format and size (once, as a rule). */
  private void prepareFilter(int format, int w, int h) {
    if (filter != null && format == filterFormat && w == filterWidth && h == filterHeight) {
      return;
    }
    release(null, filter);
    filter = null;
    FFmpegFrameFilter f = new FFmpegFrameFilter(filterChain(), w, h);
    f.setPixelFormat(format);
    f.setFrameRate(fps);
    try {
      f.start();
    } catch (FrameFilter.Exception | RuntimeException e) {
      release(null, f);
      throw new NonRetriableException("FFmpeg could not set up the video filters '"
          + filterChain() + "' for " + what + ": " + e.getMessage() + ".", e);
    }
    filter = f;
    filterFormat = format;
    filterWidth = w;
    filterHeight = h;
    int size = avutil.av_image_get_buffer_size(format, w, h, 1);
    if (packed != null) {
      packed.close();
    }
    packed = new BytePointer(size);
    int[] lines = new int[4];
    avutil.av_image_fill_linesizes(lines, format, w);
    packedFrame.imageWidth = w;
    packedFrame.imageHeight = h;
    packedFrame.imageDepth = Frame.DEPTH_UBYTE;
    packedFrame.imageChannels = 1;
    packedFrame.imageStride = lines[0];
    packedFrame.image = new Buffer[] {packed.asBuffer()};
  }

  /**
   * Decodes the next frame, filtering it into the ring if {@code keep}.
   *
   * @return false at the end of the stream
   */
  private boolean decodeNext(boolean keep) {
    Frame f;
    try {
      f = grabber.grabImage();
    } catch (FFmpegFrameGrabber.Exception | RuntimeException e) {
      throw new NonRetriableException("FFmpeg could not decode frame " + next + " of " + what
          + " (" + file + "): " + e.getMessage() + ". Re-encode the video.", e);
    }
    if (f == null || !(f.opaque instanceof AVFrame picture)) {
      return false;
    }
    if (keep) {
      byte[] slot = ring[(int) (next % capacity)];
      if (slot == null) {
        slot = new byte[frameBytes];
        ring[(int) (next % capacity)] = slot;
      }
      try {
        prepareFilter(picture.format(), picture.width(), picture.height());
        // The decoder's rows are padded (aligned); the filter is handed them without padding.
        avutil.av_image_copy_to_buffer(packed, (int) packed.capacity(), picture.data(),
            picture.linesize(), picture.format(), picture.width(), picture.height(), 1);
        filter.push(packedFrame, filterFormat);
        Frame o = filter.pull();
        if (o == null || o.image == null) {
          throw new NonRetriableException("FFmpeg's filters gave no picture for frame " + next
              + " of " + what + ".");
        }
        copyPlanes(o, slot);
      } catch (FrameFilter.Exception e) {
        throw new NonRetriableException("FFmpeg could not scale frame " + next + " of " + what
            + ": " + e.getMessage() + ".", e);
      }
      if (next - first >= capacity) {
        first = next - capacity + 1;
      }
    } else {
      first = next + 1;
    }
    next++;
    return true;
  }

  /** Copies a filtered yuv420p frame (planes back to back, or one plane per buffer). */
  private void copyPlanes(Frame o, byte[] slot) {
    if (o.imageWidth != width || o.imageHeight != height) {
      throw new NonRetriableException("FFmpeg's filters made a " + o.imageWidth + "x"
          + o.imageHeight + " picture of " + what + " instead of " + width + "x" + height + ".");
    }
    ByteBuffer b = ((ByteBuffer) o.image[0]).duplicate();
    b.position(0);
    if (o.image.length == 1 && b.capacity() >= frameBytes && o.imageStride == width) {
      b.get(slot, 0, frameBytes);
      return;
    }
    throw new NonRetriableException("FFmpeg's filters returned " + what + " in an unexpected"
        + " layout (" + o.image.length + " planes, stride " + o.imageStride + ").");
  }

  private static void release(FFmpegFrameGrabber g, FFmpegFrameFilter f) {
    if (f != null) {
      try {
        f.release();
      } catch (FrameFilter.Exception | RuntimeException ignored) {
        // nothing more comes out of it
      }
    }
    if (g != null) {
      try {
        g.release();
      } catch (FrameGrabber.Exception | RuntimeException ignored) {
        // nothing more comes out of it
      }
    }
  }

  /**
   * Releases the decoder, the filter and the ring. A later {@link #read} opens the file again
   * and decodes from its start, so a worker that comes back to a closed clip still gets the same
   * frames.
   */
  @Override
  public synchronized void close() {
    release(grabber, filter);
    grabber = null;
    filter = null;
    filterFormat = -1;
    if (packed != null) {
      packed.close();
      packed = null;
    }
    Arrays.fill(ring, null);
    first = 0;
    next = 0;
  }
}
