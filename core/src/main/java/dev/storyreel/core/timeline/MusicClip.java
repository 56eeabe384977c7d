package dev.storyreel.core.timeline;

import dev.storyreel.core.Mood;
import java.time.Duration;
import java.util.Objects;

/**
 * A music bed under a stretch of the story. Neighbouring clips of different moods overlap by
 * their fades, so the bed crossfades at the segment boundary where the mood changes.
 *
 * @param audio the bed's WAV, exactly {@code end - start} long; never {@code null}
 * @param mood its mood; never {@code null}
 * @param start when it starts in the video; never negative
 * @param end when it ends; after {@code start}
 * @param fadeIn how long it fades in from silence at {@code start}; zero or positive
 * @param fadeOut how long it fades out to silence before {@code end}; zero or positive
 */
public record MusicClip(AudioSource audio, Mood mood, Duration start, Duration end,
    Duration fadeIn, Duration fadeOut) {

  /**
   * @param audio the bed's WAV, exactly {@code end - start} long; never {@code null}
   * @param mood its mood; never {@code null}
   * @param start when it starts in the video; never negative
   * @param end when it ends; after {@code start}
   * @param fadeIn how long it fades in from silence at {@code start}; zero or positive
   * @param fadeOut how long it fades out to silence before {@code end}; zero or positive
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if the interval is empty or the fades do not fit in it
   */
  public MusicClip {
    Objects.requireNonNull(audio, "audio");
    Objects.requireNonNull(mood, "mood");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    Objects.requireNonNull(fadeIn, "fadeIn");
    Objects.requireNonNull(fadeOut, "fadeOut");
    if (start.isNegative() || end.compareTo(start) <= 0) {
      throw new IllegalArgumentException("music clip: bad interval " + start + ".." + end);
    }
    if (fadeIn.isNegative() || fadeOut.isNegative()
        || fadeIn.plus(fadeOut).compareTo(end.minus(start)) > 0) {
      throw new IllegalArgumentException("music clip fades " + fadeIn + " + " + fadeOut
          + " do not fit in " + end.minus(start));
    }
  }

  /** @return {@code end - start} */
  public Duration duration() {
    return end.minus(start);
  }
}
