package dev.storyreel.core.timeline;

/**
 * How the soundtrack is mixed: the loudness the final mix is normalised to, and whether the
 * stems are written beside the video.
 *
 * @param loudnessLufs the integrated loudness target (EBU R128 / ITU-R BS.1770), in LUFS,
 *     -70..-5; TikTok, YouTube and Reels normalise to about -14
 * @param truePeakDbtp the true-peak ceiling, in dBTP, -9..0
 * @param stems whether {@code narration.wav}, {@code music.wav} (after ducking) and {@code
 *     effects.wav} are written beside the video
 */
public record MixSettings(double loudnessLufs, double truePeakDbtp, boolean stems) {

  /** -14 LUFS, -1 dBTP, no stems. */
  public static final MixSettings DEFAULTS = new MixSettings(-14, -1, false);

  /**
   * @param loudnessLufs the integrated loudness target (EBU R128 / ITU-R BS.1770), in LUFS,
   *     -70..-5; TikTok, YouTube and Reels normalise to about -14
   * @param truePeakDbtp the true-peak ceiling, in dBTP, -9..0
   * @param stems whether {@code narration.wav}, {@code music.wav} (after ducking) and {@code
   *     effects.wav} are written beside the video
   * @throws IllegalArgumentException if a figure is out of range, naming it
   */
  public MixSettings {
    if (!(loudnessLufs >= -70 && loudnessLufs <= -5)) {
      throw new IllegalArgumentException(
          "loudness target must be -70..-5 LUFS, was " + loudnessLufs);
    }
    if (!(truePeakDbtp >= -9 && truePeakDbtp <= 0)) {
      throw new IllegalArgumentException("true-peak ceiling must be -9..0 dBTP, was "
          + truePeakDbtp);
    }
  }
}
