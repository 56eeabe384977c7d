package dev.storyreel.core.spi;

import dev.storyreel.core.Usage;
import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link MusicProvider} or {@link SoundEffectProvider} wrote: the WAV file named in its
 * request, described here.
 *
 * @param duration the audio's length as written
 * @param source where it came from, for the manifest: a file name, a model and prompt, or the
 *     generator and its parameters; never {@code null}, never a credential
 * @param usage what making it consumed, or {@link Usage#NONE}
 */
public record GeneratedAudio(Duration duration, String source, Usage usage) {

  /**
   * @param duration the audio's length as written
   * @param source where it came from, for the manifest: a file name, a model and prompt, or the
   *     generator and its parameters; never {@code null}, never a credential
   * @param usage what making it consumed, or {@link Usage#NONE}
   * @throws NullPointerException if an argument is {@code null}
   */
  public GeneratedAudio {
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(usage, "usage");
  }
}
