package dev.storyreel.render.ffmpeg;

import java.nio.ByteBuffer;
import org.bytedeco.javacv.Frame;

/**
 * A JavaCV {@link Frame} over one native yuv420p buffer without row padding ({@code W*H} bytes
 * of Y, then {@code W/2 * H/2} of U and of V), for pushing a composed frame through a javacv
 * {@code FFmpegFrameFilter} (the thumbnail's conversion). Confined to one thread.
 */
final class YuvFrame implements AutoCloseable {
  private final Frame frame;
  private final ByteBuffer data;

  /**
   * @param width frame width, pixels, even
   * @param height frame height, pixels, even
   */
  YuvFrame(int width, int height) {
    int size = width * height + 2 * (width / 2) * (height / 2);
    data = ByteBuffer.allocateDirect(size);
    frame = new Frame();
    frame.imageWidth = width;
    frame.imageHeight = height;
    frame.imageDepth = Frame.DEPTH_UBYTE;
    frame.imageChannels = 1;
    frame.imageStride = width;
    frame.image = new java.nio.Buffer[] {data};
  }

  /** @param yuv the frame's bytes, in the layout above */
  void fill(byte[] yuv) {
    data.clear();
    data.put(yuv, 0, data.capacity());
    data.clear();
  }

  /** @return the frame to hand to {@code filter.push(frame, AV_PIX_FMT_YUV420P)} */
  Frame frame() {
    return frame;
  }

  @Override
  public void close() {
    // The direct buffer is freed by the garbage collector; nothing native is held here.
  }
}
