package dev.storyreel.core.timeline;

import dev.storyreel.core.WordTiming;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One segment's voice-over on the narration track.
 *
 * @param segment the segment's index, from 0
 * @param audio its WAV, read while encoding; never {@code null}
 * @param start when it starts in the video (the sum of the earlier clips' sample counts, so
 *     nothing drifts over a long story)
 * @param end when it ends; after {@code start}
 * @param words its word timings on the video's clock (already shifted by {@code start}), each
 *     inside {@code start..end}; copied
 */
public record NarrationClip(
    int segment, AudioSource audio, Duration start, Duration end, List<WordTiming> words) {

  /**
   * @param segment the segment's index, from 0
   * @param audio its WAV, read while encoding; never {@code null}
   * @param start when it starts in the video (the sum of the earlier clips' sample counts, so
   *     nothing drifts over a long story)
   * @param end when it ends; after {@code start}
   * @param words its word timings on the video's clock (already shifted by {@code start}), each
   *     inside {@code start..end}; copied
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if the interval is empty
   */
  public NarrationClip {
    Objects.requireNonNull(audio, "audio");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    words = List.copyOf(Objects.requireNonNull(words, "words"));
    if (start.isNegative() || end.compareTo(start) <= 0) {
      throw new IllegalArgumentException(
          "narration clip " + segment + ": bad interval " + start + ".." + end);
    }
  }
}
