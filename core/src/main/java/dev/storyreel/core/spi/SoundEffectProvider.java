package dev.storyreel.core.spi;

import java.util.Optional;

/**
 * Resolves a planner's {@link dev.storyreel.core.SoundCue} to audio: offline from a folder of the
 * user's files matched by tag, or from a paid model. A cue it cannot resolve is listed in the
 * manifest as unresolved, never silently dropped.
 */
public non-sealed interface SoundEffectProvider extends AssetProvider {

  /**
   * Writes the cue's audio to {@code request.output()}, if this provider has any for it.
   *
   * @param request the cue; never {@code null}
   * @return what was written, or empty when this provider has nothing for the cue (then nothing
   *     was written)
   * @throws dev.storyreel.core.StoryReelException if the audio cannot be made or read
   */
  Optional<GeneratedAudio> resolve(SoundEffectRequest request);

  @Override
  default String resource() {
    return "sfx";
  }

  /**
   * Checks, before any paid work, that this provider's sources are usable: for example that a
   * folder of the user's effect files still exists and every file in it decodes. A cue the
   * provider has nothing for is not an error here ({@link #resolve} returns empty for it). The
   * pipeline calls it once per job. Does nothing by default.
   *
   * @throws dev.storyreel.core.InvalidInputException if the sources are unusable; the message
   *     names the file and what is wrong
   */
  default void preflight() {}
}
