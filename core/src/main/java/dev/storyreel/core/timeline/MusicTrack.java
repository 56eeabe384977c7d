package dev.storyreel.core.timeline;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The music under the voice: its beds, its level, and the ducking envelope computed from the
 * narration's word timings ({@link Ducking}).
 *
 * @param clips the beds in time order (overlapping only by their crossfades); empty for no music;
 *     copied
 * @param gainDb the bed's level in the mix before ducking, in dB relative to its own level; at
 *     most 0
 * @param envelope the ducking envelope in time order, linear in dB between points and flat
 *     before the first and after the last (no points: no ducking); copied
 */
public record MusicTrack(List<MusicClip> clips, double gainDb, List<GainPoint> envelope) {

  /** No music. */
  public static final MusicTrack NONE = new MusicTrack(List.of(), 0, List.of());

  /**
   * @param clips the beds in time order (overlapping only by their crossfades); empty for no music;
   *     copied
   * @param gainDb the bed's level in the mix before ducking, in dB relative to its own level; at
   *     most 0
   * @param envelope the ducking envelope in time order, linear in dB between points and flat
   *     before the first and after the last (no points: no ducking); copied
   * @throws NullPointerException if a list is {@code null}
   * @throws IllegalArgumentException if the gain is above 0 or not finite, or points or clips are
   *     out of order
   */
  public MusicTrack {
    clips = List.copyOf(Objects.requireNonNull(clips, "clips"));
    envelope = List.copyOf(Objects.requireNonNull(envelope, "envelope"));
    if (!Double.isFinite(gainDb) || gainDb > 0) {
      throw new IllegalArgumentException("music gain must be finite and <= 0 dB, was " + gainDb);
    }
    for (int i = 1; i < envelope.size(); i++) {
      if (envelope.get(i).at().compareTo(envelope.get(i - 1).at()) < 0) {
        throw new IllegalArgumentException("envelope points out of order at " + i);
      }
    }
    for (int i = 1; i < clips.size(); i++) {
      if (clips.get(i).start().compareTo(clips.get(i - 1).start()) < 0) {
        throw new IllegalArgumentException("music clips out of order at " + i);
      }
    }
  }

  /**
   * The envelope's gain at a moment.
   *
   * @param t the moment
   * @return the gain in dB, interpolated linearly in dB between points (at a moment that holds
   *     two points, the later one's); 0 without points
   */
  public double envelopeDbAt(Duration t) {
    if (envelope.isEmpty()) {
      return 0;
    }
    if (t.compareTo(envelope.get(0).at()) < 0) {
      return envelope.get(0).gainDb();
    }
    for (int i = 1; i < envelope.size(); i++) {
      GainPoint b = envelope.get(i);
      if (t.compareTo(b.at()) < 0) {
        GainPoint a = envelope.get(i - 1);
        long span = b.at().minus(a.at()).toNanos();
        double f = (double) t.minus(a.at()).toNanos() / span;
        return a.gainDb() + f * (b.gainDb() - a.gainDb());
      }
    }
    return envelope.get(envelope.size() - 1).gainDb();
  }

  /** @return whether there is any music */
  public boolean isEmpty() {
    return clips.isEmpty();
  }
}
