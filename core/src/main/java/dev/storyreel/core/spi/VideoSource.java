package dev.storyreel.core.spi;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a moving picture comes from: a segment's clip or the background video. The renderer calls
 * {@link #file()} when it opens the video for decoding (with javacv's {@code FFmpegFrameGrabber}),
 * so a clip that is still being made (a streamed render) is waited for only when it is needed.
 *
 * <p>Contract for implementations: {@link #file()} may be called more than once and from several
 * threads at once; every call returns a readable local file with the same content (an MP4, WebM
 * or any container FFmpeg reads), which stays in place until the render has finished. A source
 * backed by remote storage copies the object to a local temporary file once.
 */
@FunctionalInterface
public interface VideoSource {

  /**
   * Returns the video as a local file, waiting for it if it is still being made.
   *
   * @return a readable local file; never {@code null}
   * @throws java.io.UncheckedIOException if it cannot be read or copied
   * @throws dev.storyreel.core.StoryReelException if it cannot be found, or the clip that was
   *     being waited for failed for good
   */
  Path file();

  /**
   * A source for a file already on local disk.
   *
   * @param file the video; not checked here (the renderer's {@link Renderer#probeVideo(Path)}
   *     checks it)
   * @return a source that always returns {@code file}
   * @throws NullPointerException if {@code file} is {@code null}
   */
  static VideoSource of(Path file) {
    Objects.requireNonNull(file, "file");
    return () -> file;
  }

  /**
   * @param file a path
   * @return whether it names a regular, readable file (a cheap check before probing)
   */
  static boolean isReadableFile(Path file) {
    return file != null && Files.isRegularFile(file) && Files.isReadable(file);
  }
}
