package dev.storyreel.testkit;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.Java2DFrameConverter;

/**
 * Real video files for tests, encoded with javacv and FFmpeg's built-in MPEG-4 Part 2 encoder (in
 * both the LGPL and the GPL natives) into an MP4 container: a moving picture whose every frame
 * differs (a bar sweeps across and the background hue turns), so that tests can tell frames
 * apart and see motion.
 *
 * <p>Frame {@code i}'s background hue is {@code hue0 + i / frames}, and a white vertical bar sits
 * at {@code x = i * width / frames}. Thread-safe: each call writes its own file.
 */
public final class VideoFixtures {
  private VideoFixtures() {}

  /**
   * Writes a silent MP4.
   *
   * @param file where to write it (replaced)
   * @param widthPx width in pixels, even
   * @param heightPx height in pixels, even
   * @param fps frames per second
   * @param frames how many frames
   * @return {@code file}
   * @throws UncheckedIOException if it cannot be written
   */
  public static Path mp4(Path file, int widthPx, int heightPx, int fps, int frames) {
    return mp4(file, widthPx, heightPx, fps, frames, 0f, false);
  }

  /**
   * Writes an MP4 with a chosen starting hue and, optionally, a 440 Hz stereo 48 kHz AAC tone.
   *
   * @param file where to write it (replaced)
   * @param widthPx width in pixels, even
   * @param heightPx height in pixels, even
   * @param fps frames per second
   * @param frames how many frames
   * @param hue0 the first frame's background hue, 0..1
   * @param withAudio whether to add an audio stream as long as the video
   * @return {@code file}
   * @throws UncheckedIOException if it cannot be written
   */
  public static Path mp4(Path file, int widthPx, int heightPx, int fps, int frames, float hue0,
      boolean withAudio) {
    Java2DFrameConverter conv = new Java2DFrameConverter();
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      try (FFmpegFrameRecorder r = new FFmpegFrameRecorder(file.toFile(), widthPx, heightPx,
          withAudio ? 2 : 0)) {
        r.setFormat("mp4");
        r.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
        r.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
        r.setFrameRate(fps);
        r.setVideoQuality(2);
        r.setGopSize(fps);
        if (withAudio) {
          r.setAudioCodec(avcodec.AV_CODEC_ID_AAC);
          r.setSampleRate(48_000);
          r.setAudioBitrate(96_000);
        }
        r.start();
        BufferedImage img = new BufferedImage(widthPx, heightPx, BufferedImage.TYPE_3BYTE_BGR);
        int samplesPerFrame = 48_000 / fps;
        long sample = 0;
        for (int i = 0; i < frames; i++) {
          Graphics2D g = img.createGraphics();
          g.setColor(Color.getHSBColor(hue0 + (float) i / frames, 0.7f, 0.8f));
          g.fillRect(0, 0, widthPx, heightPx);
          g.setColor(Color.WHITE);
          g.fillRect(i * widthPx / frames, 0, Math.max(2, widthPx / 16), heightPx);
          g.dispose();
          r.record(conv.convert(img), avutil.AV_PIX_FMT_BGR24);
          if (withAudio) {
            short[] pcm = new short[samplesPerFrame * 2];
            for (int s = 0; s < samplesPerFrame; s++, sample++) {
              short v = (short) (8000 * Math.sin(2 * Math.PI * 440 * sample / 48_000.0));
              pcm[2 * s] = v;
              pcm[2 * s + 1] = v;
            }
            r.recordSamples(48_000, 2, ShortBuffer.wrap(pcm));
          }
        }
        r.stop();
      }
      return file;
    } catch (IOException e) {
      // FFmpegFrameRecorder.Exception is an IOException
      throw new UncheckedIOException("writing " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Decodes a video and counts its pictures.
   *
   * @param file the video
   * @return how many video frames decode
   * @throws UncheckedIOException if it cannot be opened or read
   */
  public static long decodedFrames(Path file) {
    try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile())) {
      g.start();
      long frames = 0;
      for (Frame f; (f = g.grabImage()) != null; ) {
        if (f.image != null) {
          frames++;
        }
      }
      g.stop();
      return frames;
    } catch (IOException e) {
      // FrameGrabber.Exception is an IOException
      throw new UncheckedIOException("reading " + file + ": " + e.getMessage(), e);
    }
  }
}
