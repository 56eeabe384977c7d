package dev.storyreel.core.spi;

import dev.storyreel.core.http.ImageChecks;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

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
   * Loads the picture, decoding it into {@code reuse}'s pixels where this source can, so that a
   * renderer working through a long video does not allocate a new picture (about 6 MB at
   * 1080x1920) for every segment.
   *
   * <p>The caller owns {@code reuse} and no longer needs its pixels: a source may overwrite them
   * all and return {@code reuse} itself. A source that cannot (the picture has another size, has
   * an alpha channel or another sample layout, or the source does not decode at all) leaves
   * {@code reuse} untouched and returns what {@link #load()} returns. The caller must therefore
   * only ever hand an image back as {@code reuse} if it made that image itself, never one a
   * source returned (an in-memory source's instance is shared), and must check whether the
   * result is {@code reuse} before recycling it.
   *
   * <p>The default ignores {@code reuse} and calls {@link #load()}. Sources that decode encoded
   * bytes can use {@link dev.storyreel.core.http.ImageChecks#decode(String, byte[], long, String,
   * BufferedImage)}, which does this for 8-bit RGB pictures (PNG and the like).
   *
   * @param reuse a {@link BufferedImage#TYPE_3BYTE_BGR} image the caller made and owns, or
   *     {@code null} (then this is {@link #load()})
   * @return the decoded picture, never {@code null}: {@code reuse} holding it, or another image
   * @throws java.io.UncheckedIOException if it cannot be read
   * @throws dev.storyreel.core.StoryReelException if it cannot be found or decoded
   */
  default BufferedImage load(BufferedImage reuse) {
    return load();
  }

  /**
   * The one local file this source decodes on every load, when it is one: a renderer may then
   * decode the file with its own decoder instead of calling a load method (the FFmpeg renderer
   * decodes 8-bit RGB PNGs with FFmpeg, which allocates no Java memory per picture, where
   * ImageIO's PNG reader allocates 8 KB per 32 KB of the file). Such a renderer must produce
   * exactly the pixels a load would return, decode no picture over {@link
   * dev.storyreel.core.http.ImageChecks#DEFAULT_MAX_PIXELS}, and call a load method wherever it
   * does not (another format or sample layout, a missing or undecodable file), so that errors
   * keep this source's messages and checks.
   *
   * <p>May block as the load methods do (a source waiting for a picture still being made).
   * Called from whichever threads load.
   *
   * @return the file, or empty (the default) when this source is not one file's decoder
   * @throws dev.storyreel.core.StoryReelException if waiting for the picture failed, as a load
   *     would throw
   */
  default Optional<Path> file() {
    return Optional.empty();
  }

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

  /**
   * A source whose every load goes through {@code decoder}, given the caller's image to decode
   * into ({@link #load(BufferedImage)}) or {@code null} ({@link #load()}).
   *
   * @param decoder decodes the picture, into the image it is given where it can (see {@link
   *     #load(BufferedImage)} for what it may and may not do with it); must not return {@code
   *     null}; called from whichever threads load
   * @return the source
   */
  static ImageSource decodingInto(UnaryOperator<BufferedImage> decoder) {
    return decodingInto(decoder, null);
  }

  /**
   * As {@link #decodingInto(UnaryOperator)}, for a decoder of one local file, which {@link
   * #file()} names so that renderers may decode it themselves.
   *
   * @param decoder decodes {@code file}, as {@link #decodingInto(UnaryOperator)}'s
   * @param file the picture file {@code decoder} reads on every call, or {@code null} when it
   *     reads none (then {@link #file()} is empty)
   * @return the source
   * @throws NullPointerException if {@code decoder} is {@code null}
   */
  static ImageSource decodingInto(UnaryOperator<BufferedImage> decoder, Path file) {
    Objects.requireNonNull(decoder, "decoder");
    Optional<Path> named = Optional.ofNullable(file);
    return new ImageSource() {
      @Override
      public Optional<Path> file() {
        return named;
      }

      @Override
      public BufferedImage load() {
        return decoder.apply(null);
      }

      @Override
      public BufferedImage load(BufferedImage reuse) {
        return decoder.apply(reuse);
      }
    };
  }

  /**
   * A picture file, read in place and decoded on every load (nothing is kept in between), into
   * the caller's image where it can: what a renderer going through a long video wants from
   * pictures on disk. Decoded with {@link dev.storyreel.core.http.ImageChecks#decode(String,
   * Path, long, String, BufferedImage)} and its checks, under {@link
   * dev.storyreel.core.http.ImageChecks#DEFAULT_MAX_PIXELS}.
   *
   * @param file a PNG, JPEG or other picture ImageIO reads; it must exist when loaded
   * @return the source, whose {@link #file()} is {@code file}
   * @throws NullPointerException if {@code file} is {@code null}
   */
  static ImageSource ofFile(Path file) {
    Objects.requireNonNull(file, "file");
    return decodingInto(reuse -> ImageChecks.decode("file", file, ImageChecks.DEFAULT_MAX_PIXELS,
        file.toString(), reuse), file);
  }

}
