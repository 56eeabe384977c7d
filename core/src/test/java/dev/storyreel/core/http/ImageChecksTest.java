package dev.storyreel.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.RetriableException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Semaphore;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageChecksTest {

  private static byte[] encode(BufferedImage img, String format) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(ImageIO.write(img, format, out)).isTrue();
    return out.toByteArray();
  }

  private static byte[] pngChunk(String type, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(12 + data.length);
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    b.putInt(data.length).put(t).put(data).putInt((int) crc.getValue());
    return b.array();
  }

  /** A tiny, well-formed PNG header declaring any size, with a little deflated data. */
  private static byte[] forgedPng(int width, int height) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a});
    byte[] ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height)
        .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0).array();
    out.writeBytes(pngChunk("IHDR", ihdr));
    Deflater d = new Deflater(9);
    d.setInput(new byte[4096]);
    d.finish();
    byte[] buf = new byte[1024];
    int n = d.deflate(buf);
    out.writeBytes(pngChunk("IDAT", Arrays.copyOf(buf, n)));
    out.writeBytes(pngChunk("IEND", new byte[0]));
    return out.toByteArray();
  }

  @Test
  void decodesAGoodPngAndJpeg() throws Exception {
    BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
    img.setRGB(3, 4, 0xff8800);
    BufferedImage png = ImageChecks.decode("fake", encode(img, "png"), 10_000, "segment 1");
    assertThat(png.getWidth()).isEqualTo(64);
    assertThat(png.getRGB(3, 4) & 0xffffff).isEqualTo(0xff8800);
    assertThat(ImageChecks.decode("fake", encode(img, "jpg"), 10_000, null).getHeight())
        .isEqualTo(48);
    ImageChecks.ImageInfo info = ImageChecks.inspect("fake", encode(img, "png"), 10_000, null);
    assertThat(info.format()).isEqualTo("png");
    assertThat(info.bitsPerPixel()).isEqualTo(24);
    assertThat(info.decodedBytes()).isEqualTo(64L * 48 * 4);
  }

  @Test
  void defaultCapIs4096Squared() {
    assertThat(ImageChecks.DEFAULT_MAX_PIXELS).isEqualTo(4096L * 4096);
    assertThat(SafeDownload.DEFAULT_MAX_PIXELS).isEqualTo(ImageChecks.DEFAULT_MAX_PIXELS);
  }

  @Test
  void allZero6000SquaredPngIsRefusedByTheCapWithoutDecoding() throws Exception {
    byte[] bomb = encode(new BufferedImage(6000, 6000, BufferedImage.TYPE_BYTE_GRAY), "png");
    assertThat(bomb.length).isLessThan(200_000);
    // A budget of 1 KiB: if anything were decoded, the refusal would name the budget instead.
    ImageChecks tiny = ImageChecks.withBudget(1024, Duration.ZERO);
    assertThatThrownBy(() -> tiny.decodeImage("fake", bomb, ImageChecks.DEFAULT_MAX_PIXELS,
        "segment 2"))
        .isInstanceOf(NonRetriableException.class)
        .hasMessageContaining("fake (segment 2)")
        .hasMessageContaining("6000x6000 pixels, over the cap of 16777216; refused before"
            + " decoding");
    assertThat(tiny.availableBytes()).isEqualTo(1024);
  }

  @Test
  void anImageThatFitsTheCapButNotTheBudgetIsRefusedBeforeDecoding() throws Exception {
    byte[] big = encode(new BufferedImage(2000, 2000, BufferedImage.TYPE_BYTE_GRAY), "png");
    ImageChecks small = ImageChecks.withBudget(8L << 20, Duration.ZERO);
    assertThatThrownBy(() -> small.decodeImage("fake", big, ImageChecks.DEFAULT_MAX_PIXELS, null))
        .isInstanceOf(NonRetriableException.class)
        .hasMessageContaining("needs 15.3 MiB of memory, more than the whole decode budget of"
            + " 8.0 MiB; refused before decoding");
    assertThat(small.availableBytes()).isEqualTo(8L << 20);
    // Under a budget that fits, it decodes and gives the budget back.
    ImageChecks enough = ImageChecks.withBudget(32L << 20, Duration.ZERO);
    assertThat(enough.decodeImage("fake", big, ImageChecks.DEFAULT_MAX_PIXELS, null).getWidth())
        .isEqualTo(2000);
    assertThat(enough.availableBytes()).isEqualTo(32L << 20);
  }

  @Test
  void aFullBudgetFailsRetriablyAfterTheWait() throws Exception {
    byte[] png = encode(new BufferedImage(100, 100, BufferedImage.TYPE_INT_RGB), "png");
    ImageChecks budget = ImageChecks.withBudget(64 * 1024, Duration.ZERO);
    // Stand in for another decode in progress: hold 40 KiB of the 64, so this one (100x100x4 =
    // 40000 bytes) cannot fit. Reaching into the field keeps the test free of threads and time.
    Semaphore s = semaphoreOf(budget);
    s.acquire(40);
    try {
      assertThatThrownBy(() -> budget.decodeImage("fake", png, 1_000_000, "segment 4"))
          .isInstanceOf(RetriableException.class)
          .hasMessageContaining("fake (segment 4): other images being decoded hold the decode"
              + " budget");
    } finally {
      s.release(40);
    }
    assertThat(budget.decodeImage("fake", png, 1_000_000, null).getWidth()).isEqualTo(100);
  }

  private static Semaphore semaphoreOf(ImageChecks c) throws Exception {
    Field f = ImageChecks.class.getDeclaredField("permits");
    f.setAccessible(true);
    return (Semaphore) f.get(c);
  }

  @Test
  void tinyPngDeclaring40MillionBy1IsRefusedByTheCompressionBound() {
    byte[] forged = forgedPng(40_000_000, 1);
    assertThat(forged.length).isLessThan(200);
    // Over the default cap anyway:
    assertThatThrownBy(() -> ImageChecks.inspect("fake", forged, ImageChecks.DEFAULT_MAX_PIXELS,
        null)).hasMessageContaining("over the cap");
    // And with no cap at all, the size against the file size refuses it, still before decoding.
    ImageChecks tiny = ImageChecks.withBudget(1024, Duration.ZERO);
    assertThatThrownBy(() -> tiny.decodeImage("fake", forged, Long.MAX_VALUE, "segment 5"))
        .isInstanceOf(NonRetriableException.class)
        .hasMessageContaining("the PNG declares 40000000x1 pixels (120000001 bytes of scanlines)"
            + " in " + forged.length + " bytes, more than deflate can hold")
        .hasMessageContaining("Refused before decoding");
    assertThat(tiny.availableBytes()).isEqualTo(1024);
  }

  @Test
  void truncatedImagesAreRefused() throws Exception {
    BufferedImage img = new BufferedImage(300, 200, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 200; y++) {
      for (int x = 0; x < 300; x++) {
        img.setRGB(x, y, (x * 7919 + y * 104729) * 2654435761L > 0 ? x * y : ~(x * y));
      }
    }
    byte[] png = encode(img, "png");
    assertThatThrownBy(() -> ImageChecks.decode("fake", Arrays.copyOf(png, png.length / 2),
        1_000_000, null)).isInstanceOf(NonRetriableException.class)
        .hasMessageContaining("truncated or corrupt");
    byte[] jpg = encode(img, "jpg");
    assertThatThrownBy(() -> ImageChecks.decode("fake", Arrays.copyOf(jpg, jpg.length / 2),
        1_000_000, null)).isInstanceOf(NonRetriableException.class)
        .hasMessageContaining("truncated or corrupt");
    assertThatThrownBy(() -> ImageChecks.decode("fake", "<html>".getBytes(StandardCharsets.UTF_8),
        1_000_000, null)).hasMessageContaining("no decoder");
  }

  @Test
  void imageIoDiskCacheIsOff() {
    ImageChecks.shared();
    assertThat(ImageIO.getUseCache()).isFalse();
  }
}
