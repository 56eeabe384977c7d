package dev.storyreel.core;

import dev.storyreel.core.internal.CacheKeys;
import dev.storyreel.core.distributed.JobTasks;
import dev.storyreel.core.internal.DistributedTasks;
import dev.storyreel.core.internal.Pipeline;
import dev.storyreel.core.internal.PlanGate;
import dev.storyreel.core.internal.ClipSettings;
import dev.storyreel.core.internal.PlanJson;
import dev.storyreel.core.spi.ClipProvider;
import dev.storyreel.core.timeline.ClipFit;
import dev.storyreel.core.internal.PlanEstimator;
import dev.storyreel.core.internal.Planning;
import dev.storyreel.core.internal.ProportionalAligner;
import dev.storyreel.core.spi.Aligner;
import dev.storyreel.core.spi.ImageProvider;
import dev.storyreel.core.spi.Moderator;
import dev.storyreel.core.spi.MusicProvider;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.Renderer;
import dev.storyreel.core.spi.SoundEffectProvider;
import dev.storyreel.core.spi.SpeechProvider;
import dev.storyreel.core.spi.Storage;
import dev.storyreel.core.spi.StoryPlanner;
import dev.storyreel.core.spi.StoryWriter;
import dev.storyreel.core.spi.WriteRequest;
import dev.storyreel.core.internal.CueLimitPlanner;
import dev.storyreel.core.internal.WriteStage;
import dev.storyreel.core.timeline.Ducking;
import dev.storyreel.core.timeline.MixSettings;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import dev.storyreel.core.internal.MotionSettings;
import dev.storyreel.core.timeline.BackgroundVideo;
import dev.storyreel.core.timeline.TitleCard;
import dev.storyreel.core.timeline.Watermark;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * Turns a story into a narrated, captioned video: plan, then per segment an image and a voice-over
 * with word timings, then a music bed under the voice (ducked on the words) and sound effects,
 * then render and normalise the mix, then store {@code video.mp4}, {@code captions.srt}, {@code
 * captions.vtt}, {@code thumbnail.jpg} and {@code manifest.json}.
 *
 * <p>Immutable and thread-safe: build one and use it for many jobs at once. Providers not set on
 * the builder are found with {@link Providers} (the highest-priority available one of each kind
 * that is not paid): unless a paid provider (OpenAI, Replicate) is named on the builder, that is
 * the offline set from {@code storyreel-providers-offline} (rule-based planner, procedural images,
 * FreeTTS speech, procedural music), whatever API keys the environment holds.
 *
 * <pre>{@code
 * StoryReel reel = StoryReel.builder().format(VideoFormat.portrait()).build();
 * JobResult result = reel.render(Story.read(Path.of("story.txt")), Path.of("out"));
 * System.out.println(result.video().uri());
 * }</pre>
 *
 * <p><b>Resuming.</b> Every asset (storyboard, image, narration, word timings, rendered video) is
 * kept in a content-addressed cache inside the job's own storage, under {@code cache/}, keyed by
 * the SHA-256 of everything that made it (provider fingerprint, model, request, seed, format).
 * Before a provider is called its key is looked up, and a hit skips the call. So a job that was
 * killed at any point (even {@code kill -9}) and is started again into the same storage makes no
 * provider call for an asset already stored, and changing one segment's text makes only that
 * segment's assets again. Turn reading the cache off with {@link Builder#cache(boolean)}.
 *
 * <p><b>Existing outputs.</b> {@code manifest.json} is written last and deleted first, so its
 * presence marks a finished output. Into a storage <em>without</em> {@code manifest.json} a job
 * always runs (resuming what is there); into one <em>with</em> a manifest it runs only when
 * {@link Builder#overwrite(boolean)} is on or the manifest's {@link Manifest#inputKey()} equals
 * this job's (the run would reproduce it from the cache); otherwise {@link #submit} refuses
 * before anything is written.
 */
public final class StoryReel {
  /** Default upper limit on a story's length, in characters: 50,000. */
  public static final int DEFAULT_MAX_STORY_CHARS = 50_000;

  /**
   * Default upper limit on one word's length, in Unicode code points: 64. The longest words in
   * English dictionaries have 45 letters ({@code pneumonoultramicroscopicsilicovolcanoconiosis}),
   * about 48 with the quotes and punctuation a word keeps ({@link Words#split}); German
   * compounds reach 63 ({@code Rindfleischetikettierungsüberwachungsaufgabenübertragungsgesetz}).
   * Anything longer is almost always a pasted token, a hash or a missing space, which a speech
   * engine reads out letter by letter (a 10,000-character word made a 710 s video) and which no
   * caption line can hold.
   */
  public static final int DEFAULT_MAX_WORD_CHARS = 64;

  /** The music's default level in the mix before ducking, in dB: {@value}. */
  public static final double DEFAULT_MUSIC_GAIN_DB = -6;

  /** How much of an over-long word a message quotes, in code points. */
  private static final int QUOTED_CHARS = 24;

  /** The file names of a job's outputs, relative to its storage. */
  public static final List<String> OUTPUT_KEYS =
      List.of("video.mp4", "captions.srt", "captions.vtt", "thumbnail.jpg", "manifest.json");

  private final StoryPlanner planner;
  private final ImageProvider images;
  private final SpeechProvider speech;
  private final Aligner aligner;
  private final Renderer renderer;
  private final VideoFormat format;
  private final String voice;
  private final String visualStyle;
  private final int maxStoryChars;
  private final int maxWordChars;
  private final RetryPolicy retryPolicy;
  private final Map<String, Integer> concurrency;
  private final ProgressListener listener;
  private final boolean overwrite;
  private final boolean cache;
  private final long seed;
  private final Path workDir;
  private final Moderator moderator;
  private final StoryWriter writer;
  private final Preset preset;
  private final PriceTable prices;
  private final BigDecimal budgetUsd;
  private final NarrationBounds narrationBounds;
  private final MusicProvider music;
  private final SoundEffectProvider effects;
  private final Mood mood;
  private final double musicGainDb;
  private final Ducking ducking;
  private final MixSettings mix;
  private final MotionSettings motion;
  private final boolean requireApproval;
  private final ImageProvider previewImages;
  private final ProviderSettings settings;
  private final ClipSettings clips;
  /** The free image provider found for sheets when none was set; found on first use. */
  private volatile java.util.Optional<ImageProvider> foundPreviews;

  private StoryReel(Builder b) {
    ProviderSettings s = withPreset(b.settings, b.preset);
    StoryPlanner p = b.planner != null ? b.planner : Providers.create(StoryPlanner.class, b.plannerName, s);
    if (b.preset != null && b.preset.effectDensity() != null && !(p instanceof CueLimitPlanner)) {
      p = new CueLimitPlanner(p, b.preset.effectDensity().maxPerSegment());
    }
    this.planner = p;
    this.images = b.images != null ? b.images : Providers.create(ImageProvider.class, b.imagesName, s);
    this.speech = b.speech != null ? b.speech : Providers.create(SpeechProvider.class, b.speechName, s);
    if (b.aligner != null) {
      this.aligner = b.aligner;
    } else if (b.alignerName != null) {
      this.aligner = Providers.create(Aligner.class, b.alignerName, s);
    } else {
      this.aligner = new ProportionalAligner();
    }
    this.renderer = b.renderer != null ? b.renderer : Providers.create(Renderer.class, b.rendererName, s);
    this.clips = new ClipSettings(b.clipProvider != null ? b.clipProvider
        : b.clipProviderName != null ? Providers.create(ClipProvider.class, b.clipProviderName, s)
        : null, b.clipSelection, b.clipFit);
    this.format = b.format;
    // What the caller set wins over the preset.
    this.voice = b.voice != null || b.preset == null ? b.voice
        : b.preset.voiceFor(speech.name()).orElse(null);
    this.visualStyle = !b.visualStyle.isBlank() || b.preset == null
        || b.preset.visualStyle() == null ? b.visualStyle : b.preset.visualStyle();
    this.maxStoryChars = b.maxStoryChars;
    this.maxWordChars = b.maxWordChars;
    this.retryPolicy = b.retryPolicy;
    this.concurrency = Map.copyOf(b.concurrency);
    this.listener = b.listener;
    this.overwrite = b.overwrite;
    this.cache = b.cache;
    this.seed = b.seed;
    this.workDir = b.workDir;
    if (b.moderator != null) {
      this.moderator = b.moderator;
    } else if (b.moderatorName != null) {
      this.moderator = Providers.create(Moderator.class, b.moderatorName, s);
    } else {
      this.moderator = null;
    }
    this.prices = b.prices;
    this.budgetUsd = b.budgetUsd;
    this.preset = b.preset;
    if (b.writer != null) {
      this.writer = b.writer;
    } else if (b.writerName != null) {
      this.writer = Providers.create(StoryWriter.class, b.writerName, s);
    } else {
      this.writer = null;
    }
    this.narrationBounds = b.narrationBounds;
    if (b.noMusic) {
      this.music = null;
    } else if (b.music != null) {
      this.music = b.music;
    } else if (b.musicName != null) {
      this.music = Providers.create(MusicProvider.class, b.musicName, s);
    } else {
      this.music = defaultMusic(s);
    }
    if (b.effects != null) {
      this.effects = b.effects;
    } else if (b.effectsName != null) {
      this.effects = Providers.create(SoundEffectProvider.class, b.effectsName, s);
    } else {
      this.effects = null;
    }
    this.mood = b.mood != null || b.preset == null ? b.mood : b.preset.mood();
    this.musicGainDb = b.musicGainDb;
    this.ducking = b.ducking;
    this.mix = b.mix;
    this.motion = new MotionSettings(b.background, b.titleCard, b.endCard, b.watermark);
    this.requireApproval = b.requireApproval;
    this.previewImages = b.previewImages;
    // The caller's own: toBuilder() must not turn the preset's settings into explicit ones.
    this.settings = b.settings;
  }

  /**
   * The default music: {@value #DEFAULT_MUSIC} (procedural, offline) when a provider of that name
   * is on the class path, else none. Never a paid one.
   */
  private static MusicProvider defaultMusic(ProviderSettings s) {
    try {
      return Providers.create(MusicProvider.class, DEFAULT_MUSIC, s);
    } catch (ConfigurationException e) {
      LoggerFactory.getLogger(StoryReel.class).debug(
          "no '{}' music provider on the class path; no music", DEFAULT_MUSIC);
      return null;
    }
  }

  /** The caller's settings with the preset's under them: a key the caller gave wins. */
  private static ProviderSettings withPreset(ProviderSettings s, Preset preset) {
    if (preset == null) {
      return s;
    }
    Map<String, String> m = new LinkedHashMap<>(preset.providerSettings());
    m.putAll(s.values());
    return new ProviderSettings(m);
  }

  /** The music provider used when none is named: {@value}. */
  public static final String DEFAULT_MUSIC = "procedural";

  /** @return a builder with the defaults */
  public static Builder builder() {
    return new Builder();
  }

  /** @return a builder holding this instance's settings and providers */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.planner = planner;
    b.images = images;
    b.speech = speech;
    b.aligner = aligner;
    b.renderer = renderer;
    b.clipProvider = clips.provider();
    b.clipSelection = clips.selection();
    b.clipFit = clips.fit();
    b.format = format;
    b.voice = voice;
    b.visualStyle = visualStyle;
    b.maxStoryChars = maxStoryChars;
    b.maxWordChars = maxWordChars;
    b.retryPolicy = retryPolicy;
    b.concurrency.putAll(concurrency);
    b.listener = listener;
    b.overwrite = overwrite;
    b.cache = cache;
    b.seed = seed;
    b.workDir = workDir;
    b.moderator = moderator;
    b.prices = prices;
    b.writer = writer;
    b.preset = preset;
    b.budgetUsd = budgetUsd;
    b.narrationBounds = narrationBounds;
    b.music = music;
    b.noMusic = music == null;
    b.effects = effects;
    b.mood = mood;
    b.musicGainDb = musicGainDb;
    b.ducking = ducking;
    b.mix = mix;
    b.background = motion.background();
    b.titleCard = motion.titleCard();
    b.endCard = motion.endCard();
    b.watermark = motion.watermark();
    b.requireApproval = requireApproval;
    b.previewImages = previewImages;
    b.settings = settings;
    return b;
  }

  /**
   * Writes a story from an idea into a local folder's asset cache, as {@link #write(WriteRequest,
   * Storage) write(request, new LocalStorage(outputDir))}.
   *
   * @param request the idea and options; never {@code null}
   * @param outputDir the folder whose {@code cache/} keeps the story; created if missing
   * @return the story and where it came from
   * @throws ConfigurationException if no writer is configured
   * @throws StoryReelException as for {@link #write(WriteRequest, Storage)}
   */
  public WrittenStory write(WriteRequest request, Path outputDir) {
    return write(request, new LocalStorage(outputDir));
  }

  /**
   * Writes a story from an idea with the {@linkplain Builder#writer(String) configured writer}.
   *
   * <p>The written story is an asset like any other: kept in the storage's asset cache ({@code
   * cache/story/}) under the SHA-256 of the writer's fingerprint, the idea and every option, so
   * asking again (in this run or a later one into the same storage) makes no call and costs
   * nothing; with a {@linkplain Builder#moderator(Moderator) moderator} the idea is checked before
   * the writer is paid; the call is priced with the {@linkplain Builder#priceTable price table},
   * held to the {@linkplain Builder#budgetUsd budget} and retried under the {@linkplain
   * Builder#retryPolicy retry policy}. A job that then renders the story into the same storage
   * (as the value, or read back from {@link WrittenStory#fileText()}) records the idea and the
   * writer in its manifest ({@link Manifest#writtenFrom()}).
   *
   * <p>With a {@linkplain Builder#preset(Preset) preset} and a request without a genre, the
   * preset's id is the genre and its {@link Preset#writing()} the genre's guidance.
   *
   * <p>Blocks until the story is written; thread-safe.
   *
   * <pre>{@code
   * StoryReel reel = StoryReel.builder().writer("openai").preset(Preset.named("horror")).build();
   * WrittenStory w = reel.write(WriteRequest.builder("a lighthouse keeper hears knocking from
   *     below").targetWords(400).build(), Path.of("out"));
   * JobResult r = reel.render(w.story(), Path.of("out"));
   * }</pre>
   *
   * @param request the idea and options; never {@code null}
   * @param storage where the cache entry goes; never {@code null}
   * @return the story and where it came from
   * @throws ConfigurationException if no writer is configured (there is no offline writer); the
   *     message says which to configure
   * @throws ContentRefusedException if the moderator flags the idea; nothing was paid for
   * @throws NonRetriableException if the budget would be exceeded, or the writer fails for good
   * @throws RetriableException if the writer still fails transiently after the retries
   */
  public WrittenStory write(WriteRequest request, Storage storage) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(storage, "storage");
    if (writer == null) {
      throw new ConfigurationException("No story writer is configured, and there is no offline"
          + " writer: a story is written by a language model. Configure one: on the command line"
          + " --writer openai, in code StoryReel.builder().writer(\"openai\"), with the"
          + " dependency dev.storyreel:storyreel-providers-openai and OPENAI_API_KEY set (or"
          + " openai.baseUrl pointing at a local OpenAI-compatible server). Or write the story"
          + " yourself and render it.");
    }
    if (preset != null && request.genre().isEmpty()) {
      request = new WriteRequest(request.idea(), preset.id(),
          preset.writing() == null ? "" : preset.writing(), request.targetWords(),
          request.audience(), request.language());
    }
    storage.preflight();
    return WriteStage.write(new WriteStage.Config(writer, moderator, prices, budgetUsd,
        retryPolicy, listener, cache), request, storage);
  }

  /** @return the configured writer, if any */
  public java.util.Optional<StoryWriter> writer() {
    return java.util.Optional.ofNullable(writer);
  }

  /**
   * Renders a story into a local folder and waits for the result.
   *
   * @param story the story; never {@code null}
   * @param outputDir the folder for the outputs; created if missing
   * @return the outputs
   * @throws InvalidInputException before any work if the story is over the limit, has an
   *     over-long word or no word the voice can speak, the folder cannot be written, or outputs
   *     exist there and overwriting is off
   * @throws ConfigurationException before any work if the renderer cannot render this format
   *     with its settings (see {@link Renderer#preflight})
   * @throws StoryReelException if a stage fails
   * @throws CancellationException if the job was cancelled
   */
  public JobResult render(Story story, Path outputDir) {
    return render(story, new LocalStorage(outputDir));
  }

  /**
   * Renders a story into a storage and waits for the result.
   *
   * @param story the story; never {@code null}
   * @param storage where the outputs go; never {@code null}
   * @return the outputs
   * @throws InvalidInputException before any work, as for {@link #submit(Story, Storage)}
   * @throws ConfigurationException before any work, as for {@link #submit(Story, Storage)}
   * @throws StoryReelException if a stage fails
   * @throws CancellationException if the job was cancelled (or this thread interrupted)
   */
  public JobResult render(Story story, Storage storage) {
    Job job = submit(story, storage);
    try {
      return job.result().get();
    } catch (InterruptedException e) {
      job.cancel();
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while waiting for the job; it was cancelled");
    } catch (java.util.concurrent.ExecutionException | CompletionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException r) {
        throw r;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new NonRetriableException("job failed: " + c, c);
    }
  }

  /**
   * Checks the input and starts a job in the background.
   *
   * <p>Checks, in order and before any provider is called or anything is written: the story's
   * length against {@link Builder#maxStoryChars(int)}, each word's length against {@link
   * Builder#maxWordChars(int)}, the voice against {@link SpeechProvider#voices()}, that the
   * speech provider can say at least one word of the story ({@link
   * SpeechProvider#canSpeak(String)}), that the renderer can render the format with its settings ({@link
   * Renderer#preflight(VideoFormat)}: for FFmpeg, that the encoder opens), that the storage can
   * be written ({@link Storage#preflight()}), and, unless {@link
   * Builder#overwrite(boolean)} is on, that the storage holds no finished output of other inputs:
   * a {@code manifest.json} whose {@link Manifest#inputKey()} differs from this job's (or that
   * cannot be read). Outputs without a manifest are an interrupted run and are resumed.
   *
   * <p>Once planned, every job checks its plan's {@linkplain CostEstimate estimate} against the
   * {@linkplain Builder#budgetUsd budget} before its first image or narration (failing with a
   * {@link BudgetExceededException}), and publishes the plan ({@link Job#plan()}, {@link
   * ProgressEvent.PlanReady}); with {@link Builder#requireApproval(boolean)} it then waits in
   * {@link JobState#AWAITING_APPROVAL} for {@link Job#approve()}.
   *
   * @param story the story; never {@code null}
   * @param storage where the outputs go; never {@code null}
   * @return the running job
   * @throws InvalidInputException if a check of the story or the storage fails, naming the
   *     problem and the fix
   * @throws ConfigurationException if the renderer's preflight fails, naming the setting to
   *     change
   */
  public Job submit(Story story, Storage storage) {
    Objects.requireNonNull(story, "story");
    Objects.requireNonNull(storage, "storage");
    return start(story, storage, null);
  }

  /** {@link #submit}'s checks, then the job; {@code given} is a plan to make without planning. */
  private Job start(Story story, Storage storage, @Nullable Plan given) {
    String inputKey = preflight(story, storage, given);
    PlanGate gate = given != null ? new PlanGate(given, false, null)
        : new PlanGate(null, requireApproval, requireApproval ? previews() : null);
    Pipeline p = new Pipeline(config(inputKey), story, storage, gate);
    p.start();
    return p;
  }

  /** The job's input key: everything that changes its outputs. */
  private String inputKey(Story story, @Nullable Plan given) {
    List<String> parts = new java.util.ArrayList<>(List.of(
        given != null ? "plan=" + planKey(given) : planner.fingerprint(),
        images.fingerprint(), speech.fingerprint(), aligner.fingerprint(),
        renderer.fingerprint(), music == null ? "no-music" : music.fingerprint(),
        effects == null ? "no-effects" : effects.fingerprint(),
        "mood=" + (mood == null ? "" : mood.id()), "musicGainDb=" + musicGainDb,
        "ducking=" + ducking, "mix=" + mix));
    if (clips.provider() != null) {
      parts.add(clipsKey()); // absent without clips, so other jobs keep their keys
    }
    if (!motion.isEmpty()) {
      parts.add("motion=" + motion.fingerprint()); // likewise absent without motion settings
    }
    return CacheKeys.job(story, format, visualStyle, voice, seed, parts);
  }

  /**
   * The tasks of the job that {@link #submit submit(story, storage)} would run, to be run one at
   * a time on any machine with this configuration that reaches {@code storage} (for example by
   * the Temporal workers of module {@code storyreel-distributed-temporal}). Runs {@link #submit}'s
   * checks first, in the same order, before anything is called or written; starts nothing. Every
   * JVM that runs the job's tasks must build its {@code StoryReel} the same way (the same
   * providers, format, seed and settings), or their cache keys differ and work is repeated.
   *
   * @param story the story; never {@code null}
   * @param storage the job's storage, shared by every machine that runs its tasks; never {@code
   *     null}
   * @return the job's tasks; never {@code null}
   * @throws InvalidInputException if a check of the story or the storage fails, as for {@link
   *     #submit}
   * @throws ConfigurationException if the renderer's preflight fails
   */
  public JobTasks tasks(Story story, Storage storage) {
    Objects.requireNonNull(story, "story");
    Objects.requireNonNull(storage, "storage");
    return new DistributedTasks(config(preflight(story, storage, null)), story, storage);
  }

  /** {@link #submit}'s checks, in order; returns the job's input key. */
  private String preflight(Story story, Storage storage, @Nullable Plan given) {
    checkStory(story);
    preflightRenderer();
    if (music != null && mood != null) {
      // The mood asked for; the planner's moods are checked once known, before any asset.
      music.preflight(java.util.EnumSet.of(mood));
    }
    if (effects != null) {
      effects.preflight();
    }
    // The background and the watermark: bad files are refused before the planner is paid.
    motion.check(renderer);
    storage.preflight();
    String inputKey = inputKey(story, given);
    checkExistingOutput(storage, inputKey);
    return inputKey;
  }

  /** What the clip settings add to a job's input key; the same for every job without clips. */
  private String clipsKey() {
    return "clips=" + clips.provider().fingerprint() + " " + clips.selection() + " fit="
        + (clips.fit() == null ? "auto" : clips.fit().id());
  }

  /** The story checks of {@link #submit}, also run by {@link #plan(Story, Storage)}. */
  private void checkStory(Story story) {
    int len = story.text().length();
    if (len > maxStoryChars) {
      throw new InvalidInputException(
          "The story is " + len + " characters long, over the limit of " + maxStoryChars
              + ". Shorten it, split it into parts, or raise the limit with"
              + " StoryReel.builder().maxStoryChars(n) (CLI: --max-chars).");
    }
    List<String> words = Words.split(story.text());
    checkWordLengths(story.text(), words);
    if (voice != null && !speech.voices().isEmpty() && !speech.voices().contains(voice)) {
      throw new InvalidInputException(
          "Unknown voice '" + voice + "' for " + speech.name() + ". Available voices: "
              + String.join(", ", speech.voices()) + ".");
    }
    checkSpeakable(story.text(), words);
  }

  /** Refuses, unless overwriting, a finished output in the storage made from other inputs. */
  private void checkExistingOutput(Storage storage, String inputKey) {
    if (!overwrite && storage.head("manifest.json").isPresent()) {
      String existingKey = null;
      try (java.io.InputStream in = storage.open("manifest.json")) {
        existingKey = Manifest.read(in).inputKey();
      } catch (java.io.IOException | RuntimeException e) {
        // unreadable: treat as a finished output of other inputs
      }
      if (!inputKey.equals(existingKey)) {
        List<String> existing = storage.list("");
        List<String> clash = OUTPUT_KEYS.stream().filter(existing::contains).toList();
        throw new InvalidInputException(
            "Output already exists: " + clash + " in " + storage.locate("manifest.json")
                + ", made from other inputs. It was kept. Choose another output folder, or"
                + " replace it with StoryReel.builder().overwrite(true) (CLI: --force);"
                + " assets it shares with this story are reused from its cache.");
      }
    }
  }

  /** @return what a job with this input key needs */
  private Pipeline.Config config(String inputKey) {
    return new Pipeline.Config(planner, images, speech, aligner, renderer, format, voice,
        visualStyle, retryPolicy, concurrency, listener, seed, workDir, cache, inputKey,
        moderator, prices, budgetUsd, narrationBounds, music, effects, mood, musicGainDb,
        ducking, mix, clips, motion);
  }

  /**
   * Plans a story without making anything else: the storyboard from the configured planner (the
   * only call that may be paid), moderated when a moderator is set, the cost estimate of making
   * it from the {@linkplain Builder#priceTable(PriceTable) price table} (see {@link CostEstimate}
   * for the assumptions), and the {@linkplain StoryboardSheet sheet}, whose previews come from a
   * free image provider ({@link Builder#previewImages(ImageProvider)}). Nothing is stored; the
   * planner is asked every time. Blocks until planned. Make the video with {@link #produce}.
   *
   * @param story the story; never {@code null}
   * @return the plan
   * @throws InvalidInputException before any call if the story fails {@link #submit}'s checks
   * @throws StoryReelException if the planner or the moderator fails for good
   * @throws CancellationException if this thread is interrupted
   */
  public Plan plan(Story story) {
    Path tmp;
    try {
      java.nio.file.Files.createDirectories(workDir);
      tmp = java.nio.file.Files.createTempDirectory(workDir, "storyreel-plan-");
    } catch (java.io.IOException e) {
      throw new InvalidInputException("The work folder " + workDir + " cannot be written: "
          + e.getMessage() + ". Choose another with StoryReel.builder().workDir(dir).", e);
    }
    try {
      return plan(story, new LocalStorage(tmp));
    } finally {
      try (java.util.stream.Stream<Path> walk = java.nio.file.Files.walk(tmp)) {
        for (Path f : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
          java.nio.file.Files.deleteIfExists(f);
        }
      } catch (java.io.IOException | java.io.UncheckedIOException e) {
        LoggerFactory.getLogger(StoryReel.class).warn("cannot delete {}: {}", tmp, e.getMessage());
      }
    }
  }

  /**
   * Plans a story, as {@link #plan(Story)} does, through the asset cache of a storage: a story
   * planned before into it is not planned (or paid for) again, and a job later submitted into it
   * with the same story finds the storyboard there. Writes only under {@code cache/}. The
   * estimate counts an asset already in that cache as free.
   *
   * @param story the story; never {@code null}
   * @param storage whose cache is used; never {@code null}
   * @return the plan
   * @throws InvalidInputException before any call if the story fails {@link #submit}'s checks
   *     or the storage cannot be written
   * @throws StoryReelException if the planner or the moderator fails for good
   * @throws CancellationException if this thread is interrupted
   */
  public Plan plan(Story story, Storage storage) {
    Objects.requireNonNull(story, "story");
    Objects.requireNonNull(storage, "storage");
    checkStory(story);
    storage.preflight();
    try {
      return Planning.plan(config(""), story, storage, previews());
    } catch (RuntimeException e) {
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while planning");
    } catch (Exception e) {
      throw new NonRetriableException("planning failed: " + e.getMessage(), e);
    }
  }

  /**
   * Makes the video of a plan (from {@link #plan}, perhaps saved, edited and {@linkplain
   * Plan#read read} back) and starts the job as {@link #submit} does. The planner is not called:
   * the plan's storyboard is made as it is (moderated again when a moderator is set, since its
   * prompts may have been edited). Before anything is written the plan's narrations are checked
   * against its story, the cost of making it is estimated again for this storage's cache, and
   * the estimate is checked against the {@linkplain Builder#budgetUsd budget}.
   *
   * @param plan the plan; never {@code null}
   * @param storage where the outputs go; never {@code null}
   * @return the running job
   * @throws InvalidInputException if the plan's narrations are not its story's words, or a check
   *     of {@link #submit} fails
   * @throws BudgetExceededException if the estimate is over the budget; nothing was spent
   * @throws ConfigurationException as for {@link #submit}
   */
  public Job produce(Plan plan, Storage storage) {
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(storage, "storage");
    PlanJson.checkNarrations(plan.story(), plan.shots());
    // Clip indexes and the user's own files, before anything is written or paid for.
    PlanGate.checkMotion(config(""), plan);
    PlanGate.checkBudget(budgetUsd, BigDecimal.ZERO, estimate(plan, storage));
    return start(plan.story(), storage, plan);
  }

  /**
   * Estimates what making a plan's video into a storage costs now, as {@link #produce} does
   * before it starts: with this instance's providers and prices, an asset already in the
   * storage's cache counted as free. Calls no provider.
   *
   * @param plan the plan; never {@code null}
   * @param storage the storage whose cache is looked in, or {@code null} for none
   * @return the estimate, with no planning item
   */
  public CostEstimate estimate(Plan plan, @Nullable Storage storage) {
    Objects.requireNonNull(plan, "plan");
    return PlanEstimator.estimate(config(""), plan, storage);
  }

  /**
   * Draws a plan's sheet again, for example for a plan read from JSON: previews from the free
   * image provider ({@link Builder#previewImages(ImageProvider)}), nothing paid.
   *
   * @param plan the plan; never {@code null}
   * @return the sheet
   */
  public StoryboardSheet sheet(Plan plan) {
    Objects.requireNonNull(plan, "plan");
    return dev.storyreel.core.internal.SheetPainter.paint(plan, format, previews(), seed);
  }

  /** @return the key of a plan's storyboard, for the job's input key */
  private static String planKey(Plan plan) {
    return PlanJson.key(plan);
  }

  /**
   * @return the image provider of sheets: the one set, else the best free one found, else the
   *     job's own when it has no price; {@code null} when none (grey boxes)
   */
  private @Nullable ImageProvider previews() {
    if (previewImages != null) {
      return previewImages;
    }
    java.util.Optional<ImageProvider> found = foundPreviews;
    if (found == null) {
      ImageProvider p = null;
      try {
        p = Providers.create(ImageProvider.class, null, withPreset(settings, preset));
      } catch (ConfigurationException e) {
        if (prices.price(images.name(), images.model()).isEmpty()) {
          p = images;
        }
      }
      found = java.util.Optional.ofNullable(p);
      foundPreviews = found;
    }
    return found.orElse(null);
  }

  /** Refuses a story with a word over {@link #maxWordChars}. */
  private void checkWordLengths(String text, List<String> words) {
    int pos = 0;
    for (int i = 0; i < words.size(); i++) {
      String w = words.get(i);
      pos = text.indexOf(w, pos);
      int chars = w.codePointCount(0, w.length());
      if (chars > maxWordChars) {
        throw new InvalidInputException(
            "Word " + (i + 1) + " of the story (" + where(text, pos) + ") is " + chars
                + " characters long, over the limit of " + maxWordChars + ": \"" + quote(w)
                + "\". A word that long is read out letter by letter and fits no caption. Put"
                + " spaces in it, or raise the limit with StoryReel.builder().maxWordChars(n).");
      }
      pos += w.length();
    }
  }

  /** Refuses a story with no word the speech provider can say. */
  private void checkSpeakable(String text, List<String> words) {
    for (String w : words) {
      if (speech.canSpeak(w)) {
        return;
      }
    }
    String voiceName = voice != null ? voice : speech.model();
    Locale lang = speech.language();
    String language = lang == null || lang.getLanguage().isEmpty()
        ? "the languages it speaks" : lang.getDisplayName(Locale.ENGLISH);
    throw new InvalidInputException(
        "The story has no word that voice " + voiceName + " of speech provider " + speech.name()
            + " can speak: it speaks " + language + ", and the story is only in other scripts,"
            + " emoji or symbols (it begins \"" + quote(text.strip()) + "\"). Write the story in "
            + language + ", or choose a speech provider that speaks the story's language"
            + " (StoryReel.builder().speech(name); CLI: --speech NAME).");
  }

  /** @return {@code line L, column C} of a UTF-16 offset, both from 1, columns in code points */
  private static String where(String text, int offset) {
    int line = 1;
    int lineStart = 0;
    for (int i = 0; i < offset; i++) {
      if (text.charAt(i) == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    return "line " + line + ", column " + (text.codePointCount(lineStart, offset) + 1);
  }

  /** @return the first {@link #QUOTED_CHARS} code points of a text, printable, with … if cut */
  private static String quote(String text) {
    String p = Captions.printable(text);
    int n = p.codePointCount(0, p.length());
    return n <= QUOTED_CHARS ? p : p.substring(0, p.offsetByCodePoints(0, QUOTED_CHARS)) + "…";
  }

  /** Runs the renderer's preflight; any failure there is a {@link ConfigurationException}. */
  private void preflightRenderer() {
    try {
      renderer.preflight(format);
    } catch (ConfigurationException | CancellationException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ConfigurationException(
          "Renderer " + renderer.name() + " cannot render " + format + " with its settings: "
              + e.getMessage() + ". Change its settings or the format; nothing was made.",
          e);
    }
  }

  /** @return the output format */
  public VideoFormat format() {
    return format;
  }

  @Override
  public String toString() {
    return "StoryReel[format=" + format + ", planner=" + planner.name() + ", images="
        + images.name() + ", speech=" + speech.name() + ", renderer=" + renderer.name() + "]";
  }

  /** Builds a {@link StoryReel}; not thread-safe. Every setter validates at once. */
  public static final class Builder {
    private StoryPlanner planner;
    private ImageProvider images;
    private SpeechProvider speech;
    private Aligner aligner;
    private Renderer renderer;
    private String plannerName;
    private String imagesName;
    private String speechName;
    private String alignerName;
    private String rendererName;
    private ProviderSettings settings = ProviderSettings.EMPTY;
    private VideoFormat format = VideoFormat.portrait();
    private String voice;
    private String visualStyle = "";
    private int maxStoryChars = DEFAULT_MAX_STORY_CHARS;
    private int maxWordChars = DEFAULT_MAX_WORD_CHARS;
    private RetryPolicy retryPolicy = RetryPolicy.defaults();
    private final Map<String, Integer> concurrency = new LinkedHashMap<>();
    private ProgressListener listener = ProgressListener.NONE;
    private boolean overwrite;
    private boolean cache = true;
    private long seed = 1;
    private Path workDir = Path.of(System.getProperty("java.io.tmpdir"));
    private Moderator moderator;
    private String moderatorName;
    private PriceTable prices = PriceTable.defaults();
    private BigDecimal budgetUsd;
    private StoryWriter writer;
    private String writerName;
    private Preset preset;
    private NarrationBounds narrationBounds = NarrationBounds.defaults();
    private MusicProvider music;
    private String musicName;
    private boolean noMusic;
    private SoundEffectProvider effects;
    private String effectsName;
    private Mood mood;
    private double musicGainDb = DEFAULT_MUSIC_GAIN_DB;
    private Ducking ducking = Ducking.DEFAULTS;
    private MixSettings mix = MixSettings.DEFAULTS;
    private BackgroundVideo background;
    private TitleCard titleCard;
    private TitleCard endCard;
    private Watermark watermark;
    private boolean requireApproval;
    private ImageProvider previewImages;
    private ClipProvider clipProvider;
    private String clipProviderName;
    private ClipSelection clipSelection = ClipSelection.none();
    private ClipFit clipFit;

    private Builder() {
      concurrency.put("planning", 1);
      concurrency.put("speech", 2);
      concurrency.put("image", 4);
      concurrency.put("alignment", 2);
      concurrency.put("cpu", Runtime.getRuntime().availableProcessors());
    }

    /**
     * @param format frame size and rate; default {@link VideoFormat#portrait()} (1080x1920, 30 fps)
     * @return this builder
     */
    public Builder format(VideoFormat format) {
      this.format = Objects.requireNonNull(format, "format");
      return this;
    }

    /**
     * @param planner the planner to use; default: the best one found by {@link Providers}
     * @return this builder
     */
    public Builder planner(StoryPlanner planner) {
      this.planner = Objects.requireNonNull(planner, "planner");
      return this;
    }

    /**
     * @param name the registered name of the planner to discover, for example {@code rules}
     * @return this builder
     */
    public Builder planner(String name) {
      this.plannerName = Objects.requireNonNull(name, "name");
      this.planner = null;
      return this;
    }

    /**
     * @param images the image provider to use; default: the best one found
     * @return this builder
     */
    public Builder images(ImageProvider images) {
      this.images = Objects.requireNonNull(images, "images");
      return this;
    }

    /**
     * @param name the registered name of the image provider, for example {@code procedural}
     * @return this builder
     */
    public Builder images(String name) {
      this.imagesName = Objects.requireNonNull(name, "name");
      this.images = null;
      return this;
    }

    /**
     * @param provider the image-to-video provider that makes the segments' clips ({@link
     *     #clips(ClipSelection)}, a plan's {@code clip} shots); default: none, and a job that asks
     *     for a clip without one is refused before anything is paid for
     * @return this builder
     */
    public Builder clipProvider(ClipProvider provider) {
      this.clipProvider = Objects.requireNonNull(provider, "provider");
      this.clipProviderName = null;
      return this;
    }

    /**
     * @param name the registered name of the clip provider, for example {@code replicate}
     *     (module {@code storyreel-providers-replicate}); created from the provider settings
     *     when {@link #build()} runs
     * @return this builder
     */
    public Builder clipProvider(String name) {
      this.clipProviderName = Objects.requireNonNull(name, "name");
      this.clipProvider = null;
      return this;
    }

    /**
     * @param selection the segments that get a moving clip (indexes from 0, or all), besides a
     *     plan's {@code clip} shots; default {@link ClipSelection#none()}. An index past the
     *     storyboard's last segment fails the job before any asset is paid for (with a plan:
     *     before anything at all)
     * @return this builder
     */
    public Builder clips(ClipSelection selection) {
      this.clipSelection = Objects.requireNonNull(selection, "selection");
      return this;
    }

    /**
     * @param fit how every clip is fitted to its segment, or {@code null} (the default) for
     *     {@link ClipFit#resolve}'s choice per clip: trim a longer clip, slow a shorter one by up
     *     to 1.5x, else ping-pong
     * @return this builder
     */
    public Builder clipFit(@Nullable ClipFit fit) {
      this.clipFit = fit;
      return this;
    }

    /**
     * @param speech the speech provider to use; default: the best one found
     * @return this builder
     */
    public Builder speech(SpeechProvider speech) {
      this.speech = Objects.requireNonNull(speech, "speech");
      return this;
    }

    /**
     * @param name the registered name of the speech provider, for example {@code freetts}
     * @return this builder
     */
    public Builder speech(String name) {
      this.speechName = Objects.requireNonNull(name, "name");
      this.speech = null;
      return this;
    }

    /**
     * @param aligner times the words of narrations whose provider gave no timings; default: a
     *     proportional estimate
     * @return this builder
     */
    public Builder aligner(Aligner aligner) {
      this.aligner = Objects.requireNonNull(aligner, "aligner");
      return this;
    }

    /**
     * @param name the registered name of the aligner to discover
     * @return this builder
     */
    public Builder aligner(String name) {
      this.alignerName = Objects.requireNonNull(name, "name");
      this.aligner = null;
      return this;
    }

    /**
     * @param renderer the renderer to use; default: the best one found ({@code ffmpeg} from
     *     {@code storyreel-render-ffmpeg})
     * @return this builder
     */
    public Builder renderer(Renderer renderer) {
      this.renderer = Objects.requireNonNull(renderer, "renderer");
      return this;
    }

    /**
     * @param name the registered name of the renderer to discover
     * @return this builder
     */
    public Builder renderer(String name) {
      this.rendererName = Objects.requireNonNull(name, "name");
      this.renderer = null;
      return this;
    }

    /**
     * @param settings handed to every factory this builder discovers a provider with
     * @return this builder
     */
    public Builder providerSettings(ProviderSettings settings) {
      this.settings = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /**
     * @param voice the voice name passed to the speech provider, or {@code null} for its default
     * @return this builder
     */
    public Builder voice(@Nullable String voice) {
      this.voice = voice;
      return this;
    }

    /**
     * @param style the story-wide visual style; empty lets the planner choose; never {@code null}
     * @return this builder
     */
    public Builder visualStyle(String style) {
      this.visualStyle = Objects.requireNonNull(style, "style");
      return this;
    }

    /**
     * @param chars the longest story accepted, in characters (UTF-16 units), 1..10,000,000;
     *     default 50,000
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxStoryChars(int chars) {
      if (chars < 1 || chars > 10_000_000) {
        throw new IllegalArgumentException("maxStoryChars must be 1..10000000, was " + chars);
      }
      this.maxStoryChars = chars;
      return this;
    }

    /**
     * Limits one word's length (a run of non-whitespace characters, see {@link Words#split}); a
     * story with a longer word is refused before any work with a message that quotes the word's
     * start and gives its position. See {@link StoryReel#DEFAULT_MAX_WORD_CHARS} for why 64.
     *
     * @param chars the longest word accepted, in Unicode code points (an emoji counts once),
     *     1..10,000,000; default {@value StoryReel#DEFAULT_MAX_WORD_CHARS}
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxWordChars(int chars) {
      if (chars < 1 || chars > 10_000_000) {
        throw new IllegalArgumentException("maxWordChars must be 1..10000000, was " + chars);
      }
      this.maxWordChars = chars;
      return this;
    }

    /**
     * @param policy how retriable provider failures are retried; default {@link
     *     RetryPolicy#defaults()}
     * @return this builder
     */
    public Builder retryPolicy(RetryPolicy policy) {
      this.retryPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Limits how many tasks of one resource class run at once in a job. Defaults: {@code
     * planning} 1, {@code speech} 2, {@code image} 4, {@code alignment} 2, {@code cpu} =
     * available processors. A provider's own {@link
     * dev.storyreel.core.spi.AssetProvider#maxConcurrency()} lowers it further. The classes are
     * the providers' {@link dev.storyreel.core.spi.AssetProvider#resource()} ({@code planning},
     * {@code moderation}, {@code image}, {@code speech}, {@code alignment}, {@code music},
     * {@code sfx} by default) and {@code cpu}, held by the layout, timeline, render and publish
     * tasks.
     *
     * @param resource the resource class
     * @param max 1..256
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder concurrency(String resource, int max) {
      Objects.requireNonNull(resource, "resource");
      if (max < 1 || max > 256) {
        throw new IllegalArgumentException(
            "concurrency for " + resource + " must be 1..256, was " + max);
      }
      concurrency.put(resource, max);
      return this;
    }

    /**
     * @param listener receives progress events; may be called from several threads; default none
     * @return this builder
     */
    public Builder listener(ProgressListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * @param overwrite whether a job may replace a finished output (one with {@code
     *     manifest.json}) made from other inputs; default {@code false}, which fails before any
     *     work. An unfinished output, or a finished one of the same inputs, is always resumed.
     * @return this builder
     */
    public Builder overwrite(boolean overwrite) {
      this.overwrite = overwrite;
      return this;
    }

    /**
     * Whether assets already in the storage's asset cache ({@code cache/}) are reused. Off, every
     * asset is made again (paid calls included) and its cache entry replaced; the outputs are
     * still written and the manifest records every asset as a miss.
     *
     * @param cache default {@code true}
     * @return this builder
     */
    public Builder cache(boolean cache) {
      this.cache = cache;
      return this;
    }

    /**
     * @param seed the base seed for image generation; segment {@code i} uses {@code seed + i};
     *     default 1
     * @return this builder
     */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * @param dir where temporary files (the video being encoded) go; default {@code
     *     java.io.tmpdir}
     * @return this builder
     */
    public Builder workDir(Path dir) {
      this.workDir = Objects.requireNonNull(dir, "dir");
      return this;
    }

    /**
     * Turns on the moderation stage: after planning and before any paid asset is made, every
     * segment's narration and image prompt is checked, and a flagged one fails the job with a
     * {@link NonRetriableException} naming the segment and the categories. Default: off.
     *
     * @param moderator the moderator, or {@code null} to turn moderation off
     * @return this builder
     */
    public Builder moderator(@Nullable Moderator moderator) {
      this.moderator = moderator;
      this.moderatorName = null;
      return this;
    }

    /**
     * @param name the registered name of the moderator to discover, for example {@code openai};
     *     {@code null} turns moderation off
     * @return this builder
     */
    public Builder moderator(String name) {
      this.moderatorName = name;
      this.moderator = null;
      return this;
    }

    /**
     * @param prices prices the usage of every call for the manifest and the budget; default
     *     {@link PriceTable#defaults()}
     * @return this builder
     */
    public Builder priceTable(PriceTable prices) {
      this.prices = Objects.requireNonNull(prices, "prices");
      return this;
    }

    /**
     * Limits what one job may spend, estimated with the {@linkplain #priceTable(PriceTable) price
     * table}: before each paid call the job checks that the call's estimated cost still fits and,
     * if not, fails with a {@link NonRetriableException} before spending. Default: no limit.
     *
     * @param usd the limit in US dollars, {@code >= 0}, or {@code null} for none
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder budgetUsd(@Nullable BigDecimal usd) {
      if (usd != null && usd.signum() < 0) {
        throw new IllegalArgumentException("budgetUsd must be >= 0, was " + usd);
      }
      this.budgetUsd = usd;
      return this;
    }

    /**
     * @param writer writes stories from ideas ({@link StoryReel#write}); default none: there is
     *     no offline writer
     * @return this builder
     */
    public Builder writer(StoryWriter writer) {
      this.writer = Objects.requireNonNull(writer, "writer");
      this.writerName = null;
      return this;
    }

    /**
     * @param name the registered name of the writer to discover, for example {@code openai}
     *     (paid)
     * @return this builder
     */
    public Builder writer(String name) {
      this.writerName = Objects.requireNonNull(name, "name");
      this.writer = null;
      return this;
    }

    /**
     * Applies a genre preset: its visual style, voice (for the speech provider used), music mood,
     * effect density, pacing and speaking instructions (as provider settings), and, for {@link
     * StoryReel#write}, its genre. Whatever is set on this builder explicitly wins: a {@link
     * #visualStyle(String)} that is not blank, a {@link #voice(String)}, a {@link #mood(Mood)},
     * a {@linkplain #providerSettings setting} of the same key. Caption colours belong to the
     * renderer: apply {@link Preset#captionStyle(CaptionStyle)} to its caption style.
     *
     * @param preset the preset, or {@code null} for none (the default)
     * @return this builder
     */
    public Builder preset(@Nullable Preset preset) {
      this.preset = preset;
      return this;
    }

    /**
     * What duration a narration may have for the words it speaks: a narration outside these
     * bounds (a WAV cut short, minutes of silence, timings past the audio's end) is refused as a
     * provider failure before it is stored, and retried under the {@linkplain
     * #retryPolicy(RetryPolicy) retry policy}; one already in the cache is made again. Default:
     * {@link NarrationBounds#defaults()}.
     *
     * @param bounds the bounds; never {@code null}
     * @return this builder
     */
    public Builder narrationBounds(NarrationBounds bounds) {
      this.narrationBounds = Objects.requireNonNull(bounds, "bounds");
      return this;
    }

    /**
     * @param provider the music under the voice; default: {@value #DEFAULT_MUSIC} when found
     * @return this builder
     */
    public Builder music(MusicProvider provider) {
      this.music = Objects.requireNonNull(provider, "provider");
      this.musicName = null;
      this.noMusic = false;
      return this;
    }

    /**
     * @param name the registered name of the music provider, for example {@code procedural},
     *     {@code file} (with the setting {@code music.path}) or {@code replicate} (paid); {@code
     *     none} for no music. Default: {@value #DEFAULT_MUSIC} when it is on the class path, else
     *     none
     * @return this builder
     */
    public Builder music(String name) {
      Objects.requireNonNull(name, "name");
      this.music = null;
      this.noMusic = name.strip().equalsIgnoreCase("none");
      this.musicName = noMusic ? null : name.strip();
      return this;
    }

    /**
     * @param provider resolves the planner's sound cues; default none (cues are listed in the
     *     manifest as unresolved)
     * @return this builder
     */
    public Builder effects(SoundEffectProvider provider) {
      this.effects = Objects.requireNonNull(provider, "provider");
      this.effectsName = null;
      return this;
    }

    /**
     * @param name the registered name of the sound-effect provider, for example {@code folder}
     *     (with the setting {@code sfx.path}); {@code none} for none
     * @return this builder
     */
    public Builder effects(String name) {
      Objects.requireNonNull(name, "name");
      this.effects = null;
      this.effectsName = name.strip().equalsIgnoreCase("none") ? null : name.strip();
      return this;
    }

    /**
     * @param mood the story's mood when the planner gives none, or {@code null}: default {@link
     *     Mood#DEFAULT}
     * @return this builder
     */
    public Builder mood(@Nullable Mood mood) {
      this.mood = mood;
      return this;
    }

    /**
     * @param db the music's level in the mix before ducking, in dB relative to the bed's own
     *     level, -60..0; default {@value #DEFAULT_MUSIC_GAIN_DB}
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder musicGainDb(double db) {
      if (!(db >= -60 && db <= 0)) {
        throw new IllegalArgumentException("music gain must be -60..0 dB, was " + db);
      }
      this.musicGainDb = db;
      return this;
    }

    /**
     * @param ducking how far the music goes down while words are spoken, when it comes back up,
     *     and how fast; default {@link Ducking#DEFAULTS} (12 dB, gaps over 0.8 s, 150 ms ramps)
     * @return this builder
     */
    public Builder ducking(Ducking ducking) {
      this.ducking = Objects.requireNonNull(ducking, "ducking");
      return this;
    }

    /**
     * @param mix the loudness target, true-peak ceiling and whether stems are written; default
     *     {@link MixSettings#DEFAULTS} (-14 LUFS, -1 dBTP, no stems)
     * @return this builder
     */
    public Builder mix(MixSettings mix) {
      this.mix = Objects.requireNonNull(mix, "mix");
      return this;
    }

    /**
     * Puts one video under the whole story (the "gameplay under a story" format): segments then
     * show it, looped with a crossfade, scaled to cover the format, blurred and dimmed as it
     * says, its audio muted or mixed at its gain. Stills are drawn over it only where the
     * storyboard gives a segment its own still or clip. The file is probed with the renderer's
     * {@link Renderer#probeVideo} when a job is submitted, before anything is paid.
     *
     * @param background the video, or {@code null} for none (the default)
     * @return this builder
     */
    public Builder background(@Nullable BackgroundVideo background) {
      this.background = background;
      return this;
    }

    /**
     * @param card a title card shown over the pictures from its start to its end, fading in and
     *     out (for example {@code TitleCard.title(story.title())}), or {@code null} for none (the
     *     default); cut at the video's end
     * @return this builder
     */
    public Builder titleCard(@Nullable TitleCard card) {
      this.titleCard = card;
      return this;
    }

    /**
     * @param card an end card, or {@code null} for none (the default): it lasts its own {@code
     *     end - start} and is placed to end with the video, whatever its start says
     * @return this builder
     */
    public Builder endCard(@Nullable TitleCard card) {
      this.endCard = card;
      return this;
    }

    /**
     * @param watermark a picture in a corner of every frame from its start to its end (cut at the
     *     video's end), or {@code null} for none (the default); loaded when a job is submitted,
     *     and refused then if it is not an image
     * @return this builder
     */
    public Builder watermark(@Nullable Watermark watermark) {
      this.watermark = watermark;
      return this;
    }

    /**
     * Whether a {@linkplain StoryReel#submit submitted} job waits for approval before spending:
     * it plans (the planner call is the only paid one), publishes its {@link Plan} ({@link
     * Job#plan()}, {@link ProgressEvent.PlanReady}, with the estimate and the sheet), and waits
     * in {@link JobState#AWAITING_APPROVAL} until {@link Job#approve()} (it then makes the video)
     * or {@link Job#reject()} / {@link Job#cancel()} (it ends {@link JobState#CANCELLED},
     * having spent nothing beyond planning). Jobs of {@link StoryReel#produce} are approved
     * already. Default: off.
     *
     * @param required whether approval is required
     * @return this builder
     */
    public Builder requireApproval(boolean required) {
      this.requireApproval = required;
      return this;
    }

    /**
     * @param provider draws the previews of {@linkplain StoryboardSheet storyboard sheets}; it
     *     should be free (it is called for every plan). Default: the best free image provider
     *     found by {@link Providers} ({@code procedural} from {@code storyreel-providers-offline}),
     *     else the job's own image provider when the price table has no price for it, else none
     *     (grey boxes)
     * @return this builder
     */
    public Builder previewImages(ImageProvider provider) {
      this.previewImages = Objects.requireNonNull(provider, "provider");
      return this;
    }

    /**
     * Discovers the providers not set and builds.
     *
     * @return the instance
     * @throws ConfigurationException if a provider cannot be found, listing what was found and
     *     the module to add
     */
    public StoryReel build() {
      return new StoryReel(this);
    }
  }
}
