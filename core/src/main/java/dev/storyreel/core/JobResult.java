package dev.storyreel.core;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * The outputs of a finished job.
 *
 * @param manifest what was made and how (also stored as {@code manifest.json})
 * @param video the stored {@code video.mp4}
 * @param srt the stored {@code captions.srt}
 * @param vtt the stored {@code captions.vtt}
 * @param thumbnail the stored {@code thumbnail.jpg}
 * @param manifestFile the stored {@code manifest.json}
 * @param videoLocation where to find the video ({@code file:} or {@code s3:} URI)
 * @param elapsed the job's wall time
 */
public record JobResult(
    Manifest manifest,
    AssetRef video,
    AssetRef srt,
    AssetRef vtt,
    AssetRef thumbnail,
    AssetRef manifestFile,
    URI videoLocation,
    Duration elapsed) {

  /**
   * @param manifest what was made and how (also stored as {@code manifest.json})
   * @param video the stored {@code video.mp4}
   * @param srt the stored {@code captions.srt}
   * @param vtt the stored {@code captions.vtt}
   * @param thumbnail the stored {@code thumbnail.jpg}
   * @param manifestFile the stored {@code manifest.json}
   * @param videoLocation where to find the video ({@code file:} or {@code s3:} URI)
   * @param elapsed the job's wall time
   * @throws NullPointerException if an argument is {@code null}
   */
  public JobResult {
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(video, "video");
    Objects.requireNonNull(srt, "srt");
    Objects.requireNonNull(vtt, "vtt");
    Objects.requireNonNull(thumbnail, "thumbnail");
    Objects.requireNonNull(manifestFile, "manifestFile");
    Objects.requireNonNull(videoLocation, "videoLocation");
    Objects.requireNonNull(elapsed, "elapsed");
  }

  /** @return the video's length: the narration's */
  public Duration videoDuration() {
    return Duration.ofMillis(manifest.video().durationMillis());
  }
}
