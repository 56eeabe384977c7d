package dev.storyreel.core.spi;

import java.awt.image.BufferedImage;
import java.util.Objects;

/**
 * Where a segment's picture comes from: the renderer calls {@link #load()} when it needs the
 * pixels, so that a render holds only the few decoded pictures it is working on, however many
 * segments the video has (a decoded 1080x1920 picture is about 8 MB).
 *
 * <p>Contract for implementations: {@link #load()} may be called more than once (a renderer that
 * dropped a picture loads it again) and from several threads at once; each call must return an
 * image of the same pixels. The renderer does not modify the returned image. Implementations
 * that read from storage or disk decode on every call and keep nothing.
 *
 * <pre>{@code
 * ImageSource fromFile = () -> {
 *   try {
 *     return ImageIO.read(path.toFile());
 *   } catch (IOException e) {
 *     throw new UncheckedIOException("reading " + path, e);
 *   }
 * };
 * ImageSource inMemory = ImageSource.of(picture);
 * }</pre>
 */
@FunctionalInterface
public interface ImageSource {

  /**
   * Loads (typically reads and decodes) the picture.
   *
   * @return the decoded picture, any size, never {@code null}
   * @throws java.io.UncheckedIOException if it cannot be read
   * @throws dev.storyreel.core.StoryReelException if it cannot be found or decoded
   */
  BufferedImage load();

  /**
   * A source of a picture already in memory: every {@link #load()} returns this very instance, so
   * it stays in memory as long as the source does. For tests and small videos; a long video
   * should hand over sources that load on demand.
   *
   * @param image the decoded picture; not modified by renderers
   * @return a source that always returns {@code image}
   */
  static ImageSource of(BufferedImage image) {
    Objects.requireNonNull(image, "image");
    return () -> image;
  }
}
