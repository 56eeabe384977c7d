package dev.storyreel.core.internal;

import dev.storyreel.core.ClipSelection;
import dev.storyreel.core.spi.ClipProvider;
import dev.storyreel.core.timeline.ClipFit;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A job's clip settings: who makes clips, for which segments, and how they are fitted.
 *
 * @param provider the image-to-video provider, or {@code null} for none (then no segment may
 *     ask for a clip)
 * @param selection the segments that get clips besides a plan's {@code clip} shots
 * @param fit the fitting policy for every clip, or {@code null} for {@link ClipFit#resolve}'s
 *     default per clip
 */
public record ClipSettings(@Nullable ClipProvider provider, ClipSelection selection,
    @Nullable ClipFit fit) {

  /** No clips. */
  public static final ClipSettings NONE = new ClipSettings(null, ClipSelection.none(), null);

  /**
   * @param provider the provider, or {@code null}
   * @param selection the segments; never {@code null}
   * @param fit the policy, or {@code null}
   */
  public ClipSettings {
    Objects.requireNonNull(selection, "selection");
  }
}
