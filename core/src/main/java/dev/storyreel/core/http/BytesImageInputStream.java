package dev.storyreel.core.http;

import java.io.IOException;
import java.util.Objects;
import javax.imageio.stream.ImageInputStreamImpl;

/**
 * An {@link javax.imageio.stream.ImageInputStream} over a byte array, read in place. ImageIO's
 * own {@code MemoryCacheImageInputStream} over a {@code ByteArrayInputStream} copies every byte
 * into its cache blocks first: a second copy of the encoded picture on every decode (about 6 MB
 * for a detailed 1080x1920 PNG), which a renderer decoding a picture per segment pays again and
 * again. Not thread-safe, like every ImageIO stream.
 */
final class BytesImageInputStream extends ImageInputStreamImpl {

  private final byte[] bytes;

  /** @param bytes the encoded image, not copied and not modified */
  BytesImageInputStream(byte[] bytes) {
    this.bytes = Objects.requireNonNull(bytes, "bytes");
  }

  @Override
  public int read() throws IOException {
    checkClosed();
    bitOffset = 0;
    return streamPos < bytes.length ? bytes[(int) streamPos++] & 0xff : -1;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    checkClosed();
    Objects.checkFromIndexSize(off, len, b.length);
    bitOffset = 0;
    if (len == 0) {
      return 0;
    }
    int left = (int) Math.max(0, bytes.length - streamPos);
    if (left == 0) {
      return -1;
    }
    int n = Math.min(len, left);
    System.arraycopy(bytes, (int) streamPos, b, off, n);
    streamPos += n;
    return n;
  }

  @Override
  public long length() {
    return bytes.length;
  }

  @Override
  public boolean isCached() {
    return true;
  }

  @Override
  public boolean isCachedMemory() {
    return true;
  }
}
