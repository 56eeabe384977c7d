package dev.storyreel.render.ffmpeg;

import dev.storyreel.core.http.ImageChecks;
import dev.storyreel.core.timeline.VisualClip;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;

/**
 * Decodes segment stills that are 8-bit RGB PNG files with FFmpeg's PNG decoder, straight into
 * the caller's {@link BufferedImage#TYPE_3BYTE_BGR} image: the file is read into a native buffer
 * kept between pictures and the decoder's frame is copied into the image's bytes, so a picture
 * costs a few small wrapper objects of Java memory. ImageIO's PNG reader, which {@link
 * dev.storyreel.core.spi.ImageSource#load(BufferedImage)} uses, allocates an 8 KB buffer for every
 * chunk of image data (47 of them in a 1.5 MB 605x1076 picture written by ImageIO, about 190 in
 * one written by libpng): about 0.4 MB a segment, the largest part of a long render's steady
 * allocation (see {@code docs/performance.md}), and what G1's young generation, and so the
 * process' resident memory, grows with.
 *
 * <p>PNG is lossless, so the pixels are those ImageIO returns. Anything else (a source that names
 * no file, another format, a palette, grey, alpha or 16-bit picture, another size than {@code
 * reuse}, a file FFmpeg cannot decode or that is over the pixel cap) goes to the source's own
 * load, with its checks and messages.
 *
 * <p>Thread-safe: one picture is decoded at a time. {@link #close()} frees the native memory; a
 * later load opens the decoder again.
 */
final class StillDecoder implements AutoCloseable {

  /** The PNG signature, the file's first 8 bytes (ISO/IEC 15948, section 5.2). */
  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  /** Larger files are left to the source: its checks say what is wrong with them. */
  static final long MAX_FILE_BYTES = 64L << 20;

  private AVCodecContext context;
  private AVPacket packet;
  private AVFrame frame;
  /** The file's bytes, then {@code AV_INPUT_BUFFER_PADDING_SIZE} zero bytes; grown as needed. */
  private BytePointer data;
  private ByteBuffer dataView;
  private long decodedByFfmpeg;

  /**
   * The still of {@code clip}, decoded with FFmpeg into {@code reuse} where it can, else loaded by
   * the clip's source ({@link VisualClip#loadImage(BufferedImage)}).
   *
   * @param clip a segment with a still
   * @param reuse a {@code TYPE_3BYTE_BGR} image the caller made and owns, or {@code null}
   * @return {@code reuse} holding the picture, or what the source's load returned
   * @throws RuntimeException whatever the source's load throws
   */
  synchronized BufferedImage load(VisualClip clip, BufferedImage reuse) {
    if (reuse != null && reuse.getType() == BufferedImage.TYPE_3BYTE_BGR
        && clip.image() != null) {
      Optional<Path> file = clip.image().file();
      if (file.isPresent() && decodeInto(file.get(), reuse)) {
        decodedByFfmpeg++;
        return reuse;
      }
    }
    return clip.loadImage(reuse);
  }

  /** @return how many pictures FFmpeg decoded, for tests */
  synchronized long decodedByFfmpeg() {
    return decodedByFfmpeg;
  }

