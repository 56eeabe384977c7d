package dev.storyreel.benchmarks;

import dev.storyreel.core.spi.VideoSource;
import dev.storyreel.core.timeline.BackgroundVideo;
import dev.storyreel.core.timeline.ClipFit;
import dev.storyreel.core.timeline.Timeline;
import dev.storyreel.core.timeline.VisualClip;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Java2DFrameConverter;

/**
 * The moving-picture inputs of the side-by-side benchmark's clip and background legs ({@code
 * SideBySide --motion clips|background}), made once from the stills the inputs already hold.
 *
 * <ul>
 *   <li>clips: each segment's picture as an H.264 clip of {@value #CLIP_SECONDS} s at {@value
 *       #CLIP_FPS} fps and {@value #CLIP_WIDTH}x{@value #CLIP_HEIGHT} (what image-to-video models
 *       return: a few seconds, under the output's size), a slow pan across the picture so every
 *       frame differs; each segment shows its clip, fitted by {@link ClipFit#resolve};
 *   <li>background: one {@value #BG_SECONDS} s, {@value #BG_WIDTH}x{@value #BG_HEIGHT}, {@value
 *       #BG_FPS} fps landscape H.264 video (gameplay-like: a fast pan over the pictures one after
 *       the other) under every segment, looped with the default crossfade, blurred {@value
 *       #BG_BLUR_PX} px and dimmed {@value #BG_DIM}.
 * </ul>
 */
final class MotionInputs {
  static final int CLIP_SECONDS = 5;
  static final int CLIP_FPS = 24;
  static final int CLIP_WIDTH = 720;
  static final int CLIP_HEIGHT = 1280;
  static final int BG_SECONDS = 12;
  static final int BG_FPS = 30;
  static final int BG_WIDTH = 1280;
  static final int BG_HEIGHT = 720;
  static final int BG_BLUR_PX = 8;
  static final double BG_DIM = 0.3;

  private MotionInputs() {}

  static String clip(int segment) {
    return String.format(Locale.ROOT, "clip-%02d.mp4", segment);
  }

  static final String BACKGROUND = "background.mp4";

  /**
   * Writes the leg's videos into the inputs folder (once: kept files are reused).
   *
   * @param mode {@code clips} or {@code background}
   * @param request the stills' timeline, as {@link Inputs#load} returns it
   * @param dir the inputs folder
   * @throws IOException if a file cannot be written
   */
  static void generate(String mode, Timeline request, Path dir) throws IOException {
    int n = request.visual().size();
    if (mode.equals("clips")) {
      for (int i = 0; i < n; i++) {
        Path f = dir.resolve(clip(i));
        if (!Files.exists(f)) {
          BufferedImage still = ImageIO.read(dir.resolve(Inputs.png(i)).toFile());
          write(f, List.of(still), CLIP_WIDTH, CLIP_HEIGHT, CLIP_FPS, CLIP_SECONDS * CLIP_FPS);
        }
      }
    } else if (mode.equals("background")) {
      Path f = dir.resolve(BACKGROUND);
      if (!Files.exists(f)) {
        List<BufferedImage> stills = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          stills.add(ImageIO.read(dir.resolve(Inputs.png(i)).toFile()));
        }
        write(f, stills, BG_WIDTH, BG_HEIGHT, BG_FPS, BG_SECONDS * BG_FPS);
      }
    } else if (!mode.equals("stills")) {
      throw new IllegalArgumentException("--motion must be stills, clips or background, was "
          + mode);
    }
  }

  /**
   * @param mode {@code stills}, {@code clips} or {@code background}
   * @param request the stills' timeline
   * @param dir the inputs folder, with {@link #generate}'s files
   * @return the timeline the leg renders
   */
  static Timeline apply(String mode, Timeline request, Path dir) {
    if (mode.equals("stills")) {
      return request;
    }
    List<VisualClip> visual = new ArrayList<>();
    if (mode.equals("clips")) {
      Duration clip = Duration.ofSeconds(CLIP_SECONDS);
      for (VisualClip v : request.visual()) {
        visual.add(VisualClip.clip(v.segment(), VideoSource.of(dir.resolve(clip(v.segment()))),
            ClipFit.resolve(clip, v.end().minus(v.start())), null, v.start(), v.end()));
      }
      return request.withVisual(visual);
    }
    for (VisualClip v : request.visual()) {
      visual.add(VisualClip.background(v.segment(), v.start(), v.end()));
    }
    BackgroundVideo bg = new BackgroundVideo(VideoSource.of(dir.resolve(BACKGROUND)),
        BackgroundVideo.DEFAULT_LOOP_CROSSFADE, BG_BLUR_PX, BG_DIM, Double.NEGATIVE_INFINITY);
    return request.withBackground(bg).withVisual(visual);
  }

  /** Pans a window across the pictures in turn; libx264, ultrafast, CRF 20. */
  private static void write(Path file, List<BufferedImage> stills, int w, int h, int fps,
      int frames) throws IOException {
    Java2DFrameConverter conv = new Java2DFrameConverter();
    avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    try (FFmpegFrameRecorder r = new FFmpegFrameRecorder(file.toFile(), w, h, 0)) {
      r.setFormat("mp4");
      r.setVideoCodec(avcodec.AV_CODEC_ID_H264);
      r.setVideoCodecName("libx264");
      r.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
      r.setFrameRate(fps);
      r.setGopSize(2 * fps);
      r.setVideoOption("preset", "ultrafast");
      r.setVideoOption("crf", "20");
      r.start();
      BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
      int per = Math.max(1, frames / stills.size());
      for (int k = 0; k < frames; k++) {
        BufferedImage src = stills.get(Math.min(stills.size() - 1, k / per));
        double p = (double) (k % per) / per;
        // A window of the picture at the frame's aspect ratio, 80 % of its size, panning across.
        double ww = Math.min(src.getWidth(), src.getHeight() * (double) w / h) * 0.8;
        double wh = ww * h / w;
        int sx = (int) ((src.getWidth() - ww) * p);
        int sy = (int) ((src.getHeight() - wh) * (0.5 + 0.3 * Math.sin(2 * Math.PI * p)) / 1);
        sy = Math.max(0, Math.min(src.getHeight() - (int) wh, sy));
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION,
            RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(src, 0, 0, w, h, sx, sy, sx + (int) ww, sy + (int) wh, null);
        g.dispose();
        r.record(conv.convert(img), avutil.AV_PIX_FMT_BGR24);
      }
      r.stop();
    }
  }
}
