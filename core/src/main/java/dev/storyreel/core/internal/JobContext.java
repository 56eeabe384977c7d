package dev.storyreel.core.internal;

import dev.storyreel.core.Manifest;
import dev.storyreel.core.ProgressEvent;
import dev.storyreel.core.ProgressListener;
import dev.storyreel.core.RetryPolicy;
import dev.storyreel.core.Story;
import dev.storyreel.core.TaskKind;
import dev.storyreel.core.Usage;
import dev.storyreel.core.spi.AssetProvider;
import dev.storyreel.core.spi.Storage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What every stage of one job shares: its settings and providers, the story, the storage, the
 * asset cache, the metering (prices and budget), the listener, the job's temporary folder, and
 * the way the job runs a task graph (so that cancelling the job cancels the stage's graph).
 * Thread-safe: the stages' tasks use it from several threads.
 */
final class JobContext {
  /** Runs one stage's task graph for the job, honouring cancellation. */
  @FunctionalInterface
  interface GraphRunner {
    /**
     * @param graph the stage's tasks
     * @param retry how they are retried
     * @param grace how long running tasks may finish after one fails for good
     * @return the results
     * @throws Exception the first final failure, or a cancellation
     */
    TaskGraph.Results run(TaskGraph graph, RetryPolicy retry, Duration grace) throws Exception;
  }

  final Pipeline.Config cfg;
  final Story story;
  final Storage storage;
  final ProgressListener listener;
  final AssetCache cache;
  final Metering metering;
  final Path tempDir;
  final GraphRunner graphs;
  /**
   * Which segments move (clips, the user's media): set by the planning step ({@link PlanGate})
   * once the storyboard is known and checked, before any asset is paid for; read by the
   * production graph.
   */
  volatile SegmentMedia media = SegmentMedia.NONE;
  /** What the manifest lists as warnings, in the order they were found. */
  private final List<String> warnings = new CopyOnWriteArrayList<>();

  JobContext(Pipeline.Config cfg, Story story, Storage storage, ProgressListener listener,
      AssetCache cache, Metering metering, Path tempDir, GraphRunner graphs) {
    this.cfg = cfg;
    this.story = story;
    this.storage = storage;
    this.listener = listener;
    this.cache = cache;
    this.metering = metering;
    this.tempDir = tempDir;
    this.graphs = graphs;
  }

  /**
   * An asset, where it came from and what making it spent in this run.
   *
   * @param value the asset
   * @param use its cache key and whether it was a hit
   * @param usage what this run spent on it: {@link Usage#NONE} on a cache hit
   * @param <T> the asset's type
   */
  record Made<T>(T value, Manifest.CacheUse use, Usage usage) {}

  /**
   * Records a warning for the manifest and tells the listener at once.
   *
   * @param message what happened and what to do
   */
  void warn(String message) {
    warnings.add(message);
    listener.onEvent(new ProgressEvent.Warning(message));
  }

  /** @return the warnings so far, in the order found */
  List<String> warnings() {
    return List.copyOf(warnings);
  }

  /**
   * Tells the listener that an asset came from the cache, when it did.
   *
   * @param use the asset's cache use
   * @param kind what the asset is
   * @param segment its segment, or empty
   */
  void reportCache(Manifest.CacheUse use, TaskKind kind, OptionalInt segment) {
    if (use != null && use.hit()) {
      listener.onEvent(new ProgressEvent.CacheHit(kind, segment, use.key()));
    }
  }

  /**
   * Looks an asset up in the cache and, only on a miss, makes it with a metered (budgeted) call;
   * a hit is reported to the listener as a {@link ProgressEvent.CacheHit}.
   *
   * @param kind what the asset is, for the event
   * @param segment its segment, or empty
   * @param lookup one of {@link AssetCache}'s lookups, given the supplier to call on a miss
   * @param p the provider called on a miss
   * @param what the call, for the budget's message
   * @param expected what the call is expected to consume
   * @param call the call
   * @param reported what the provider reported it consumed
   * @param <T> the asset's type
   * @return the asset
   */
  <T> Made<T> make(TaskKind kind, OptionalInt segment,
      Function<Supplier<T>, AssetCache.Cached<T>> lookup, AssetProvider p,
      String what, Usage expected, Supplier<T> call, Function<T, Usage> reported) {
    AtomicReference<Usage> spent = new AtomicReference<>();
    AssetCache.Cached<T> c = lookup.apply(() -> {
      Metering.Metered<T> m = metering.call(p, what, expected, call, reported);
      spent.set(m.usage());
      return m.value();
    });
    reportCache(c.use(), kind, segment);
    Usage u = spent.get();
    if (u == null) {
      // Not made here: read from the cache, or made by this job's task on another machine.
      u = c.use() == null || c.use().hit() ? Usage.NONE
          : cache.madeEarlier(c.use().key()).orElse(Usage.NONE);
    }
    return new Made<>(c.value(), c.use(), u);
  }

  /**
   * Runs one task as its own graph and waits for it.
   *
   * @param id the task's id, for events
   * @param meta what it makes, for events
   * @param resource its resource class
   * @param retry how it is retried
   * @param body the task
   * @param <T> its result's type
   * @return its result
   * @throws Exception its final failure, or a cancellation
   */
  <T> T single(String id, TaskGraph.Meta meta, String resource, RetryPolicy retry,
      TaskGraph.Task<T> body) throws Exception {
    TaskGraph.Builder g = TaskGraph.builder().resourceLimit(resource, 1);
    TaskGraph.TaskKey<T> key = g.add(id, resource, meta, List.of(), body);
    return graphs.run(g.build(), retry, Duration.ZERO).get(key);
  }

  /**
   * @param p a provider
   * @return how many of its calls may run at once in this job
   */
  int limit(AssetProvider p) {
    int job = cfg.concurrency().getOrDefault(p.resource(), Integer.MAX_VALUE);
    return Math.max(1, Math.min(job, p.maxConcurrency()));
  }

  /**
   * @param p a provider, or {@code null}
   * @return its name and model for the manifest, or {@code null}
   */
  static Manifest.ProviderInfo info(AssetProvider p) {
    return p == null ? null : new Manifest.ProviderInfo(p.name(), p.model());
  }
}
