package dev.storyreel.core.spi;

import dev.storyreel.core.ProgressListener;
import java.nio.file.Path;

/**
 * Composes frames and encodes the finished video file.
 *
 * <p>A renderer must follow {@link RenderRequest}'s frame arithmetic, so that each segment's
 * picture is on screen exactly while its narration plays, and must stop promptly, throwing
 * {@link java.util.concurrent.CancellationException}, when its thread is interrupted.
 * Implementations are thread-safe: one instance may render several videos at once.
 */
public interface Renderer {

  /** @return the renderer's registered name, for example {@code ffmpeg} */
  String name();

  /**
   * Everything about this renderer's configuration that changes the video it writes (codec,
   * preset, quality, transitions, captions), as one stable string; the asset cache derives the
   * rendered video's key from it together with the request.
   *
   * @return never null; by default {@link #name()}
   */
  default String fingerprint() {
    return name();
  }

  /**
   * Renders the video to {@code output}, which the caller has chosen as a temporary path: on
   * failure the renderer may leave a partial file there and the caller deletes it.
   *
   * @param request what to render; never {@code null}
   * @param output the MP4 file to write
   * @param listener receives {@link dev.storyreel.core.ProgressEvent.FramesRendered} events
   * @return what was written
   * @throws dev.storyreel.core.StoryReelException if rendering fails
   * @throws java.util.concurrent.CancellationException if the thread was interrupted
   */
  RenderResult render(RenderRequest request, Path output, ProgressListener listener);
}
