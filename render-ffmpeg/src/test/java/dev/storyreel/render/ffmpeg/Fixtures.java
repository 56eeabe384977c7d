package dev.storyreel.render.ffmpeg;

import dev.storyreel.core.CaptionCue;
import dev.storyreel.core.PcmAudio;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.WordTiming;
import dev.storyreel.core.spi.ImageSource;
import dev.storyreel.core.timeline.Timeline;
import dev.storyreel.core.timeline.VisualClip;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;

/** Builds small render requests and reads rendered files back. */
final class Fixtures {

  static final Color[] COLOURS = {Color.RED, Color.GREEN, Color.BLUE};

  /** Segment lengths in milliseconds: deliberately not frame-aligned at 12 or 25 fps. */
  static final long[] SEGMENT_MS = {1300, 950, 1170};

  private Fixtures() {}

  static BufferedImage solid(Color c, int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(c);
    g.fillRect(0, 0, w, h);
    g.dispose();
    return img;
  }

  /** A sine tone, s16le. */
  static PcmAudio sine(long millis, int rate, int channels) {
    int frames = (int) (millis * rate / 1000);
    ByteBuffer b = ByteBuffer.allocate(frames * channels * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < frames; i++) {
      short v = (short) (0.3 * Short.MAX_VALUE * Math.sin(2 * Math.PI * 440 * i / rate));
      for (int c = 0; c < channels; c++) {
        b.putShort(v);
      }
    }
    return new PcmAudio(b.array(), rate, channels);
  }

  static Timeline request(VideoFormat format, int rate, int channels, boolean withCues) {
    List<VisualClip> segments = new ArrayList<>();
    PcmAudio audio = null;
    Duration start = Duration.ZERO;
    for (int i = 0; i < SEGMENT_MS.length; i++) {
      PcmAudio part = sine(SEGMENT_MS[i], rate, channels);
      audio = audio == null ? part : audio.concat(part);
      Duration end = start.plus(part.duration());
      // Source images of odd sizes and aspect ratios, to exercise the cover-fit.
      segments.add(new VisualClip(
          i, ImageSource.of(solid(COLOURS[i], 301 + 97 * i, 517 - 61 * i)), start, end));
      start = end;
    }
    List<CaptionCue> cues = withCues ? cues() : List.of();
    return Timeline.of(format, audio, segments, cues);
  }

  static List<CaptionCue> cues() {
    return List.of(
        new CaptionCue(
            0,
            Duration.ofMillis(100),
            Duration.ofMillis(1200),
            List.of(
                word("Once", 100, 400), word("upon", 400, 800), word("a", 800, 1000))),
        new CaptionCue(
            1,
            Duration.ofMillis(1400),
            Duration.ofMillis(3000),
            List.of(word("time,", 1400, 1900), word("dragons", 1900, 2500))));
  }

  static WordTiming word(String w, long startMs, long endMs) {
    return new WordTiming(w, Duration.ofMillis(startMs), Duration.ofMillis(endMs));
  }

  /** What a rendered file holds. */
  record Probe(
      int videoCodec,
      int pixelFormat,
      int width,
      int height,
      int colorSpace,
      int audioCodec,
      int audioRate,
      int audioChannels,
      long videoFrames,
      double audioSeconds,
      List<BufferedImage> frames) {}

  /**
   * Reads a file back.
   *
   * @param keepFrames whether to decode and keep every video frame as an image
   */
  static Probe probe(Path file, boolean keepFrames) throws Exception {
    try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile())) {
      g.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
      g.start();
      AVFormatContext oc = g.getFormatContext();
      int vc = -1, pf = -1, w = -1, h = -1, cs = -1, ac = -1, ar = -1, ach = -1;
      for (int i = 0; i < oc.nb_streams(); i++) {
        AVCodecParameters p = oc.streams(i).codecpar();
        if (p.codec_type() == avutil.AVMEDIA_TYPE_VIDEO) {
          vc = p.codec_id();
          pf = p.format();
          w = p.width();
          h = p.height();
          cs = p.color_space();
        } else if (p.codec_type() == avutil.AVMEDIA_TYPE_AUDIO) {
          ac = p.codec_id();
          ar = p.sample_rate();
          ach = p.ch_layout().nb_channels();
        }
      }
      long videoFrames = 0;
      long audioSamples = 0;
      List<BufferedImage> frames = new ArrayList<>();
      Frame f;
      while ((f = g.grabFrame(true, true, true, false)) != null) {
        if (f.image != null) {
          videoFrames++;
          if (keepFrames) {
            frames.add(toImage(f));
          }
        }
        if (f.samples != null) {
          int n = f.samples[0].limit() - f.samples[0].position();
          audioSamples += f.samples.length > 1 ? n : n / f.audioChannels;
        }
      }
      g.stop();
      return new Probe(
          vc, pf, w, h, cs, ac, ar, ach, videoFrames, (double) audioSamples / ar, frames);
    }
  }

  /**
   * Copies a decoded BGR24 frame into an image. Not {@code Java2DFrameConverter}: the grabber
   * derives the channel count from the padded row stride, so at some widths (96 pixels, rows
   * padded to 384 bytes) it reports 4 channels and the converter garbles the picture.
   */
  static BufferedImage toImage(Frame f) {
    BufferedImage img = new BufferedImage(f.imageWidth, f.imageHeight, BufferedImage.TYPE_INT_RGB);
    ByteBuffer b = (ByteBuffer) f.image[0];
    for (int y = 0; y < f.imageHeight; y++) {
      for (int x = 0; x < f.imageWidth; x++) {
        int o = y * f.imageStride + 3 * x;
        int rgb = (b.get(o + 2) & 0xff) << 16 | (b.get(o + 1) & 0xff) << 8 | b.get(o) & 0xff;
        img.setRGB(x, y, rgb);
      }
    }
    return img;
  }

  /** Average colour of the central 40% x 20% of an image, as {r, g, b}. */
  static double[] centreAverage(BufferedImage img) {
    int w = img.getWidth();
    int h = img.getHeight();
    double r = 0, gr = 0, b = 0;
    int n = 0;
    for (int y = (int) (h * 0.3); y < h * 0.5; y++) {
      for (int x = (int) (w * 0.3); x < w * 0.7; x++) {
        int p = img.getRGB(x, y);
        r += (p >> 16) & 0xff;
        gr += (p >> 8) & 0xff;
        b += p & 0xff;
        n++;
      }
    }
    return new double[] {r / n, gr / n, b / n};
  }

  /** Whether an average colour is clearly {@code c}'s primary (each channel within 40). */
  static boolean looksLike(double[] avg, Color c) {
    return Math.abs(avg[0] - c.getRed()) < 40
        && Math.abs(avg[1] - c.getGreen()) < 40
        && Math.abs(avg[2] - c.getBlue()) < 40;
  }
}
