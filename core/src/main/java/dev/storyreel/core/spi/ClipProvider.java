package dev.storyreel.core.spi;

/**
 * Turns a segment's still (with its prompt and a motion hint) into a short video: an
 * image-to-video model. Clips are paid, cached, metered and budgeted like images; only segments
 * the storyboard marks ({@code Plan.Shot.clip}, or {@code --clips}) get one.
 *
 * <p>Implementations are thread-safe: the pipeline asks for several clips at once, up to
 * {@link #maxConcurrency()}.
 */
public non-sealed interface ClipProvider extends AssetProvider {

  /**
   * Makes one clip.
   *
   * @param request what to make; not {@code null}
   * @return the encoded clip; never {@code null}
   * @throws dev.storyreel.core.RetriableException on a failure worth retrying (a timeout, a 5xx,
   *     a 429)
   * @throws dev.storyreel.core.NonRetriableException on a failure that will not go away (a bad
   *     key, a refused prompt, a model that returned an image instead of a video)
   */
  GeneratedClip generate(ClipRequest request);

  /**
   * Makes one clip, reporting work the vendor has accepted but not finished (a prediction id), so
   * that a resumed job polls it instead of paying again.
   *
   * @param request what to make
   * @param pending where to record and find accepted work
   * @return the encoded clip
   */
  default GeneratedClip generate(ClipRequest request, PendingWork pending) {
    return generate(request);
  }

  @Override
  default String resource() {
    return "clip";
  }
}
