package dev.storyreel.core.spi;

import dev.storyreel.core.ProgressListener;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.timeline.Timeline;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Composes frames and encodes the finished video file.
 *
 * <p>A renderer must follow {@link Timeline}'s frame arithmetic, so that each segment's picture
 * is on screen exactly while its narration plays; it streams the timeline's audio (the narration,
 * the music under it, ducked by the track's envelope, and the effects) while it encodes, never
 * holding a whole track in memory, and normalises the mix to the timeline's {@link
 * dev.storyreel.core.timeline.MixSettings}. It must stop promptly, throwing
 * {@link java.util.concurrent.CancellationException}, when its thread is interrupted.
 * Implementations are thread-safe: one instance may render several videos at once.
 *
 * <p>A job calls {@link #preflight(VideoFormat)} before it makes or writes anything, so that a
 * setting the renderer cannot honour fails the job before any provider is paid.
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
   * The settings this renderer encodes with, for the manifest's {@code renderOptions}: for example
   * {@code codec}, {@code preset}, {@code crf} or {@code videoBitrateKbps}, {@code transition}.
   * Values are plain text with the unit in the key's name. Never include credentials.
   *
   * @return an unmodifiable map, never {@code null}; by default {@code {"fingerprint":
   *     fingerprint()}}
   */
  default Map<String, String> options() {
    return Map.of("fingerprint", fingerprint());
  }

  /**
   * The caption style this renderer draws with: the job splits its caption cues (SRT, VTT and
   * the burned-in captions alike) by the style's lines and words per cue.
   *
   * @return the style; by default {@link dev.storyreel.core.CaptionStyle#CLASSIC}
   */
  default dev.storyreel.core.CaptionStyle captionStyle() {
    return dev.storyreel.core.CaptionStyle.CLASSIC;
  }

  /**
   * Proves, before a job makes any asset, that {@link #render} will be able to start with this
   * format: the renderer's native libraries load and its encoder opens with the codec, quality
   * (CRF or bit rate), preset and frame size it will render with. A renderer that has nothing
   * to check keeps this default, which does nothing.
   *
   * <p>Implementations write no file that stays (a probe file in a temporary folder, deleted
   * before returning, is fine), may cache a success per format, and are thread-safe. Called by
   * {@link dev.storyreel.core.StoryReel} before a job deletes or writes anything in its storage.
   *
   * @param format the frame size and rate the job will render; never {@code null}
   * @throws dev.storyreel.core.ConfigurationException if rendering with this configuration and
   *     format cannot start; the message says which setting to change and to what
   */
  default void preflight(VideoFormat format) {
    Objects.requireNonNull(format, "format");
  }

  /**
   * Opens a video file with this renderer's decoder and reports what it holds, so that a job can
   * refuse a background, a user's clip or a provider's clip that is not a usable video before it
   * pays for anything else (or, for a provider's clip, right after storing it).
   *
   * <p>Thread-safe; writes nothing. A renderer that cannot decode video keeps this default.
   *
   * @param file the file; not {@code null}
   * @return what the file's first video stream holds; never {@code null}
   * @throws dev.storyreel.core.InvalidInputException if the file is not a video, is corrupt, has
   *     no video stream or decodes to no frame; the message names the file and says what to do
   * @throws UnsupportedOperationException by default: this renderer cannot decode video
   */
  default VideoInfo probeVideo(java.nio.file.Path file) {
    Objects.requireNonNull(file, "file");
    throw new UnsupportedOperationException("renderer " + name()
        + " cannot decode video: add storyreel-render-ffmpeg for clips and background videos");
  }

  /**
   * Renders the video to {@code output}, which the caller has chosen as a temporary path in a
   * folder of its own: on failure the renderer may leave a partial file there, and any scratch
   * files (a mixed soundtrack, stems) beside it; the caller deletes the folder.
   *
   * @param timeline what to render; never {@code null}
   * @param output the MP4 file to write
   * @param listener receives {@link dev.storyreel.core.ProgressEvent.FramesRendered} events
   * @return what was written
   * @throws dev.storyreel.core.StoryReelException if rendering fails
   * @throws java.util.concurrent.CancellationException if the thread was interrupted
   */
  RenderResult render(Timeline timeline, Path output, ProgressListener listener);
}
