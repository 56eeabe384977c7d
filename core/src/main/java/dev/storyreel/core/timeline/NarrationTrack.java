package dev.storyreel.core.timeline;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The voice: one clip per segment, back to back from zero, all at one sample rate and channel
 * count. Its end is the video's end.
 *
 * @param sampleRateHz the clips' sample rate, in Hz
 * @param channels the clips' channel count, 1 or 2
 * @param clips in segment order, each starting where the previous ended; at least one; copied
 */
public record NarrationTrack(int sampleRateHz, int channels, List<NarrationClip> clips) {

  /**
   * @param sampleRateHz the clips' sample rate, in Hz
   * @param channels the clips' channel count, 1 or 2
   * @param clips in segment order, each starting where the previous ended; at least one; copied
   * @throws NullPointerException if {@code clips} is {@code null}
   * @throws IllegalArgumentException if there is no clip, they are out of order or leave gaps,
   *     or the rate or channel count is out of range
   */
  public NarrationTrack {
    clips = List.copyOf(Objects.requireNonNull(clips, "clips"));
    if (sampleRateHz < 1 || channels < 1 || channels > 2) {
      throw new IllegalArgumentException(
          "narration must be 1 or 2 channels at a positive rate, was " + channels + " at "
              + sampleRateHz + " Hz");
    }
    if (clips.isEmpty()) {
      throw new IllegalArgumentException("nothing to render: no narration");
    }
    Duration expected = Duration.ZERO;
    for (int i = 0; i < clips.size(); i++) {
      NarrationClip c = clips.get(i);
      if (c.segment() != i) {
        throw new IllegalArgumentException("narration clip at position " + i + " is segment "
            + c.segment());
      }
      if (!c.start().equals(expected)) {
        throw new IllegalArgumentException("narration clip " + i + " starts at " + c.start()
            + " but the previous ended at " + expected);
      }
      expected = c.end();
    }
  }

  /** @return when the last clip ends: the video's duration */
  public Duration duration() {
    return clips.get(clips.size() - 1).end();
  }
}
