package dev.storyreel.core.http;

import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.RetriableException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes an image a provider produced (downloaded, sent inline or drawn offline) without letting
 * it exhaust memory, and refuses one that is truncated, corrupt or impossible:
 *
 * <ol>
 *   <li>the width and height are read from the header, and an image over the pixel cap is
 *       refused before any pixel is decoded;
 *   <li>the declared size is checked against the file size: deflate cannot compress more than
 *       about 1032:1, so a PNG whose raw scanlines ({@code height * (1 + ceil(width *
 *       bitsPerPixel / 8))} bytes) exceed 1032 times the file is impossible
 *       or truncated; a baseline or progressive JPEG needs at least one bit per 8x8 block, so
 *       more than 1024 pixels per byte is refused (a 2x margin);
 *   <li>the decoded pixels ({@code width * height * max(4, bytes per raw pixel)} bytes) must fit
 *       a memory budget shared by every decode on this instance; a decode waits up to the
 *       budget's wait for room, then fails. The {@linkplain #shared() shared} instance is
 *       process-wide, so several workers decoding at once cannot exhaust the heap;
 *   <li>the image is then fully decoded; a reader warning (a JPEG that ends early) counts as
 *       corrupt.
 * </ol>
 *
 * <p>ImageIO's disk cache is turned off when this class loads ({@code ImageIO.setUseCache(false)})
 * and this class reads from memory only, so no {@code imageio*.tmp} file is ever left behind.
 *
 * <p>Thread-safe. Example: {@code BufferedImage img = ImageChecks.decode("openai", bytes,
 * ImageChecks.DEFAULT_MAX_PIXELS, "segment 3");}
 */
public final class ImageChecks {
  /**
   * Default pixel cap: 4096 x 4096 = 16,777,216 pixels (64 MiB decoded). The largest images the
   * vendors return are 2..4 megapixels (1792x1024, 1536x1024, 2048x2048), and a 4K frame is 8.3.
   */
  public static final long DEFAULT_MAX_PIXELS = 4096L * 4096L;
  /**
   * Default size of the shared decode budget: 256 MiB of decoded pixels, or a quarter of the
   * heap when that is smaller. Set the system property {@code storyreel.image.decodeBudgetBytes}
   * (bytes) before this class loads to change it.
   */
  public static final long DEFAULT_BUDGET_BYTES = 256L << 20;
  /** Default longest wait for room in the budget: 60 s. */
  public static final Duration DEFAULT_BUDGET_WAIT = Duration.ofSeconds(60);
  /** Deflate's best ratio is about 1032:1; a PNG that claims more is impossible or cut short. */
  static final long PNG_MAX_RATIO = 1032;
  /** A JPEG spends at least 1 bit per 8x8 block (64 pixels); 1024 allows twice that. */
  static final long JPEG_MAX_PIXELS_PER_BYTE = 1024;
  /** Budget permits are counted in KiB so that budgets over 2 GiB fit an int semaphore. */
  private static final int PERMIT_BYTES = 1024;

  private static final ImageChecks SHARED;

  static {
    // Without this, ImageIO.createImageInputStream buffers through imageio*.tmp files in
    // java.io.tmpdir, which a killed process leaves behind.
    ImageIO.setUseCache(false);
    long budget = Math.min(DEFAULT_BUDGET_BYTES, Runtime.getRuntime().maxMemory() / 4);
    String prop = System.getProperty("storyreel.image.decodeBudgetBytes");
    if (prop != null) {
      try {
        budget = Long.parseLong(prop.strip());
      } catch (NumberFormatException e) {
        throw new IllegalStateException("storyreel.image.decodeBudgetBytes must be a number of"
            + " bytes, was '" + prop + "'", e);
      }
    }
    SHARED = new ImageChecks(Math.max(budget, 1L << 20), DEFAULT_BUDGET_WAIT);
  }

  private final long budgetBytes;
  private final Duration maxWait;
  private final Semaphore permits;

  private ImageChecks(long budgetBytes, Duration maxWait) {
    this.budgetBytes = budgetBytes;
    this.maxWait = maxWait;
    this.permits = new Semaphore(permitsFor(budgetBytes), true);
  }

