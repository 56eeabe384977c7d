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
import dev.storyreel.core.LocalStorage;
import dev.storyreel.core.spi.Storage;
import dev.storyreel.storage.s3.S3Storage;
import dev.storyreel.render.ffmpeg.FfmpegRenderer;
import dev.storyreel.render.ffmpeg.Transition;
import java.io.PrintWriter;
import java.util.List;
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
 * storyreel render STORY.txt [-o DIR | --storage DIR|s3://bucket/prefix]
 *                            [--s3-endpoint URL] [--s3-path-style] [--s3-region REGION]
 *                            [--format portrait|landscape|square|WxH] [--fps N]
 *                            [--voice NAME] [--force] [--no-cache]
 *                            [--planner NAME] [--images NAME] [--speech NAME] [--aligner NAME]
 *                            [--moderator NAME] [--openai-base-url URL] [--replicate-base-url URL]
 *                            [--budget-usd N] [--price-table FILE] [--set KEY=VALUE]...
 *                            [--workers N] [--codec NAME]
 *                            [--preset NAME] [--crf N | --bitrate KBPS] [--gop FRAMES]
 *                            [--transition crossfade|cut] [--transition-ms MS]
 * </pre>
 *
 * <p>Resuming is the default: a run into an output that an interrupted run left behind (no
 * {@code manifest.json}) reuses every asset already in its cache; {@code --no-cache} makes
 * everything again. With S3 the closing summary prints presigned URLs (credentials come from the
 * AWS SDK's default chain: {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}, a profile, ...).
 *
 * <p>Providers default to the offline set ({@code rules}, {@code procedural}, {@code freetts});
 * paid providers are used only when named, so a key in the environment never starts spending by
 * itself.
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

    @Option(names = "--storage", paramLabel = "LOCATION",
        description = "Where outputs go: a folder, or s3://bucket/prefix. Instead of -o.")
    String storage;

    @Option(names = "--s3-endpoint", paramLabel = "URL",
        description = "Endpoint of an S3-compatible store (MinIO, R2, ...).")
    java.net.URI s3Endpoint;

    @Option(names = "--s3-path-style",
        description = "Path-style S3 URLs (http://host/bucket/key), as MinIO needs.")
    boolean s3PathStyle;

    @Option(names = "--s3-region", paramLabel = "REGION",
        description = "S3 region (default: AWS_REGION or the profile, else us-east-1).")
    String s3Region;

    @Option(names = "--no-cache",
        description = "Make every asset again instead of reusing the asset cache (paid calls"
            + " included).")
    boolean noCache;

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

    @Option(names = "--force",
        description = "Replace a finished output (one with manifest.json) made from other inputs."
            + " Unfinished outputs are always resumed.")
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

    @Option(names = "--planner", paramLabel = "NAME", defaultValue = "rules",
        description = "Story planner: rules (offline) or openai. Default: ${DEFAULT-VALUE}.")
    String planner;

    @Option(names = "--images", paramLabel = "NAME", defaultValue = "procedural",
        description = "Image provider: procedural (offline), openai, replicate or a plugin's"
            + " name. Default: ${DEFAULT-VALUE}.")
    String images;

    @Option(names = "--speech", paramLabel = "NAME", defaultValue = "freetts",
        description = "Speech provider: freetts (offline) or openai. Default: ${DEFAULT-VALUE}.")
    String speech;

    @Option(names = "--aligner", paramLabel = "NAME",
        description = "Aligner for speech without word timings, for example openai (whisper-1)."
            + " Default: a proportional estimate.")
    String aligner;

    @Option(names = "--moderator", paramLabel = "NAME",
        description = "Check the story and image prompts before any paid asset, for example"
            + " openai. Default: off.")
    String moderator;

    @Option(names = "--openai-base-url", paramLabel = "URL",
        description = "OpenAI or a compatible server (Ollama, vLLM, LM Studio, LocalAI), for"
            + " example http://localhost:11434/v1. Key: OPENAI_API_KEY (optional on localhost).")
    String openaiBaseUrl;

    @Option(names = "--replicate-base-url", paramLabel = "URL",
        description = "Replicate's API base URL (for tests and proxies). Key: REPLICATE_API_TOKEN.")
    String replicateBaseUrl;

    @Option(names = "--budget-usd", paramLabel = "N",
        description = "Stop before any call that would take the job's estimated spend over N US"
            + " dollars.")
    java.math.BigDecimal budgetUsd;

    @Option(names = "--price-table", paramLabel = "FILE",
        description = "Price overrides (properties: openai/tts-1.usdPerMillionCharacters=15).")
    Path priceTable;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
        description = "A provider setting, for example openai.model.image=dall-e-3 or"
            + " replicate.model=black-forest-labs/flux-dev. Repeatable.")
    java.util.Map<String, String> settings = new java.util.LinkedHashMap<>();

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
        if (storage != null && output != null) {
          throw new InvalidInputException("Give either -o DIR or --storage LOCATION, not both.");
        }
        String where = storage != null ? storage
            : (output != null ? output : Path.of("out", baseName(story))).toString();
        S3Storage s3 = null;
        Storage target;
        if (where.startsWith("s3://")) {
          S3Storage.Builder b = S3Storage.fromUri(where).endpointOverride(s3Endpoint)
              .pathStyle(s3PathStyle);
          if (s3Region != null) {
            b.region(s3Region);
          }
          s3 = b.build();
          target = s3;
        } else {
          if (s3Endpoint != null || s3PathStyle || s3Region != null) {
            throw new InvalidInputException(
                "--s3-endpoint, --s3-path-style and --s3-region need --storage s3://bucket/prefix.");
          }
          target = new LocalStorage(Path.of(where));
        }
        // A bar only on a terminal: redirected to a file it would print a line per update.
        try (Progress progress = new Progress(!noProgress && System.console() != null)) {
          java.util.Map<String, String> ps = new java.util.LinkedHashMap<>(settings);
          if (openaiBaseUrl != null) {
            ps.put("openai.baseUrl", openaiBaseUrl);
          }
          if (replicateBaseUrl != null) {
            ps.put("replicate.baseUrl", replicateBaseUrl);
          }
          if (budgetUsd != null && budgetUsd.signum() < 0) {
            throw new InvalidInputException("--budget-usd must be >= 0, was " + budgetUsd);
          }
          dev.storyreel.core.PriceTable prices = dev.storyreel.core.PriceTable.defaults();
          if (priceTable != null) {
            prices = prices.load(priceTable);
          }
          StoryReel.Builder builder = StoryReel.builder()
              .providerSettings(new dev.storyreel.core.spi.ProviderSettings(ps))
              .planner(planner)
              .images(images)
              .speech(speech)
              .moderator(moderator)
              .priceTable(prices)
              .budgetUsd(budgetUsd);
          if (aligner != null) {
            builder.aligner(aligner);
          }
          StoryReel reel = builder
              .format(fmt)
              .voice(voice)
              .visualStyle(style == null ? "" : style)
              .maxStoryChars(maxChars)
              .overwrite(force)
              .cache(!noCache)
              .seed(seed)
              .listener(progress)
              .renderer(renderer)
              .build();
          JobResult r = reel.render(s, target);
          progress.close();
          summary(out, r, fmt, Duration.ofNanos(System.nanoTime() - t0), target, s3);
        } finally {
          if (s3 != null) {
            s3.close();
          }
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

    private static void summary(PrintWriter out, JobResult r, VideoFormat fmt, Duration took,
        Storage target, S3Storage s3) {
      java.util.function.Function<String, String> where = key -> {
        java.net.URI u = target.locate(key);
        return "file".equals(u.getScheme()) ? Path.of(u).toString() : u.toString();
      };
      out.println();
      out.println("Done in " + seconds(took) + ".");
      out.printf(Locale.ROOT, "  video      %s  (%s, %s, %d frames, %s)%n", where.apply("video.mp4"),
          fmt, seconds(r.videoDuration()), r.manifest().video().frameCount(),
          r.manifest().video().encoder());
      out.println("  captions   " + where.apply("captions.srt") + ", " + where.apply("captions.vtt"));
      out.println("  thumbnail  " + where.apply("thumbnail.jpg"));
      out.println("  manifest   " + where.apply("manifest.json"));
      long hits = r.manifest().segments().stream()
          .mapToLong(e -> (e.imageCache() != null && e.imageCache().hit() ? 1 : 0)
              + (e.audioCache() != null && e.audioCache().hit() ? 1 : 0))
          .sum();
      out.printf(Locale.ROOT, "  cache      %d of %d segment assets reused%s%n", hits,
          2L * r.manifest().segments().size(),
          r.manifest().videoCache() != null && r.manifest().videoCache().hit()
              ? ", video reused" : "");
      if (s3 != null) {
        out.println("  presigned URLs (valid " + s3.presignExpiry().toHours() + " h):");
        for (String k : List.of("video.mp4", "captions.srt", "captions.vtt", "thumbnail.jpg")) {
          out.printf(Locale.ROOT, "    %-14s %s%n", k, s3.presign(k));
        }
      }
      if (r.manifest().totalUsage() != null
          && r.manifest().totalUsage().estimatedCostUsd().signum() > 0) {
        out.printf(Locale.ROOT, "  cost       ~$%s (estimated, this run)%n",
            r.manifest().totalUsage().estimatedCostUsd().toPlainString());
      }
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
