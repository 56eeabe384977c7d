package dev.storyreel.core.internal;

import dev.storyreel.core.InvalidInputException;
import dev.storyreel.core.spi.Renderer;
import dev.storyreel.core.spi.VideoInfo;
import dev.storyreel.core.spi.VideoSource;
import dev.storyreel.core.timeline.BackgroundVideo;
import dev.storyreel.core.timeline.Overlay;
import dev.storyreel.core.timeline.TitleCard;
import dev.storyreel.core.timeline.Watermark;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A job's background video and overlays (title card, end card, watermark), as set on {@code
 * StoryReel.Builder}. {@link #check} refuses unusable files before anything is paid; {@link
 * #fingerprint} goes into the job's input key and the video's cache key; {@link #overlays} places
 * them on a video of a given length.
 *
 * @param background the video under the story, or {@code null}
 * @param titleCard the title card, or {@code null}
 * @param endCard the end card, or {@code null}: its length is its {@code end - start}, and it is
 *     placed so that it ends with the video
 * @param watermark the watermark, or {@code null}: shown from its start to its end or the video's
 */
public record MotionSettings(BackgroundVideo background, TitleCard titleCard, TitleCard endCard,
    Watermark watermark) {

  /** No background, no overlays. */
  public static final MotionSettings NONE = new MotionSettings(null, null, null, null);

  /** @return whether there is a background or an overlay */
  public boolean isEmpty() {
    return background == null && titleCard == null && endCard == null && watermark == null;
  }

  /**
   * Probes the background with the renderer and loads the watermark: the checks a job runs
   * before its first paid call.
   *
   * @param renderer the job's renderer
   * @return what the background holds, or {@code null} without one
   * @throws InvalidInputException if the background is missing, not a video, corrupt or has no
   *     video stream, or the watermark is not an image; the message names the file and the fix
   */
  public VideoInfo check(Renderer renderer) {
    if (watermark != null) {
      BufferedImage img;
      try {
        img = watermark.image().load();
      } catch (RuntimeException e) {
        throw new InvalidInputException("The watermark is not an image FFmpeg or Java can read ("
            + e.getMessage() + "). Give a PNG or JPEG file (CLI: --watermark FILE).", e);
      }
      if (img == null || img.getWidth() <= 0 || img.getHeight() <= 0) {
        throw new InvalidInputException("The watermark is not an image. Give a PNG or JPEG file"
            + " (CLI: --watermark FILE).");
      }
    }
    if (background == null) {
      return null;
    }
    Path file = background.video().file();
    if (!VideoSource.isReadableFile(file)) {
      throw new InvalidInputException("The background video " + file + " does not exist or"
          + " cannot be read. Check the path (CLI: --background FILE).");
    }
    try {
      return renderer.probeVideo(file);
    } catch (UnsupportedOperationException e) {
      throw new InvalidInputException(e.getMessage(), e);
    }
  }

  /**
   * @param duration the video's length
   * @return the overlays on a video of that length: the title card as given, the end card moved
   *     to end with the video (shortened if the video is shorter), the watermark cut at the end
   */
  public List<Overlay> overlays(Duration duration) {
    List<Overlay> out = new ArrayList<>();
    if (titleCard != null && titleCard.start().compareTo(duration) < 0) {
      TitleCard c = titleCard;
      if (c.end().compareTo(duration) > 0) {
        c = card(c, c.start(), duration);
      }
      out.add(c);
    }
    if (endCard != null) {
      Duration len = endCard.end().minus(endCard.start());
      Duration start = duration.compareTo(len) > 0 ? duration.minus(len) : Duration.ZERO;
      out.add(card(endCard, start, duration));
    }
    if (watermark != null && watermark.start().compareTo(duration) < 0) {
      Watermark w = watermark;
      out.add(new Watermark(w.image(), w.start(), w.end().compareTo(duration) > 0 ? duration
          : w.end(), w.corner(), w.opacity(), w.widthFraction(), w.marginPx()));
    }
    return out;
  }

  /** A card moved to {@code [start, end)}, its fade shortened to fit. */
  private static TitleCard card(TitleCard c, Duration start, Duration end) {
    Duration half = end.minus(start).dividedBy(2);
    Duration fade = c.fade().compareTo(half) > 0 ? half : c.fade();
    return new TitleCard(c.text(), start, end, c.fontFamily(), c.fontSizePx(), c.textArgb(),
        c.panelArgb(), fade);
  }

  /**
   * @return every setting that changes the video: the background file's SHA-256 and its loop,
   *     blur, dim and gain; each card's fields; the watermark's pixels' SHA-256 and placement.
   *     Empty when there is nothing. Reads the background file and the watermark.
   */
  public String fingerprint() {
    if (isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, String> e : describe().entrySet()) {
      sb.append(e.getKey()).append('=').append(e.getValue()).append(';');
    }
    return sb.toString();
  }

  /**
   * @return what the manifest records (its render options): the background's file name,
   *     SHA-256 and settings, and each overlay; empty when there is nothing
   */
  public Map<String, String> describe() {
    Map<String, String> m = new LinkedHashMap<>();
    if (background != null) {
      Path file = background.video().file();
      m.put("background", String.valueOf(file.getFileName()));
      m.put("backgroundSha256", sha256(file));
      m.put("backgroundLoopCrossfadeMillis",
          Long.toString(background.loopCrossfade().toMillis()));
      m.put("backgroundBlurPx", Integer.toString(background.blurRadiusPx()));
      m.put("backgroundDim", Double.toString(background.dim()));
      m.put("backgroundGainDb", background.muted() ? "muted"
          : Double.toString(background.gainDb()));
    }
    if (titleCard != null) {
      m.put("titleCard", describe(titleCard));
    }
    if (endCard != null) {
      m.put("endCard", describe(endCard));
    }
    if (watermark != null) {
      m.put("watermark", watermark.corner().name().toLowerCase(Locale.ROOT).replace('_', '-')
          + " opacity " + watermark.opacity() + " width " + watermark.widthFraction()
          + " margin " + watermark.marginPx() + "px " + watermark.start().toMillis() + ".."
          + watermark.end().toMillis() + "ms sha256 " + pixelsSha256(watermark.image().load()));
    }
    return m;
  }

  private static String describe(TitleCard c) {
    return "'" + c.text() + "' " + c.start().toMillis() + ".." + c.end().toMillis() + "ms fade "
        + c.fade().toMillis() + "ms " + c.fontFamily() + " " + c.fontSizePx() + "px text #"
        + Integer.toHexString(c.textArgb()) + " panel #" + Integer.toHexString(c.panelArgb());
  }

  /** Files hashed in this JVM, by path, size and modification time: a large video once. */
  private static final Map<String, String> HASHED = new ConcurrentHashMap<>();

  private static String sha256(Path file) {
    String id;
    try {
      id = file.toAbsolutePath() + "|" + Files.size(file) + "|"
          + Files.getLastModifiedTime(file).toMillis();
    } catch (IOException e) {
      throw new UncheckedIOException("reading the background video " + file, e);
    }
    return HASHED.computeIfAbsent(id, k -> AssetCache.sha256(file));
  }

  private static String pixelsSha256(BufferedImage img) {
    int w = img.getWidth();
    int h = img.getHeight();
    ByteBuffer b = ByteBuffer.allocate(8 + 4 * w * h).putInt(w).putInt(h);
    b.asIntBuffer().put(img.getRGB(0, 0, w, h, null, 0, w));
    return AssetCache.sha256(b.array());
  }
}
