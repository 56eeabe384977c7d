package dev.storyreel.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.storyreel.core.InvalidInputException;
import dev.storyreel.core.spi.GeneratedImage;
import dev.storyreel.core.spi.ImageProvider;
import dev.storyreel.core.spi.ImageRequest;
import dev.storyreel.core.spi.ProviderFactory;
import dev.storyreel.core.spi.ProviderSettings;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.HashSet;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.StreamSupport;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ProceduralImageProviderTest {

  private static final String NIGHT = "A ferry crossing a dark river at night, storm clouds";
  private static final String SUNNY = "Golden morning sun over a quiet forest and an old house";

  private final ProceduralImageProvider images = new ProceduralImageProvider();

  private GeneratedImage draw(String prompt, long seed, int w, int h) {
    return images.generate(new ImageRequest(0, prompt, w, h, seed));
  }

  private static BufferedImage decode(GeneratedImage g) throws IOException {
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(g.bytes()));
    assertThat(img).as("decodable PNG").isNotNull();
    return img;
  }

  private static double[] luminance(BufferedImage img) {
    double[] y = new double[img.getWidth() * img.getHeight()];
    int k = 0;
    for (int row = 0; row < img.getHeight(); row++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int p = img.getRGB(x, row);
        y[k++] = 0.2126 * (p >> 16 & 255) + 0.7152 * (p >> 8 & 255) + 0.0722 * (p & 255);
      }
    }
    return y;
  }

  private static double mean(double[] v) {
    double s = 0;
    for (double d : v) {
      s += d;
    }
    return s / v.length;
  }

  /** Mean absolute difference per channel, 0..255. */
  private static double difference(BufferedImage a, BufferedImage b) {
    double sum = 0;
    for (int y = 0; y < a.getHeight(); y++) {
      for (int x = 0; x < a.getWidth(); x++) {
        int p = a.getRGB(x, y);
        int q = b.getRGB(x, y);
        for (int shift = 0; shift <= 16; shift += 8) {
          sum += Math.abs((p >> shift & 255) - (q >> shift & 255));
        }
      }
    }
    return sum / (3.0 * a.getWidth() * a.getHeight());
  }

  @Test
  void sameRequestGivesIdenticalBytes() {
    GeneratedImage a = draw(NIGHT, 7, 270, 480);
    GeneratedImage b = new ProceduralImageProvider().generate(new ImageRequest(5, NIGHT, 270, 480, 7));

    assertThat(a.mediaType()).isEqualTo("image/png");
    assertThat(b.bytes()).isEqualTo(a.bytes());
  }

  @Test
  void anotherSeedOrPromptGivesAVisiblyDifferentPicture() throws IOException {
    BufferedImage base = decode(draw(SUNNY, 1, 270, 480));
    BufferedImage otherSeed = decode(draw(SUNNY, 2, 270, 480));
    BufferedImage otherPrompt = decode(draw(SUNNY + " in autumn", 1, 270, 480));

    assertThat(difference(base, otherSeed)).isGreaterThan(4);
    assertThat(difference(base, otherPrompt)).isGreaterThan(4);
  }

  @Test
  void sizeIsExactlyTheRequestedOne() throws IOException {
    for (int[] size : new int[][] {{1080, 1920}, {640, 360}, {1, 1}, {3, 200}}) {
      GeneratedImage g = draw(SUNNY, 3, size[0], size[1]);
      BufferedImage img = decode(g);
      assertThat(g.widthPx()).isEqualTo(size[0]);
      assertThat(g.heightPx()).isEqualTo(size[1]);
      assertThat(img.getWidth()).isEqualTo(size[0]);
      assertThat(img.getHeight()).isEqualTo(size[1]);
    }
  }

  @Test
  void pictureIsNotFlat() throws IOException {
    for (String prompt : new String[] {NIGHT, SUNNY, "A letter on a kitchen table"}) {
      BufferedImage img = decode(draw(prompt, 11, 270, 480));
      double[] y = luminance(img);
      double m = mean(y);
      double var = 0;
      for (double v : y) {
        var += (v - m) * (v - m);
      }
      Set<Integer> colours = new HashSet<>();
      for (int row = 0; row < img.getHeight(); row++) {
        for (int x = 0; x < img.getWidth(); x++) {
          colours.add(img.getRGB(x, row) & 0xFFFFFF);
        }
      }
      assertThat(Math.sqrt(var / y.length)).as(prompt).isGreaterThan(6);
      assertThat(colours).as(prompt).hasSizeGreaterThan(1000);
    }
  }

  @Test
  void nightPromptsAreDarkerThanSunnyOnes() throws IOException {
    for (long seed = 0; seed < 3; seed++) {
      double night = mean(luminance(decode(draw(NIGHT, seed, 180, 320))));
      double sunny = mean(luminance(decode(draw(SUNNY, seed, 180, 320))));
      assertThat(night).isLessThan(sunny - 40);
    }
  }

  @Test
  void oversizedRequestIsInvalidInput() {
    assertThatThrownBy(() -> draw(SUNNY, 0, 100_000, 10))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("100000x10");
  }

  @Test
  void factoryIsFoundByServiceLoader() {
    @SuppressWarnings("rawtypes")
    ServiceLoader<ProviderFactory> loader = ServiceLoader.load(ProviderFactory.class);
    ProviderFactory<?> f =
        StreamSupport.stream(loader.spliterator(), false)
            .filter(x -> x.name().equals("procedural"))
            .findFirst()
            .orElseThrow();

    assertThat(f.type()).isEqualTo(ImageProvider.class);
    assertThat(f.priority()).isEqualTo(1);
    assertThat(f.isAvailable()).isTrue();
    ImageProvider p = (ImageProvider) f.create(ProviderSettings.EMPTY);
    assertThat(p.name()).isEqualTo("procedural");
    assertThat(p.model()).isEqualTo("procedural-v1");
    assertThat(p.resource()).isEqualTo("image");
  }
}