  /** @return the process-wide instance every StoryReel decode goes through */
  public static ImageChecks shared() {
    return SHARED;
  }

  /**
   * Makes an instance with its own budget, for an embedder that wants a separate limit (or a
   * test).
   *
   * @param budgetBytes the most decoded pixel bytes held at once by this instance's decodes,
   *     1 KiB..2 TiB
   * @param maxWait how long a decode waits for room before failing; zero fails at once
   * @return the instance
   * @throws IllegalArgumentException if a value is out of range
   */
  public static ImageChecks withBudget(long budgetBytes, Duration maxWait) {
    Objects.requireNonNull(maxWait, "maxWait");
    if (budgetBytes < PERMIT_BYTES || budgetBytes / PERMIT_BYTES > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("budgetBytes must be 1 KiB..2 TiB, was " + budgetBytes);
    }
    if (maxWait.isNegative()) {
      throw new IllegalArgumentException("maxWait must be >= 0, was " + maxWait);
    }
    return new ImageChecks(budgetBytes, maxWait);
  }

  /**
   * What an image's header says, checked against the cap and the file size.
   *
   * @param format the reader's format name in lower case, for example {@code png} or {@code
   *     jpeg}
   * @param widthPx the width in pixels, {@code >= 1}
   * @param heightPx the height in pixels, {@code >= 1}
   * @param bitsPerPixel bits per raw pixel (for example 24 for 8-bit RGB, 64 for 16-bit RGBA)
   * @param decodedBytes the memory a full decode is charged, {@code width * height *
   *     max(4, ceil(bitsPerPixel / 8))}
   */
  public record ImageInfo(String format, int widthPx, int heightPx, int bitsPerPixel,
      long decodedBytes) {
    /**
     * @param format the reader's format name in lower case, for example {@code png} or {@code
     *     jpeg}
     * @param widthPx the width in pixels, {@code >= 1}
     * @param heightPx the height in pixels, {@code >= 1}
     * @param bitsPerPixel bits per raw pixel (for example 24 for 8-bit RGB, 64 for 16-bit RGBA)
     * @param decodedBytes the memory a full decode is charged, {@code width * height *
     *     max(4, ceil(bitsPerPixel / 8))}
     * @throws NullPointerException if {@code format} is {@code null}
     */
    public ImageInfo {
      Objects.requireNonNull(format, "format");
    }
  }

  /**
   * Decodes an image through the {@linkplain #shared() shared} budget.
   *
   * @param provider the provider, for messages; never {@code null}
   * @param bytes the encoded image (PNG, JPEG, or any format an installed ImageIO plugin reads)
   * @param maxPixels the most pixels accepted, {@code width * height}
   * @param context what it is for ({@code "segment 3"}), or {@code null}
   * @return the decoded image, of the header's width and height
   * @throws NonRetriableException if no reader knows the format, the image is over the cap,
   *     declares more pixels than its bytes can hold, needs more than the whole budget, or is
   *     truncated or corrupt
   * @throws RetriableException if the budget stayed full for the whole wait
   * @throws CancellationException if the thread is interrupted while waiting (the interrupt flag
   *     is kept)
   */
  public static BufferedImage decode(String provider, byte[] bytes, long maxPixels,
      String context) {
    return SHARED.decodeImage(provider, bytes, maxPixels, context, null);
  }

  /**
   * Decodes an image through the {@linkplain #shared() shared} budget into {@code reuse}'s pixels
   * where it can: when the picture is 8-bit RGB without alpha (the common PNG; JPEG and other
   * formats whose reader offers that layout) and has {@code reuse}'s width and height, its
   * pixels are written into {@code reuse} and no new image is allocated, not even per row (the
   * PNG reader's row copy into a {@link BufferedImage#TYPE_3BYTE_BGR} image allocates a row
   * array for every row, about the picture's size again). The pixels are the same as {@link
   * #decode(String, byte[], long, String)}'s. A renderer going through a long video this way
   * stops allocating a picture per segment (issue 14: about 17 MB a segment at 1080x1920).
   *
   * @param provider the provider, for messages; never {@code null}
   * @param bytes the encoded image
   * @param maxPixels the most pixels accepted, {@code width * height}
   * @param context what it is for ({@code "segment 3"}), or {@code null}
   * @param reuse a {@link BufferedImage#TYPE_3BYTE_BGR} image whose pixels may all be
   *     overwritten, or {@code null}
   * @return {@code reuse} holding the picture, or a new image when it does not fit ({@code reuse}
   *     is then untouched)
   * @throws NonRetriableException as {@link #decode(String, byte[], long, String)}
   * @throws RetriableException if the budget stayed full for the whole wait
   * @throws CancellationException if the thread is interrupted while waiting
   */
  public static BufferedImage decode(String provider, byte[] bytes, long maxPixels,
      String context, BufferedImage reuse) {
    return SHARED.decodeImage(provider, bytes, maxPixels, context, reuse);
  }

