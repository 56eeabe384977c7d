package dev.storyreel.core.spi;

import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link Renderer} made.
 *
 * @param frameCount frames written to the video stream
 * @param duration length of the video stream: {@code frameCount / fps}
 * @param videoCodec the codec written, for example {@code h264}
 * @param encoder the encoder used, for example {@code libx264} or {@code libopenh264}
 * @param audioCodec the audio codec written, for example {@code aac}
 * @param thumbnail a representative composited frame at the video's size, for {@code
 *     thumbnail.jpg}
 */
public record RenderResult(
    long frameCount,
    Duration duration,
    String videoCodec,
    String encoder,
    String audioCodec,
    BufferedImage thumbnail) {

  /**
   * @param frameCount frames written to the video stream
   * @param duration length of the video stream: {@code frameCount / fps}
   * @param videoCodec the codec written, for example {@code h264}
   * @param encoder the encoder used, for example {@code libx264} or {@code libopenh264}
   * @param audioCodec the audio codec written, for example {@code aac}
   * @param thumbnail a representative composited frame at the video's size, for {@code
   *     thumbnail.jpg}
   * @throws NullPointerException if an argument is {@code null}
   */
  public RenderResult {
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(videoCodec, "videoCodec");
    Objects.requireNonNull(encoder, "encoder");
    Objects.requireNonNull(audioCodec, "audioCodec");
    Objects.requireNonNull(thumbnail, "thumbnail");
  }
}
