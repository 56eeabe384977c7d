package dev.storyreel.samples;

import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.InvalidInputException;
import dev.storyreel.core.JobResult;
import dev.storyreel.core.JobState;
import dev.storyreel.core.ProgressEvent;
import dev.storyreel.core.ProgressListener;
import dev.storyreel.core.Story;
import dev.storyreel.core.StoryReel;
import dev.storyreel.core.StoryReelException;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.render.ffmpeg.FfmpegRenderer;
import dev.storyreel.render.ffmpeg.Transition;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The {@code storyreel} command line.
 *
 * <pre>
 * storyreel render STORY.txt [-o DIR] [--format portrait|landscape|square|WxH] [--fps N]
 *                            [--voice NAME] [--force] [--workers N] [--codec NAME]
 *                            [--preset NAME] [--crf N | --bitrate KBPS] [--gop FRAMES]
 *                            [--transition crossfade|cut] [--transition-ms MS]
 * </pre>
 *
 * <p>Exit codes: 0 done, 1 a stage failed, 2 bad input or configuration (nothing was written),
 * 130 cancelled.
 */
@Command(
    name = "storyreel",
    mixinStandardHelpOptions = true,
    version = "storyreel 0.1.0",
    description = "Turns a written story into a narrated, captioned video.",
    subcommands = {StoryReelCli.Render.class})
public final class StoryReelCli implements Callable<Integer> {

