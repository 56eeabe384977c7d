package dev.storyreel.samples;

import dev.storyreel.core.InvalidInputException;
import dev.storyreel.core.Story;
import dev.storyreel.core.StoryReel;
import dev.storyreel.core.spi.ImageSource;
import dev.storyreel.core.spi.Renderer;
import dev.storyreel.core.spi.VideoSource;
import dev.storyreel.core.timeline.BackgroundVideo;
import dev.storyreel.core.timeline.TitleCard;
import dev.storyreel.core.timeline.Watermark;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.imageio.ImageIO;
import picocli.CommandLine.Option;

/**
 * The render command's background video and overlay options (a picocli mixin): {@code
 * --background FILE} with its blur, dim and gain, {@code --title [TEXT]}, {@code --end-card TEXT}
 * and {@code --watermark FILE} with its corner and opacity. {@link #check} turns them into the
 * library's values and refuses bad files (exit 2, nothing written) before the output folder is
 * touched.
 */
final class MotionOptions {

  @Option(names = "--background", paramLabel = "FILE",
      description = "A video under the whole story (the 'gameplay under a story' format):"
          + " looped with a crossfade, scaled to cover the format. Segments show it instead of"
          + " stills.")
  Path background;

  @Option(names = "--background-blur", paramLabel = "PX", defaultValue = "0",
      description = "Box-blur radius of the background in pixels, 0..64 (default: ${DEFAULT-VALUE}).")
  int backgroundBlurPx;

  @Option(names = "--background-dim", paramLabel = "X", defaultValue = "0",
      description = "How much darker the background is, 0 (unchanged) to 1 (black)"
          + " (default: ${DEFAULT-VALUE}).")
  double backgroundDim;

  @Option(names = "--background-gain", paramLabel = "DB",
      description = "Mix the background's own audio at this gain in dB, at most +12"
          + " (default: muted).")
  Double backgroundGainDb;

  @Option(names = "--title", paramLabel = "TEXT", arity = "0..1", fallbackValue = "",
      description = "A title card for the first 3 s, fading in and out; the text defaults to"
          + " the story's title. Give it after the STORY, or with a text.")
  String title;

  @Option(names = "--end-card", paramLabel = "TEXT",
      description = "An end card with this text for the last 3 s.")
  String endCard;

  @Option(names = "--watermark", paramLabel = "FILE",
      description = "A picture (PNG or JPEG) in a corner of every frame, 15%% of the width.")
  Path watermark;

  @Option(names = "--watermark-corner", paramLabel = "CORNER", defaultValue = "bottom-right",
      description = "top-left, top-right, bottom-left or bottom-right (default: ${DEFAULT-VALUE}).")
  String watermarkCorner;

  @Option(names = "--watermark-opacity", paramLabel = "X", defaultValue = "0.8",
      description = "Watermark opacity, 0..1 (default: ${DEFAULT-VALUE}).")
  double watermarkOpacity;

  /** The watermark's width as a fraction of the frame's. */
  static final double WATERMARK_WIDTH = 0.15;

  /** The watermark's gap to the frame's edges, pixels. */
  static final int WATERMARK_MARGIN_PX = 24;

  /**
   * The options as the library's values, checked.
   *
   * @param background the video under the story, or {@code null}
   * @param title the title card, or {@code null}
   * @param endCard the end card, or {@code null}
   * @param watermark the watermark, or {@code null}
   */
  record Checked(BackgroundVideo background, TitleCard title, TitleCard endCard,
      Watermark watermark) {

    /**
     * @param b a builder
     * @return it, with these set
     */
    StoryReel.Builder applyTo(StoryReel.Builder b) {
      return b.background(background).titleCard(title).endCard(endCard).watermark(watermark);
    }
  }

  /**
   * Checks the options and the files they name: the background is probed with the renderer, the
   * watermark decoded.
   *
   * @param story the story (its title is the title card's default text)
   * @param renderer the renderer that will decode the background
   * @return the values
   * @throws InvalidInputException naming the option, the file and the fix
   */
  Checked check(Story story, Renderer renderer) {
    BackgroundVideo bg = null;
    if (background != null) {
      if (!VideoSource.isReadableFile(background)) {
        throw new InvalidInputException("--background " + background + ": no such readable"
            + " file. Give a video file (MP4, MOV, WebM or MKV).");
      }
      renderer.probeVideo(background);
      try {
        bg = new BackgroundVideo(VideoSource.of(background.toAbsolutePath()),
            BackgroundVideo.DEFAULT_LOOP_CROSSFADE, backgroundBlurPx, backgroundDim,
            backgroundGainDb == null ? Double.NEGATIVE_INFINITY : backgroundGainDb);
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException("--background: " + e.getMessage() + ".");
      }
    } else if (backgroundGainDb != null || backgroundBlurPx != 0 || backgroundDim != 0) {
      throw new InvalidInputException("--background-blur, --background-dim and"
          + " --background-gain need --background FILE.");
    }
    TitleCard titleCard = null;
    if (title != null) {
      String text = title.isBlank() ? story.title() : title;
      if (text.isBlank()) {
        throw new InvalidInputException("--title: the story has no title; give the text, for"
            + " example --title \"The Lighthouse\".");
      }
      titleCard = TitleCard.title(text.strip());
    }
    TitleCard end = null;
    if (endCard != null) {
      if (endCard.isBlank()) {
        throw new InvalidInputException("--end-card needs a text, for example --end-card"
            + " \"Thanks for watching\".");
      }
      end = TitleCard.title(endCard.strip());
    }
    Watermark mark = null;
    if (watermark != null) {
      BufferedImage img = readImage(watermark);
      try {
        mark = new Watermark(ImageSource.of(img), Duration.ZERO, Duration.ofDays(1),
            Watermark.Corner.parse(watermarkCorner), watermarkOpacity, WATERMARK_WIDTH,
            WATERMARK_MARGIN_PX);
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException("--watermark: " + e.getMessage() + ".");
      }
    } else if (!"bottom-right".equals(watermarkCorner) || watermarkOpacity != 0.8) {
      throw new InvalidInputException("--watermark-corner and --watermark-opacity need"
          + " --watermark FILE.");
    }
    return new Checked(bg, titleCard, end, mark);
  }

  private static BufferedImage readImage(Path file) {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new InvalidInputException("--watermark " + file + ": no such readable file. Give a"
          + " PNG or JPEG picture.");
    }
    BufferedImage img;
    try {
      img = ImageIO.read(file.toFile());
    } catch (IOException | UncheckedIOException e) {
      img = null;
    }
    if (img == null) {
      throw new InvalidInputException("--watermark " + file + " is not an image. Give a PNG or"
          + " JPEG picture.");
    }
    return img;
  }
}
