package dev.storyreel.core.spi;

import dev.storyreel.core.Mood;
import java.util.Set;

/**
 * Makes the music bed that lies under the narration: procedural music offline, the user's own
 * files, or a paid music model. The pipeline ducks it under the voice and normalises the mix, so
 * a provider returns its bed at its own natural level.
 */
public non-sealed interface MusicProvider extends AssetProvider {

  /**
   * Writes a bed of the request's mood and exact duration to {@code request.output()}.
   *
   * @param request what to make; never {@code null}
   * @return what was written; never {@code null}
   * @throws dev.storyreel.core.StoryReelException if no bed can be made (an {@link
   *     dev.storyreel.core.InvalidInputException} when the user's files cannot serve the mood)
   */
  GeneratedAudio compose(MusicRequest request);

  /**
   * Writes a bed, resuming paid work an earlier attempt or run started for the same asset.
   * Providers whose vendor bills work that outlives one HTTP call (a prediction that is created,
   * then polled, then downloaded) override this: they record the vendor's id in {@code pending}
   * the moment it exists, and on a later call resume the recorded work rather than paying again.
   * The pipeline should always call this method; by default it is {@link #compose(MusicRequest)}.
   *
   * @param request what to make; never {@code null}
   * @param pending this asset's note of paid work in progress; never {@code null}
   * @return what was written; never {@code null}
   * @throws dev.storyreel.core.StoryReelException if no bed can be made
   */
  default GeneratedAudio compose(MusicRequest request, PendingWork pending) {
    return compose(request);
  }

  @Override
  default String resource() {
    return "music";
  }

  /**
   * Checks, before any paid work, that this provider can make a bed for each of the job's moods:
   * for example that a folder of the user's files holds one usable file per mood. The pipeline
   * calls it once per job with every mood the storyboard uses. Does nothing by default.
   *
   * @param moods the story's and its segments' moods; never {@code null}
   * @throws dev.storyreel.core.InvalidInputException if a mood cannot be served; the message says
   *     which and what to add
   */
  default void preflight(Set<Mood> moods) {}
}
