package dev.storyreel.core;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The outputs of a finished job, each as a location the caller can open: its storage key, its
 * URI, the local file for local storage, and a presigned URL for S3.
 *
 * <p>{@code
 * JobResult r = reel.render(story, Path.of("out"));
 * Path mp4 = r.video().path().orElseThrow();   // local storage: the file
 * }
 *
 * <p>Immutable and thread-safe.
 *
 * @param manifest what was made and how (also stored as {@code manifest.json})
 * @param video the stored {@code video.mp4}
 * @param captionsSrt the stored {@code captions.srt}
 * @param captionsVtt the stored {@code captions.vtt}
 * @param thumbnail the stored {@code thumbnail.jpg}
 * @param manifestFile the stored {@code manifest.json}
 * @param stems the stems published beside the video, by file name (for example {@code
 *     stem-voice.wav}); empty unless stems were asked for
 * @param elapsed the job's wall time
 */
public record JobResult(
    Manifest manifest,
    OutputLocation video,
    OutputLocation captionsSrt,
    OutputLocation captionsVtt,
    OutputLocation thumbnail,
    OutputLocation manifestFile,
    Map<String, OutputLocation> stems,
    Duration elapsed) {

  /**
   * @param manifest what was made and how
   * @param video the stored {@code video.mp4}
   * @param captionsSrt the stored {@code captions.srt}
   * @param captionsVtt the stored {@code captions.vtt}
   * @param thumbnail the stored {@code thumbnail.jpg}
   * @param manifestFile the stored {@code manifest.json}
   * @param stems the stems by file name; copied, iteration order kept
   * @param elapsed the job's wall time
   * @throws NullPointerException if an argument is {@code null}
   */
  public JobResult {
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(video, "video");
    Objects.requireNonNull(captionsSrt, "captionsSrt");
    Objects.requireNonNull(captionsVtt, "captionsVtt");
    Objects.requireNonNull(thumbnail, "thumbnail");
    Objects.requireNonNull(manifestFile, "manifestFile");
    Objects.requireNonNull(elapsed, "elapsed");
    stems = java.util.Collections.unmodifiableMap(
        new LinkedHashMap<>(Objects.requireNonNull(stems, "stems")));
  }

  /** @return the stored {@code captions.srt}: {@code captionsSrt().ref()} */
  public AssetRef srt() {
    return captionsSrt.ref();
  }

  /** @return the stored {@code captions.vtt}: {@code captionsVtt().ref()} */
  public AssetRef vtt() {
    return captionsVtt.ref();
  }

  /**
   * @return where the video is: {@code video().uri()}
   * @deprecated a {@code file:} or {@code s3:} URI, unlike the other outputs; use {@link
   *     #video()}, whose {@link OutputLocation#path()} and {@link OutputLocation#presignedUrl()}
   *     can be opened directly
   */
  @Deprecated
  public URI videoLocation() {
    return video.uri();
  }

  /** @return the video's length: the narration's */
  public Duration videoDuration() {
    return Duration.ofMillis(manifest.video().durationMillis());
  }
}