  /**
   * Decodes an image through this instance's budget; see {@link #decode}.
   *
   * @param provider the provider, for messages; never {@code null}
   * @param bytes the encoded image
   * @param maxPixels the most pixels accepted, {@code width * height}
   * @param context what it is for, or {@code null}
   * @return the decoded image
   * @throws NonRetriableException if the image is refused (see {@link #decode})
   * @throws RetriableException if the budget stayed full for the whole wait
   * @throws CancellationException if interrupted while waiting
   */
  public BufferedImage decodeImage(String provider, byte[] bytes, long maxPixels,
      String context) {
    return decodeImage(provider, bytes, maxPixels, context, null);
  }

  /**
   * Decodes an image through this instance's budget, into {@code reuse} where it can; see
   * {@link #decode(String, byte[], long, String, BufferedImage)}.
   *
   * @param provider the provider, for messages; never {@code null}
   * @param bytes the encoded image
   * @param maxPixels the most pixels accepted, {@code width * height}
   * @param context what it is for, or {@code null}
   * @param reuse a {@link BufferedImage#TYPE_3BYTE_BGR} image whose pixels may be overwritten,
   *     or {@code null}
   * @return {@code reuse} holding the picture, or a new image
   * @throws NonRetriableException if the image is refused (see {@link #decode})
   * @throws RetriableException if the budget stayed full for the whole wait
   * @throws CancellationException if interrupted while waiting
   */
  public BufferedImage decodeImage(String provider, byte[] bytes, long maxPixels,
      String context, BufferedImage reuse) {
    Objects.requireNonNull(bytes, "bytes");
    return decodeEncoded(where(provider, context), Encoded.of(bytes), maxPixels, reuse);
  }

  /**
   * Decodes a picture file through the {@linkplain #shared() shared} budget, reading it in place
   * (no copy of the file in memory), into {@code reuse} where it can; the checks and the pixels
   * are those of {@link #decode(String, byte[], long, String, BufferedImage)} on the file's
   * bytes. What a source that reads pictures from disk uses: a renderer that hands it the same
   * image for every segment allocates neither the file nor the picture per segment.
   *
   * @param provider who made the file, for messages; never {@code null}
   * @param file the encoded image on a local file system
   * @param maxPixels the most pixels accepted, {@code width * height}
   * @param context what it is for ({@code "segment 3"}), or {@code null}
   * @param reuse a {@link BufferedImage#TYPE_3BYTE_BGR} image whose pixels may all be
   *     overwritten, or {@code null}
   * @return {@code reuse} holding the picture, or a new image ({@code reuse} untouched)
   * @throws java.io.UncheckedIOException if the file cannot be read
   * @throws NonRetriableException as {@link #decode(String, byte[], long, String)}
   * @throws RetriableException if the budget stayed full for the whole wait
   * @throws CancellationException if the thread is interrupted while waiting
   */
  public static BufferedImage decode(String provider, Path file, long maxPixels,
      String context, BufferedImage reuse) {
    Objects.requireNonNull(file, "file");
    String where = where(provider, context);
    Encoded encoded;
    try (InputStream in = Files.newInputStream(file)) {
      encoded = new Encoded(in.readNBytes(HEAD_BYTES), Files.size(file),
          () -> new FileImageInputStream(file.toFile()));
    } catch (IOException e) {
      throw new UncheckedIOException(where + ": cannot read " + file, e);
    }
    return SHARED.decodeEncoded(where, encoded, maxPixels, reuse);
  }

