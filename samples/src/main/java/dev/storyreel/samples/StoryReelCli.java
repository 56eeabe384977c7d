package dev.storyreel.samples;

import dev.storyreel.core.BudgetExceededException;
import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.CostEstimate;
import dev.storyreel.core.ClipSelection;
import dev.storyreel.core.Plan;
import dev.storyreel.core.InvalidInputException;
import dev.storyreel.core.JobResult;
import dev.storyreel.core.JobState;
import dev.storyreel.core.ProgressEvent;
import dev.storyreel.core.ProgressListener;
import dev.storyreel.core.Mood;
import dev.storyreel.core.Story;
import dev.storyreel.core.StoryReel;
import dev.storyreel.core.StoryReelException;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.LocalStorage;
import dev.storyreel.core.spi.Storage;
import dev.storyreel.storage.s3.S3Storage;
import dev.storyreel.core.timeline.ClipFit;
import dev.storyreel.core.timeline.Ducking;
import dev.storyreel.core.timeline.MixSettings;
import dev.storyreel.core.CaptionStyle;
import dev.storyreel.render.ffmpeg.FfmpegRenderer;
import dev.storyreel.render.ffmpeg.Transition;
import dev.storyreel.core.Job;
import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.PriceTable;
import dev.storyreel.core.Providers;
import dev.storyreel.core.spi.Aligner;
import dev.storyreel.core.spi.ClipProvider;
import dev.storyreel.core.spi.ImageProvider;
import dev.storyreel.core.spi.Moderator;
import dev.storyreel.core.spi.MusicProvider;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.Renderer;
import dev.storyreel.core.spi.SettingSpec;
import dev.storyreel.core.spi.SpeechProvider;
import dev.storyreel.core.spi.StoryPlanner;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
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
 * <p>Exit codes: 0 done, 1 a stage failed after work was done (the message says how many assets
 * are kept in the output's cache and that the same command resumes from them), 2 bad input or
 * configuration (nothing was written), 130 cancelled. Everything that can be checked is checked
 * before the first write: the story (a regular file, read bounded by {@code --max-chars}), the
 * output (a local folder or {@code s3://}; names the job writes must not exist as the wrong
 * type), every {@code --set} key against the settings the provider factories declare ({@link
 * dev.storyreel.core.spi.ProviderFactory#settings()}) and its value against the declared range,
 * whether or not that provider is used in this run, the encoder, and the named providers (created
 * by {@code StoryReel.Builder#build()}). No message shows a Java class name.
 */
@Command(
    name = "storyreel",
    mixinStandardHelpOptions = true,
    version = "storyreel 0.1.0",
    description = "Turns a written story into a narrated, captioned video.",
    subcommands = {StoryReelCli.Render.class, StoryReelCli.PlanCommand.class,
        WriteCommand.class, ProvidersCommand.class, VoicesCommand.class})
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
    return commandLine().execute(args);
  }

  /**
   * The CLI as {@link #run} executes it: a mistyped option is answered with one line, the
   * nearest options ("Did you mean: --format?") and where the help is, instead of the whole
   * usage text.
   *
   * @return a new command line; not thread-safe
   */
  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new StoryReelCli());
    cl.setParameterExceptionHandler(StoryReelCli::badArguments);
    return cl;
  }

  /** Prints a parse error with picocli's suggestions, and returns {@link #EXIT_BAD_INPUT}. */
  static int badArguments(CommandLine.ParameterException e, String[] args) {
    CommandLine cl = e.getCommandLine();
    PrintWriter err = cl.getErr();
    err.println("storyreel: " + CLASS_NAME.matcher(String.valueOf(e.getMessage())).replaceAll(""));
    if (e instanceof CommandLine.UnmatchedArgumentException u) {
      List<String> near = u.getSuggestions();
      if (!near.isEmpty()) {
        err.println("Did you mean: " + String.join(" or ", near.subList(0, Math.min(3,
            near.size()))) + "?");
      }
    }
    err.println("See '" + cl.getCommandSpec().qualifiedName() + " --help'.");
    err.flush();
    return EXIT_BAD_INPUT;
  }

  /**
   * The line printed when Ctrl-C stops a running job.
   *
   * @return the line; never {@code null}
   */
  static String interruptedLine() {
    return "storyreel: interrupted; run the same command again to resume (nothing stored is paid"
        + " for again)";
  }

  /** A Java class name with its colon, as {@code Throwable.toString()} puts it in messages. */
  private static final java.util.regex.Pattern CLASS_NAME = java.util.regex.Pattern.compile(
      "\\b(?:[a-z_$][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error)\\b:?\\s*");

  /**
   * A failure's message for a person: never a Java class name (a wrapped {@code
   * NoSuchFileException: x} becomes {@code x}), and a sentence of its own when there is none.
   *
   * @param t the failure; never {@code null}
   * @return the message, never blank
   */
  static String userMessage(Throwable t) {
    String m = t.getMessage();
    if (m != null) {
      m = CLASS_NAME.matcher(m).replaceAll("").strip();
    }
    if (m == null || m.isEmpty()) {
      if (t instanceof OutOfMemoryError) {
        return "the JVM ran out of memory; give it more with -Xmx (for example java -Xmx2g -jar"
            + " storyreel.jar ...).";
      }
      return "an unexpected internal error stopped the run, with no details. Run the same"
          + " command again; if it fails the same way, report it.";
    }
    return m;
  }

  /** {@code storyreel plan}: a story to a storyboard to approve, nothing but planning paid. */
  @Command(
      name = "plan",
      mixinStandardHelpOptions = true,
      modelTransformer = HelpLayout.class,
      description = {"Plan each STORY without making the video: write storyboard.json (the"
          + " segments, narration, image prompts, moods, sound cues, clips asked for, and the"
          + " cost estimate) and storyboard.png (a contact sheet with a free preview picture"
          + " per segment) into its output folder, and print the estimate. Only the planner"
          + " may be paid.",
          "Edit storyboard.json (rewrite an image prompt, turn a segment's clip off), then"
              + " make the video with: storyreel render --storyboard DIR/storyboard.json.",
          "Takes render's options; those of the providers and the format shape the estimate."},
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {
          "0:planned",
          "1:the planner failed",
          "2:bad input or configuration, nothing written"},
      footerHeading = "%nExamples:%n",
      footer = {
          "  storyreel plan story.txt -o out/story",
          "  storyreel plan story.txt -o out/story --planner openai --images openai",
          "  storyreel render --storyboard out/story/storyboard.json"})
  static final class PlanCommand extends Render {
    PlanCommand() {
      planOnly = true;
    }
  }

  /** {@code storyreel render}: one story to one video. */
  @Command(
      name = "render",
      mixinStandardHelpOptions = true,
      modelTransformer = HelpLayout.class,
      description = {"Render each STORY (a UTF-8 text file, or a folder of .txt files) into its"
          + " own folder: video.mp4, captions.srt, captions.vtt, thumbnail.jpg, manifest.json.",
          "Several stories are rendered one after the other; one that fails does not stop the"
              + " rest, and a table at the end says how each went. Running the same command"
              + " again resumes: assets already in an output's cache are not made (or paid"
              + " for) again.",
          "Option values come from the command line, then from --spec FILE, then from the"
              + " defaults shown."},
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {
          "0:every story was rendered",
          "1:a story failed after work was done (its assets are kept; run again to resume),"
              + " or some stories failed and others did not",
          "2:bad input or configuration, nothing written (for several stories: every one"
              + " failed so)",
          "130:cancelled (Ctrl-C)"},
      footerHeading = "%nExamples:%n",
      footer = {
          "  storyreel render story.txt",
          "  storyreel render stories/ -o videos --format landscape --music none",
          "  storyreel render a.txt b.txt --spec daily.yaml --voice kevin16",
          "  storyreel render story.txt --images openai --budget-usd 1.50",
          "",
          "A spec file (JSON or YAML) holds options by their long names:",
          "  {\"format\": \"landscape\", \"music\": \"none\", \"set\": {\"rules.mood\": \"calm\"}}",
          "See also: storyreel providers, storyreel voices."})
  static class Render implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", arity = "0..*", paramLabel = "STORY",
        description = "A story (a UTF-8 text file) or a folder of .txt stories. Several may be"
            + " given. Not with --storyboard.")
    List<Path> stories = new ArrayList<>();

    @Option(names = "--storyboard", paramLabel = "FILE",
        description = "Render a plan that 'storyreel plan' wrote (storyboard.json, perhaps"
            + " edited) instead of a STORY: the planner is not called again. Output: the plan's"
            + " folder unless -o or --storage is given.")
    Path storyboard;

    /** Set by {@link PlanCommand}: plan each story and write its storyboard, render nothing. */
    boolean planOnly;

    /** The story being rendered now: one of {@link #stories}. */
    Path story;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR",
        description = "Output folder (default: out/<story file name>). With several stories,"
            + " each goes to DIR/<story file name>.")
    Path output;

    @Option(names = "--spec", paramLabel = "FILE",
        description = "A JSON or YAML file of options by long name, for example"
            + " {\"format\": \"landscape\", \"set\": {\"k\": \"v\"}}. The command line wins over"
            + " it; it wins over the defaults.")
    Path specFile;

    @Option(names = "--storage", paramLabel = "LOCATION",
        description = "Where outputs go: a folder, or s3://bucket/prefix. Instead of -o.")
    String storage;

    @Option(names = "--s3-endpoint", paramLabel = "URL", converter = UriConverter.class,
        description = "Endpoint of an S3-compatible store (MinIO, R2, ...).")
    URI s3Endpoint;

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

    @Option(names = "--genre", paramLabel = "NAME|FILE",
        description = "A genre preset: " + dev.storyreel.core.Preset.SHIPPED_NAMES + ", or a"
            + " preset file (.json). It sets the visual style, voice, speaking instructions,"
            + " music mood, effect density, caption colours and pacing; any of those given"
            + " explicitly (--style, --voice, --mood, --caption-style, --set) wins.")
    String genre;

    /** The preset of {@link #genre}, resolved at the start of {@link #renderOne()}. */
    private dev.storyreel.core.Preset genrePreset;

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

    @Option(names = "--clips", paramLabel = "all|none|N,N,...",
        description = "Segments that get a moving clip from an image-to-video model instead of"
            + " a still: 'all', or segment indexes from 0 as in the progress lines, for example"
            + " 1,4,7. The others keep their stills with Ken Burns. Paid, cached and in the"
            + " estimate like images. Default: none (a storyboard's clip shots still get one).")
    String clips;

    @Option(names = "--clip-provider", paramLabel = "NAME", defaultValue = "replicate",
        description = "The image-to-video provider for --clips. Default: ${DEFAULT-VALUE}"
            + " (key: REPLICATE_API_TOKEN).")
    String clipProvider;

    @Option(names = "--clip-model", paramLabel = "OWNER/NAME[:VERSION]",
        description = "The image-to-video model, for example kwaivgi/kling-v2.1 (the setting"
            + " <clip-provider>.clipModel). Default: wan-video/wan-2.2-i2v-fast.")
    String clipModel;

    @Option(names = "--clip-fit", paramLabel = "trim|slow|ping-pong|hold",
        description = "How every clip is fitted to its narration. Default: trim a longer clip,"
            + " slow a shorter one by up to 1.5x, else ping-pong.")
    String clipFit;

    @Option(names = "--speech", paramLabel = "NAME", defaultValue = "freetts",
        description = "Speech provider: freetts (offline), openai or elevenlabs (with its own"
            + " word timings). Default: ${DEFAULT-VALUE}.")
    String speech;

    @Option(names = "--aligner", paramLabel = "NAME",
        description = "Aligner for speech without word timings, for example openai (whisper-1)"
            + " or elevenlabs (forced alignment)."
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

    @Option(names = "--budget-usd", paramLabel = "N", converter = DecimalConverter.class,
        description = "Stop before any call that would take the job's estimated spend over N US"
            + " dollars.")
    BigDecimal budgetUsd;

    @Option(names = "--price-table", paramLabel = "FILE",
        description = "Price overrides (properties: openai/tts-1.usdPerMillionCharacters=15).")
    Path priceTable;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
        description = "A provider setting, for example openai.model.image=dall-e-3 or"
            + " replicate.model=black-forest-labs/flux-dev. Repeatable.")
    Map<String, String> settings = new LinkedHashMap<>();

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

    @Option(names = "--music", paramLabel = "procedural|none|FILE|DIR|NAME",
        defaultValue = "procedural",
        description = "The music under the voice: procedural (offline), none, a music file or a"
            + " folder to pick from by mood tag in the file name (anything FFmpeg decodes), or a"
            + " provider's name (replicate, elevenlabs: paid). Default: ${DEFAULT-VALUE}.")
    String music;

    @Option(names = "--music-gain", paramLabel = "DB", defaultValue = "-6",
        description = "The music's level before ducking, -60..0 dB. Default: ${DEFAULT-VALUE}.")
    double musicGainDb;

    @Option(names = "--duck-db", paramLabel = "DB", defaultValue = "12",
        description = "How far the music goes down while words are spoken, 0..40 dB."
            + " Default: ${DEFAULT-VALUE}.")
    double duckDb;

    @Option(names = "--mood", paramLabel = "NAME",
        description = "The story's mood when the planner gives none: dread, calm, tension,"
            + " wonder or sorrow. Default: from the style, else calm.")
    String mood;

    @Option(names = "--sfx", paramLabel = "DIR|none|NAME", defaultValue = "none",
        description = "A folder of sound-effect files matched to the planner's cues by the words"
            + " of their names, none, or a provider's name (elevenlabs: paid)."
            + " Default: ${DEFAULT-VALUE}.")
    String sfx;

    @Option(names = "--loudness", paramLabel = "LUFS", defaultValue = "-14",
        description = "The mix's integrated loudness target, -70..-5 LUFS."
            + " Default: ${DEFAULT-VALUE}.")
    double loudnessLufs;

    @Option(names = "--true-peak", paramLabel = "DBTP", defaultValue = "-1",
        description = "The mix's true-peak ceiling, -9..0 dBTP. Default: ${DEFAULT-VALUE}.")
    double truePeakDbtp;

    @Option(names = "--stems",
        description = "Also write narration.wav, music.wav (after ducking) and effects.wav.")
    boolean stems;

    @Option(names = "--no-progress",
        description = "Do not draw a progress bar (none is drawn when output is not a terminal).")
    boolean noProgress;

    @Option(names = "--metrics",
        description = "Print the job's metrics at the end: stage times, provider calls by kind"
            + " and outcome (success, retried, failed, cache hit) and the estimated cost"
            + " (Micrometer).")
    boolean metrics;

    // --log-format: its own block (CliLogging does the work).
    @Option(names = "--log-format", paramLabel = "text|json", defaultValue = "text",
        description = "How log lines are written to standard error: text, or json (one JSON"
            + " object a line, with the job id, task and segment). Default: ${DEFAULT-VALUE}."
            + " The level is WARN unless -Dstoryreel.log.level or STORYREEL_LOG_LEVEL says"
            + " otherwise.")
    CliLogging.Format logFormat;

    // Caption style options (CaptionStyle): one block, applied in captionStyle().
    @Option(names = "--caption-style", paramLabel = "PRESET", defaultValue = "classic",
        description = "Caption look: classic, bold, minimal or karaoke (default: ${DEFAULT-VALUE}).")
    String captionPreset;

    @Option(names = "--caption-font", paramLabel = "FAMILY|FILE",
        description = "Caption font: a family name (e.g. 'DejaVu Sans') or a .ttf/.otf file.")
    String captionFont;

    @Option(names = "--caption-size", paramLabel = "PX",
        description = "Caption font size in pixels (default: follows the frame).")
    Integer captionSizePx;

    @Option(names = "--caption-position", paramLabel = "top|middle|bottom",
        description = "Where captions sit (default: the preset's, bottom).")
    String captionPosition;

    @Option(names = "--captions", paramLabel = "on|off", defaultValue = "on",
        description = "'off' burns no captions into the video; captions.srt/.vtt are still"
            + " written.")
    String captionsOnOff;

    /** The caption style the caption options ask for; a bad value is bad input. */
    private CaptionStyle captionStyle() {
      CaptionStyle[] style = new CaptionStyle[1];
      option("--caption-style", captionPreset, () -> style[0] = CaptionStyle.preset(captionPreset));
      CaptionStyle.Builder b = style[0].toBuilder();
      if (captionFont != null) {
        option("--caption-font", captionFont, () -> b.font(captionFont).build());
      }
      if (captionSizePx != null) {
        option("--caption-size", captionSizePx, () -> b.sizePx(captionSizePx).build());
      }
      if (captionPosition != null) {
        option("--caption-position", captionPosition, () -> {
          String p = captionPosition.strip().toUpperCase(Locale.ROOT);
          if (!List.of("TOP", "MIDDLE", "BOTTOM").contains(p)) {
            throw new IllegalArgumentException("it must be top, middle or bottom");
          }
          b.position(CaptionStyle.Position.valueOf(p));
        });
      }
      String onOff = captionsOnOff.strip().toLowerCase(Locale.ROOT);
      if (!onOff.equals("on") && !onOff.equals("off")) {
        throw new InvalidInputException("--captions must be on or off, was '" + captionsOnOff
            + "'.");
      }
      b.burnIn(onOff.equals("on"));
      return b.build();
    }

    /** How one story went, for the batch summary. */
    record StoryOutcome(Path story, int code, Duration videoLength, Duration took,
        String output) {}

    /** The outcome of the story being rendered now, set by {@link #renderOne()}. */
    private Duration lastVideoLength;
    private String lastOutput;

    @Override
    public Integer call() {
      CliLogging.configure(logFormat);
      PrintWriter err = spec.commandLine().getErr();
      PrintWriter out = spec.commandLine().getOut();
      List<Path> all;
      try {
        if (specFile != null) {
          SpecFile.apply(specFile, spec, spec.commandLine().getParseResult(), new Render());
        }
        checkPlanArguments();
        if (storyboard != null) {
          if (Files.isDirectory(storyboard)) {
            storyboard = storyboard.resolve("storyboard.json"); // the folder plan wrote to
          }
          story = storyboard;
          return renderOne();
        }
        all = expand(stories);
      } catch (InvalidInputException e) {
        err.println("storyreel: " + userMessage(e));
        err.flush();
        return EXIT_BAD_INPUT;
      }
      if (all.size() == 1 && Files.isRegularFile(stories.get(0)) || all.isEmpty()) {
        story = all.isEmpty() ? stories.get(0) : all.get(0);
        return renderOne();
      }
      Path baseOutput = output;
      String baseStorage = storage;
      List<StoryOutcome> outcomes = new ArrayList<>();
      for (Path p : all) {
        story = p;
        output = baseOutput == null ? null : baseOutput.resolve(baseName(p));
        storage = baseStorage == null ? null
            : baseStorage.replaceFirst("/+$", "") + "/" + baseName(p);
        lastVideoLength = null;
        lastOutput = null;
        out.println("== " + p);
        out.flush();
        long t0 = System.nanoTime();
        int code = renderOne();
        outcomes.add(new StoryOutcome(p, code, lastVideoLength,
            Duration.ofNanos(System.nanoTime() - t0), lastOutput));
        if (code == EXIT_CANCELLED) {
          break;
        }
      }
      output = baseOutput;
      storage = baseStorage;
      printBatchSummary(out, outcomes);
      return batchExitCode(outcomes);
    }

    /**
     * The exit code of a batch: 0 if every story was rendered, 130 if it was cancelled, 2 if
     * every story failed on bad input (nothing was written), else 1.
     *
     * @param outcomes how each story went; not empty
     * @return the exit code
     */
    static int batchExitCode(List<StoryOutcome> outcomes) {
      if (outcomes.stream().anyMatch(o -> o.code() == EXIT_CANCELLED)) {
        return EXIT_CANCELLED;
      }
      if (outcomes.stream().allMatch(o -> o.code() == 0)) {
        return 0;
      }
      if (outcomes.stream().allMatch(o -> o.code() == EXIT_BAD_INPUT)) {
        return EXIT_BAD_INPUT;
      }
      return EXIT_FAILED;
    }

    static void printBatchSummary(PrintWriter out, List<StoryOutcome> outcomes) {
      List<String[]> cells = new ArrayList<>();
      cells.add(new String[] {"STORY", "STATUS", "VIDEO", "TIME", "OUTPUT"});
      for (StoryOutcome o : outcomes) {
        String status = switch (o.code()) {
          case 0 -> "done";
          case EXIT_BAD_INPUT -> "bad input";
          case EXIT_CANCELLED -> "cancelled";
          default -> "failed";
        };
        cells.add(new String[] {o.story().toString(), status,
            o.videoLength() == null ? "-" : seconds(o.videoLength()), seconds(o.took()),
            o.output() == null ? "-" : o.output()});
      }
      out.println();
      ProvidersCommand.Table.print(out, cells);
      long ok = outcomes.stream().filter(o -> o.code() == 0).count();
      out.println(ok + " of " + outcomes.size() + " stories rendered."
          + (ok < outcomes.size() ? " Run the same command again to retry the others;"
              + " finished ones are not made again." : ""));
      out.flush();
    }

    /**
     * The stories named: files as given, folders replaced by their {@code .txt} files (sorted by
     * name). Two stories with the same file name would share an output folder, so they are
     * refused.
     */
    static List<Path> expand(List<Path> given) {
      List<Path> all = new ArrayList<>();
      for (Path p : given) {
        if (Files.isDirectory(p)) {
          try (var s = Files.list(p)) {
            List<Path> txt = s.filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT)
                .endsWith(".txt") && Files.isRegularFile(f)).sorted().toList();
            if (txt.isEmpty()) {
              throw new InvalidInputException("The folder " + p + " holds no .txt story. Give"
                  + " story files, or a folder of them.");
            }
            all.addAll(txt);
          } catch (java.io.IOException e) {
            throw new InvalidInputException("The folder " + p + " could not be listed: "
                + userMessage(e));
          }
        } else {
          all.add(p);
        }
      }
      Map<String, Path> byName = new LinkedHashMap<>();
      for (Path p : all) {
        Path before = byName.putIfAbsent(baseName(p), p);
        if (before != null && all.size() > 1) {
          throw new InvalidInputException("The stories " + before + " and " + p + " would both"
              + " go to the output folder " + baseName(p) + ". Rename one, or render them"
              + " separately with -o.");
        }
      }
      return all;
    }

    /** Renders {@link #story}; returns its exit code. */
    private int renderOne() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      long t0 = System.nanoTime();
      // Everything up to reel.submit() is checked before anything is written: a failure there is
      // bad input (exit 2). Once the job runs, a failure may leave assets behind (exit 1).
      Storage target = null;
      S3Storage s3 = null;
      try {
        if (maxChars < 1 || maxChars > Story.MAX_READ_CHARS) {
          throw new InvalidInputException("--max-chars must be 1.." + Story.MAX_READ_CHARS
              + ", was " + maxChars + ".");
        }
        VideoFormat fmt = videoFormat();
        genrePreset = genre == null ? null : dev.storyreel.core.Preset.resolve(genre);
        FfmpegRenderer renderer = renderer();
        if (budgetUsd != null && budgetUsd.signum() < 0) {
          throw new InvalidInputException("--budget-usd must be 0 or more, was " + budgetUsd
              + ".");
        }
        PriceTable prices = prices();
        Map<String, String> ps = checkedSettings();
        Soundtrack sound = soundtrack(ps);
        // A plan is read and checked (narrations against its story) before anything is written.
        Plan plan = storyboard != null ? Plan.read(storyboard) : null;
        Story s = plan != null ? plan.story() : Story.read(story, maxChars);
        if (storage != null && output != null) {
          throw new InvalidInputException("Give either -o DIR or --storage LOCATION, not both.");
        }
        if (output != null && output.toString().isBlank()) {
          throw new InvalidInputException("-o was given an empty folder name. Give the folder"
              + " the video should go to, for example -o out/" + baseName(story) + ".");
        }
        Location where = location();
        if (where.s3Uri() != null) {
          S3Storage.Builder b = S3Storage.fromUri(where.s3Uri()).endpointOverride(s3Endpoint)
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
          checkLocalOutput(where.folder());
          target = new LocalStorage(where.folder());
        }
        // A bar only on a terminal: redirected to a file it would print a line per update.
        lastOutput = where.s3Uri() != null ? where.s3Uri() : where.folder().toString();
        try (Progress progress = new Progress(!noProgress, System.console() != null, err)) {
          io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
              new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
          dev.storyreel.core.ProgressListener meters =
              dev.storyreel.core.metrics.StoryReelMetrics.listener(registry);
          StoryReel.Builder builder = StoryReel.builder()
              .providerSettings(new ProviderSettings(ps))
              .planner(planner)
              .images(images)
              .speech(speech)
              .moderator(moderator)
              .priceTable(prices)
              .budgetUsd(budgetUsd)
              .preset(genrePreset);
          if (aligner != null) {
            builder.aligner(aligner);
          }
          clips(builder, plan);
          StoryReel reel;
          try {
            // build() creates the named providers from the settings: a bad one fails here,
            // before anything is written or paid for.
            reel = builder
                .format(fmt)
                .voice(voice)
                .visualStyle(style == null ? "" : style)
                .maxStoryChars(maxChars)
                .overwrite(force)
                .cache(!noCache)
                .seed(seed)
                .listener(metrics ? e -> {
                  progress.onEvent(e);
                  meters.onEvent(e);
                } : progress)
                .renderer(renderer)
                .music(sound.music())
                .effects(sound.effects())
                .mood(sound.mood())
                .musicGainDb(musicGainDb)
                .ducking(new Ducking(duckDb, Ducking.DEFAULTS.minGap(), Ducking.DEFAULTS.ramp()))
                .mix(new MixSettings(loudnessLufs, truePeakDbtp, stems))
                .build();
          } catch (IllegalArgumentException e) {
            throw new InvalidInputException(userMessage(e));
          }
          if (planOnly) {
            progress.close();
            writePlan(out, reel.plan(s, target), where.folder());
            return 0;
          }
          if (plan != null) {
            printEstimate(out, "Estimated cost of making the video", reel.estimate(plan, target));
          }
          Job job = plan != null ? reel.produce(plan, target) : reel.submit(s, target);
          JobResult r;
          Thread hook = interruptHook(job, err);
          boolean hooked = addHook(hook);
          try {
            r = await(job);
          } catch (CancellationException e) {
            throw e;
          } catch (RuntimeException | Error e) {
            progress.close();
            err.println("storyreel: failed: " + userMessage(e));
            err.println("storyreel: " + kept(target));
            err.flush();
            return EXIT_FAILED;
          } finally {
            if (hooked) {
              try {
                Runtime.getRuntime().removeShutdownHook(hook);
              } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook is running
              }
            }
          }
          progress.close();
          lastVideoLength = r.videoDuration();
          summary(out, r, fmt, Duration.ofNanos(System.nanoTime() - t0), target, s3);
          if (metrics) {
            printMetrics(out, registry);
          }
        }
        return 0;
      } catch (InvalidInputException | ConfigurationException | BudgetExceededException e) {
        err.println("storyreel: " + userMessage(e));
        return EXIT_BAD_INPUT;
      } catch (CancellationException e) {
        err.println("storyreel: cancelled");
        return EXIT_CANCELLED;
      } catch (RuntimeException | Error e) {
        // Not an input error and no job ran: nothing of this run was stored.
        err.println("storyreel: failed: " + userMessage(e));
        return EXIT_FAILED;
      } finally {
        err.flush();
        if (s3 != null) {
          try {
            s3.close();
          } catch (RuntimeException e) {
            err.println("storyreel: closing the S3 client failed: " + userMessage(e));
          }
        }
      }
    }

    /**
     * The shutdown hook for Ctrl-C while {@code job} runs: cancels it, prints {@link
     * #interruptedLine()} and waits up to 10 s for the job to stop, so that what is in flight is
     * stored or dropped cleanly.
     */
    static Thread interruptHook(Job job, PrintWriter err) {
      return new Thread(() -> {
        if (job.result().isDone()) {
          return;
        }
        job.cancel();
        err.println();
        err.println(interruptedLine());
        err.flush();
        try {
          job.result().get(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
          // cancelled, failed or still stopping: the JVM exits either way
        }
      }, "storyreel-interrupt");
    }

    private static boolean addHook(Thread hook) {
      try {
        Runtime.getRuntime().addShutdownHook(hook);
        return true;
      } catch (IllegalStateException | SecurityException e) {
        return false;
      }
    }

    /** Waits for a job as {@link StoryReel#render(Story, Storage)} does. */
    private static JobResult await(Job job) {
      try {
        return job.result().get();
      } catch (InterruptedException e) {
        job.cancel();
        Thread.currentThread().interrupt();
        throw new CancellationException("interrupted while waiting for the job; it was cancelled");
      } catch (ExecutionException | CompletionException e) {
        Throwable c = e.getCause() == null ? e : e.getCause();
        if (c instanceof RuntimeException re) {
          throw re;
        }
        if (c instanceof Error er) {
          throw er;
        }
        throw new NonRetriableException(c.getMessage(), c);
      }
    }

    /**
     * The clip options: the selection and fit are checked here (bad input, before anything is
     * written); the clip provider is named only when some segment asks for a clip, so that a run
     * without clips never needs its key.
     */
    private void clips(StoryReel.Builder builder, Plan plan) {
      ClipSelection selection = clips == null
          ? ClipSelection.none() : ClipSelection.parse(clips);
      if (clipFit != null) {
        option("--clip-fit", clipFit,
            () -> builder.clipFit(ClipFit.parse(clipFit)));
      }
      boolean planClips = plan != null && plan.shots().stream().anyMatch(Plan.Shot::clip);
      builder.clips(selection);
      if (selection.everySegment() || !selection.indexes().isEmpty() || planClips) {
        builder.clipProvider(clipProvider.strip());
      }
    }

    /** The format and frame rate asked for; a bad value is an {@link InvalidInputException}. */
    private VideoFormat videoFormat() {
      try {
        return VideoFormat.parse(format).withFps(fps);
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException("--format " + format + " is not allowed: "
            + userMessage(e));
      }
    }

    /** The price table with the overrides of {@code --price-table}, checked before any work. */
    private PriceTable prices() {
      PriceTable prices = PriceTable.defaults();
      if (priceTable == null) {
        return prices;
      }
      if (!Files.isRegularFile(priceTable)) {
        throw new InvalidInputException("--price-table " + priceTable + (Files.exists(priceTable)
            ? " is not a regular file." : " does not exist.")
            + " Give a properties file such as openai/tts-1.usdPerMillionCharacters=15.");
      }
      try {
        return prices.load(priceTable);
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException("--price-table " + priceTable + ": " + userMessage(e));
      }
    }

    /** The folder a plan file is in: where its video goes by default. */
    private static Path planFolder(Path file) {
      Path parent = file.toAbsolutePath().getParent();
      return parent != null ? parent : Path.of(".");
    }

    /** Refuses --storyboard with stories, and a plan command that would write to S3. */
    private void checkPlanArguments() {
      if (stories.isEmpty() && storyboard == null) {
        throw new InvalidInputException("Give the STORY to " + (planOnly ? "plan" : "render")
            + " (a UTF-8 text file, or a folder of them)"
            + (planOnly ? "." : ", or --storyboard DIR/storyboard.json from storyreel plan."));
      }
      if (planOnly && storyboard != null) {
        throw new InvalidInputException("storyreel plan makes a storyboard from a STORY;"
            + " --storyboard is for storyreel render.");
      }
      if (planOnly && stories.isEmpty()) {
        throw new InvalidInputException("Give the STORY to plan, for example: storyreel plan"
            + " story.txt -o out/story.");
      }
      if (planOnly && storage != null && SCHEME.matcher(storage.strip()).find()
          && !storage.strip().toLowerCase(Locale.ROOT).startsWith("file:")) {
        throw new InvalidInputException("storyreel plan writes storyboard.json and"
            + " storyboard.png to a local folder: give -o DIR instead of --storage " + storage
            + ".");
      }
      if (storyboard != null && !stories.isEmpty()) {
        throw new InvalidInputException("Give either STORY files or --storyboard FILE, not"
            + " both: a storyboard already holds its story.");
      }
    }

    /** Writes a plan's storyboard.json and storyboard.png into a folder and prints its estimate. */
    private static void writePlan(PrintWriter out, Plan plan, Path folder) {
      try {
        Files.createDirectories(folder);
      } catch (java.io.IOException e) {
        throw new InvalidInputException("The folder " + folder + " cannot be created: "
            + userMessage(e) + ". Choose another with -o DIR.");
      }
      Path json = folder.resolve("storyboard.json");
      Path png = folder.resolve("storyboard.png");
      plan.write(json);
      if (plan.sheet() != null) {
        plan.sheet().write(png);
      }
      out.println("Planned " + plan.shots().size() + " segment"
          + (plan.shots().size() == 1 ? "" : "s") + ": " + json + ", " + png);
      printEstimate(out, "Estimated cost of making the video", plan.estimate());
      out.println("Edit the image prompts (or a segment's clip) in " + json + ", then:");
      out.println("  storyreel render --storyboard " + json);
      out.flush();
    }

    /** Prints an estimate: one row per kind of asset and provider, then the totals. */
    static void printEstimate(PrintWriter out, String heading, CostEstimate e) {
      Map<String, String[]> rows = new LinkedHashMap<>();
      Map<String, BigDecimal> sums = new LinkedHashMap<>();
      Map<String, int[]> counts = new LinkedHashMap<>();
      for (CostEstimate.Item i : e.items()) {
        String kind = switch (i.kind()) {
          case STORYBOARD -> "planning";
          case IMAGE -> "images";
          case SPEECH -> "narration";
          case TIMINGS -> "word timings";
          case MUSIC -> "music";
          default -> i.kind().name().toLowerCase(Locale.ROOT);
        };
        String k = kind + "|" + i.provider() + "/" + i.model();
        rows.putIfAbsent(k, new String[] {kind, i.provider() + " (" + i.model() + ")"});
        sums.merge(k, i.costUsd(), BigDecimal::add);
        int[] c = counts.computeIfAbsent(k, x -> new int[3]);
        c[0]++;
        c[1] += i.cached() ? 1 : 0;
        c[2] += i.spent() ? 1 : 0;
      }
      List<String[]> cells = new ArrayList<>();
      cells.add(new String[] {"ASSET", "PROVIDER", "COUNT", "USD"});
      rows.forEach((k, r) -> {
        int[] c = counts.get(k);
        String note = c[2] > 0 ? " (spent)" : c[1] > 0 ? " (" + c[1] + " cached)" : "";
        cells.add(new String[] {r[0], r[1], c[0] + note,
            "$" + sums.get(k).stripTrailingZeros().toPlainString()});
      });
      out.println(heading + ": $" + e.toProduceUsd().toPlainString()
          + (e.spentUsd().signum() > 0 ? " (planning spent: $" + e.spentUsd().toPlainString()
              + ")" : ""));
      ProvidersCommand.Table.print(out, cells);
      out.println("Estimates from the price table (--price-table); the vendor's invoice is"
          + " authoritative.");
      out.flush();
    }

    /** Where the outputs go: a local folder, or an S3 URI. */
    private record Location(Path folder, String s3Uri) {}

    private Location location() {
      if (storage == null) {
        return new Location(output != null ? output
            : storyboard != null ? planFolder(storyboard) : Path.of("out", baseName(story)), null);
      }
      String w = storage.strip();
      if (w.isEmpty()) {
        throw new InvalidInputException("--storage was given an empty location. Give a folder"
            + " or s3://bucket/prefix.");
      }
      java.util.regex.Matcher m = SCHEME.matcher(w);
      if (!m.find()) {
        return new Location(Path.of(w), null);
      }
      String scheme = m.group(1).toLowerCase(Locale.ROOT);
      if (scheme.equals("s3")) {
        return new Location(null, w);
      }
      if (scheme.equals("file")) {
        try {
          URI u = new URI(w);
          if (u.getAuthority() == null && u.getPath() != null && !u.getPath().isEmpty()) {
            return new Location(Path.of(u), null);
          }
        } catch (URISyntaxException | IllegalArgumentException e) {
          // refused below
        }
        throw new InvalidInputException("--storage " + w + " is not a local file URI: only"
            + " file:///absolute/path (no host) is accepted. Supported: a local folder,"
            + " file:///path or s3://bucket/prefix.");
      }
      throw new InvalidInputException("--storage " + w + " uses " + scheme + "://, which is not"
          + " supported. Supported: a local folder (for example out/story), file:///path or"
          + " s3://bucket/prefix.");
    }

    private static final java.util.regex.Pattern SCHEME =
        java.util.regex.Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*)://");

    /** Output files the job writes, and folders it keeps its assets in. */
    private static final List<String> OUTPUT_FILES =
        List.of("video.mp4", "captions.srt", "captions.vtt", "thumbnail.jpg", "manifest.json");
    private static final List<String> OUTPUT_FOLDERS = List.of("cache", "assets");

    /**
     * Refuses a local output where a name the job writes exists as the wrong type (a folder
     * named manifest.json, a file named cache): the job would fail after paying for assets.
     */
    private static void checkLocalOutput(Path dir) {
      if (!Files.isDirectory(dir)) {
        return; // missing (created later) or a file (LocalStorage.preflight says so)
      }
      for (String f : OUTPUT_FILES) {
        if (Files.isDirectory(dir.resolve(f))) {
          throw new InvalidInputException(dir.resolve(f) + " is a folder, but StoryReel writes"
              + " the file " + f + " there. Move or delete it, or choose another output folder.");
        }
      }
      for (String d : OUTPUT_FOLDERS) {
        Path p = dir.resolve(d);
        if (Files.exists(p) && !Files.isDirectory(p)) {
          throw new InvalidInputException(p + " is a file, but StoryReel keeps its " + d
              + " folder there. Move or delete it, or choose another output folder.");
        }
      }
    }

    /** What the soundtrack options ask for. */
    private record Soundtrack(String music, String effects, Mood mood) {}

    /**
     * Reads the soundtrack options, adding the settings they imply ({@code music.path}, {@code
     * sfx.path}, {@code rules.mood}) to {@code ps}; every value is checked here, before anything
     * is written.
     */
    private Soundtrack soundtrack(Map<String, String> ps) {
      if (!(loudnessLufs >= -70 && loudnessLufs <= -5)) {
        throw new InvalidInputException("--loudness must be -70..-5 LUFS, was " + loudnessLufs
            + ". Platforms normalise to about -14.");
      }
      if (!(truePeakDbtp >= -9 && truePeakDbtp <= 0)) {
        throw new InvalidInputException("--true-peak must be -9..0 dBTP, was " + truePeakDbtp
            + ".");
      }
      if (!(duckDb >= 0 && duckDb <= 40)) {
        throw new InvalidInputException("--duck-db must be 0..40 dB, was " + duckDb + ".");
      }
      if (!(musicGainDb >= -60 && musicGainDb <= 0)) {
        throw new InvalidInputException("--music-gain must be -60..0 dB, was " + musicGainDb
            + ".");
      }
      Mood m = mood == null ? null : Mood.parse(mood); // lists the known moods when unknown
      if (m != null) {
        ps.putIfAbsent("rules.mood", m.id());
      }
      String musicName = music.strip();
      boolean named = musicName.equals("none")
          || Providers.settings(MusicProvider.class).containsKey(musicName);
      if (!named) {
        Path p = Path.of(musicName);
        if (!Files.exists(p)) {
          throw new InvalidInputException("--music " + musicName + ": no such file or folder,"
              + " and no music provider of that name (known: none, "
              + String.join(", ", Providers.settings(MusicProvider.class).keySet()) + ").");
        }
        ps.put("music.path", p.toAbsolutePath().toString());
        musicName = "file";
      }
      String effectsName = "none";
      if (Providers.settings(dev.storyreel.core.spi.SoundEffectProvider.class)
          .containsKey(sfx.strip()) && !sfx.strip().equals("folder")
          && !Files.isDirectory(Path.of(sfx.strip()))) {
        effectsName = sfx.strip(); // a provider's name, for example elevenlabs (paid)
      } else if (!sfx.strip().equals("none")) {
        Path p = Path.of(sfx.strip());
        if (!Files.exists(p)) {
          throw new InvalidInputException("--sfx " + sfx + ": no such folder. Give a folder of"
              + " sound-effect files named by what they sound like (door-creak.wav), or none.");
        }
        if (!Files.isDirectory(p)) {
          throw new InvalidInputException("--sfx " + sfx + " is not a folder. Give a folder of"
              + " sound-effect files named by what they sound like (door-creak.wav), or none.");
        }
        ps.put("sfx.path", p.toAbsolutePath().toString());
        effectsName = "folder";
      }
      return new Soundtrack(musicName, effectsName, m);
    }

    /** The kinds whose factories the builder creates from {@code --set} settings. */
    private static final List<Class<?>> SETTING_KINDS = List.of(StoryPlanner.class,
        ImageProvider.class, ClipProvider.class, SpeechProvider.class,
        Aligner.class, Moderator.class,
        MusicProvider.class, dev.storyreel.core.spi.SoundEffectProvider.class,
        dev.storyreel.core.spi.StoryWriter.class);

    /**
     * The {@code --set} settings (plus the base-URL options), each key checked against the
     * settings the provider factories declare and each value against its range, whether or not
     * that provider is used in this run: a typo or a bad value is refused before anything is
     * written or paid for. A factory that declares no settings (a plugin written before {@link
     * dev.storyreel.core.spi.ProviderFactory#settings()}) keeps the keys that start with its
     * name and a dot.
     */
    Map<String, String> checkedSettings() {
      Map<String, String> ps = new LinkedHashMap<>();
      for (Map.Entry<String, String> e : settings.entrySet()) {
        ps.put(e.getKey().strip(), e.getValue());
      }
      if (openaiBaseUrl != null) {
        ps.put("openai.baseUrl", openaiBaseUrl);
      }
      if (replicateBaseUrl != null) {
        ps.put("replicate.baseUrl", replicateBaseUrl);
      }
      if (clipModel != null) {
        ps.put(clipProvider.strip().toLowerCase(Locale.ROOT) + ".clipModel", clipModel.strip());
      }
      Map<String, SettingSpec> known = new TreeMap<>();
      List<String> undeclared = new ArrayList<>();
      for (Class<?> kind : SETTING_KINDS) {
        Providers.settings(kind).forEach((name, specs) -> {
          if (specs.isEmpty()) {
            undeclared.add(name + ".");
          }
          specs.forEach(sp -> known.putIfAbsent(sp.key(), sp));
        });
      }
      Map<String, String> otherKeys = new TreeMap<>();
      for (Class<?> kind : List.of(Renderer.class, Storage.class)) {
        Providers.settings(kind).forEach((name, specs) ->
            specs.forEach(sp -> otherKeys.putIfAbsent(sp.key(), name)));
      }
      for (Map.Entry<String, String> e : ps.entrySet()) {
        String key = e.getKey();
        if (key.isEmpty()) {
          throw new InvalidInputException("--set needs KEY=VALUE, but the key was empty.");
        }
        SettingSpec sp = known.get(key);
        if (sp != null) {
          sp.check(e.getValue());
          continue;
        }
        if (undeclared.stream().anyMatch(key::startsWith)) {
          continue;
        }
        if (otherKeys.containsKey(key)) {
          throw new InvalidInputException("--set " + key + " is a setting of "
              + otherKeys.get(key) + ", which the CLI configures with its own options; use"
              + " those instead (see storyreel render --help).");
        }
        String suggestion = closest(key, known.keySet());
        throw new InvalidInputException("Unknown setting '" + key + "' in --set."
            + (suggestion != null ? " Did you mean '" + suggestion + "'?" : "")
            + " Known settings: " + String.join(", ", known.keySet()) + ".");
      }
      return ps;
    }

    /** The known key nearest to {@code key} by edit distance, if near enough to be a typo. */
    static String closest(String key, java.util.Collection<String> known) {
      String best = null;
      int bestDistance = Integer.MAX_VALUE;
      String k = key.toLowerCase(Locale.ROOT);
      for (String c : known) {
        int d = levenshtein(k, c.toLowerCase(Locale.ROOT));
        if (d < bestDistance) {
          bestDistance = d;
          best = c;
        }
      }
      return best != null && bestDistance <= Math.max(2, key.length() / 3) ? best : null;
    }

    /** Edit distance (insertions, deletions, substitutions); no such helper is on the classpath. */
    static int levenshtein(String a, String b) {
      int[] prev = new int[b.length() + 1];
      int[] cur = new int[b.length() + 1];
      for (int j = 0; j <= b.length(); j++) {
        prev[j] = j;
      }
      for (int i = 1; i <= a.length(); i++) {
        cur[0] = i;
        for (int j = 1; j <= b.length(); j++) {
          int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
          cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
        }
        int[] t = prev;
        prev = cur;
        cur = t;
      }
      return prev[b.length()];
    }

    /**
     * What a failed job left behind: the number of cache entries (one per asset) in the output,
     * and that the same command resumes from them.
     */
    private static String kept(Storage target) {
      String again = "run the same command again to resume without paying for them again.";
      try {
        long n = target.list("cache/").stream().filter(k -> k.endsWith(".json")).count();
        if (n == 0) {
          return "No asset was stored; fix the problem and run the same command again.";
        }
        URI u = target.locate("cache");
        String dir = "file".equals(u.getScheme()) ? Path.of(u).toString() : u.toString();
        return n + (n == 1 ? " asset is" : " assets are") + " stored in " + dir + "; " + again;
      } catch (RuntimeException e) {
        return "The assets made so far are kept in the output's cache/ folder; " + again;
      }
    }

    /** The renderer the options ask for; a bad value is an {@link InvalidInputException}. */
    private FfmpegRenderer renderer() {
      if (crf != null && bitrate != null) {
        throw new InvalidInputException("Give either --crf or --bitrate, not both.");
      }
      if (bitrate != null && (bitrate < 100 || bitrate > 200_000)) {
        throw new InvalidInputException("--bitrate must be 100..200000 kbit/s, was " + bitrate
            + ". Leave it out to use --crf (default 23).");
      }
      FfmpegRenderer.Builder b = FfmpegRenderer.builder();
      CaptionStyle captions = captionStyle();
      // A preset's caption colours, unless the caption look was chosen on the command line.
      boolean lookGiven = spec.commandLine().getParseResult() != null
          && spec.commandLine().getParseResult().hasMatchedOption("--caption-style");
      b.captionStyle(genrePreset == null || lookGiven ? captions
          : genrePreset.captionStyle(captions));
      option("--workers", workers, () -> b.workers(workers));
      option("--codec", codec, () -> b.videoCodec(codec));
      option("--preset", preset, () -> b.preset(preset));
      option("--gop", gop, () -> b.gopFrames(gop));
      option("--transition", transition, () -> b.transition(Transition.parse(transition)));
      option("--transition-ms", transitionMs,
          () -> b.transitionDuration(Duration.ofMillis(transitionMs)));
      if (crf != null) {
        option("--crf", crf, () -> b.crf(crf));
      }
      if (bitrate != null) {
        option("--bitrate", bitrate, () -> b.videoBitrateKbps(bitrate));
      }
      FfmpegRenderer r;
      try {
        r = b.build();
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException("Renderer options are not allowed: " + userMessage(e));
      }
      // The encoder is checked now, not after every asset has been made (and paid for).
      String encoder = r.resolveEncoder();
      if ("libx264".equals(encoder) && crf != null && crf == 0 && bitrate == null) {
        throw new InvalidInputException("--crf 0 asks x264 for lossless video, which the High"
            + " profile (yuv420p) StoryReel writes cannot hold. Use --crf 1..51; 18 looks"
            + " visually lossless.");
      }
      return r;
    }

    private static void option(String name, Object value, Runnable setter) {
      try {
        setter.run();
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException(name + " " + value + " is not allowed: "
            + userMessage(e) + ".");
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

    /** Prints every meter the job recorded, one line each, sorted by name and tags. */
    static void printMetrics(PrintWriter out,
        io.micrometer.core.instrument.MeterRegistry registry) {
      out.println("  metrics");
      registry.getMeters().stream()
          .sorted(java.util.Comparator.comparing(m -> m.getId().getName() + m.getId().getTags()))
          .forEach(m -> {
            String tags = m.getId().getTags().stream().map(t -> t.getKey() + "=" + t.getValue())
                .collect(java.util.stream.Collectors.joining(",", "{", "}"));
            String value;
            if (m instanceof io.micrometer.core.instrument.Timer t) {
              value = String.format(Locale.ROOT, "%d x, %.1f s", t.count(),
                  t.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS) / 1000.0);
            } else if (m instanceof io.micrometer.core.instrument.Counter c) {
              value = String.format(Locale.ROOT, "%s", c.count() == Math.rint(c.count())
                  ? String.valueOf((long) c.count()) : String.valueOf(c.count()));
            } else {
              value = String.valueOf(m.measure());
            }
            out.printf(Locale.ROOT, "    %-20s %-40s %s%n", m.getId().getName(), tags, value);
          });
      out.flush();
    }

    private static String seconds(Duration d) {
      return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
  }

  /**
   * Reads a decimal number; picocli's own converter would show the Java exception's class name.
   */
  static final class DecimalConverter implements CommandLine.ITypeConverter<BigDecimal> {
    @Override
    public BigDecimal convert(String value) {
      try {
        return new BigDecimal(value.strip());
      } catch (NumberFormatException e) {
        throw new CommandLine.TypeConversionException(
            "'" + value + "' is not a number (write it like 2.50)");
      }
    }
  }

  /** Reads an http(s) URL; picocli's own converter would show the Java exception's class name. */
  static final class UriConverter implements CommandLine.ITypeConverter<URI> {
    @Override
    public URI convert(String value) {
      try {
        URI u = new URI(value.strip());
        if (u.getHost() == null
            || !("http".equalsIgnoreCase(u.getScheme()) || "https".equalsIgnoreCase(u.getScheme()))) {
          throw new CommandLine.TypeConversionException(
              "'" + value + "' is not an http(s)://host[:port] URL");
        }
        return u;
      } catch (URISyntaxException e) {
        throw new CommandLine.TypeConversionException(
            "'" + value + "' is not a URL (" + e.getReason() + ")");
      }
    }
  }
}
