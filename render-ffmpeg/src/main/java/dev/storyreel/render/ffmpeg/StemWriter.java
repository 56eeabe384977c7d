package dev.storyreel.render.ffmpeg;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes a 16-bit PCM stereo WAV file a block at a time: the header's sizes are written last, so
 * nothing but one block is held. Samples outside -1..1 are clipped. Not thread-safe.
 */
final class StemWriter implements AutoCloseable {

  private static final int HEADER_BYTES = 44;

  private final FileChannel out;
  private final int rateHz;
  private ByteBuffer block = ByteBuffer.allocate(0);
  private long dataBytes;

  /**
   * @param file the WAV to write (replaced)
   * @param rateHz its sample rate, in Hz
   * @throws IOException if it cannot be created
   */
  StemWriter(Path file, int rateHz) throws IOException {
    this.rateHz = rateHz;
    this.out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING);
    out.position(HEADER_BYTES);
  }

  /**
   * @param samples interleaved stereo floats
   * @param frames sample frames to write from the start of {@code samples}
   * @throws IOException if writing fails
   */
  void write(float[] samples, int frames) throws IOException {
    int bytes = 4 * frames;
    if (block.capacity() < bytes) {
      block = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }
    block.clear();
    for (int i = 0; i < 2 * frames; i++) {
      float v = Math.max(-1f, Math.min(1f, samples[i]));
      block.putShort((short) Math.round(v * Short.MAX_VALUE));
    }
    block.flip();
    while (block.hasRemaining()) {
      out.write(block);
    }
    dataBytes += bytes;
  }

  /** Writes the header and closes the file. */
  @Override
  public void close() throws IOException {
    try {
      ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
      h.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt((int) (36 + dataBytes));
      h.put("WAVE".getBytes(StandardCharsets.US_ASCII));
      h.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16);
      h.putShort((short) 1).putShort((short) 2).putInt(rateHz).putInt(rateHz * 4)
          .putShort((short) 4).putShort((short) 16);
      h.put("data".getBytes(StandardCharsets.US_ASCII)).putInt((int) dataBytes);
      h.flip();
      out.position(0);
      while (h.hasRemaining()) {
        out.write(h);
      }
    } finally {
      out.close();
    }
  }
}
