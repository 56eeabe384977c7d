package dev.storyreel.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * A storyboard's contact sheet: a PNG of numbered cards, one per segment, each with a preview
 * picture (drawn by a free, offline image provider, so nothing is paid), the image prompt and the
 * narration. For a person to look at before approving a {@link Plan}; the video's pictures are
 * made later by the job's own image provider.
 *
 * <p>Immutable and thread-safe: the bytes are copied in and out.
 */
public final class StoryboardSheet {
  private final byte[] png;
  private final int widthPx;
  private final int heightPx;

  /**
   * @param png the PNG file's bytes; copied; never empty
   * @param widthPx its width in pixels, {@code > 0}
   * @param heightPx its height in pixels, {@code > 0}
   * @throws NullPointerException if {@code png} is {@code null}
   * @throws IllegalArgumentException if it is empty or a size is not positive
   */
  public StoryboardSheet(byte[] png, int widthPx, int heightPx) {
    Objects.requireNonNull(png, "png");
    if (png.length == 0) {
      throw new IllegalArgumentException("png is empty");
    }
    if (widthPx <= 0 || heightPx <= 0) {
      throw new IllegalArgumentException(
          "size must be positive, was " + widthPx + "x" + heightPx);
    }
    this.png = png.clone();
    this.widthPx = widthPx;
    this.heightPx = heightPx;
  }

  /** @return the PNG file's bytes; a copy */
  public byte[] png() {
    return png.clone();
  }

  /** @return the width in pixels */
  public int widthPx() {
    return widthPx;
  }

  /** @return the height in pixels */
  public int heightPx() {
    return heightPx;
  }

  /**
   * Writes the PNG to a file, replacing it.
   *
   * @param file the file, for example {@code out/storyboard.png}; its folder must exist
   * @throws UncheckedIOException if it cannot be written
   */
  public void write(Path file) {
    try {
      Files.write(file, png);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the storyboard sheet to " + file, e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoryboardSheet s && s.widthPx == widthPx && s.heightPx == heightPx
        && Arrays.equals(s.png, png);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(png);
  }

  @Override
  public String toString() {
    return "StoryboardSheet[" + widthPx + "x" + heightPx + ", " + png.length + " bytes]";
  }
}
