package dev.storyreel.render.ffmpeg;

import dev.storyreel.core.PcmAudio;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.spi.ImageSource;
import dev.storyreel.core.timeline.Timeline;
import dev.storyreel.core.timeline.VisualClip;
import java.awt.image.BufferedImage;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints the bytes a render's {@link CanvasCache} allocates per segment canvas (the picture
 * already decoded: a 1024x1792 picture held in memory), at each frame size given, for example
 * {@code java -cp benchmarks/target/benchmarks.jar dev.storyreel.render.ffmpeg.CanvasAllocation
 * 1080x1920 540x960}. Counted on the calling thread with {@code
 * com.sun.management.ThreadMXBean#getThreadAllocatedBytes}, after four canvases of warm-up.
 */
public final class CanvasAllocation {

  private static final int SEGMENTS = 24;
  private static final int WARM_UP = 4;

  private CanvasAllocation() {}

  /**
   * @param args frame sizes, {@code WxH} pixels; 1080x1920 and 540x960 without any
   */
  public static void main(String[] args) {
    String[] sizes = args.length == 0 ? new String[] {"1080x1920", "540x960"} : args;
    BufferedImage picture = new BufferedImage(1024, 1792, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < picture.getHeight(); y++) {
      for (int x = 0; x < picture.getWidth(); x++) {
        picture.setRGB(x, y, x * 31 + y * 17);
      }
    }
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    for (String size : sizes) {
      String[] wh = size.split("x");
      VideoFormat format = new VideoFormat(Integer.parseInt(wh[0]), Integer.parseInt(wh[1]), 30);
      List<VisualClip> clips = new ArrayList<>();
      for (int i = 0; i < SEGMENTS; i++) {
        clips.add(new VisualClip(i, ImageSource.of(picture), Duration.ofSeconds(i),
            Duration.ofSeconds(i + 1)));
      }
      PcmAudio audio = new PcmAudio(new byte[16_000 * 2 * SEGMENTS], 16_000, 1);
      CanvasCache cache =
          new CanvasCache(Timeline.of(format, audio, clips, List.of()), 1.12);
      for (int i = 0; i < WARM_UP; i++) {
        cache.get(i);
      }
      long before = threads.getThreadAllocatedBytes(thread);
      for (int i = WARM_UP; i < SEGMENTS; i++) {
        cache.get(i);
      }
      long bytes = threads.getThreadAllocatedBytes(thread) - before;
      System.out.printf("%s: %.2f MB allocated per canvas (%d canvases, zoom 1.12)%n", size,
          bytes / 1e6 / (SEGMENTS - WARM_UP), SEGMENTS - WARM_UP);
    }
  }
}
