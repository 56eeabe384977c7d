package dev.storyreel.core.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * What a video file holds, as the renderer's decoder read it ({@link Renderer#probeVideo}).
 *
 * @param widthPx the video stream's width in pixels, positive
 * @param heightPx its height in pixels, positive
 * @param fps its frame rate in frames per second, positive (the container's average rate)
 * @param duration the video stream's duration; positive
 * @param frameCount decoded frames (or the container's count where decoding every frame is not
 *     needed), positive
 * @param hasAudio whether the file also has an audio stream
 */
public record VideoInfo(int widthPx, int heightPx, double fps, Duration duration, long frameCount,
    boolean hasAudio) {

  /**
   * @param widthPx width in pixels
   * @param heightPx height in pixels
   * @param fps frames per second
   * @param duration the video stream's duration
   * @param frameCount frames
   * @param hasAudio whether there is an audio stream
   * @throws IllegalArgumentException if a figure is not positive
   * @throws NullPointerException if {@code duration} is {@code null}
   */
  public VideoInfo {
    Objects.requireNonNull(duration, "duration");
    if (widthPx <= 0 || heightPx <= 0) {
      throw new IllegalArgumentException("size must be positive, was " + widthPx + "x" + heightPx);
    }
    if (!(fps > 0) || frameCount <= 0 || duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("a video needs frames, a rate and a duration; was "
          + frameCount + " frames at " + fps + " fps over " + duration);
    }
  }
}
