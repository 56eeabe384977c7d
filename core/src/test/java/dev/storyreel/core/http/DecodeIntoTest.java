package dev.storyreel.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.spi.ImageSource;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ImageChecks#decode(String, byte[], long, String, BufferedImage)}: an 8-bit RGB picture
 * is decoded into the caller's image with the pixels of a plain decode, and without allocating
 * the picture again; any other picture gets a new image and leaves the caller's untouched.
 */
class DecodeIntoTest {

  private static final long MAX = 10_000_000;

  private static BufferedImage picture(int w, int h, int type, long seed) {
    BufferedImage img = new BufferedImage(w, h, type);
    SplittableRandom r = new SplittableRandom(seed);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        // Smooth gradients with some noise: every channel differs, so a swapped R and B shows.
        int red = (x * 255 / w + r.nextInt(8)) & 0xff;
        int green = (y * 255 / h) & 0xff;
        int blue = (255 - red / 2 + r.nextInt(4)) & 0xff;
        int alpha = (x + y) % 5 == 0 ? 0x40 : 0xff;
        img.setRGB(x, y, alpha << 24 | red << 16 | green << 8 | blue);
      }
    }
    return img;
  }

  private static byte[] encode(BufferedImage img, String format) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(ImageIO.write(img, format, out)).isTrue();
    return out.toByteArray();
  }

  private static BufferedImage marked(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    Arrays.fill(((DataBufferByte) img.getRaster().getDataBuffer()).getData(), (byte) 0x5a);
    return img;
  }

  private static void assertSamePixels(BufferedImage actual, BufferedImage expected) {
    assertThat(actual.getWidth()).isEqualTo(expected.getWidth());
    assertThat(actual.getHeight()).isEqualTo(expected.getHeight());
    int w = expected.getWidth();
    int h = expected.getHeight();
    assertThat(actual.getRGB(0, 0, w, h, null, 0, w))
        .isEqualTo(expected.getRGB(0, 0, w, h, null, 0, w));
  }

  @Test
  void anRgbPngIsDecodedIntoTheCallersImageWithThePixelsOfAPlainDecode() throws Exception {
    byte[] png = encode(picture(97, 61, BufferedImage.TYPE_INT_RGB, 1), "png");
    BufferedImage plain = ImageChecks.decode("fake", png, MAX, null);
    BufferedImage reuse = marked(97, 61);

    BufferedImage into = ImageChecks.decode("fake", png, MAX, "segment 2", reuse);

    assertThat(into).isSameAs(reuse);
    assertThat(into.getType()).isEqualTo(BufferedImage.TYPE_3BYTE_BGR);
    assertSamePixels(into, plain);
    // Decoded again into the same image (now holding the first picture): another picture.
    byte[] other = encode(picture(97, 61, BufferedImage.TYPE_INT_RGB, 2), "png");
    assertSamePixels(ImageChecks.decode("fake", other, MAX, null, reuse),
        ImageChecks.decode("fake", other, MAX, null));
  }

  @Test
  void otherPicturesGetANewImageAndLeaveTheCallersUntouched() throws Exception {
    byte[][] pictures = {
        encode(picture(40, 30, BufferedImage.TYPE_INT_ARGB, 3), "png"),
        encode(picture(40, 30, BufferedImage.TYPE_BYTE_GRAY, 4), "png"),
        encode(picture(40, 30, BufferedImage.TYPE_BYTE_INDEXED, 5), "png"),
    };
    for (byte[] bytes : pictures) {
      BufferedImage reuse = marked(40, 30);
      byte[] before = ((DataBufferByte) reuse.getRaster().getDataBuffer()).getData().clone();

      BufferedImage got = ImageChecks.decode("fake", bytes, MAX, null, reuse);

      assertThat(got).isNotSameAs(reuse);
      assertSamePixels(got, ImageChecks.decode("fake", bytes, MAX, null));
      assertThat(((DataBufferByte) reuse.getRaster().getDataBuffer()).getData())
          .isEqualTo(before);
    }
    // A JPEG may take either way; its pixels are a plain decode's.
    byte[] jpeg = encode(picture(40, 30, BufferedImage.TYPE_INT_RGB, 6), "jpg");
    assertSamePixels(ImageChecks.decode("fake", jpeg, MAX, null, marked(40, 30)),
        ImageChecks.decode("fake", jpeg, MAX, null));
  }

  @Test
  void anImageOfAnotherSizeOrTypeIsNotUsed() throws Exception {
    byte[] png = encode(picture(50, 20, BufferedImage.TYPE_INT_RGB, 7), "png");
    BufferedImage plain = ImageChecks.decode("fake", png, MAX, null);
    for (BufferedImage reuse : new BufferedImage[] {marked(20, 50), marked(51, 20),
        new BufferedImage(50, 20, BufferedImage.TYPE_INT_RGB)}) {
      BufferedImage got = ImageChecks.decode("fake", png, MAX, null, reuse);
      assertThat(got).isNotSameAs(reuse);
      assertSamePixels(got, plain);
    }
    assertSamePixels(ImageChecks.decode("fake", png, MAX, null, null), plain);
  }

  @Test
  void decodingIntoTheCallersImageAllocatesFarLessThanThePicture() throws Exception {
    assumeThat(ManagementFactory.getThreadMXBean())
        .isInstanceOf(com.sun.management.ThreadMXBean.class);
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    assumeThat(threads.isThreadAllocatedMemorySupported()).isTrue();
    threads.setThreadAllocatedMemoryEnabled(true);
    int w = 1200;
    int h = 900;
    long pictureBytes = 3L * w * h; // 3.2 MB decoded
    byte[] png = encode(picture(w, h, BufferedImage.TYPE_INT_RGB, 8), "png");
    BufferedImage reuse = marked(w, h);
    long plain = Long.MAX_VALUE;
    long into = Long.MAX_VALUE;
    // The least of a few tries, so that a class loaded or a buffer grown once does not count.
    for (int i = 0; i < 4; i++) {
      long t = Thread.currentThread().getId();
      long a0 = threads.getThreadAllocatedBytes(t);
      ImageChecks.decode("fake", png, MAX, null);
      long a1 = threads.getThreadAllocatedBytes(t);
      assertThat(ImageChecks.decode("fake", png, MAX, null, reuse)).isSameAs(reuse);
      long a2 = threads.getThreadAllocatedBytes(t);
      plain = Math.min(plain, a1 - a0);
      into = Math.min(into, a2 - a1);
    }
    // A plain decode allocates the picture and, in the PNG reader's row copies, about as much
    // again; the decode into the caller's image allocates neither (what it does allocate, about
    // 0.5 MB here, is the PNG reader's per-chunk streams and inflater).
    assertThat(plain).isGreaterThan(pictureBytes);
    assertThat(into).isLessThan(pictureBytes / 4);
  }

  @Test
  void aFileIsDecodedInPlaceWithTheChecksAndPixelsOfItsBytes(@TempDir Path dir) throws Exception {
    byte[] png = encode(picture(97, 61, BufferedImage.TYPE_INT_RGB, 9), "png");
    Path file = Files.write(dir.resolve("seg-00.png"), png);
    BufferedImage reuse = marked(97, 61);

    BufferedImage got = ImageChecks.decode("fake", file, MAX, "segment 0", reuse);

    assertThat(got).isSameAs(reuse);
    assertSamePixels(got, ImageChecks.decode("fake", png, MAX, null));
    assertSamePixels(ImageChecks.decode("fake", file, MAX, null, null), got);
    // The same checks as on bytes: over the cap, and cut short.
    assertThatThrownBy(() -> ImageChecks.decode("fake", file, 97 * 60, "segment 0", reuse))
        .isInstanceOf(NonRetriableException.class)
        .hasMessageContaining("fake (segment 0)")
        .hasMessageContaining("97x61 pixels, over the cap of 5820");
    Path cut = Files.write(dir.resolve("cut.png"), Arrays.copyOf(png, png.length / 2));
    assertThatThrownBy(() -> ImageChecks.decode("fake", cut, MAX, null, null))
        .isInstanceOf(NonRetriableException.class)
        .hasMessageContaining("truncated or corrupt");
    Path missing = dir.resolve("missing.png");
    assertThatThrownBy(() -> ImageChecks.decode("fake", missing, MAX, null, null))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("cannot read " + missing);
  }

  @Test
  void aFileSourceDecodesAfreshOrIntoTheCallersImage(@TempDir Path dir) throws Exception {
    byte[] png = encode(picture(30, 20, BufferedImage.TYPE_INT_RGB, 10), "png");
    ImageSource source = ImageSource.ofFile(Files.write(dir.resolve("p.png"), png));
    BufferedImage a = source.load();
    BufferedImage b = source.load();
    assertThat(a).isNotSameAs(b);
    assertSamePixels(a, b);
    BufferedImage reuse = marked(30, 20);
    assertThat(source.load(reuse)).isSameAs(reuse);
    assertSamePixels(reuse, a);
    // It names its file, for renderers that decode files themselves; other sources name none.
    assertThat(source.file()).contains(dir.resolve("p.png"));
    assertThat(ImageSource.of(a).file()).isEmpty();
    assertThat(ImageSource.decodingInto(r -> a).file()).isEmpty();
    assertThat(ImageSource.decodingInto(r -> a, dir.resolve("q.png")).file())
        .contains(dir.resolve("q.png"));
  }
}
