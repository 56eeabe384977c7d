package dev.storyreel.core.spi;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What a renderer measured of the soundtrack it encoded, and the stems it wrote.
 *
 * @param integratedLufs the final mix's integrated loudness (EBU R128), in LUFS, as measured by
 *     FFmpeg's {@code ebur128} filter; {@code NaN} if not measured
 * @param truePeakDbtp the final mix's true peak, in dBTP; {@code NaN} if not measured
 * @param stems the stems written, by file name ({@code narration.wav}, {@code music.wav},
 *     {@code effects.wav}), each a WAV beside the video that the caller publishes and the
 *     renderer's caller deletes; empty when stems were not asked for; copied
 */
public record AudioReport(double integratedLufs, double truePeakDbtp, Map<String, Path> stems) {

  /** Nothing measured, no stems. */
  public static final AudioReport NONE = new AudioReport(Double.NaN, Double.NaN, Map.of());

  /**
   * @param integratedLufs the final mix's integrated loudness (EBU R128), in LUFS, as measured by
   *     FFmpeg's {@code ebur128} filter; {@code NaN} if not measured
   * @param truePeakDbtp the final mix's true peak, in dBTP; {@code NaN} if not measured
   * @param stems the stems written, by file name ({@code narration.wav}, {@code music.wav},
   *     {@code effects.wav}), each a WAV beside the video that the caller publishes and the
   *     renderer's caller deletes; empty when stems were not asked for; copied
   * @throws NullPointerException if {@code stems} is {@code null}
   */
  public AudioReport {
    stems = Map.copyOf(Objects.requireNonNull(stems, "stems"));
  }
}
