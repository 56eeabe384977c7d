package dev.storyreel.core.timeline;

import java.time.Duration;

/**
 * Something drawn over the pictures (and the captions' layer below it) for a while: a
 * {@link TitleCard} or a {@link Watermark}. Renderers draw each overlay's states once and blend
 * them per frame, like captions.
 */
public sealed interface Overlay permits TitleCard, Watermark {
  /** @return when it appears, from the video's start */
  Duration start();

  /** @return when it disappears */
  Duration end();
}
