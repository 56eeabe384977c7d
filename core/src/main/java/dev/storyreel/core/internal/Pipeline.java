package dev.storyreel.core.internal;

import dev.storyreel.core.AssetRef;
import dev.storyreel.core.Job;
import dev.storyreel.core.JobResult;
import dev.storyreel.core.JobState;
import dev.storyreel.core.Manifest;
import dev.storyreel.core.Mood;
import dev.storyreel.core.NarrationBounds;
import dev.storyreel.core.OutputLocation;
import dev.storyreel.core.PriceTable;
import dev.storyreel.core.ProgressEvent;
import dev.storyreel.core.ProgressListener;
import dev.storyreel.core.RetryPolicy;
import dev.storyreel.core.Story;
import dev.storyreel.core.Usage;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.spi.Aligner;
import dev.storyreel.core.spi.ImageProvider;
import dev.storyreel.core.spi.Moderator;
import dev.storyreel.core.spi.MusicProvider;
import dev.storyreel.core.spi.Renderer;
import dev.storyreel.core.spi.SoundEffectProvider;
import dev.storyreel.core.spi.SpeechProvider;
import dev.storyreel.core.spi.Storage;
import dev.storyreel.core.spi.StoryPlanner;
import dev.storyreel.core.timeline.Ducking;
import dev.storyreel.core.timeline.MixSettings;
import dev.storyreel.core.timeline.Timeline;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One job of {@link dev.storyreel.core.StoryReel}:
 *
 * <ol>
 *   <li>plan ({@link PlanStage}): story to storyboard, moderated, as its own small graph (the
 *       shape of the rest, one task per segment, is known only once the storyboard is);
 *   <li>production ({@link JobGraph}): one graph from the storyboard to the published outputs,
 *       whose tasks start when their inputs exist: pictures, narrations and timings per segment,
 *       layout, soundtrack, timeline, a streaming render, publishing;
 *   <li>the manifest, written last ({@link ManifestAssembler}).
 * </ol>
 *
 * <p>Each graph runs on the job's {@link JobRunner} (the in-process one by default), so retries,
 * limits and cancellation work the same everywhere; this class is the job's handle and runs the
 * graphs in order on its own thread. Cancelling {@link #cancel()}, or completing {@link
 * #result()} from outside ({@code cancel(true)}, {@code orTimeout}), stops the job and removes
 * whatever final output it had begun to publish.
 */
public final class Pipeline implements Job {
  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);
  /** How long a failed or cancelled job waits for interrupted tasks to return. */
  private static final Duration QUIESCENCE_TIMEOUT = Duration.ofSeconds(30);

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
   * @param seed base seed of images, music and effects
   * @param workDir folder for temporary files (each job uses its own folder below it)
   * @param cacheReads whether entries of earlier runs may be read (entries are written either way)
   * @param inputKey the job's {@link CacheKeys#job} key, recorded in the manifest
   * @param moderator checks narrations and image prompts before any paid asset, or {@code null}
   * @param prices prices the calls' usage
   * @param budgetUsd the job's spending limit in US dollars, or {@code null} for none
   * @param narrationBounds what a plausible narration's duration is, for the words it speaks
   * @param music makes the music beds, or {@code null} for no music
   * @param effects resolves sound cues, or {@code null} (cues are then listed as unresolved)
   * @param mood the story's mood when the planner gives none, or {@code null} for {@link
   *     Mood#DEFAULT}
   * @param musicGainDb the beds' level in the mix before ducking, in dB, at most 0
   * @param ducking how the music is ducked under the words
   * @param mix the loudness target, true-peak ceiling and stems
   * @param clips the clip provider, the segments that get clips and the fit policy; {@link
   *     ClipSettings#NONE} for none
   * @param motion the background video and overlays; {@link MotionSettings#NONE} for none
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
      Moderator moderator,
      PriceTable prices,
      BigDecimal budgetUsd,
      NarrationBounds narrationBounds,
      MusicProvider music,
      SoundEffectProvider effects,
      Mood mood,
      double musicGainDb,
      Ducking ducking,
      MixSettings mix,
      ClipSettings clips,
      MotionSettings motion) {}

  private final Config cfg;
  private final Story story;
  private final Storage storage;
  private final ProgressListener listener;
  private final AssetCache cache;
  private final Metering metering;
  private final CompletableFuture<JobResult> result = new CompletableFuture<>();
  private final AtomicReference<JobState> state = new AtomicReference<>(JobState.PLANNING);
  private final AtomicReference<TaskGraph.Execution> current = new AtomicReference<>();
  private final AtomicReference<JobGraph> graph = new AtomicReference<>();
  private final JobRunner runner;
  private volatile boolean cancelled;
  /** Set while the job completes {@link #result} exceptionally itself (not a cancellation). */
  private volatile boolean finishing;
  /** Whether this run has begun writing its final outputs. */
  private volatile boolean publishStarted;
  /** The outputs under their final names, removed again when the job is cancelled. */
  private static final List<String> OUTPUT_NAMES =
      List.of("manifest.json", "video.mp4", "captions.srt", "captions.vtt", "thumbnail.jpg");
  private volatile Thread worker;
  /** Internal, for logs only (MDC key {@code jobId}): not part of the public API. */
  private final String jobId;
  /** Planning, the plan's estimate and budget check, and approval (PlanGate). */
  private final PlanGate gate;

  /**
   * @param cfg the job's settings and providers
   * @param story the story
   * @param storage where outputs go
   */
  public Pipeline(Config cfg, Story story, Storage storage) {
    this(cfg, story, storage, PlanGate.plain(), JobRunner.inProcess());
  }

  /**
   * @param cfg the job's settings and providers
   * @param story the story
   * @param storage where outputs go
   * @param gate how the job plans: given a plan or not, with approval or not
   */
  public Pipeline(Config cfg, Story story, Storage storage, PlanGate gate) {
    this(cfg, story, storage, gate, JobRunner.inProcess());
  }

  /**
   * @param cfg the job's settings and providers
   * @param story the story
   * @param storage where outputs go
   * @param runner runs the job's task graphs
   */
  public Pipeline(Config cfg, Story story, Storage storage, JobRunner runner) {
    this(cfg, story, storage, PlanGate.plain(), runner);
  }

  /**
   * @param cfg the job's settings and providers
   * @param story the story
   * @param storage where outputs go
   * @param gate how the job plans: given a plan or not, with approval or not
   * @param runner runs the job's task graphs
   */
  public Pipeline(Config cfg, Story story, Storage storage, PlanGate gate, JobRunner runner) {
    this(cfg, story, storage, gate, runner, Map.of());
  }

  /**
   * A job whose tasks ran elsewhere ({@link DistributedTasks}'s publish): the cache entries they
   * made are reported in the manifest as made by this job, with what they spent.
   *
   * @param cfg the job's settings and providers
   * @param story the story
   * @param storage where outputs go
   * @param madeEarlier cache keys made by the job's tasks, with what each spent
   */
  Pipeline(Config cfg, Story story, Storage storage, Map<String, Usage>
      madeEarlier) {
    this(cfg, story, storage, PlanGate.plain(), JobRunner.inProcess(), madeEarlier);
  }

  private Pipeline(Config cfg, Story story, Storage storage, PlanGate gate, JobRunner runner,
      Map<String, Usage> madeEarlier) {
    this.gate = java.util.Objects.requireNonNull(gate, "gate");
    this.runner = java.util.Objects.requireNonNull(runner, "runner");
    this.cfg = cfg;
    this.story = story;
    this.storage = storage;
    this.listener = SafeListener.wrap(cfg.listener());
    this.cache = new AssetCache(storage, cfg.cacheReads(), madeEarlier);
    this.metering = new Metering(cfg.prices(), new dev.storyreel.core.Budget(cfg.budgetUsd()),
        listener);
    this.jobId = LogContext.jobId(cfg.inputKey());
    // result().cancel(true), orTimeout(...), or any completion from outside cancels the job;
    // when the job completes the future itself, cancel() does nothing.
    result.whenComplete((r, t) -> {
      if (t != null && !finishing) {
        cancel();
      }
    });
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
    if (result.isDone() && !result.isCompletedExceptionally()) {
      return;
    }
    if (state.get() == JobState.FAILED || state.get() == JobState.CANCELLED) {
      return;
    }
    cancelled = true;
    JobGraph g = graph.get();
    if (g != null) {
      g.abandon(new CancellationException("the job was cancelled"));
    }
    TaskGraph.Execution e = current.get();
    if (e != null) {
      e.cancel();
    }
    Thread t = worker;
    if (t != null) {
      t.interrupt();
    }
  }

  @Override
  public java.util.Optional<dev.storyreel.core.Plan> plan() {
    return gate.plan();
  }

  @Override
  public void approve() {
    gate.approve();
  }

  @Override
  public void reject() {
    gate.reject();
  }

  private void setState(JobState s) {
    if (s == JobState.PUBLISHING) {
      publishStarted = true;
    }
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

  static void deleteTree(Path dir) {
    if (dir == null || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("cannot delete the job's temporary folder {}: {}", dir, e.getMessage());
    }
  }

  private void run() {
    // The job's thread is its own: the MDC is set for the whole run and cleared at its end. The
    // task graph copies it onto its pool threads (GraphExecution).
    MDC.put(LogContext.JOB_ID, jobId);
    try {
      LOG.debug("job started");
      runJob();
    } finally {
      MDC.remove(LogContext.JOB_ID);
    }
  }

  private void runJob() {
    long t0 = System.nanoTime();
    Path tempDir = null;
    try {
      tempDir = jobTempDir();
      deleteTree(tempDir); // what a killed run left behind
      JobContext job = new JobContext(cfg, story, storage, listener, cache, metering, tempDir,
          (graph, retry, grace) -> runGraph(graph, retry, listener, grace));
      setState(JobState.PLANNING);
      // From here on the output is unfinished: a run killed at any point resumes (StoryReel.submit).
      storage.delete("manifest.json");
      PlanStage.Planned plan = gate.plan(job, this::setState);
      long tPlanned = System.nanoTime();
      listener.onEvent(new ProgressEvent.StoryboardPlanned(plan.board().segments().size()));

      // The user's music files, before images and speech are paid.
      new SoundtrackStage(job).preflight(plan.board());

      setState(JobState.GENERATING_ASSETS);
      JobGraph production = new JobGraph(job, plan.board(), this::setState, () -> cancelled);
      graph.set(production);
      if (cancelled) {
        production.abandon(new CancellationException("the job was cancelled"));
      }
      JobGraph.Produced made = production.produced(runGraph(production.build(), cfg.retry(),
          production.listener(), AssetStage.FAILURE_GRACE));
      JobGraph.Rendered rendered = made.rendered();
      JobGraph.Published published = made.published();
      long tAssets = Math.max(tPlanned, production.assetsDoneNanos());
      long tEnd = System.nanoTime();
      // Rendering overlaps the assets when it streams: each stage is its own wall time.
      Manifest.StageTimings stages = new Manifest.StageTimings(ms(tPlanned - t0),
          ms(tAssets - tPlanned), ms(rendered.endNanos() - rendered.startNanos()),
          ms(tEnd - published.startNanos()), ms(tEnd - t0));
      Manifest m = ManifestAssembler.assemble(job, new ManifestAssembler.Inputs(plan,
          made.assets(), made.layout(), made.soundtrack(), made.timeline(), rendered.result(),
          rendered.video().use(), published.outputs(), published.stems(), stages));
      if (cancelled) {
        throw new CancellationException("the job was cancelled");
      }
      PublishStage.Outputs outputs = published.outputs();
      AssetRef manifestRef = storage.put(
          "manifest.json", Json.MAPPER.writeValueAsBytes(m), "application/json");
      Map<String, OutputLocation> stemLocations = new LinkedHashMap<>();
      published.stems().forEach((name, ref) -> stemLocations.put(name,
          OutputLocation.of(storage, ref)));
      JobResult out = new JobResult(m, OutputLocation.of(storage, outputs.video()),
          OutputLocation.of(storage, outputs.srt()), OutputLocation.of(storage, outputs.vtt()),
          OutputLocation.of(storage, outputs.thumbnail()), OutputLocation.of(storage, manifestRef),
          stemLocations, Duration.ofNanos(System.nanoTime() - t0));
      // Cleaned before the caller hears of the end, so a finished job has left nothing behind.
      deleteTree(tempDir);
      // The state first, as on every other path: a caller woken by result() reads COMPLETED.
      if (result.isDone()) {
        // The caller cancelled result() (or it timed out) while the manifest was written: the
        // job ends cancelled, so its final outputs go again (the cache keeps what they were).
        throw new CancellationException("the job was cancelled");
      }
      setState(JobState.COMPLETED);
      if (!result.complete(out)) {
        // Cancelled in the instant between the two: the same as above (a listener has seen
        // COMPLETED, then sees CANCELLED).
        throw new CancellationException("the job was cancelled");
      }
      LOG.debug("job completed in {} ms", ms(System.nanoTime() - t0));
    } catch (Throwable e) {
      deleteTree(tempDir);
      Throwable cause = unwrap(e);
      if (cancelled || cause instanceof CancellationException
          || cause instanceof InterruptedException || result.isDone()) {
        if (publishStarted) {
          removeFinalOutputs();
        }
        setState(JobState.CANCELLED);
        CancellationException ce = new CancellationException("the job was cancelled");
        if (cause != ce) {
          ce.initCause(cause);
        }
        result.completeExceptionally(ce);
      } else {
        LOG.debug("job failed", cause);
        setState(JobState.FAILED);
        finishing = true;
        result.completeExceptionally(cause);
      }
    } finally {
      deleteTree(tempDir); // after an Error in a listener, say; the next run's start too
    }
  }

  /**
   * After a cancellation: the outputs under their final names go (the manifest, the video, its
   * captions, thumbnail and stems), so that a cancelled job leaves nothing that looks finished.
   * They are links or copies of cache entries, which stay: a new run publishes them again
   * without paying. The per-segment {@code assets/} files stay too: they are what a resumed run
   * starts from.
   */
  private void removeFinalOutputs() {
    for (String key : OUTPUT_NAMES) {
      try {
        storage.delete(key);
      } catch (RuntimeException e) {
        LOG.warn("cannot delete {} of the cancelled job: {}", key, e.getMessage());
      }
    }
    if (cfg.mix().stems()) {
      for (String key : storage.list("")) {
        if (key.startsWith("stem-") || key.startsWith("stems/")) {
          storage.delete(key);
        }
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

  private TaskGraph.Results runGraph(TaskGraph graph, RetryPolicy retry,
      ProgressListener events, Duration grace) throws Exception {
    if (cancelled) {
      throw new CancellationException("the job was cancelled");
    }
    TaskGraph.Execution exec = runner.start(graph, retry, events, grace);
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
  static void awaitQuiescence(TaskGraph.Execution exec) {
    boolean interrupted = Thread.interrupted();
    try {
      while (true) {
        try {
          if (!exec.awaitQuiescence(QUIESCENCE_TIMEOUT)) {
            LOG.warn("tasks still running {} s after the stage ended; not waiting longer",
                QUIESCENCE_TIMEOUT.toSeconds());
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

  private static long ms(long nanos) {
    return nanos / 1_000_000L;
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
