package dev.storyreel.render.ffmpeg;

import dev.storyreel.core.InvalidInputException;
import dev.storyreel.core.spi.VideoInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;

/**
 * Opens a video with FFmpeg's demuxers and decoders (through javacv's {@link FFmpegFrameGrabber})
 * and reports its first video stream, decoding one picture to prove that it decodes. Stateless and
 * thread-safe: each call opens and closes its own grabber.
 */
final class VideoProbe {
  /** Beyond this a file is refused before it is opened: 2 GiB. */
  static final long MAX_BYTES = 2L << 30;

  private VideoProbe() {}

  /**
   * @param file a video file
   * @return what its first video stream holds
   * @throws InvalidInputException if the file is missing, empty, too large, not a container FFmpeg
   *     reads, has no video stream, or decodes to no picture; the message names the file
   */
  static VideoInfo probe(Path file) {
    Objects.requireNonNull(file, "file");
    long size;
    try {
      size = Files.size(file);
    } catch (java.io.IOException e) {
      throw new InvalidInputException("Cannot read the video " + file + ": " + e.getMessage()
          + ". Check the path and that the file is readable.", e);
    }
    if (size == 0) {
      throw new InvalidInputException("The video " + file + " is empty. Give a video file (MP4,"
          + " MOV, WebM or MKV).");
    }
    if (size > MAX_BYTES) {
      throw new InvalidInputException("The video " + file + " is " + size + " bytes, over the "
          + MAX_BYTES + "-byte limit. Cut or re-encode it smaller.");
    }
    FfmpegNatives.prepare();
    FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile());
    try {
      try {
        g.start();
      } catch (FFmpegFrameGrabber.Exception | RuntimeException e) {
        throw new InvalidInputException("The file " + file + " is not a video FFmpeg can read ("
            + e.getMessage() + "). Give an MP4, MOV, WebM or MKV file.", e);
      }
      if (g.getVideoStream() < 0 || g.getImageWidth() <= 0 || g.getImageHeight() <= 0) {
        throw new InvalidInputException("The file " + file + " has no video stream"
            + (g.getAudioStream() >= 0 ? " (only audio)" : "")
            + ". Give a file with moving pictures.");
      }
      Frame first;
      try {
        first = g.grabImage();
      } catch (FFmpegFrameGrabber.Exception | RuntimeException e) {
        throw new InvalidInputException("The video " + file + " is corrupt: its first picture"
            + " does not decode (" + e.getMessage() + "). Re-encode it or use another file.", e);
      }
      if (first == null || first.image == null) {
        throw new InvalidInputException("The video " + file + " decodes to no picture. Re-encode"
            + " it or use another file.");
      }
      double fps = g.getFrameRate();
      if (!(fps > 0) || Double.isInfinite(fps)) {
        fps = 25;
      }
      long micros = g.getLengthInTime();
      long frames = g.getLengthInVideoFrames();
      if (micros <= 0 && frames > 0) {
        micros = Math.round(frames * 1e6 / fps);
      }
      if (frames <= 0 && micros > 0) {
        frames = Math.max(1, Math.round(micros * fps / 1e6));
      }
      if (micros <= 0 || frames <= 0) {
        throw new InvalidInputException("The video " + file + " reports no duration. Re-encode"
            + " it (for example with ffmpeg -i IN -c:v libx264 OUT.mp4).");
      }
      return new VideoInfo(g.getImageWidth(), g.getImageHeight(), fps,
          Duration.ofNanos(micros * 1000), frames, g.getAudioStream() >= 0);
    } finally {
      try {
        g.close();
      } catch (org.bytedeco.javacv.FrameGrabber.Exception | RuntimeException ignored) {
        // nothing was written; closing a failed grabber may fail again
      }
    }
  }
}
