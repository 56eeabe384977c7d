package dev.storyreel.render.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.spi.ImageSource;
import dev.storyreel.core.timeline.VisualClip;
import dev.storyreel.testkit.Allocations;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StillDecoderTest {

  @TempDir
  Path dir;

  private static BufferedImage noise(int w, int h, int type, long seed) {
    BufferedImage img = new BufferedImage(w, h, type);
    Random r = new Random(seed);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        // Noise with some structure: large files with many IDAT chunks, as photos give.
        int v = (x * 7 + y * 3) & 0xff;
        img.setRGB(x, y, 0x80000000 | (v << 16) | (r.nextInt(256) << 8) | ((v ^ y) & 0xff));
      }
    }
    return img;
  }

  private Path png(String name, BufferedImage img) throws IOException {
    Path f = dir.resolve(name);
    assertThat(ImageIO.write(img, "png", f.toFile())).isTrue();
    return f;
  }

  private static VisualClip still(ImageSource source) {
    return new VisualClip(0, source, Duration.ZERO, Duration.ofSeconds(1));
  }

  private static BufferedImage bgr(int w, int h) {
    return new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
  }

  private static byte[] bytes(BufferedImage img) {
    return ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
  }

  @Test
  void anRgbPngIsDecodedByFfmpegIntoTheCallersImageWithImageIosPixels() throws Exception {
    Path f = png("a.png", noise(605, 1076, BufferedImage.TYPE_INT_RGB, 1));
    BufferedImage reuse = bgr(605, 1076);
    BufferedImage expected = ImageSource.ofFile(f).load(bgr(605, 1076));
    try (StillDecoder d = new StillDecoder()) {
      assertThat(d.load(still(ImageSource.ofFile(f)), reuse)).isSameAs(reuse);
      assertThat(d.decodedByFfmpeg()).isEqualTo(1);
      assertThat(Arrays.equals(bytes(reuse), bytes(expected))).as("same pixels as ImageIO").isTrue();
      // The next picture, into the same image and buffers.
      Path g = png("b.png", noise(605, 1076, BufferedImage.TYPE_INT_RGB, 2));
      assertThat(d.load(still(ImageSource.ofFile(g)), reuse)).isSameAs(reuse);
      assertThat(Arrays.equals(bytes(reuse), bytes(ImageSource.ofFile(g).load(bgr(605, 1076)))))
          .as("the second picture's pixels").isTrue();
      assertThat(d.decodedByFfmpeg()).isEqualTo(2);
    }
  }

  @Test
  void whatFfmpegDoesNotDecodeHereGoesToTheSource() throws Exception {
    Path alpha = png("alpha.png", noise(64, 48, BufferedImage.TYPE_INT_ARGB, 3));
    Path small = png("small.png", noise(32, 24, BufferedImage.TYPE_INT_RGB, 4));
    Path jpeg = dir.resolve("c.jpg");
    ImageIO.write(noise(64, 48, BufferedImage.TYPE_INT_RGB, 5), "jpeg", jpeg.toFile());
    try (StillDecoder d = new StillDecoder()) {
      BufferedImage reuse = bgr(64, 48);
      // Alpha: ImageIO's own image type, as the source returns it.
      BufferedImage a = d.load(still(ImageSource.ofFile(alpha)), reuse);
      assertThat(a).isNotSameAs(reuse);
      assertThat(a.getColorModel().hasAlpha()).isTrue();
      // Another size than the caller's image: the source's new image.
      assertThat(d.load(still(ImageSource.ofFile(small)), reuse).getWidth()).isEqualTo(32);
      // JPEG: the source's ImageIO decodes it.
      assertThat(d.load(still(ImageSource.ofFile(jpeg)), reuse).getHeight()).isEqualTo(48);
      // A source that names no file.
      BufferedImage mem = noise(64, 48, BufferedImage.TYPE_INT_RGB, 6);
      assertThat(d.load(still(ImageSource.of(mem)), reuse)).isSameAs(mem);
      assertThat(d.decodedByFfmpeg()).isZero();
    }
  }

  @Test
  void aDamagedPngFailsWithTheSourcesMessageNotFfmpegsConcealment() throws Exception {
    Path f = png("d.png", noise(200, 150, BufferedImage.TYPE_INT_RGB, 7));
    byte[] b = Files.readAllBytes(f);
    // A byte in the middle of the image data: the chunk's CRC no longer matches.
    b[b.length / 2] ^= 0x55;
    Files.write(f, b);
    try (StillDecoder d = new StillDecoder()) {
      BufferedImage reuse = bgr(200, 150);
      assertThatThrownBy(() -> d.load(still(ImageSource.ofFile(f)), reuse))
          .isInstanceOf(NonRetriableException.class)
          .hasMessageContaining(f.toString());
      assertThat(d.decodedByFfmpeg()).isZero();
    }
  }

  @Test
  void aStillDecodedByFfmpegAllocatesAFractionOfWhatImageIoDoes() throws Exception {
    assumeThat(Allocations.supported()).isTrue();
    Path f = png("e.png", noise(605, 1076, BufferedImage.TYPE_INT_RGB, 8));
    VisualClip clip = still(ImageSource.ofFile(f));
    BufferedImage reuse = bgr(605, 1076);
    long ffmpeg;
    try (StillDecoder d = new StillDecoder()) {
      ffmpeg = Allocations.leastOf(4, () -> d.load(clip, reuse));
      assertThat(d.decodedByFfmpeg()).isEqualTo(4);
    }
    long imageIo = Allocations.leastOf(4, () -> clip.loadImage(reuse));
    // ImageIO: 8 KB per 32 KB chunk of a file of about 1.9 MB, and its inflater. FFmpeg: a few
    // wrapper objects and the file channel.
    assertThat(imageIo).as("ImageIO's allocation per picture").isGreaterThan(200_000);
    assertThat(ffmpeg).as("FFmpeg's allocation per picture").isLessThan(16_384);
  }

}
