package dev.storyreel.core.internal;

import dev.storyreel.core.AssetRef;
import dev.storyreel.core.CaptionCue;
import dev.storyreel.core.Captions;
import dev.storyreel.core.Job;
import dev.storyreel.core.JobResult;
import dev.storyreel.core.JobState;
import dev.storyreel.core.Manifest;
import dev.storyreel.core.Narration;
import dev.storyreel.core.NarrationBounds;
import dev.storyreel.core.NarrationChecks;
import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.PcmAudio;
import dev.storyreel.core.ProgressEvent;
import dev.storyreel.core.ProgressListener;
import dev.storyreel.core.RetriableException;
import dev.storyreel.core.RetryPolicy;
import dev.storyreel.core.Segment;
import dev.storyreel.core.Story;
import dev.storyreel.core.StoryReelException;
import dev.storyreel.core.Storyboard;
import dev.storyreel.core.Usage;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.WordTiming;
import dev.storyreel.core.Words;
import dev.storyreel.core.http.ImageChecks;
import dev.storyreel.core.internal.TaskGraph.TaskKey;
import dev.storyreel.core.spi.Aligner;
import dev.storyreel.core.spi.AssetProvider;
import dev.storyreel.core.spi.GeneratedImage;
import dev.storyreel.core.spi.ImageProvider;
import dev.storyreel.core.spi.ImageRequest;
import dev.storyreel.core.spi.ImageSource;
import dev.storyreel.core.spi.PendingWork;
import dev.storyreel.core.spi.RenderResult;
import dev.storyreel.core.spi.Renderer;
import dev.storyreel.core.spi.SpeechProvider;
import dev.storyreel.core.spi.SpeechRequest;
import dev.storyreel.core.spi.Storage;
import dev.storyreel.core.spi.StoryPlanner;
import dev.storyreel.core.timeline.AudioSource;
import dev.storyreel.core.timeline.MixSettings;
import dev.storyreel.core.timeline.MusicTrack;
import dev.storyreel.core.timeline.NarrationClip;
import dev.storyreel.core.timeline.NarrationTrack;
import dev.storyreel.core.timeline.Timeline;
import dev.storyreel.core.timeline.VisualClip;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.imageio.ImageIO;

/**
 * One job of {@link dev.storyreel.core.StoryReel}: plan, make assets, render, publish. Each stage
 * runs as a {@link TaskGraph} so that retries, limits and cancellation work the same everywhere.
 */
public final class Pipeline implements Job {
  private static final System.Logger LOG = System.getLogger(Pipeline.class.getName());
  private static final String VERSION = "storyreel 0.1.0";
  /** How long a failed or cancelled job waits for interrupted tasks to return. */
  private static final Duration QUIESCENCE_TIMEOUT = Duration.ofSeconds(30);
  /**
   * How long the asset tasks already running may go on after one asset failed for good: long
   * enough for a paid call in flight (an image, a narration, a Replicate prediction being
   * polled) to receive its answer and store it, so that nothing paid for is thrown away.
   */
  static final Duration FAILURE_GRACE = Duration.ofMinutes(3);

  /**
   * What a job needs from its {@code StoryReel}.
   *
   * @param planner the planner
   * @param images the image provider
   * @param speech the speech provider
   * @param aligner the aligner for narrations without timings
   * @param renderer the renderer
   * @param format frame size and rate
   * @param voice voice name or {@code null}
   * @param visualStyle the requested style, may be empty
   * @param retry the retry policy
   * @param concurrency limits per resource class
   * @param listener the caller's listener
   * @param seed base image seed
   * @param workDir folder for temporary files
   * @param cacheReads whether the asset cache may be read (entries are written either way)
   * @param inputKey the job's {@link CacheKeys#job} key, recorded in the manifest
   * @param moderator checks narrations and image prompts before any paid asset, or {@code null}
   * @param prices prices the calls' usage
   * @param budgetUsd the job's spending limit in US dollars, or {@code null} for none
   * @param narrationBounds what a plausible narration's duration is, for the words it speaks
   */
  public record Config(
      StoryPlanner planner,
      ImageProvider images,
      SpeechProvider speech,
      Aligner aligner,
      Renderer renderer,
      VideoFormat format,
      String voice,
      String visualStyle,
      RetryPolicy retry,
      Map<String, Integer> concurrency,
      ProgressListener listener,
      long seed,
      Path workDir,
      boolean cacheReads,
      String inputKey,
      dev.storyreel.core.spi.Moderator moderator,
      dev.storyreel.core.PriceTable prices,
      java.math.BigDecimal budgetUsd,
      NarrationBounds narrationBounds) {}

