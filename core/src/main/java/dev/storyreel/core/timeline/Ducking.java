package dev.storyreel.core.timeline;

import dev.storyreel.core.WordTiming;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Computes the music's ducking envelope from the narration's own word timings. Since every
 * word's time is known in advance, the dip can start <em>before</em> the first word of a phrase
 * (a sidechain compressor can only react after the voice has started): the music is down by
 * {@link #depthDb()} while words are spoken, comes back up in gaps longer than {@link
 * #minGap()}, and every change is a linear ramp (in dB) of {@link #ramp()}, ending as the phrase's
 * first word begins and starting as its last word ends.
 *
 * @param depthDb how far the music goes down while words are spoken, in dB, 0..40 (default 12)
 * @param minGap the shortest silence between words in which the music comes back up (default
 *     0.8 s)
 * @param ramp how long each ramp takes (default 150 ms)
 */
public record Ducking(double depthDb, Duration minGap, Duration ramp) {

  /** 12 dB, back up in gaps over 0.8 s, 150 ms ramps. */
  public static final Ducking DEFAULTS =
      new Ducking(12, Duration.ofMillis(800), Duration.ofMillis(150));

  /**
   * @param depthDb how far the music goes down while words are spoken, in dB, 0..40 (default 12)
   * @param minGap the shortest silence between words in which the music comes back up (default
   *     0.8 s)
   * @param ramp how long each ramp takes (default 150 ms)
   * @throws NullPointerException if a duration is {@code null}
   * @throws IllegalArgumentException if the depth is outside 0..40 dB or a duration is negative
   */
  public Ducking {
    Objects.requireNonNull(minGap, "minGap");
    Objects.requireNonNull(ramp, "ramp");
    if (!(depthDb >= 0 && depthDb <= 40)) {
      throw new IllegalArgumentException("duck amount must be 0..40 dB, was " + depthDb);
    }
    if (minGap.isNegative() || ramp.isNegative()) {
      throw new IllegalArgumentException("minGap and ramp must not be negative");
    }
  }

  /**
   * @param words every spoken word on the video's clock, in time order; never {@code null}
   * @return the envelope's points in time order: empty without words or with a zero depth
   */
  public List<GainPoint> envelope(List<WordTiming> words) {
    Objects.requireNonNull(words, "words");
    List<GainPoint> out = new ArrayList<>();
    if (words.isEmpty() || depthDb == 0) {
      return out;
    }
    double down = -depthDb;
    int i = 0;
    while (i < words.size()) {
      // A phrase: words whose gaps are all shorter than minGap.
      int j = i;
      while (j + 1 < words.size()
          && words.get(j + 1).start().minus(words.get(j).end()).compareTo(minGap) < 0) {
        j++;
      }
      Duration first = words.get(i).start();
      Duration last = words.get(j).end();
      Duration rampStart = first.minus(ramp);
      if (rampStart.isNegative()) {
        rampStart = Duration.ZERO;
      }
      if (out.isEmpty()) {
        if (!first.isZero()) {
          out.add(new GainPoint(rampStart, 0));
        }
      } else if (rampStart.compareTo(out.get(out.size() - 1).at()) < 0) {
        rampStart = out.get(out.size() - 1).at();
      }
      if (!out.isEmpty() && !out.get(out.size() - 1).at().equals(rampStart)) {
        out.add(new GainPoint(rampStart, 0));
      }
      out.add(new GainPoint(first.compareTo(rampStart) > 0 ? first : rampStart, down));
      out.add(new GainPoint(last, down));
      out.add(new GainPoint(last.plus(ramp), 0));
      i = j + 1;
    }
    return out;
  }
}