  /** @return whether the picture is now in {@code reuse}; {@code false} leaves it to the source */
  private boolean decodeInto(Path file, BufferedImage reuse) {
    int length;
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = in.size();
      if (size < PNG_SIGNATURE.length || size > MAX_FILE_BYTES) {
        return false;
      }
      length = (int) size;
      ensureCapacity(length + avcodec.AV_INPUT_BUFFER_PADDING_SIZE);
      dataView.clear().limit(length);
      while (dataView.hasRemaining()) {
        if (in.read(dataView) < 0) {
          return false; // shorter than its size said: the source says what is wrong
        }
      }
    } catch (IOException | RuntimeException e) {
      return false;
    }
    for (int i = 0; i < PNG_SIGNATURE.length; i++) {
      if (dataView.get(i) != PNG_SIGNATURE[i]) {
        return false;
      }
    }
    dataView.limit(dataView.capacity());
    for (int i = 0; i < avcodec.AV_INPUT_BUFFER_PADDING_SIZE; i++) {
      dataView.put(length + i, (byte) 0);
    }
    // A fresh decoder for every picture: FFmpeg's PNG decoder keeps the last picture for APNG,
    // and one drained and flushed decoded the next file wrongly. Its state is native memory.
    if (!open()) {
      return false;
    }
    packet.data(data);
    packet.size(length);
    try {
      if (avcodec.avcodec_send_packet(context, packet) < 0
          || avcodec.avcodec_send_packet(context, null) < 0
          || avcodec.avcodec_receive_frame(context, frame) < 0) {
        return false;
      }
      if (frame.format() != avutil.AV_PIX_FMT_RGB24 || frame.width() != reuse.getWidth()
          || frame.height() != reuse.getHeight() || frame.decode_error_flags() != 0) {
        return false;
      }
      copyBgr(frame, ((DataBufferByte) reuse.getRaster().getDataBuffer()).getData(),
          reuse.getWidth(), reuse.getHeight());
      return true;
    } finally {
      avutil.av_frame_unref(frame);
      packet.data(null);
      packet.size(0);
      avcodec.avcodec_free_context(context);
      context = null;
    }
  }

  /** Copies an RGB24 frame into {@code TYPE_3BYTE_BGR} bytes, swapping R and B in place. */
  private static void copyBgr(AVFrame frame, byte[] px, int w, int h) {
    BytePointer plane = frame.data(0);
    int stride = frame.linesize(0);
    int row = 3 * w;
    for (int y = 0; y < h; y++) {
      plane.position((long) y * stride).get(px, y * row, row);
    }
    for (int i = 0; i + 2 < px.length; i += 3) {
      byte r = px[i];
      px[i] = px[i + 2];
      px[i + 2] = r;
    }
  }

  private boolean open() {
    FfmpegNatives.prepare();
    AVCodec codec = avcodec.avcodec_find_decoder(avcodec.AV_CODEC_ID_PNG);
    if (codec == null) {
      return false;
    }
    AVCodecContext ctx = avcodec.avcodec_alloc_context3(codec);
    if (ctx == null) {
      return false;
    }
    // One thread: no frame delay, and pictures come out whole, one per packet.
    ctx.thread_count(1);
    // FFmpeg refuses a larger picture before allocating its frame; ImageChecks' cap.
    ctx.max_pixels(ImageChecks.DEFAULT_MAX_PIXELS);
    // A bad checksum or any damage fails the decode, which leaves the file to the source's
    // decoder and its message, instead of FFmpeg concealing it.
    ctx.err_recognition(avcodec.AV_EF_CRCCHECK | avcodec.AV_EF_EXPLODE);
    if (avcodec.avcodec_open2(ctx, codec, (AVDictionary) null) < 0) {
      avcodec.avcodec_free_context(ctx);
      return false;
    }
    context = ctx;
    if (packet == null) {
      packet = avcodec.av_packet_alloc();
      frame = avutil.av_frame_alloc();
    }
    return true;
  }

  private void ensureCapacity(int bytes) {
    if (data == null || data.capacity() < bytes) {
      if (data != null) {
        data.close();
      }
      // Half as much again, so that slightly larger pictures to come fit.
      data = new BytePointer((long) bytes + bytes / 2);
      dataView = data.asByteBuffer();
    }
  }

  /** Frees the decoder and the buffer (a later load makes them again). Idempotent. */
  @Override
  public synchronized void close() {
    if (frame != null) {
      avutil.av_frame_free(frame);
      frame = null;
    }
    if (packet != null) {
      avcodec.av_packet_free(packet);
      packet = null;
    }
    if (context != null) {
      avcodec.avcodec_free_context(context);
      context = null;
    }
    if (data != null) {
      data.close();
      data = null;
      dataView = null;
    }
  }
}