  private final Config cfg;
  private final Story story;
  private final Storage storage;
  private final ProgressListener listener;
  private final AssetCache cache;
  private volatile Manifest.CacheUse storyboardUse;
  private volatile Usage planUsage = Usage.NONE;
  private final CompletableFuture<JobResult> result = new CompletableFuture<>();
  private final AtomicReference<JobState> state = new AtomicReference<>(JobState.PLANNING);
  private final AtomicReference<TaskGraph.Execution> current = new AtomicReference<>();
  private volatile boolean cancelled;
  private volatile Thread worker;
  private final Metering metering;

  /**
   * @param cfg the job's settings and providers
   * @param story the story
   * @param storage where outputs go
   */
  public Pipeline(Config cfg, Story story, Storage storage) {
    this.cfg = cfg;
    this.story = story;
    this.storage = storage;
    this.listener = SafeListener.wrap(cfg.listener());
    this.cache = new AssetCache(storage, cfg.cacheReads());
    this.metering = new Metering(cfg.prices(), new dev.storyreel.core.Budget(cfg.budgetUsd()));
  }

  /** Starts the job's thread. */
  public void start() {
    Thread t = new Thread(this::run, "storyreel-job");
    t.setDaemon(true);
    worker = t;
    t.start();
  }

  @Override
  public JobState state() {
    return state.get();
  }

  @Override
  public CompletableFuture<JobResult> result() {
    return result;
  }

  @Override
  public void cancel() {
    if (result.isDone()) {
      return;
    }
    cancelled = true;
    TaskGraph.Execution e = current.get();
    if (e != null) {
      e.cancel();
    }
    Thread t = worker;
    if (t != null) {
      t.interrupt();
    }
  }

  private void setState(JobState s) {
    state.set(s);
    listener.onEvent(new ProgressEvent.JobStateChanged(s));
  }

  /**
   * The job's own temporary folder below the configured work folder: named after the output's
   * location, so that a run killed with {@code kill -9} leaves its partial files where the next
   * run for the same output finds them and deletes them at its start.
   */
  private Path jobTempDir() {
    String where = storage.locate("manifest.json").toString();
    return cfg.workDir().resolve("storyreel-job-" + AssetCache.sha256(
        where.getBytes(StandardCharsets.UTF_8)).substring(0, 16));
  }

