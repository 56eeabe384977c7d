package dev.storyreel.core.spi;

/** Draws one picture per segment from its prompt. */
public non-sealed interface ImageProvider extends AssetProvider {

  /**
   * @param request what to draw; never {@code null}
   * @return the encoded image; never {@code null}
   * @throws dev.storyreel.core.StoryReelException if the image cannot be made
   */
  GeneratedImage generate(ImageRequest request);

  /**
   * Draws one picture, resuming paid work an earlier attempt or run started for the same asset.
   * Providers whose vendor bills work that outlives one HTTP call (a prediction that is created,
   * then polled, then downloaded) override this: they record the vendor's id in {@code pending}
   * the moment it exists, and on a later call resume the recorded work rather than paying again.
   * The pipeline always calls this method.
   *
   * @param request what to draw; never {@code null}
   * @param pending this asset's note of paid work in progress; never {@code null}
   * @return the encoded image; never {@code null}
   * @throws dev.storyreel.core.StoryReelException if the image cannot be made
   */
  default GeneratedImage generate(ImageRequest request, PendingWork pending) {
    return generate(request);
  }

  @Override
  default String resource() {
    return "image";
  }
}
