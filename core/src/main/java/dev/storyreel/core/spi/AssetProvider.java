package dev.storyreel.core.spi;

/**
 * Something that makes an asset of a job: a storyboard, an image, a narration, word timings or a
 * moderation verdict. Its name and model are written into the manifest beside every asset it
 * makes.
 *
 * <p>Implementations must be thread-safe: the task graph calls one instance from several threads
 * at once, up to the concurrency limit of its {@linkplain #resource() resource}.
 */
public sealed interface AssetProvider
    permits StoryPlanner, ImageProvider, ClipProvider, SpeechProvider, Aligner, Moderator,
        MusicProvider, SoundEffectProvider, StoryWriter {

  /** @return the provider's registered name, for example {@code freetts} or {@code openai} */
  String name();

  /** @return the model or engine version used, for example {@code kevin16} or {@code tts-1} */
  String model();

  /**
   * How many calls of this provider may run at once; the task graph takes the smaller of this
   * and the job's own limit for the resource.
   *
   * @return at least 1
   */
  default int maxConcurrency() {
    return Integer.MAX_VALUE;
  }

  /**
   * The task-graph resource class this provider's calls count against.
   *
   * @return for example {@code "image"} or {@code "speech"}
   */
  String resource();

  /**
   * Everything about this provider's configuration that changes what it produces, as one
   * stable string: the asset cache derives its keys from it (together with the request), so two
   * providers with equal fingerprints must return the same asset for the same request.
   *
   * <p>Providers whose output depends on settings beyond {@link #name()} and {@link #model()}
   * (an image quality, an audio format, a base URL serving different models) must override this
   * and include them. Never include credentials.
   *
   * @return never null; by default {@code name() + "/" + model()}
   */
  default String fingerprint() {
    return name() + "/" + model();
  }
}
