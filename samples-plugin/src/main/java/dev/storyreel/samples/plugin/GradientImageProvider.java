package dev.storyreel.samples.plugin;

import dev.storyreel.core.spi.GeneratedImage;
import dev.storyreel.core.spi.ImageProvider;
import dev.storyreel.core.spi.ImageRequest;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * A sample custom image provider: a vertical gradient whose colours come from the prompt's hash,
 * at the requested size, as PNG. It shows the whole contract a plugin fulfils: a name, a model, a
 * {@link #fingerprint()} with every setting that changes the output, and thread safety (it keeps
 * no state).
 */
public final class GradientImageProvider implements ImageProvider {
  /** The registered name: {@value}. */
  public static final String NAME = "gradient";

  private final float saturation;

  /** @param saturation colour saturation, 0..1 */
  public GradientImageProvider(float saturation) {
    if (!(saturation >= 0 && saturation <= 1)) {
      throw new IllegalArgumentException("saturation must be 0..1, was " + saturation);
    }
    this.saturation = saturation;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String model() {
    return "gradient-v1";
  }

  /** @return name, model and saturation */
  @Override
  public String fingerprint() {
    return NAME + "/gradient-v1/s=" + saturation;
  }

  @Override
  public GeneratedImage generate(ImageRequest r) {
    int h = r.prompt().hashCode();
    Color top = Color.getHSBColor((h & 0xff) / 255f, saturation, 0.9f);
    Color bottom = Color.getHSBColor(((h >> 8) & 0xff) / 255f, saturation, 0.3f);
    BufferedImage img = new BufferedImage(r.widthPx(), r.heightPx(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setPaint(new GradientPaint(0, 0, top, 0, r.heightPx(), bottom));
    g.fillRect(0, 0, r.widthPx(), r.heightPx());
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new GeneratedImage(out.toByteArray(), "image/png", r.widthPx(), r.heightPx());
  }
}
