package dev.storyreel.core.spi;

/** Draws one picture per segment from its prompt. */
public non-sealed interface ImageProvider extends AssetProvider {

  /**
   * @param request what to draw; never {@code null}
   * @return the encoded image; never {@code null}
   * @throws dev.storyreel.core.StoryReelException if the image cannot be made
   */
  GeneratedImage generate(ImageRequest request);

  @Override
  default String resource() {
    return "image";
  }
}
