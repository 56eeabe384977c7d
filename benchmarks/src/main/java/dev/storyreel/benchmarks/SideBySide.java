package dev.storyreel.benchmarks;

import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.timeline.Timeline;
import dev.storyreel.render.ffmpeg.BenchAccess;
import dev.storyreel.render.ffmpeg.FfmpegRenderer;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import com.sun.management.OperatingSystemMXBean;

/**
 * The side-by-side render benchmark: on the same inputs (a story through StoryReel's offline
 * pipeline: at least 5 segments with images, narration and word timings) it measures, each in its
 * own process, N times, interleaved:
 *
 * <ol type="a">
 *   <li>the encode-only floor: the very frames of (b), pre-rendered to a raw yuv420p file (not
 *       timed), read back and encoded with the same recorder settings and audio;
 *   <li>StoryReel's render ({@link FfmpegRenderer}, default workers and transitions);
 *   <li>the shell-script way: the {@code ffmpeg} CLI with {@code zoompan} per segment, {@code
 *       concat} and {@code subtitles} burn-in (libass), same preset, CRF, size and fps;
 * </ol>
 *
 * <p>The pictures are {@code --images detailed} (default): the procedural provider's scenes with
 * photo-like texture at every scale ({@link DetailedPictures}), because the procedural pictures
 * alone are smooth and flat and cost x264 far less than real AI pictures or photos do; {@code
 * --images procedural} uses them as they are.
 *
 * <p>It prints wall seconds, frames per second and peak resident memory (VmHWM) of each, their
 * medians, the ratios b/a and b/c, and PASS/FAIL against the targets. Wall time of (a) and (b) is
 * measured inside the child around the encode or render alone (inputs decoded beforehand); of (c)
 * around the whole {@code ffmpeg} process.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.storyreel.benchmarks.SideBySide \
 *     [--runs 3] [--seconds 60] [--size 1080x1920] [--fps 30] [--preset veryfast] [--crf 23]
 *     [--only a,b,c] [--long-factor 4] [--workers 0] [--images detailed|procedural]
 *     [--motion stills|clips|background] [--work DIR] [--keep]
 * java -cp benchmarks/target/benchmarks.jar dev.storyreel.benchmarks.SideBySide \
 *     --length-chars 50000 [--length-size 540x960] [--images ...] [--jvm-opt ...]
 * </pre>
 *
 * <p>{@code --motion clips} makes every segment an H.264 clip and {@code --motion background}
 * puts a looped, blurred and dimmed video under every segment ({@link MotionInputs}); (a) is
 * then the encode-only floor of those frames, (c) is skipped, and b/a is held to issue 10's
 * targets (1.3 and 1.2).
 *
 * <p>{@code --length-chars N} runs the length-scaling leg instead: (b) on a 1,000-character story
 * and on an N-character one (50,000 is StoryReel's input limit, about an hour of narration), each
 * in its own child JVM, and prints both peak RSS figures, both wall times and the cost per second
 * of video. Inputs stream from disk (each segment's picture and narration read when the renderer
 * reaches it), so the child's memory is the renderer's.
 */
public final class SideBySide {

  private SideBySide() {}

  /** Parsed options. */
  private static final class Options {
    int runs = 3;
    double seconds = 60;
    int width = 1080;
    int height = 1920;
    int fps = 30;
    String preset = "veryfast";
    int crf = 23;
    String only = "a,b,c";
    int longFactor = 4;
    int workers = 0;
    /**
     * How much the script scales each picture up before {@code zoompan}: zoompan crops at whole
     * input pixels, so at 1 the motion steps visibly (the "jitter" users report); the common fix
     * in published scripts is to upscale first (for example {@code scale=8000:-1} for 1080p), so
     * that a pixel step becomes a fraction of an output pixel. 4 gives steps of 1/4 output pixel,
     * closest to StoryReel's sub-pixel bilinear motion.
     */
    int cliPrescale = 4;
    /** Options for the child JVMs of (a) and (b), for example {@code -Xmx256m}; none by default. */
    List<String> jvmOptions = new ArrayList<>();
    Inputs.Images images = Inputs.Images.DETAILED;
    Path work;
    boolean keep;
    /** Characters of the length-scaling leg's long story; 0: no such leg. */
    int lengthChars;
    /**
     * What the segments show: {@code stills} (Ken Burns), {@code clips} (every segment a clip)
     * or {@code background} (a background video under every segment); see {@link MotionInputs}.
     */
    String motion = "stills";
    /** Frame size of the length-scaling leg. */
    int lengthWidth = 540;
    int lengthHeight = 960;
  }

