package dev.storyreel.core.timeline;

import java.time.Duration;

/**
 * Something drawn over the pictures for a while, such as a title card. The overlay track holds
 * none yet; later renderers fill it in.
 */
public interface Overlay {
  /** @return when it appears, from the video's start */
  Duration start();

  /** @return when it disappears */
  Duration end();
}
