package dev.storyreel.core.spi;

import dev.storyreel.core.Mood;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link MusicProvider} is asked for: a music bed of one mood, at least as long as the
 * stretch of the story it lies under.
 *
 * @param mood the mood; never {@code null}
 * @param duration how long the bed must last; positive. The pipeline adds the crossfades to the
 *     neighbouring beds, so a provider returns exactly this length (looping or trimming)
 * @param seed the random seed: the same request with the same seed gives the same bed where the
 *     provider supports it
 * @param output the WAV file to write (16-bit PCM, mono or stereo, any rate 8000..192000 Hz);
 *     the caller made its folder and deletes it; never {@code null}
 * @param style the story's style (the job's visual style, or its preset's), for example {@code
 *     "1950s radio drama"}, for providers that compose from a prompt; {@code null} for none (a
 *     blank one is {@code null}, others are stripped)
 */
public record MusicRequest(Mood mood, Duration duration, long seed, Path output,
    @Nullable String style) {

  /**
   * A request without a style, as before the style was added.
   *
   * @param mood the mood; never {@code null}
   * @param duration how long the bed must last; positive
   * @param seed the random seed
   * @param output the WAV file to write; never {@code null}
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if the duration is not positive
   */
  public MusicRequest(Mood mood, Duration duration, long seed, Path output) {
    this(mood, duration, seed, output, null);
  }

  /**
   * @param mood the mood; never {@code null}
   * @param duration how long the bed must last; positive. The pipeline adds the crossfades to the
   *     neighbouring beds, so a provider returns exactly this length (looping or trimming)
   * @param seed the random seed: the same request with the same seed gives the same bed where the
   *     provider supports it
   * @param output the WAV file to write (16-bit PCM, mono or stereo, any rate 8000..192000 Hz);
   *     the caller made its folder and deletes it; never {@code null}
   * @param style the story's style, or {@code null}
   * @throws NullPointerException if an argument other than {@code style} is {@code null}
   * @throws IllegalArgumentException if the duration is not positive
   */
  public MusicRequest {
    Objects.requireNonNull(mood, "mood");
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(output, "output");
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("music duration must be positive, was " + duration);
    }
    style = style == null || style.isBlank() ? null : style.strip();
  }
}
