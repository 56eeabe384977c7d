package dev.storyreel.benchmarks;

import dev.storyreel.core.JobResult;
import dev.storyreel.core.Narration;
import dev.storyreel.core.PcmAudio;
import dev.storyreel.core.ProgressEvent;
import dev.storyreel.core.ProgressListener;
import dev.storyreel.core.Segment;
import dev.storyreel.core.Story;
import dev.storyreel.core.StoryReel;
import dev.storyreel.core.Storyboard;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.WordTiming;
import dev.storyreel.core.spi.GeneratedImage;
import dev.storyreel.core.spi.ImageProvider;
import dev.storyreel.core.spi.ImageRequest;
import dev.storyreel.core.spi.RenderResult;
import dev.storyreel.core.spi.Renderer;
import dev.storyreel.core.spi.SpeechProvider;
import dev.storyreel.core.spi.SpeechRequest;
import dev.storyreel.core.spi.StoryPlanner;
import dev.storyreel.core.timeline.Timeline;
import dev.storyreel.render.ffmpeg.FfmpegRenderer;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * The streaming-render benchmark: how close a job's wall time comes to the larger of its
 * generation and its rendering, now that rendering starts as soon as every narration and
 * segment 0's picture are there.
 *
 * <p>Inputs: a story of {@code --segments} segments (default 12) whose narrations total about
 * {@code --seconds} (default 60), at {@code --size} (default 1080x1920) and {@code --fps}
 * (default 30); fake providers with realistic latency: pictures {@code --image-ms} (default 3000)
 * each, at most {@code --image-concurrency} (4) at once, narrations {@code --speech-ms} (1000),
 * at most {@code --speech-concurrency} (2) at once. The pictures are photo-like ({@link
 * DetailedPictures}, made before anything is timed), so that the encoder's share is realistic;
 * the narrations are a tone with even word timings. Each run measures, in this process:
 *
 * <ol type="a">
 *   <li>generation only: the job with a renderer that writes nothing (planning, pictures,
 *       narrations, timeline, publishing);
 *   <li>render only: {@link FfmpegRenderer} (default settings) on the timeline of (a), every
 *       picture read from (a)'s storage;
 *   <li>end to end: the whole job with {@link FfmpegRenderer}, into a fresh folder (nothing
 *       cached).
 * </ol>
 *
 * <p>An untimed warm-up (a 3-segment job and its render) first loads FFmpeg's natives and warms
 * the JIT. It prints the three wall times of each run, their medians, and the ratio {@code
 * end-to-end / max(generation, render)} of the medians, with PASS/FAIL against the target
 * {@value #TARGET}.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.storyreel.benchmarks.StreamingRender \
 *     [--runs 3] [--segments 12] [--seconds 60] [--size 1080x1920] [--fps 30] \
 *     [--image-ms 3000] [--speech-ms 1000] [--image-concurrency 4] [--speech-concurrency 2] \
 *     [--work DIR] [--keep] [--trace]
 * </pre>
 *
 * <p>{@code --trace} prints, for (c), when each task started and ended and where the render
 * waited for a picture.
 */
public final class StreamingRender {
  /** The target for {@code end-to-end / max(generation, render)}. */
  static final double TARGET = 1.15;

  private StreamingRender() {}

  private static final class Options {
    int runs = 3;
    int segments = 12;
    double seconds = 60;
    int width = 1080;
    int height = 1920;
    int fps = 30;
    long imageMs = 3000;
    long speechMs = 1000;
    int imageConcurrency = 4;
    int speechConcurrency = 2;
    Path work;
    boolean keep;
    boolean trace;
  }

  /**
   * Runs the benchmark.
   *
   * @param args the options above
   * @throws Exception if a run fails
   */
  public static void main(String[] args) throws Exception {
    Options o = parse(args);
    Path work = o.work != null ? o.work : Files.createTempDirectory("storyreel-streaming-");
    Files.createDirectories(work);
    VideoFormat format = new VideoFormat(o.width, o.height, o.fps);
    int wordsPerSegment = (int) Math.round(o.seconds / o.segments / 0.25);
    String text = story(o.segments, wordsPerSegment);
    System.out.printf(Locale.ROOT, "streaming render: %d segments, %d words each (%.1f s), %dx%d"
        + " at %d fps; pictures %d ms x%d, narrations %d ms x%d; %d run(s); work %s%n",
        o.segments, wordsPerSegment, wordsPerSegment * 0.25 * o.segments, o.width, o.height,
        o.fps, o.imageMs, o.imageConcurrency, o.speechMs, o.speechConcurrency, o.runs, work);
    List<byte[]> pictures = pictures(format, o.segments);

    // Untimed warm-up: loads FFmpeg's natives and warms the JIT for the compositor and the
    // pipeline, so that no measured leg pays a first use the others do not.
    {
      Options w = new Options();
      w.imageMs = 0;
      w.speechMs = 0;
      AtomicReference<Timeline> captured = new AtomicReference<>();
      reel(w, format, pictures, new NoRender(captured), work.resolve("warm-a-work"),
          ProgressListener.NONE).render(new Story("Warm", story(3, 8)), work.resolve("warm-a"));
      FfmpegRenderer.builder().build().render(captured.get(), work.resolve("warm.mp4"),
          ProgressListener.NONE);
      System.out.println("warmed up");
    }
    double[] gen = new double[o.runs];
    double[] ren = new double[o.runs];
    double[] e2e = new double[o.runs];
    for (int run = 0; run < o.runs; run++) {
      Path dir = work.resolve("run-" + run);
      // (a) generation only
      AtomicReference<Timeline> captured = new AtomicReference<>();
      long t0 = System.nanoTime();
      reel(o, format, pictures, new NoRender(captured), dir.resolve("a-work"),
          ProgressListener.NONE)
          .render(new Story("Lanterns", text), dir.resolve("a"));
      gen[run] = seconds(System.nanoTime() - t0);
      // (b) render only, pictures read back from (a)'s storage
      Path video = dir.resolve("b.mp4");
      Files.createDirectories(dir);
      long t1 = System.nanoTime();
      RenderResult r = FfmpegRenderer.builder().build().render(captured.get(), video,
          ProgressListener.NONE);
      ren[run] = seconds(System.nanoTime() - t1);
      // (c) end to end
      long t2 = System.nanoTime();
      ProgressListener trace = o.trace ? e -> trace(t2, e) : ProgressListener.NONE;
      JobResult done = reel(o, format, pictures, FfmpegRenderer.builder().build(),
          dir.resolve("c-work"), trace).render(new Story("Lanterns", text), dir.resolve("c"));
      e2e[run] = seconds(System.nanoTime() - t2);
      System.out.printf(Locale.ROOT, "run %d: generation %.2f s, render %.2f s (%d frames),"
          + " end-to-end %.2f s, ratio %.3f%n", run + 1, gen[run], ren[run], r.frameCount(),
          e2e[run], e2e[run] / Math.max(gen[run], ren[run]));
      if (done.manifest().videoCache().hit()) {
        throw new IllegalStateException("the end-to-end run found its video in a cache");
      }
    }
    double g = median(gen);
    double rr = median(ren);
    double e = median(e2e);
    double ratio = e / Math.max(g, rr);
    System.out.printf(Locale.ROOT, "median: generation %.2f s, render %.2f s, end-to-end %.2f s;"
        + " end-to-end / max(generation, render) = %.3f (sum would be %.3f) -> %s (target <= %.2f)%n",
        g, rr, e, ratio, (g + rr) / Math.max(g, rr), ratio <= TARGET ? "PASS" : "FAIL", TARGET);
    if (!o.keep && o.work == null) {
      delete(work);
    }
  }

  /** With {@code --trace}: when each task of (c) started and ended, and where the render waited. */
  private static void trace(long t0, ProgressEvent e) {
    String what = null;
    if (e instanceof ProgressEvent.TaskStarted s) {
      what = "start " + s.taskId();
    } else if (e instanceof ProgressEvent.TaskSucceeded s) {
      what = "done  " + s.taskId();
    } else if (e instanceof ProgressEvent.SegmentStatus s
        && s.phase() != ProgressEvent.SegmentPhase.GENERATING) {
      what = s.phase().name().toLowerCase(Locale.ROOT) + " segment " + s.segment();
    }
    if (what != null) {
      System.out.printf(Locale.ROOT, "  %8.3f s  %s%n", seconds(System.nanoTime() - t0), what);
    }
  }

  private static StoryReel reel(Options o, VideoFormat format, List<byte[]> pictures,
      Renderer renderer, Path workDir, ProgressListener listener) {
    return StoryReel.builder()
        .listener(listener)
        .format(format)
        .planner(new Paragraphs())
        .images(new LatentImages(pictures, o.imageMs))
        .speech(new LatentTone(o.speechMs))
        .renderer(renderer)
        .concurrency("image", o.imageConcurrency)
        .concurrency("speech", o.speechConcurrency)
        .overwrite(true)
        .seed(1)
        .workDir(workDir)
        .build();
  }

  /** One segment per paragraph (blank-line separated). */
  private static final class Paragraphs implements StoryPlanner {
    @Override
    public String name() {
      return "bench-paragraphs";
    }

    @Override
    public String model() {
      return "v1";
    }

    @Override
    public Storyboard plan(Story story, VideoFormat format, String visualStyle) {
      List<Segment> out = new ArrayList<>();
      for (String p : story.text().strip().split("\\n\\s*\\n")) {
        out.add(new Segment(out.size(), p.strip(), "scene " + out.size()));
      }
      return new Storyboard(out, "");
    }
  }

  /** Hands back segment {@code i}'s prepared picture after a fixed latency. */
  private static final class LatentImages implements ImageProvider {
    private final List<byte[]> pictures;
    private final long latencyMs;

    LatentImages(List<byte[]> pictures, long latencyMs) {
      this.pictures = pictures;
      this.latencyMs = latencyMs;
    }

    @Override
    public String name() {
      return "bench-images";
    }

    @Override
    public String model() {
      return "latent-" + latencyMs;
    }

    @Override
    public int maxConcurrency() {
      return 64;
    }

    @Override
    public GeneratedImage generate(ImageRequest r) {
      sleep(latencyMs);
      return new GeneratedImage(pictures.get(r.segmentIndex()), "image/png", r.widthPx(),
          r.heightPx());
    }
  }

  /** A 16 kHz tone, 250 ms a word, with even timings, after a fixed latency. */
  private static final class LatentTone implements SpeechProvider {
    private final long latencyMs;

    LatentTone(long latencyMs) {
      this.latencyMs = latencyMs;
    }

    @Override
    public String name() {
      return "bench-tone";
    }

    @Override
    public String model() {
      return "latent-" + latencyMs;
    }

    @Override
    public int maxConcurrency() {
      return 64;
    }

    @Override
    public Narration synthesize(SpeechRequest r) {
      sleep(latencyMs);
      String[] words = r.text().strip().split("\\s+");
      int frames = words.length * 4000;
      ByteBuffer b = ByteBuffer.allocate(frames * 2).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < frames; i++) {
        b.putShort((short) (i % 4000 < 3200 ? 5000 * Math.sin(i * 0.07) : 0));
      }
      List<WordTiming> t = new ArrayList<>();
      for (int i = 0; i < words.length; i++) {
        t.add(new WordTiming(words[i], Duration.ofMillis(250L * i),
            Duration.ofMillis(250L * i + 200)));
      }
      return new Narration(new PcmAudio(b.array(), 16000, 1), t);
    }
  }

  /** Captures the timeline and writes a placeholder: the job without its render. */
  private static final class NoRender implements Renderer {
    private final AtomicReference<Timeline> captured;

    NoRender(AtomicReference<Timeline> captured) {
      this.captured = captured;
    }

    @Override
    public String name() {
      return "bench-no-render";
    }

    @Override
    public RenderResult render(Timeline t, Path output, ProgressListener listener) {
      captured.set(t);
      try {
        Files.write(output, new byte[] {0, 0, 0, 24, 'f', 't', 'y', 'p'});
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      // The pictures are loaded as a renderer would, so that (a) waits for every one of them.
      t.visual().forEach(c -> c.loadImage());
      return new RenderResult(t.frameCount(),
          Duration.ofNanos(t.frameCount() * 1_000_000_000L / t.format().fps()), "none", "none",
          "none", new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB));
    }
  }

  private static List<byte[]> pictures(VideoFormat f, int n) throws IOException {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      BufferedImage base = new BufferedImage(f.widthPx(), f.heightPx(),
          BufferedImage.TYPE_INT_RGB);
      Graphics2D g = base.createGraphics();
      Color a = Color.getHSBColor(i * 0.27f, 0.6f, 0.9f);
      g.setPaint(new GradientPaint(0, 0, a, f.widthPx(), f.heightPx(), a.darker().darker()));
      g.fillRect(0, 0, f.widthPx(), f.heightPx());
      g.dispose();
      BufferedImage detailed = DetailedPictures.make(base, f.widthPx(), f.heightPx(),
          FfmpegRenderer.DEFAULT_KEN_BURNS_ZOOM, i);
      ByteArrayOutputStream png = new ByteArrayOutputStream();
      ImageIO.write(detailed, "png", png);
      out.add(png.toByteArray());
    }
    return out;
  }

  private static String story(int segments, int words) {
    String[] vocabulary = {"the", "lantern", "keeper", "walked", "along", "cold", "shore",
        "where", "boats", "slept", "under", "a", "silver", "moon", "and", "waves", "sang"};
    StringBuilder sb = new StringBuilder();
    for (int s = 0; s < segments; s++) {
      for (int w = 0; w < words; w++) {
        sb.append(vocabulary[(s * 7 + w) % vocabulary.length]).append(w + 1 < words ? " " : ".");
      }
      sb.append("\n\n");
    }
    return sb.toString();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted");
    }
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static Options parse(String[] args) {
    Options o = new Options();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--keep")) {
        o.keep = true;
        continue;
      }
      if (a.equals("--trace")) {
        o.trace = true;
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option " + a + " needs a value");
      }
      String v = args[++i];
      switch (a) {
        case "--runs" -> o.runs = Integer.parseInt(v);
        case "--segments" -> o.segments = Integer.parseInt(v);
        case "--seconds" -> o.seconds = Double.parseDouble(v);
        case "--size" -> {
          String[] wh = v.split("x");
          o.width = Integer.parseInt(wh[0]);
          o.height = Integer.parseInt(wh[1]);
        }
        case "--fps" -> o.fps = Integer.parseInt(v);
        case "--image-ms" -> o.imageMs = Long.parseLong(v);
        case "--speech-ms" -> o.speechMs = Long.parseLong(v);
        case "--image-concurrency" -> o.imageConcurrency = Integer.parseInt(v);
        case "--speech-concurrency" -> o.speechConcurrency = Integer.parseInt(v);
        case "--work" -> o.work = Path.of(v);
        default -> throw new IllegalArgumentException("unknown option " + a
            + "; see the class's Javadoc for the options");
      }
    }
    if (o.runs < 1 || o.segments < 1 || o.seconds <= 0) {
      throw new IllegalArgumentException("--runs and --segments must be >= 1, --seconds > 0");
    }
    return o;
  }
}
