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
 * @param audio the soundtrack's measured loudness and its stems, or {@link AudioReport#NONE}
 */
public record RenderResult(
    long frameCount,
    Duration duration,
    String videoCodec,
    String encoder,
    String audioCodec,
    BufferedImage thumbnail,
    AudioReport audio) {

  /**
   * A result without an audio report.
   *
   * @param frameCount frames written
   * @param duration the video stream's length
   * @param videoCodec the codec written
   * @param encoder the encoder used
   * @param audioCodec the audio codec written
   * @param thumbnail a representative frame
   */
  public RenderResult(long frameCount, Duration duration, String videoCodec, String encoder,
      String audioCodec, BufferedImage thumbnail) {
    this(frameCount, duration, videoCodec, encoder, audioCodec, thumbnail, AudioReport.NONE);
  }

  /**
   * @param frameCount frames written to the video stream
   * @param duration length of the video stream: {@code frameCount / fps}
   * @param videoCodec the codec written, for example {@code h264}
   * @param encoder the encoder used, for example {@code libx264} or {@code libopenh264}
   * @param audioCodec the audio codec written, for example {@code aac}
   * @param thumbnail a representative composited frame at the video's size, for {@code
   *     thumbnail.jpg}
   * @param audio the soundtrack's report; {@code null} is read as {@link AudioReport#NONE}
   * @throws NullPointerException if another argument is {@code null}
   */
  public RenderResult {
    audio = audio == null ? AudioReport.NONE : audio;
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(videoCodec, "videoCodec");
    Objects.requireNonNull(encoder, "encoder");
    Objects.requireNonNull(audioCodec, "audioCodec");
    Objects.requireNonNull(thumbnail, "thumbnail");
  }
}