  private static void deleteTree(Path dir) {
    if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot delete the job's temporary folder " + dir
          + ": " + e.getMessage());
    }
  }

  private void run() {
    long t0 = System.nanoTime();
    Path tempDir = null;
    try {
      tempDir = jobTempDir();
      deleteTree(tempDir); // what a killed run left behind
      setState(JobState.PLANNING);
      // From here on the output is unfinished: a run killed at any point resumes (StoryReel.submit).
      storage.delete("manifest.json");
      Storyboard board = stage("plan", cfg.planner(), ctx -> plan());
      long tPlanned = System.nanoTime();
      listener.onEvent(new ProgressEvent.StoryboardPlanned(board.segments().size()));
      if (cfg.moderator() != null) {
        stage("moderate", cfg.moderator(), ctx -> Moderation.check(cfg.moderator(), board));
      }

      setState(JobState.GENERATING_ASSETS);
      Assets assets = makeAssets(board);
      long tAssets = System.nanoTime();

      setState(JobState.RENDERING);
      Laid tl = timeline(board, assets);
      Files.createDirectories(tempDir);
      Path tmp = Files.createTempFile(tempDir, "storyreel-", ".mp4");
      Timeline request = tl.request();
      String videoKey = videoKey(assets, tl);
      AssetCache.Cached<AssetCache.Video> video = stageCpu("render",
          ctx -> cache.video(videoKey, tmp, () -> cfg.renderer().render(request, tmp, listener)));
      RenderResult rendered = video.value().result();
      long tRendered = System.nanoTime();

      setState(JobState.PUBLISHING);
      JobResult out = publish(board, assets, tl, rendered, tmp,
          new long[] {t0, tPlanned, tAssets, tRendered}, video);
      // Cleaned before the caller hears of the end, so a finished job has left nothing behind.
      deleteTree(tempDir);
      setState(JobState.COMPLETED);
      result.complete(out);
    } catch (Throwable e) {
      if (tempDir != null) {
        deleteTree(tempDir);
      }
      Throwable cause = unwrap(e);
      if (cancelled || cause instanceof CancellationException || cause instanceof InterruptedException) {
        setState(JobState.CANCELLED);
        CancellationException ce = new CancellationException("the job was cancelled");
        if (cause != ce) {
          ce.initCause(cause);
        }
        result.completeExceptionally(ce);
      } else {
        LOG.log(System.Logger.Level.DEBUG, "job failed", cause);
        setState(JobState.FAILED);
        result.completeExceptionally(cause);
      }
    } finally {
      if (tempDir != null) {
        deleteTree(tempDir); // after an Error in a listener, say; the next run's start too
      }
    }
  }

  private static Throwable unwrap(Throwable e) {
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  /** Runs one task as its own graph and waits for it. */
  private <T> T stage(String id, AssetProvider provider, TaskGraph.Task<T> body) throws Exception {
    TaskGraph.Builder g = TaskGraph.builder().resourceLimit(provider.resource(), 1);
    TaskKey<T> key = g.add(id, provider.resource(), List.of(), body);
    return runGraph(g.build()).get(key);
  }

  private <T> T stageCpu(String id, TaskGraph.Task<T> body) throws Exception {
    TaskGraph.Builder g = TaskGraph.builder().resourceLimit("cpu", 1);
    TaskKey<T> key = g.add(id, "cpu", List.of(), body);
    // A renderer failure is not worth repeating at once: the same inputs fail the same way.
    return runGraph(g.build(), RetryPolicy.none()).get(key);
  }

  private TaskGraph.Results runGraph(TaskGraph graph) throws Exception {
    return runGraph(graph, cfg.retry());
  }

  private TaskGraph.Results runGraph(TaskGraph graph, RetryPolicy retry) throws Exception {
    return runGraph(graph, retry, Duration.ZERO);
  }

  private TaskGraph.Results runGraph(TaskGraph graph, RetryPolicy retry, Duration grace)
      throws Exception {
    if (cancelled) {
      throw new CancellationException("the job was cancelled");
    }
    TaskGraph.Execution exec = graph.start(retry, listener, grace);
    current.set(exec);
    if (cancelled) {
      exec.cancel();
    }
    try {
      return exec.completion().get();
    } catch (InterruptedException e) {
      exec.cancel();
      awaitQuiescence(exec);
      Thread.currentThread().interrupt();
      throw new CancellationException("the job was cancelled");
    } catch (CancellationException e) {
      awaitQuiescence(exec);
      throw e;
    } catch (ExecutionException e) {
      awaitQuiescence(exec);
      Throwable c = e.getCause();
      if (c instanceof Exception ex) {
        throw ex;
      }
      throw e;
    } finally {
      current.set(null);
    }
  }

  /**
   * Lets interrupted tasks of a failed or cancelled stage unwind before the job reports its end,
   * so nothing is still writing to the storage once the caller sees the result. Keeps the
   * caller's interrupt status.
   */
  private static void awaitQuiescence(TaskGraph.Execution exec) {
    boolean interrupted = Thread.interrupted();
    try {
      while (true) {
        try {
          if (!exec.awaitQuiescence(QUIESCENCE_TIMEOUT)) {
            LOG.log(System.Logger.Level.WARNING, "tasks still running "
                + QUIESCENCE_TIMEOUT.toSeconds() + " s after the stage ended; not waiting longer");
          }
          return;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private int limit(AssetProvider p) {
    int job = cfg.concurrency().getOrDefault(p.resource(), Integer.MAX_VALUE);
    return Math.max(1, Math.min(job, p.maxConcurrency()));
  }

  /** The stored assets of every segment. */
  private record Assets(List<ImageAsset> images, List<SpeechAsset> speech) {}

  /**
   * A stored picture. Not the decoded image: holding every segment's decoded picture (about 8 MB
   * each at 1080x1920) would make a job's memory grow with the video's length; the renderer
   * loads each one back from storage when it needs it ({@link #storedImage}).
   */
  private record ImageAsset(AssetRef ref, long seed, Manifest.CacheUse use, Usage usage) {}

  private record SpeechAsset(AssetRef ref, Narration narration, boolean aligned,
      Manifest.CacheUse use, Manifest.CacheUse timingsUse, Usage usage, Usage alignerUsage) {}

  private Assets makeAssets(Storyboard board) throws Exception {
    TaskGraph.Builder g = TaskGraph.builder()
        .resourceLimit(cfg.images().resource(), limit(cfg.images()))
        .resourceLimit(cfg.speech().resource(), limit(cfg.speech()));
    List<TaskKey<ImageAsset>> imageKeys = new ArrayList<>();
    List<TaskKey<SpeechAsset>> speechKeys = new ArrayList<>();
    for (Segment seg : board.segments()) {
      int i = seg.index();
      long seed = cfg.seed() + i;
      imageKeys.add(g.add(String.format("image-%03d", i), cfg.images().resource(), List.of(),
          ctx -> makeImage(seg, seed)));
      speechKeys.add(g.add(String.format("speech-%03d", i), cfg.speech().resource(), List.of(),
          ctx -> makeSpeech(seg)));
    }
    TaskGraph.Results r = runGraph(g.build(), cfg.retry(), FAILURE_GRACE);
    List<ImageAsset> imgs = new ArrayList<>();
    List<SpeechAsset> sp = new ArrayList<>();
    for (int i = 0; i < imageKeys.size(); i++) {
      imgs.add(r.get(imageKeys.get(i)));
      sp.add(r.get(speechKeys.get(i)));
    }
    return new Assets(imgs, sp);
  }

  private ImageAsset makeImage(Segment seg, long seed) {
    VideoFormat f = cfg.format();
    ImageRequest req = new ImageRequest(seg.index(), seg.imagePrompt(), f.widthPx(), f.heightPx(), seed);
    String key = CacheKeys.image(cfg.images().fingerprint(), req);
    PendingWork pending = cache.pending("image", key);
    Made<GeneratedImage> made = make(s -> cache.image(key, s, img -> checkImage(seg, img)),
        cfg.images(), "segment " + seg.index(), Usage.images(1),
        () -> cfg.images().generate(req, pending), GeneratedImage::usage);
    if (!made.use().hit()) {
      pending.clear(); // the asset is stored: nothing is left to resume
    }
    GeneratedImage img = made.value();
    String ext = switch (img.mediaType()) {
      case "image/jpeg" -> "jpg";
      case "image/webp" -> "webp";
      default -> "png";
    };
    AssetRef ref = storage.put(
        String.format("assets/segment-%03d.%s", seg.index(), ext), img.bytes(), img.mediaType());
    return new ImageAsset(ref, seed, made.use(), made.usage());
  }

  /**
   * Decodes a picture fully, only to refuse one that cannot be used (the pixels are dropped and
   * read back from storage at render time). Applied before a new picture is stored, and to a
   * cached one, which is then made again.
   */
  private void checkImage(Segment seg, GeneratedImage img) {
    try {
      ImageChecks.decode(cfg.images().name(), img.bytes(), ImageChecks.DEFAULT_MAX_PIXELS,
          "segment " + seg.index());
    } catch (NonRetriableException e) {
      // Retriable: a provider that sent a broken file may send a good one when asked again.
      throw new RetriableException("Segment " + seg.index() + ": the image from "
          + cfg.images().name() + " (" + img.mediaType() + ", " + img.bytes().length
          + " bytes) is not usable: " + e.getMessage(), e, null);
    }
  }

  /**
   * Checks a narration before it is stored, and a cached one (which is then made again): it has
   * audio, and one timing per word when the provider gave timings.
   */
  private void checkNarration(Segment seg, Narration n) {
    if (n.audio().frameCount() == 0) {
      throw new RetriableException(
          "Segment " + seg.index() + ": " + cfg.speech().name() + " returned no audio.", null,
          null);
    }
    int expected = Words.split(seg.narration()).size();
    NarrationChecks.check(cfg.speech().name(), seg.index(), n.audio(), expected, n.words(),
        cfg.narrationBounds());
    if (!n.words().isEmpty() && n.words().size() != expected) {
      throw new NonRetriableException(
          "Segment " + seg.index() + ": " + cfg.speech().name() + " returned "
              + n.words().size() + " word timings for " + expected
              + " words; a provider must return one timing per whitespace-separated word"
              + " (see dev.storyreel.core.Words).");
    }
  }

  private SpeechAsset makeSpeech(Segment seg) {
    SpeechRequest req = new SpeechRequest(seg.index(), seg.narration(), cfg.voice());
    Made<Narration> spoken = make(s -> cache.narration(
            CacheKeys.narration(cfg.speech().fingerprint(), req), s, n -> checkNarration(seg, n)),
        cfg.speech(), "segment " + seg.index(), Usage.characters(seg.narration().length()),
        () -> cfg.speech().synthesize(req), Narration::usage);
    Narration n = spoken.value();
    boolean aligned = false;
    Manifest.CacheUse timingsUse = null;
    Usage alignerUsage = null;
    if (n.words().isEmpty()) {
      PcmAudio audio = n.audio();
      Made<List<WordTiming>> timed = make(s -> cache.timings(
              CacheKeys.timings(cfg.aligner().fingerprint(), seg.narration(),
                  AssetCache.sha256(audio.toWav())), s),
          cfg.aligner(), "segment " + seg.index(), Usage.audio(audio.duration()),
          () -> cfg.aligner().align(seg.index(), seg.narration(), audio), w -> Usage.NONE);
      n = new Narration(audio, timed.value(), n.usage());
      timingsUse = timed.use();
      alignerUsage = timed.usage();
      aligned = true;
    }
    int expected = Words.split(seg.narration()).size();
    if (n.words().size() != expected) {
      throw new NonRetriableException(
          "Segment " + seg.index() + ": " + (aligned ? cfg.aligner().name() : cfg.speech().name())
              + " returned " + n.words().size() + " word timings for " + expected
              + " words; a provider must return one timing per whitespace-separated word"
              + " (see dev.storyreel.core.Words).");
    }
    AssetRef ref = storage.put(
        String.format("assets/segment-%03d.wav", seg.index()), n.audio().toWav(), "audio/wav");
    return new SpeechAsset(ref, n, aligned, spoken.use(), timingsUse, spoken.usage(),
        alignerUsage);
  }

  /** The timeline, and where each segment sits in it, for the video's key and the manifest. */
  private record Laid(
      Timeline request, List<Duration> starts, List<Duration> ends, List<List<WordTiming>> words,
      List<CaptionCue> cues) {}

  private Laid timeline(Storyboard board, Assets assets) {
    PcmAudio first = assets.speech().get(0).narration().audio();
    int rate = first.sampleRateHz();
    int channels = first.channels();
    List<Duration> starts = new ArrayList<>();
    List<Duration> ends = new ArrayList<>();
    List<List<WordTiming>> words = new ArrayList<>();
    List<VisualClip> visual = new ArrayList<>();
    List<NarrationClip> voice = new ArrayList<>();
    List<Captions.Span> spans = new ArrayList<>();
    long frames = 0;
    for (int i = 0; i < board.segments().size(); i++) {
      PcmAudio own = assets.speech().get(i).narration().audio();
      boolean same = own.sampleRateHz() == rate && own.channels() == channels;
      PcmAudio a = same ? own : Audio.convert(own, rate, channels);
      // Boundaries come from absolute sample counts, so nothing drifts over a long story.
      Duration start = Duration.ofNanos(frames * 1_000_000_000L / rate);
      frames += a.frameCount();
      Duration end = Duration.ofNanos(frames * 1_000_000_000L / rate);
      // The renderer streams each clip from storage while it encodes.
      AudioSource clip = same ? storedAudio(i, assets.speech().get(i).ref()) : AudioSource.of(a);
      List<WordTiming> shifted = new ArrayList<>();
      for (WordTiming w : assets.speech().get(i).narration().words()) {
        WordTiming s = w.shift(start);
        // Resampling can shorten a clip by a sample; keep every word inside its segment.
        if (s.end().compareTo(end) > 0) {
          s = new WordTiming(s.word(), s.start().compareTo(end) > 0 ? end : s.start(), end);
        }
        shifted.add(s);
      }
      starts.add(start);
      ends.add(end);
      words.add(shifted);
      visual.add(new VisualClip(i, storedImage(i, assets.images().get(i).ref()), start, end));
      voice.add(new NarrationClip(i, clip, start, end, shifted));
      boolean[] lineEnds = Words.lineEnds(board.segments().get(i).narration());
      java.util.Set<Integer> breaks = new java.util.HashSet<>();
      for (int w = 0; w < lineEnds.length; w++) {
        if (lineEnds[w]) {
          breaks.add(w);
        }
      }
      spans.add(new Captions.Span(start, end, shifted, breaks));
    }
    List<CaptionCue> cues = Captions.cues(spans, Captions.maxCharsPerCue(cfg.format()));
    Timeline t = new Timeline(cfg.format(), visual, new NarrationTrack(rate, channels, voice),
        MusicTrack.NONE, List.of(), cues, List.of(), MixSettings.DEFAULTS);
    return new Laid(t, starts, ends, words, cues);
  }

  /** A segment's narration read back from the job's storage on each call. Thread-safe. */
  private AudioSource storedAudio(int segment, AssetRef ref) {
    String key = ref.key();
    return () -> {
      try {
        return storage.open(key);
      } catch (StoryReelException e) {
        throw new NonRetriableException(
            "Segment " + segment + ": cannot read its stored narration " + key + ": "
                + e.getMessage(), e);
      }
    };
  }

  /**
   * A segment's picture read back from the job's storage and decoded on each call: nothing is
   * held between calls, so a render keeps only the pictures its renderer is working on.
   * Thread-safe (storages are).
   */
  private ImageSource storedImage(int segment, AssetRef ref) {
    String key = ref.key();
    return () -> {
      byte[] bytes;
      try {
        bytes = storage.read(key);
      } catch (UncheckedIOException e) {
        throw new UncheckedIOException(
            "Segment " + segment + ": cannot read its stored image " + key, e.getCause());
      } catch (StoryReelException e) {
        throw new NonRetriableException(
            "Segment " + segment + ": cannot read its stored image " + key + ": "
                + e.getMessage(), e);
      }
      try {
        return ImageChecks.decode("storage", bytes, ImageChecks.DEFAULT_MAX_PIXELS,
            "segment " + segment);
      } catch (NonRetriableException e) {
        throw new NonRetriableException(
            "Segment " + segment + ": the stored image " + key + " (" + bytes.length
                + " bytes) cannot be decoded: " + e.getMessage(), e);
      }
    };
  }

  private Storyboard plan() {
    Made<Storyboard> c = make(s -> cache.storyboard(
            CacheKeys.storyboard(cfg.planner().fingerprint(), story, cfg.format(),
                cfg.visualStyle()), s),
        cfg.planner(), "planning",
        Usage.tokens(story.text().length() / 4 + 600, story.text().length() / 2 + 300),
        () -> cfg.planner().plan(story, cfg.format(), cfg.visualStyle()), Storyboard::usage);
    storyboardUse = c.use();
    planUsage = c.usage();
    return c.value();
  }

  /**
   * An asset, where it came from and what making it spent in this run.
   *
   * @param usage what this run spent on it: {@link Usage#NONE} on a cache hit
   */
  private record Made<T>(T value, Manifest.CacheUse use, Usage usage) {}

  /**
   * Looks an asset up in the cache and, only on a miss, makes it with a metered (budgeted) call.
   *
   * @param lookup one of {@link AssetCache}'s lookups, given the supplier to call on a miss
   */
  private <T> Made<T> make(Function<Supplier<T>, AssetCache.Cached<T>> lookup, AssetProvider p,
      String what, Usage expected, Supplier<T> call, Function<T, Usage> reported) {
    AtomicReference<Usage> spent = new AtomicReference<>(Usage.NONE);
    AssetCache.Cached<T> c = lookup.apply(() -> {
      Metering.Metered<T> m = metering.call(p, what, expected, call, reported);
      spent.set(m.usage());
      return m.value();
    });
    return new Made<>(c.value(), c.use(), spent.get());
  }

  private String videoKey(Assets assets, Laid tl) {
    List<CacheKeys.VideoSegment> segs = new ArrayList<>();
    for (int i = 0; i < assets.images().size(); i++) {
      segs.add(new CacheKeys.VideoSegment(assets.images().get(i).ref().sha256(),
          assets.speech().get(i).ref().sha256(), tl.starts().get(i).toNanos(),
          tl.ends().get(i).toNanos()));
    }
    return CacheKeys.video(cfg.renderer().fingerprint(), cfg.format(), segs, tl.cues());
  }

  /**
   * Deletes the per-segment files under {@code assets/} that this job did not make: those of
   * segments a replaced story (written over with {@code overwrite(true)}) had and this one has
   * not. The cache keeps its entries, so nothing paid for is lost.
   */
  private void removeStaleAssets(Assets assets) {
    java.util.Set<String> keep = new java.util.HashSet<>();
    assets.images().forEach(a -> keep.add(a.ref().key()));
    assets.speech().forEach(a -> keep.add(a.ref().key()));
    for (String key : storage.list("assets/")) {
      if (!keep.contains(key) && key.matches("assets/segment-\\d{3,}\\.[a-z0-9]+")) {
        LOG.log(System.Logger.Level.INFO, "removing " + key + ", left by an earlier story");
        storage.delete(key);
      }
    }
  }

  private JobResult publish(
      Storyboard board, Assets assets, Laid tl, RenderResult rendered, Path video, long[] t,
      AssetCache.Cached<AssetCache.Video> cachedVideo)
      throws IOException {
    removeStaleAssets(assets);
    AssetRef videoRef = storage.put("video.mp4", video, "video/mp4");
    AssetRef srt = storage.put("captions.srt",
        Captions.toSrt(tl.cues()).getBytes(StandardCharsets.UTF_8), "application/x-subrip");
    AssetRef vtt = storage.put("captions.vtt",
        Captions.toVtt(tl.cues()).getBytes(StandardCharsets.UTF_8), "text/vtt");
    AssetRef thumb = storage.put("thumbnail.jpg", cachedVideo.value().thumbnailJpeg(), "image/jpeg");

    List<Manifest.SegmentEntry> entries = new ArrayList<>();
    Manifest.ProviderInfo imageInfo = info(cfg.images());
    Manifest.ProviderInfo speechInfo = info(cfg.speech());
    Usage total = planUsage;
    for (Segment seg : board.segments()) {
      int i = seg.index();
      List<Manifest.WordEntry> we = new ArrayList<>();
      for (WordTiming w : tl.words().get(i)) {
        we.add(new Manifest.WordEntry(w.word(), w.start().toMillis(), w.end().toMillis()));
      }
      SpeechAsset sa = assets.speech().get(i);
      entries.add(new Manifest.SegmentEntry(
          i, seg.narration(), seg.imagePrompt(),
          tl.starts().get(i).toMillis(), tl.ends().get(i).toMillis(),
          tl.request().startFrame(i), tl.request().endFrame(i),
          assets.images().get(i).ref(), imageInfo, assets.images().get(i).seed(),
          sa.ref(), speechInfo, cfg.voice(), sa.aligned() ? info(cfg.aligner()) : null, we,
          assets.images().get(i).use(), sa.use(), sa.timingsUse(),
          assets.images().get(i).usage(), sa.usage(), sa.alignerUsage()));
      total = total.plus(assets.images().get(i).usage()).plus(sa.usage())
          .plus(sa.alignerUsage() == null ? Usage.NONE : sa.alignerUsage());
    }
    long tEnd = System.nanoTime();
    Manifest.StageTimings stages = new Manifest.StageTimings(
        ms(t[1] - t[0]), ms(t[2] - t[1]), ms(t[3] - t[2]), ms(tEnd - t[3]), ms(tEnd - t[0]));
    Manifest m = new Manifest(
        VERSION, story.title(), Instant.now().toString(), cfg.format(), board.visualStyle(),
        info(cfg.planner()), entries,
        new Manifest.VideoEntry(videoRef, rendered.frameCount(),
            tl.request().duration().toMillis(), rendered.videoCodec(), rendered.encoder(),
            rendered.audioCodec(), cfg.renderer().name()),
        new Manifest.CaptionsEntry(srt, vtt, tl.cues().size()),
        thumb, stages, cfg.inputKey(), storyboardUse, cachedVideo.use(), planUsage,
        cfg.moderator() == null ? null : info(cfg.moderator()), total, cfg.budgetUsd());
    AssetRef manifestRef = storage.put(
        "manifest.json", Json.MAPPER.writeValueAsBytes(m), "application/json");
    return new JobResult(m, videoRef, srt, vtt, thumb, manifestRef, storage.locate("video.mp4"),
        Duration.ofNanos(System.nanoTime() - t[0]));
  }

  private static long ms(long nanos) {
    return nanos / 1_000_000L;
  }

  private static Manifest.ProviderInfo info(AssetProvider p) {
    return new Manifest.ProviderInfo(p.name(), p.model());
  }

  static byte[] jpeg(BufferedImage img) {
    BufferedImage rgb = img;
    if (img.getType() != BufferedImage.TYPE_INT_RGB) {
      rgb = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
      java.awt.Graphics2D g = rgb.createGraphics();
      g.drawImage(img, 0, 0, null);
      g.dispose();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(rgb, "jpg", out)) {
        throw new IllegalStateException("no JPEG writer in this JDK");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

}
