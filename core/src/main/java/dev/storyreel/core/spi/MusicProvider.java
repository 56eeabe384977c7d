package dev.storyreel.core.spi;

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

  @Override
  default String resource() {
    return "music";
  }
}