  /** Characters of the length-scaling leg's short story. */
  private static final int SHORT_STORY_CHARS = 1_000;

  /**
   * One measured run.
   *
   * @param cpuS CPU seconds of the child process over the same span as {@code wallS} (all its
   *     threads), or NaN where not measured (the ffmpeg CLI): the figure to compare on a loaded
   *     machine, where wall time depends on what else runs
   */
  private record Run(double wallS, long frames, long hwmKb, double cpuS) {
    Run(double wallS, long frames, long hwmKb) {
      this(wallS, frames, hwmKb, Double.NaN);
    }
  }

  /**
   * @param args see the class documentation; {@code --leg a|b} is the child mode
   * @throws Exception on any failure
   */
  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--leg")) {
      child(args);
      return;
    }
    Options o = parse(args);
    Path work = o.work != null ? o.work : Files.createTempDirectory("storyreel-bench");
    Files.createDirectories(work);
    if (o.lengthChars > 0) {
      try {
        lengthScaling(o, work);
      } finally {
        if (!o.keep && o.work == null) {
          deleteTree(work);
        }
      }
      return;
    }
    VideoFormat format = new VideoFormat(o.width, o.height, o.fps);
    System.out.printf(Locale.ROOT, "StoryReel side-by-side: %dx%d, %d fps, %s, CRF %d, %s images,"
        + " ffmpeg CLI pictures pre-scaled %dx, JVM options %s, %d runs, %d cores, work dir %s%n",
        o.width, o.height, o.fps, o.preset, o.crf, o.images, o.cliPrescale,
        o.jvmOptions.isEmpty() ? "none" : String.join(" ", o.jvmOptions), o.runs, Runtime.getRuntime().availableProcessors(), work);
    try {
      Path in = work.resolve("inputs");
      long t0 = System.nanoTime();
      Timeline request = Inputs.generate(format, o.seconds, in, o.images);
      if (!o.motion.equals("stills")) {
        MotionInputs.generate(o.motion, Inputs.load(in), in);
        request = MotionInputs.apply(o.motion, Inputs.load(in), in);
      }
      System.out.printf(Locale.ROOT, "inputs (%s): %d segments, %d cues, %.1f s of narration,"
              + " %d frames (made in %.1f s)%n", o.motion, request.visual().size(),
          request.captions().size(), request.duration().toNanos() / 1e9, request.frameCount(),
          (System.nanoTime() - t0) / 1e9);
      boolean doA = o.only.contains("a");
      boolean doB = o.only.contains("b");
      // The ffmpeg CLI script has no clip or background leg.
      boolean doC = o.only.contains("c") && o.motion.equals("stills");
      String ffmpeg = doC ? findFfmpeg() : null;
      if (doC && ffmpeg == null) {
        System.out.println("(c) skipped: no ffmpeg on PATH. Install Debian's with:"
            + " sudo apt-get install -y ffmpeg");
        doC = false;
      }
      Path yuv = in.resolve("frames.yuv");
      if (doA) {
        t0 = System.nanoTime();
        BenchAccess.prerender(renderer(o), request, yuv);
        System.out.printf(Locale.ROOT, "pre-rendered %d frames for (a) to %s (%.1f s, not timed)%n",
            request.frameCount(), yuv, (System.nanoTime() - t0) / 1e9);
      }
      Map<String, List<Run>> runs = new LinkedHashMap<>();
      for (int i = 0; i < o.runs; i++) {
        if (doA) {
          add(runs, "a", childJvm(o, "a", in, work.resolve("a.mp4")));
        }
        if (doB) {
          add(runs, "b", childJvm(o, "b", in, work.resolve("b.mp4")));
        }
        if (doC) {
          add(runs, "c", ffmpegCli(ffmpeg, o, request, in, work.resolve("c.mp4")));
        }
      }
      Files.deleteIfExists(yuv);
      report(o, runs, request);
      if (doB && o.longFactor > 1 && o.motion.equals("stills")) {
        longCheck(o, format, work, runs.get("b"));
      }
    } finally {
      if (!o.keep && o.work == null) {
        deleteTree(work);
      }
    }
  }

  private static void add(Map<String, List<Run>> runs, String leg, Run r) {
    runs.computeIfAbsent(leg, k -> new ArrayList<>()).add(r);
    System.out.printf(Locale.ROOT, "  run %s: %.2f s, %.2f CPU s, %d frames, peak RSS %d MB%n",
        leg, r.wallS(), r.cpuS(), r.frames(), r.hwmKb() / 1024);
  }

  private static FfmpegRenderer renderer(Options o) {
    return FfmpegRenderer.builder().preset(o.preset).crf(o.crf).workers(o.workers).build();
  }

  // ---------------------------------------------------------------- report

  private static final String[] NAMES = {
    "a  encode-only floor (same frames, same encoder)",
    "b  StoryReel render",
    "c  ffmpeg CLI: zoompan + concat + subtitles"
  };

  private static void report(Options o, Map<String, List<Run>> runs, Timeline request) {
    System.out.println();
    System.out.printf(Locale.ROOT, "%-50s %10s %8s %12s   %s%n", "leg", "wall s", "fps",
        "peak RSS MB", "runs (wall s)");
    Map<String, Double> median = new LinkedHashMap<>();
    for (String leg : List.of("a", "b", "c")) {
      List<Run> rs = runs.get(leg);
      if (rs == null) {
        continue;
      }
      double wall = median(rs.stream().mapToDouble(Run::wallS).toArray());
      double hwm = median(rs.stream().mapToDouble(r -> r.hwmKb() / 1024.0).toArray());
      long frames = rs.get(0).frames();
      median.put(leg, wall);
      median.put(leg + "-rss", hwm);
      median.put(leg + "-cpu", median(rs.stream().mapToDouble(Run::cpuS).toArray()));
      StringBuilder each = new StringBuilder();
      for (Run r : rs) {
        each.append(String.format(Locale.ROOT, "%.2f ", r.wallS()));
      }
      System.out.printf(Locale.ROOT, "%-50s %10.2f %8.1f %12.0f   %s%n",
          NAMES[leg.charAt(0) - 'a'], wall, frames / wall, hwm, each.toString().strip());
    }
    System.out.println("(medians of " + o.runs + " runs; " + request.frameCount() + " frames, "
        + String.format(Locale.ROOT, "%.1f", request.duration().toNanos() / 1e9) + " s of video)");
    if (median.containsKey("a") && median.containsKey("b")) {
      // Issue 10's targets: every segment a clip 1.3x the floor, a background video 1.2x.
      double target = switch (o.motion) {
        case "clips" -> 1.30;
        case "background" -> 1.20;
        default -> 1.10;
      };
      verdict("b/a (" + o.motion + ")", median.get("b") / median.get("a"), target);
      System.out.printf(Locale.ROOT, "b/a in CPU seconds = %.2f / %.2f = %.3f  (the figure that"
          + " holds on a loaded machine)%n", median.get("b-cpu"), median.get("a-cpu"),
          median.get("b-cpu") / median.get("a-cpu"));
    }
    if (median.containsKey("c") && median.containsKey("b")) {
      verdict("b/c", median.get("b") / median.get("c"), 0.55);
    }
    if (median.containsKey("b-rss")) {
      double rss = median.get("b-rss");
      System.out.printf(Locale.ROOT, "peak RSS of b = %.0f MB  (target <= 500 MB)  %s%n", rss,
          rss <= 500 ? "PASS" : "FAIL");
    }
  }

  private static void verdict(String name, double ratio, double target) {
    System.out.printf(Locale.ROOT, "%s = %.3f  (target <= %.2f)  %s%n", name, ratio, target,
        ratio <= target ? "PASS" : "FAIL");
  }

  private static void longCheck(Options o, VideoFormat format, Path work, List<Run> base)
      throws Exception {
    Path in = work.resolve("inputs-long");
    Timeline request = Inputs.generate(format, o.seconds * o.longFactor, in, o.images);
    System.out.printf(Locale.ROOT, "%nmemory check: %.1f s of video (%dx), %d segments, %d frames%n",
        request.duration().toNanos() / 1e9, o.longFactor, request.visual().size(),
        request.frameCount());
    Run r = childJvm(o, "b", in, work.resolve("b-long.mp4"));
    add(new LinkedHashMap<>(), "b x" + o.longFactor, r);
    double baseRss = median(base.stream().mapToDouble(x -> x.hwmKb() / 1024.0).toArray());
    double ratio = r.hwmKb() / 1024.0 / baseRss;
    System.out.printf(Locale.ROOT, "peak RSS %dx long / normal = %.0f / %.0f MB = %.3f"
            + "  (target <= 1.10)  %s%n", o.longFactor, r.hwmKb() / 1024.0, baseRss, ratio,
        ratio <= 1.10 ? "PASS" : "FAIL");
  }

  /**
   * The length-scaling leg: (b) on a {@value #SHORT_STORY_CHARS}-character story and on one of
   * {@code --length-chars} characters, at {@code --length-size}, default JVM flags (plus any
   * {@code --jvm-opt}), one run each; prints both peak RSS figures, both wall times and the wall
   * time per second of video, and the RSS ratio against its target (at most 1.10).
   */
  private static void lengthScaling(Options o, Path work) throws Exception {
    VideoFormat format = new VideoFormat(o.lengthWidth, o.lengthHeight, o.fps);
    System.out.printf(Locale.ROOT, "StoryReel length scaling: %d vs %d characters, %dx%d, %d fps,"
            + " %s, CRF %d, %s images, JVM options %s, %d cores%n", SHORT_STORY_CHARS,
        o.lengthChars, o.lengthWidth, o.lengthHeight, o.fps, o.preset, o.crf, o.images,
        o.jvmOptions.isEmpty() ? "none" : String.join(" ", o.jvmOptions),
        Runtime.getRuntime().availableProcessors());
    double[] video = new double[2];
    Run[] runs = new Run[2];
    int[] chars = {SHORT_STORY_CHARS, o.lengthChars};
    for (int i = 0; i < 2; i++) {
      Path in = work.resolve("inputs-" + chars[i] + "-chars");
      long t0 = System.nanoTime();
      Timeline request = Inputs.generateChars(format, chars[i], in, o.images);
      video[i] = request.duration().toNanos() / 1e9;
      System.out.printf(Locale.ROOT, "inputs: %d characters, %d segments, %d cues, %.1f s of"
              + " narration, %d frames (made in %.1f s)%n", chars[i], request.visual().size(),
          request.captions().size(), video[i], request.frameCount(),
          (System.nanoTime() - t0) / 1e9);
      runs[i] = childJvm(o, "b", in, work.resolve("b-" + chars[i] + ".mp4"));
      System.out.printf(Locale.ROOT, "  run b, %d characters: %.2f s wall, %d frames, peak RSS"
              + " %d MB, %.3f s per second of video%n", chars[i], runs[i].wallS(),
          runs[i].frames(), runs[i].hwmKb() / 1024, runs[i].wallS() / video[i]);
      if (!o.keep) {
        deleteTree(in);
        Files.deleteIfExists(work.resolve("b-" + chars[i] + ".mp4"));
      }
    }
    double ratio = (double) runs[1].hwmKb() / runs[0].hwmKb();
    System.out.printf(Locale.ROOT, "peak RSS %d / %d characters = %d / %d MB = %.3f"
            + "  (target <= 1.10)  %s%n", o.lengthChars, SHORT_STORY_CHARS,
        runs[1].hwmKb() / 1024, runs[0].hwmKb() / 1024, ratio, ratio <= 1.10 ? "PASS" : "FAIL");
    System.out.printf(Locale.ROOT, "cost per second of video: %.3f s (%d chars) vs %.3f s"
            + " (%d chars)%n", runs[1].wallS() / video[1], o.lengthChars,
        runs[0].wallS() / video[0], SHORT_STORY_CHARS);
  }

  static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  // ---------------------------------------------------------------- children

  private static Run childJvm(Options o, String leg, Path in, Path out) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>(List.of(java, "-Djava.awt.headless=true"));
    cmd.addAll(o.jvmOptions);
    cmd.addAll(List.of("-cp",
        System.getProperty("java.class.path"), SideBySide.class.getName(), "--leg", leg,
        in.toString(), out.toString(), o.preset, Integer.toString(o.crf),
        Integer.toString(o.workers), o.motion));
    Measured m = measure(new ProcessBuilder(cmd));
    String result = null;
    for (String line : m.output()) {
      if (line.startsWith("RESULT ")) {
        result = line;
      }
    }
    if (m.exit() != 0 || result == null) {
      throw new IllegalStateException("leg " + leg + " failed (exit " + m.exit() + "):\n"
          + String.join("\n", m.output()));
    }
    String[] p = result.split(" ");
    long selfHwm = Long.parseLong(p[3]);
    return new Run(Double.parseDouble(p[1]), Long.parseLong(p[2]), Math.max(selfHwm, m.hwmKb()),
        p.length > 4 ? Double.parseDouble(p[4]) : Double.NaN);
  }

  /** Child mode: {@code --leg a|b INPUTS OUT PRESET CRF WORKERS [MOTION]}. */
  private static void child(String[] a) throws Exception {
    String leg = a[1];
    Path in = Path.of(a[2]);
    Path out = Path.of(a[3]);
    FfmpegRenderer r = FfmpegRenderer.builder().preset(a[4]).crf(Integer.parseInt(a[5]))
        .workers(Integer.parseInt(a[6])).build();
    Timeline request = MotionInputs.apply(a.length > 7 ? a[7] : "stills", Inputs.load(in), in);
    r.resolveEncoder(); // load the natives before timing
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpu0 = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    long frames;
    if (leg.equals("a")) {
      frames = BenchAccess.encodeRaw(r, request, in.resolve("frames.yuv"), out);
    } else {
      frames = r.render(request, out, null).frameCount();
    }
    double wall = (System.nanoTime() - t0) / 1e9;
    double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
    System.out.printf(Locale.ROOT, "RESULT %.3f %d %d %.3f%n", wall, frames,
        hwmKb(ProcessHandle.current().pid()), cpu);
  }

  /** What a child did: its output lines, exit code and last VmHWM seen. */
  private record Measured(List<String> output, int exit, long hwmKb, double wallS) {}

  private static Measured measure(ProcessBuilder pb) throws Exception {
    pb.redirectErrorStream(true);
    long t0 = System.nanoTime();
    Process p = pb.start();
    long pid = p.pid();
    long[] hwm = {0};
    Thread poll = new Thread(() -> {
      while (p.isAlive()) {
        long v = hwmKb(pid);
        if (v > hwm[0]) {
          hwm[0] = v;
        }
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    poll.setDaemon(true);
    poll.start();
    List<String> lines = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        lines.add(line);
      }
    }
    int exit = p.waitFor();
    double wall = (System.nanoTime() - t0) / 1e9;
    poll.join();
    return new Measured(lines, exit, hwm[0], wall);
  }

  /** @return VmHWM of a process in kB, or 0 if it cannot be read (gone, or not Linux) */
  static long hwmKb(long pid) {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (l.startsWith("VmHWM:")) {
          return Long.parseLong(l.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // The process ended between two polls.
    }
    return 0;
  }

  // ---------------------------------------------------------------- (c) ffmpeg CLI

  private static String findFfmpeg() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
      Path p = Path.of(dir, "ffmpeg");
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    return null;
  }

  private static Run ffmpegCli(String ffmpeg, Options o, Timeline request, Path in, Path out)
      throws Exception {
    int w = request.format().widthPx();
    int h = request.format().heightPx();
    int fps = request.format().fps();
    double zoom = FfmpegRenderer.DEFAULT_KEN_BURNS_ZOOM;
    int n = request.visual().size();
    List<String> cmd = new ArrayList<>(List.of(ffmpeg, "-y", "-hide_banner", "-nostats",
        "-loglevel", "error"));
    StringBuilder graph = new StringBuilder();
    for (int i = 0; i < n; i++) {
      cmd.addAll(List.of("-i", Inputs.png(i)));
      long frames = request.endFrame(i) - request.startFrame(i);
      // The usual script: cover-crop to the frame, then zoompan from 1 to the same maximum zoom
      // as StoryReel over exactly the segment's frames, centred.
      graph.append(String.format(Locale.ROOT,
          "[%d:v]scale=%d:%d:force_original_aspect_ratio=increase,crop=%d:%d,"
              + "scale=%d:%d,"
              + "zoompan=z='1+%.4f*on/%d':x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)'"
              + ":d=%d:s=%dx%d:fps=%d,setsar=1[v%d];",
          i, w, h, w, h, w * o.cliPrescale, h * o.cliPrescale, zoom - 1,
          Math.max(1, frames - 1), frames, w, h, fps, i));
    }
    for (int i = 0; i < n; i++) {
      graph.append("[v").append(i).append(']');
    }
    graph.append("concat=n=").append(n).append(":v=1:a=0,subtitles=captions.srt[vout]");
    cmd.addAll(List.of("-i", "narration.wav", "-filter_complex", graph.toString(),
        "-map", "[vout]", "-map", n + ":a", "-c:v", "libx264", "-preset", o.preset,
        "-crf", Integer.toString(o.crf), "-pix_fmt", "yuv420p", "-r", Integer.toString(fps),
        "-g", Integer.toString(2 * fps), "-c:a", "aac", "-b:a", "128k", "-ar", "48000",
        "-movflags", "+faststart", out.toAbsolutePath().toString()));
    Measured m = measure(new ProcessBuilder(cmd).directory(in.toFile()));
    if (m.exit() != 0) {
      throw new IllegalStateException("ffmpeg failed (exit " + m.exit() + "): "
          + String.join("\n", m.output()) + "\ncommand: " + String.join(" ", cmd));
    }
    return new Run(m.wallS(), countFrames(ffmpeg, out), m.hwmKb());
  }

  /** @return the video frames in a file, counted by ffprobe from packets (cheap), or -1 */
  private static long countFrames(String ffmpeg, Path file) {
    Path ffprobe = Path.of(ffmpeg).resolveSibling("ffprobe");
    try {
      Process p = new ProcessBuilder(ffprobe.toString(), "-v", "error", "-select_streams", "v:0",
          "-count_packets", "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0",
          file.toString()).redirectErrorStream(true).start();
      String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      p.waitFor();
      return Long.parseLong(s);
    } catch (Exception e) {
      return -1;
    }
  }

  // ---------------------------------------------------------------- options

  private static Options parse(String[] args) {
    Options o = new Options();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--keep" -> o.keep = true;
        case "-h", "--help" -> {
          System.out.println("java -cp benchmarks.jar dev.storyreel.benchmarks.SideBySide"
              + " [--runs 3] [--seconds 60] [--size 1080x1920] [--fps 30] [--preset veryfast]"
              + " [--crf 23] [--only a,b,c] [--long-factor 4] [--workers 0]"
              + " [--images detailed|procedural] [--motion stills|clips|background]"
              + " [--cli-prescale 4] [--jvm-opt OPTION]... [--work DIR] [--keep]"
              + " | --length-chars 50000 [--length-size 540x960]");
          System.exit(0);
        }
        default -> {
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException(a + " needs a value");
          }
          String v = args[++i];
          switch (a) {
            case "--runs" -> o.runs = Integer.parseInt(v);
            case "--seconds" -> o.seconds = Double.parseDouble(v);
            case "--size" -> {
              String[] wh = v.split("x");
              o.width = Integer.parseInt(wh[0]);
              o.height = Integer.parseInt(wh[1]);
            }
            case "--fps" -> o.fps = Integer.parseInt(v);
            case "--preset" -> o.preset = v;
            case "--crf" -> o.crf = Integer.parseInt(v);
            case "--only" -> o.only = v;
            case "--long-factor" -> o.longFactor = Integer.parseInt(v);
            case "--workers" -> o.workers = Integer.parseInt(v);
            case "--cli-prescale" -> o.cliPrescale = Integer.parseInt(v);
            case "--jvm-opt" -> o.jvmOptions.add(v);
            case "--images" -> o.images = Inputs.Images.parse(v);
            case "--motion" -> o.motion = v;
            case "--work" -> o.work = Path.of(v);
            case "--length-chars" -> o.lengthChars = Integer.parseInt(v);
            case "--length-size" -> {
              String[] wh = v.split("x");
              o.lengthWidth = Integer.parseInt(wh[0]);
              o.lengthHeight = Integer.parseInt(wh[1]);
            }
            default -> throw new IllegalArgumentException("unknown option " + a);
          }
        }
      }
    }
    if (o.runs < 1) {
      throw new IllegalArgumentException("--runs must be at least 1");
    }
    return o;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