  /** Exit code when input or configuration is bad and nothing was done. */
  public static final int EXIT_BAD_INPUT = 2;
  /** Exit code when a stage failed. */
  public static final int EXIT_FAILED = 1;
  /** Exit code when the job was cancelled. */
  public static final int EXIT_CANCELLED = 130;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return EXIT_BAD_INPUT;
  }

  /**
   * Runs the CLI and exits the JVM with its exit code.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /**
   * Runs the CLI without exiting, for embedding and tests.
   *
   * @param args the command line
   * @return the exit code
   */
  public static int run(String... args) {
    return new CommandLine(new StoryReelCli()).execute(args);
  }

  /** {@code storyreel render}: one story to one video. */
  @Command(
      name = "render",
      mixinStandardHelpOptions = true,
      description = "Render STORY (a UTF-8 text file) into DIR: video.mp4, captions.srt,"
          + " captions.vtt, thumbnail.jpg, manifest.json.")
  static final class Render implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "STORY", description = "The story, a UTF-8 text file.")
    Path story;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR",
        description = "Output folder (default: out/<story file name>).")
    Path output;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "portrait",
        description = "portrait (1080x1920), landscape (1920x1080), square (1080x1080) or WxH."
            + " Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--fps", paramLabel = "N", defaultValue = "30",
        description = "Frames per second, 1..120. Default: ${DEFAULT-VALUE}.")
    int fps;

    @Option(names = "--voice", paramLabel = "NAME",
        description = "Voice of the speech provider (FreeTTS: kevin16).")
    String voice;

    @Option(names = "--force", description = "Replace outputs that already exist in DIR.")
    boolean force;

    @Option(names = "--max-chars", paramLabel = "N",
        defaultValue = "" + StoryReel.DEFAULT_MAX_STORY_CHARS,
        description = "Longest story accepted, in characters. Default: ${DEFAULT-VALUE}.")
    int maxChars;

    @Option(names = "--style", paramLabel = "TEXT",
        description = "Story-wide visual style for every image prompt.")
    String style;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
        description = "Base seed for images. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "0",
        description = "Compositor threads; 0 = one per core. Default: ${DEFAULT-VALUE}.")
    int workers;

    @Option(names = "--codec", paramLabel = "NAME", defaultValue = "auto",
        description = "H.264 encoder: auto (libx264, else libopenh264), libx264, libopenh264,"
            + " h264_nvenc, h264_qsv, h264_vaapi (hardware falls back to software with a"
            + " warning). Default: ${DEFAULT-VALUE}.")
    String codec;

    @Option(names = "--preset", paramLabel = "NAME", defaultValue = "veryfast",
        description = "x264 preset, ultrafast..veryslow. Default: ${DEFAULT-VALUE}.")
    String preset;

    @Option(names = "--crf", paramLabel = "N",
        description = "x264 constant rate factor 0..51 (default 23); excludes --bitrate.")
    Integer crf;

    @Option(names = "--bitrate", paramLabel = "KBPS",
        description = "Video bit rate in kbit/s instead of CRF.")
    Integer bitrate;

    @Option(names = "--gop", paramLabel = "FRAMES", defaultValue = "0",
        description = "Frames between key frames; 0 = two seconds. Default: ${DEFAULT-VALUE}.")
    int gop;

    @Option(names = "--transition", paramLabel = "KIND", defaultValue = "crossfade",
        description = "crossfade or cut. Default: ${DEFAULT-VALUE}.")
    String transition;

    @Option(names = "--transition-ms", paramLabel = "MS", defaultValue = "400",
        description = "Crossfade length in ms, 0..2000, centred on each narration boundary."
            + " Default: ${DEFAULT-VALUE}.")
    int transitionMs;

    @Option(names = "--no-progress",
        description = "Do not draw a progress bar (none is drawn when output is not a terminal).")
    boolean noProgress;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      long t0 = System.nanoTime();
      try {
        VideoFormat fmt = VideoFormat.parse(format).withFps(fps);
        if (maxChars < 1) {
          throw new InvalidInputException("--max-chars must be at least 1, was " + maxChars);
        }
        FfmpegRenderer renderer = renderer();
        Story s = Story.read(story);
        Path dir = output != null ? output : Path.of("out", baseName(story));
        // A bar only on a terminal: redirected to a file it would print a line per update.
        try (Progress progress = new Progress(!noProgress && System.console() != null)) {
          StoryReel reel = StoryReel.builder()
              .format(fmt)
              .voice(voice)
              .visualStyle(style == null ? "" : style)
              .maxStoryChars(maxChars)
              .overwrite(force)
              .seed(seed)
              .listener(progress)
              .renderer(renderer)
              .build();
          JobResult r = reel.render(s, dir);
          progress.close();
          summary(out, r, fmt, Duration.ofNanos(System.nanoTime() - t0));
        }
        return 0;
      } catch (InvalidInputException | ConfigurationException e) {
        err.println("storyreel: " + e.getMessage());
        return EXIT_BAD_INPUT;
      } catch (CancellationException e) {
        err.println("storyreel: cancelled");
        return EXIT_CANCELLED;
      } catch (StoryReelException e) {
        err.println("storyreel: failed: " + e.getMessage());
        return EXIT_FAILED;
      } catch (RuntimeException e) {
        err.println("storyreel: failed: " + e);
        return EXIT_FAILED;
      }
    }

    /** The renderer the options ask for; a bad value is an {@link InvalidInputException}. */
    private FfmpegRenderer renderer() {
      try {
        FfmpegRenderer.Builder b = FfmpegRenderer.builder()
            .workers(workers)
            .videoCodec(codec)
            .preset(preset)
            .gopFrames(gop)
            .transition(Transition.parse(transition))
            .transitionDuration(Duration.ofMillis(transitionMs));
        if (crf != null) {
          b.crf(crf);
        }
        if (bitrate != null) {
          b.videoBitrateKbps(bitrate);
        }
        return b.build();
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException(e.getMessage());
      }
    }

    private static String baseName(Path p) {
      String n = p.getFileName().toString();
      int dot = n.lastIndexOf('.');
      return dot > 0 ? n.substring(0, dot) : n;
    }

    private static void summary(PrintWriter out, JobResult r, VideoFormat fmt, Duration took) {
      Path video = Path.of(r.videoLocation());
      Path dir = video.getParent();
      out.println();
      out.println("Done in " + seconds(took) + ".");
      out.printf(Locale.ROOT, "  video      %s  (%s, %s, %d frames, %s)%n", video,
          fmt, seconds(r.videoDuration()), r.manifest().video().frameCount(),
          r.manifest().video().encoder());
      out.println("  captions   " + dir.resolve("captions.srt") + ", " + dir.resolve("captions.vtt"));
      out.println("  thumbnail  " + dir.resolve("thumbnail.jpg"));
      out.println("  manifest   " + dir.resolve("manifest.json"));
      out.printf(Locale.ROOT, "  segments   %d, captions %d cues%n",
          r.manifest().segments().size(), r.manifest().captions().cueCount());
      var st = r.manifest().stages();
      out.printf(Locale.ROOT, "  stages     planning %.1f s, assets %.1f s, rendering %.1f s,"
              + " publishing %.1f s%n", st.planningMillis() / 1000.0, st.assetsMillis() / 1000.0,
          st.renderingMillis() / 1000.0, st.publishingMillis() / 1000.0);
      out.flush();
    }

    private static String seconds(Duration d) {
      return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
  }

  /** Draws the job's progress on the terminal: assets made, then frames encoded. */
  static final class Progress implements ProgressListener, AutoCloseable {
    private final boolean enabled;
    private ProgressBar assets;
    private ProgressBar frames;

    Progress(boolean enabled) {
      this.enabled = enabled;
    }

    @Override
    public synchronized void onEvent(ProgressEvent e) {
      if (!enabled) {
        return;
      }
      if (e instanceof ProgressEvent.StoryboardPlanned p) {
        // one image and one narration per segment
        assets = bar("Assets", 2L * p.segmentCount());
      } else if (e instanceof ProgressEvent.JobStateChanged s
          && (s.state() == JobState.RENDERING || s.state().isTerminal())) {
        closeAssets();
      } else if (e instanceof ProgressEvent.TaskSucceeded && assets != null) {
        assets.step();
      } else if (e instanceof ProgressEvent.FramesRendered f) {
        if (frames == null) {
          frames = bar("Frames", f.framesTotal());
        }
        frames.stepTo(f.framesDone());
      }
    }

    private static ProgressBar bar(String name, long max) {
      return new ProgressBarBuilder()
          .setTaskName(name)
          .setInitialMax(max)
          .setStyle(ProgressBarStyle.ASCII)
          .setUpdateIntervalMillis(500)
          .build();
    }

    private void closeAssets() {
      if (assets != null) {
        assets.close();
        assets = null;
      }
    }

    @Override
    public synchronized void close() {
      closeAssets();
      if (frames != null) {
        frames.close();
        frames = null;
      }
    }
  }
}
