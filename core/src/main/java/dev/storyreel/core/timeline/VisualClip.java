package dev.storyreel.core.timeline;

import dev.storyreel.core.spi.ImageSource;
import dev.storyreel.core.spi.VideoSource;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.Objects;

/**
 * What is on screen for one segment, from {@code start} to {@code end}: its still, moved with the
 * renderer's Ken Burns motion; or its moving clip, fitted to the segment by {@link #fit()}; or,
 * with neither, the timeline's {@link BackgroundVideo}. It is joined to its neighbours with the
 * renderer's transition.
 *
 * @param segment the segment's index, from 0; the clip's position on the visual track
 * @param image the still, loaded when the renderer reaches this clip; {@code null} for a segment
 *     that shows its clip or the background. A segment with a clip may keep its still (the clip
 *     was made from it): the renderer then shows the clip and may use the still for the
 *     thumbnail.
 * @param start when the clip starts, from the video's start; never negative
 * @param end when it ends; after {@code start}
 * @param video the moving clip, or {@code null} for a still
 * @param fit how the clip is fitted to the segment; non-{@code null} exactly when {@code video}
 *     is
 */
public record VisualClip(int segment, ImageSource image, Duration start, Duration end,
    VideoSource video, ClipFit fit) {

  /**
   * @param segment the segment's index, from 0; the clip's position on the visual track
   * @param image the still, or {@code null}
   * @param start when the clip starts, from the video's start; never negative
   * @param end when it ends; after {@code start}
   * @param video the moving clip, or {@code null}
   * @param fit the fitting policy, non-{@code null} exactly when {@code video} is
   * @throws NullPointerException if {@code start} or {@code end} is {@code null}
   * @throws IllegalArgumentException if the interval is empty or starts before zero, or {@code
   *     fit} is given without a video or missing with one
   */
  public VisualClip {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    if (start.isNegative() || end.compareTo(start) <= 0) {
      throw new IllegalArgumentException(
          "visual clip " + segment + ": bad interval " + start + ".." + end);
    }
    if ((video == null) != (fit == null)) {
      throw new IllegalArgumentException("visual clip " + segment
          + ": a fit policy goes with a moving clip, and only with one");
    }
  }

  /**
   * A still.
   *
   * @param segment the segment's index, from 0
   * @param image the picture; never {@code null}
   * @param start when the clip starts; never negative
   * @param end when it ends; after {@code start}
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if the interval is empty or starts before zero
   */
  public VisualClip(int segment, ImageSource image, Duration start, Duration end) {
    this(segment, Objects.requireNonNull(image, "image"), start, end, null, null);
  }

  /**
   * A moving clip.
   *
   * @param segment the segment's index, from 0
   * @param video the clip; never {@code null}
   * @param fit how it is fitted; never {@code null} (see {@link ClipFit#resolve})
   * @param still the still it was made from, or {@code null}
   * @param start when the segment starts
   * @param end when it ends
   * @return the visual clip
   * @throws NullPointerException if {@code video} or {@code fit} is {@code null}
   */
  public static VisualClip clip(int segment, VideoSource video, ClipFit fit, ImageSource still,
      Duration start, Duration end) {
    return new VisualClip(segment, still, start, end, Objects.requireNonNull(video, "video"),
        Objects.requireNonNull(fit, "fit"));
  }

  /**
   * A segment that shows the timeline's background video.
   *
   * @param segment the segment's index, from 0
   * @param start when the segment starts
   * @param end when it ends
   * @return the visual clip, with neither still nor clip
   */
  public static VisualClip background(int segment, Duration start, Duration end) {
    return new VisualClip(segment, null, start, end, null, null);
  }

  /** @return whether this segment shows a moving clip */
  public boolean isClip() {
    return video != null;
  }

  /** @return whether this segment shows the background: it has neither still nor clip */
  public boolean showsBackground() {
    return video == null && image == null;
  }

  /**
   * @return the still, loaded (or read back from storage) now
   * @throws IllegalStateException if this clip has no still, or the source returns {@code null}
   */
  public BufferedImage loadImage() {
    return loadImage(null);
  }

  /**
   * As {@link #loadImage()}, decoding into {@code reuse} where the source can (see {@link
   * ImageSource#load(BufferedImage)}).
   *
   * @param reuse a {@link BufferedImage#TYPE_3BYTE_BGR} image the caller made and owns, whose
   *     pixels may be overwritten; or {@code null}
   * @return the still, loaded now: {@code reuse} or another image
   * @throws IllegalStateException if this clip has no still, or the source returns {@code null}
   */
  public BufferedImage loadImage(BufferedImage reuse) {
    if (image == null) {
      throw new IllegalStateException("segment " + segment + " has no still");
    }
    BufferedImage img = reuse == null ? image.load() : image.load(reuse);
    if (img == null) {
      throw new IllegalStateException("segment " + segment + ": the image source returned null");
    }
    return img;
  }

  /** @return {@code end - start} */
  public Duration duration() {
    return end.minus(start);
  }
}