  private BufferedImage decodeEncoded(String where, Encoded encoded, long maxPixels,
      BufferedImage reuse) {
    return withReader(where, encoded, reader -> {
      ImageInfo info = check(where, reader, encoded, maxPixels);
      int need = permitsFor(info.decodedBytes());
      if (need > permitsFor(budgetBytes)) {
        throw new NonRetriableException(where + ": decoding the " + info.widthPx() + "x"
            + info.heightPx() + " image needs " + mib(info.decodedBytes()) + " of memory, more"
            + " than the whole decode budget of " + mib(budgetBytes) + "; refused before"
            + " decoding. Ask the provider for a smaller image.");
      }
      acquire(where, need);
      try {
        CorruptWarning warning = new CorruptWarning();
        reader.addIIOReadWarningListener(warning);
        BufferedImage img = DecodeInto.read(reader, info, reuse);
        if (img == null) {
          throw new NonRetriableException(where + ": the image cannot be decoded.");
        }
        if (warning.message != null) {
          throw new NonRetriableException(where + ": the " + info.format() + " image ("
              + encoded.length() + " bytes) is truncated or corrupt: " + warning.message);
        }
        return img;
      } finally {
        permits.release(need);
      }
    });
  }

  /**
   * Runs every check {@link #decode} makes before decoding, and decodes nothing.
   *
   * @param provider the provider, for messages; never {@code null}
   * @param bytes the encoded image
   * @param maxPixels the most pixels accepted, {@code width * height}
   * @param context what it is for, or {@code null}
   * @return what the header says
   * @throws NonRetriableException if no reader knows the format, the image is over the cap or
   *     declares more pixels than its bytes can hold
   */
  public static ImageInfo inspect(String provider, byte[] bytes, long maxPixels,
      String context) {
    String where = where(provider, context);
    Objects.requireNonNull(bytes, "bytes");
    return withReader(where, Encoded.of(bytes), reader -> check(where, reader, Encoded.of(bytes),
        maxPixels));
  }

  /** @return the size of this instance's budget, in bytes */
  public long budgetBytes() {
    return budgetBytes;
  }

  /** @return the budget not held by decodes in progress right now, in bytes (a snapshot) */
  public long availableBytes() {
    return (long) permits.availablePermits() * PERMIT_BYTES;
  }

  private interface ReaderTask<T> {
    T run(ImageReader reader) throws IOException;
  }

  /** Bytes read by {@link Encoded#open}, from memory or a file. */
  private interface Opener {
    ImageInputStream open() throws IOException;
  }

  /**
   * An encoded image: its first bytes (the header the checks read: the whole array for one in
   * memory), its length in bytes, and how to open it for the reader.
   */
  private record Encoded(byte[] head, long length, Opener opener) {
    static Encoded of(byte[] bytes) {
      return new Encoded(bytes, bytes.length, () -> new BytesImageInputStream(bytes));
    }
  }

  /** Header bytes read from a file for the checks: PNG's IHDR ends at byte 29. */
  private static final int HEAD_BYTES = 64;

