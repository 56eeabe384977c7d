package dev.storyreel.render.ffmpeg;

import dev.storyreel.core.CaptionCue;
import dev.storyreel.core.PcmAudio;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.WordTiming;
import dev.storyreel.core.spi.ImageSource;
import dev.storyreel.core.timeline.Timeline;
import dev.storyreel.core.timeline.VisualClip;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-frame cost of the compositor on one thread: Ken Burns alone, Ken Burns with a caption, a
 * crossfade frame (two Ken Burns views blended, with a caption) and a pan with a caption, at
 * 1080x1920 and 720x1280.
 * {@code rgb} stops at the composed RGB frame; {@code yuv} adds the conversion to yuv420p that a
 * render hands to the encoder. Run: {@code java -jar benchmarks/target/benchmarks.jar
 * CompositorBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Djava.awt.headless=true")
public class CompositorBenchmark {

  private static final int FPS = 30;

  /** Frame size, WxH pixels. */
  @Param({"1080x1920", "720x1280"})
  public String size;

  /**
   * Which frame: {@code kenburns} (a zoom, segment 0), {@code caption} (the same with its
   * caption), {@code transition} (the crossfade between the segments, with the caption) or
   * {@code pan} (segment 1's pan at full zoom, with the caption: the resample's one-weight path).
   */
  @Param({"kenburns", "caption", "transition", "pan"})
  public String frame;

  private FrameCompositor compositor;
  private long[] frames;
  private int next;
  private byte[] yuv;

  /** Builds two 5 s segments of noisy pictures and one caption that spans both. */
  @Setup
  public void setUp() {
    String[] wh = size.split("x");
    int w = Integer.parseInt(wh[0]);
    int h = Integer.parseInt(wh[1]);
    VideoFormat format = new VideoFormat(w, h, FPS);
    PcmAudio silence = new PcmAudio(new byte[16_000 * 2 * 5], 16_000, 1);
    List<VisualClip> segments = List.of(
        new VisualClip(0, ImageSource.of(picture(1024, 1792, 1)), Duration.ZERO, Duration.ofSeconds(5)),
        new VisualClip(1, ImageSource.of(picture(1792, 1024, 2)), Duration.ofSeconds(5),
            Duration.ofSeconds(10)));
    List<WordTiming> words = new ArrayList<>();
    String[] text = {"The", "lantern", "keeper", "walked", "to", "the", "harbour", "again"};
    for (int i = 0; i < text.length; i++) {
      words.add(new WordTiming(text[i], Duration.ofMillis(i * 1250L),
          Duration.ofMillis((i + 1) * 1250L)));
    }
    List<CaptionCue> cues = List.of(
        new CaptionCue(0, Duration.ZERO, Duration.ofSeconds(10), words));
    Timeline request =
        Timeline.of(format, silence.concat(silence), segments, cues);
    boolean captions = !frame.equals("kenburns");
    FfmpegRenderer renderer = FfmpegRenderer.builder().captions(captions).build();
    compositor = new FrameCompositor(renderer.plan(request));
    frames = new long[12];
    // 0.4 s window around frame 150; the pan from frame 200, clear of the window
    long first = frame.equals("transition") ? 150 - 6 : frame.equals("pan") ? 200 : 60;
    for (int i = 0; i < frames.length; i++) {
      frames[i] = first + i;
    }
    yuv = new byte[w * h * 3 / 2];
    for (long k : frames) { // scale the pictures and draw the captions before measuring
      compositor.composeYuv(k, yuv);
    }
  }

  private static BufferedImage picture(int w, int h, long seed) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    SplittableRandom r = new SplittableRandom(seed);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int base = ((x * 255 / w) << 16) | ((y * 255 / h) << 8);
        img.setRGB(x, y, base | r.nextInt(256));
      }
    }
    return img;
  }

  /** @return a composed frame in RGB */
  @Benchmark
  public int[] rgb() {
    return compositor.composeRgb(frames[next++ % frames.length], true);
  }

  /** @return a composed frame converted to yuv420p, as handed to the encoder */
  @Benchmark
  public byte[] yuv() {
    compositor.composeYuv(frames[next++ % frames.length], yuv);
    return yuv;
  }
}
