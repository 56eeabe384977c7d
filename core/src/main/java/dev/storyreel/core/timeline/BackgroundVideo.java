package dev.storyreel.core.timeline;

import dev.storyreel.core.spi.VideoSource;
import java.time.Duration;
import java.util.Objects;

/**
 * One video under the whole story (the "gameplay under a story" format): looped seamlessly with a
 * crossfade at the loop point, scaled and cropped to cover the frame, optionally blurred and
 * dimmed so the captions stay readable, and muted or mixed into the soundtrack at a gain.
 *
 * <p>Segments whose {@link VisualClip} has neither a picture nor a clip show the background; a
 * segment with a still or a clip is drawn over it, opaque.
 *
 * @param video the file; never {@code null}
 * @param loopCrossfade how long the end of each pass fades into the start of the next; zero for a
 *     hard loop; less than half the video's length (the renderer shortens it otherwise)
 * @param blurRadiusPx a box-blur radius in output pixels, 0 for none, at most 64
 * @param dim how much darker, 0 (unchanged) to 1 (black)
 * @param gainDb the background's own audio in the mix, in dB relative to its level in the file;
 *     {@link Double#NEGATIVE_INFINITY} mutes it (the default). Ignored if the file has no audio.
 */
public record BackgroundVideo(VideoSource video, Duration loopCrossfade, int blurRadiusPx,
    double dim, double gainDb) {

  /** The default loop crossfade: 500 ms. */
  public static final Duration DEFAULT_LOOP_CROSSFADE = Duration.ofMillis(500);

  /**
   * @param video the file
   * @param loopCrossfade the crossfade at the loop point
   * @param blurRadiusPx blur radius in pixels, 0..64
   * @param dim darkening, 0..1
   * @param gainDb the audio gain in dB, or negative infinity for muted; at most +12
   * @throws NullPointerException if {@code video} or {@code loopCrossfade} is {@code null}
   * @throws IllegalArgumentException if a figure is out of range, naming it
   */
  public BackgroundVideo {
    Objects.requireNonNull(video, "video");
    Objects.requireNonNull(loopCrossfade, "loopCrossfade");
    if (loopCrossfade.isNegative()) {
      throw new IllegalArgumentException("loop crossfade must not be negative, was "
          + loopCrossfade);
    }
    if (blurRadiusPx < 0 || blurRadiusPx > 64) {
      throw new IllegalArgumentException("blur radius must be 0..64 px, was " + blurRadiusPx);
    }
    if (!(dim >= 0 && dim <= 1)) {
      throw new IllegalArgumentException("dim must be 0..1, was " + dim);
    }
    if (Double.isNaN(gainDb) || gainDb > 12) {
      throw new IllegalArgumentException("background gain must be at most +12 dB (or -Infinity"
          + " for muted), was " + gainDb);
    }
  }

  /**
   * A muted, unblurred, undimmed background with the default loop crossfade.
   *
   * @param video the file
   * @return the background
   */
  public static BackgroundVideo of(VideoSource video) {
    return new BackgroundVideo(video, DEFAULT_LOOP_CROSSFADE, 0, 0, Double.NEGATIVE_INFINITY);
  }

  /** @return whether its audio is left out of the mix */
  public boolean muted() {
    return gainDb == Double.NEGATIVE_INFINITY;
  }
}