  private static <T> T withReader(String where, Encoded encoded, ReaderTask<T> task) {
    try (ImageInputStream in = encoded.opener().open()) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new NonRetriableException(where + ": no decoder for this image ("
            + describe(encoded.head()) + ", " + encoded.length() + " bytes); ask for PNG or"
            + " JPEG.");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        return task.run(reader);
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof NonRetriableException || e instanceof RetriableException
          || e instanceof CancellationException) {
        throw (RuntimeException) e;
      }
      throw new NonRetriableException(where + ": the image (" + encoded.length()
          + " bytes) is truncated or corrupt: " + e.getMessage(), e);
    }
  }

  private static ImageInfo check(String where, ImageReader reader, Encoded encoded,
      long maxPixels) throws IOException {
    long length = encoded.length();
    String format = reader.getFormatName().toLowerCase(Locale.ROOT);
    long w = reader.getWidth(0);
    long h = reader.getHeight(0);
    if (w <= 0 || h <= 0 || w * h > maxPixels) {
      throw new NonRetriableException(where + ": the image is " + w + "x" + h
          + " pixels, over the cap of " + maxPixels + "; refused before decoding.");
    }
    int bits = bitsPerPixel(format, reader, encoded.head());
    if (format.equals("png")) {
      long raw = saturatedProduct(h, 1 + (w * bits + 7) / 8);
      if (raw > PNG_MAX_RATIO * length) {
        throw new NonRetriableException(where + ": the PNG declares " + w + "x" + h + " pixels ("
            + raw + " bytes of scanlines) in " + length + " bytes, more than deflate can"
            + " hold (about " + PNG_MAX_RATIO + ":1); the file is truncated or forged. Refused"
            + " before decoding.");
      }
    } else if (format.equals("jpeg")) {
      if (w * h > JPEG_MAX_PIXELS_PER_BYTE * length) {
        throw new NonRetriableException(where + ": the JPEG declares " + w + "x" + h
            + " pixels in " + length + " bytes, more than a JPEG can hold; the file is"
            + " truncated or forged. Refused before decoding.");
      }
    }
    long decoded = saturatedProduct(w * h, Math.max(4, (bits + 7) / 8));
    return new ImageInfo(format, (int) w, (int) h, bits, decoded);
  }

  /**
   * Bits per raw pixel: for PNG from the IHDR chunk (bit depth times samples of the colour
   * type), which is what the scanlines hold; otherwise the reader's raw image type.
   */
  private static int bitsPerPixel(String format, ImageReader reader, byte[] bytes)
      throws IOException {
    if (format.equals("png") && bytes.length >= 29) {
      // IHDR is always the first chunk: 8-byte signature, length, "IHDR", width, height, depth.
      ByteBuffer b = ByteBuffer.wrap(bytes);
      if (b.getInt(12) == 0x49484452) {
        int depth = bytes[24] & 0xff;
        int samples = switch (bytes[25] & 0xff) {
          case 0, 3 -> 1; // grey, palette
          case 2 -> 3; // RGB
          case 4 -> 2; // grey + alpha
          case 6 -> 4; // RGBA
          default -> throw new IOException("the PNG has an unknown colour type "
              + (bytes[25] & 0xff));
        };
        if (depth < 1 || depth > 16) {
          throw new IOException("the PNG has a bit depth of " + depth);
        }
        return depth * samples;
      }
    }
    try {
      var type = reader.getRawImageType(0);
      if (type != null) {
        return Math.max(1, type.getColorModel().getPixelSize());
      }
    } catch (IOException | RuntimeException e) {
      // Not every reader can tell; the budget then assumes 32 bits below.
    }
    return 32;
  }

  private void acquire(String where, int need) {
    try {
      if (!permits.tryAcquire(need, maxWait.toNanos(), TimeUnit.NANOSECONDS)) {
        throw new RetriableException(where + ": other images being decoded hold the decode"
            + " budget (" + mib(budgetBytes) + ") and " + mib((long) need * PERMIT_BYTES)
            + " did not become free within " + maxWait.toSeconds() + " s; try again, or use"
            + " fewer workers.");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException(where + ": interrupted while waiting to decode an image");
    }
  }

  private static long saturatedProduct(long a, long b) {
    long high = Math.multiplyHigh(a, b);
    long low = a * b;
    return high != 0 || low < 0 ? Long.MAX_VALUE : low;
  }

  private static int permitsFor(long bytes) {
    long p = (bytes + PERMIT_BYTES - 1) / PERMIT_BYTES;
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1, p));
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
  }

  private static String where(String provider, String context) {
    Objects.requireNonNull(provider, "provider");
    return provider + (context == null ? "" : " (" + context + ")");
  }

  private static String describe(byte[] bytes) {
    String sniffed = SafeDownload.sniffImage(bytes);
    return sniffed == null ? "not PNG, JPEG or WebP" : sniffed;
  }

  /** Remembers the first warning a reader gives; ImageIO reports a cut JPEG only this way. */
  private static final class CorruptWarning implements IIOReadWarningListener {
    volatile String message;

    @Override
    public void warningOccurred(ImageReader source, String warning) {
      if (message == null) {
        message = warning;
      }
    }
  }
}
