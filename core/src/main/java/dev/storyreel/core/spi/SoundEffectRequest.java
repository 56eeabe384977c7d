package dev.storyreel.core.spi;

import dev.storyreel.core.SoundCue;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What a {@link SoundEffectProvider} is asked for: the audio of one cue.
 *
 * @param segmentIndex the segment the cue belongs to, for messages
 * @param cue the cue; never {@code null}
 * @param seed the random seed, for providers that generate
 * @param output the WAV file to write (16-bit PCM); never {@code null}
 */
public record SoundEffectRequest(int segmentIndex, SoundCue cue, long seed, Path output) {

  /**
   * @param segmentIndex the segment the cue belongs to, for messages
   * @param cue the cue; never {@code null}
   * @param seed the random seed, for providers that generate
   * @param output the WAV file to write (16-bit PCM); never {@code null}
   * @throws NullPointerException if {@code cue} or {@code output} is {@code null}
   */
  public SoundEffectRequest {
    Objects.requireNonNull(cue, "cue");
    Objects.requireNonNull(output, "output");
  }
}
