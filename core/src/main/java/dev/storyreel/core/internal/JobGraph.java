package dev.storyreel.core.internal;

import dev.storyreel.core.AssetRef;
import dev.storyreel.core.JobState;
import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.ProgressEvent;
import dev.storyreel.core.ProgressEvent.SegmentPhase;
import dev.storyreel.core.ProgressListener;
import dev.storyreel.core.RetryPolicy;
import dev.storyreel.core.Segment;
import dev.storyreel.core.Storyboard;
import dev.storyreel.core.TaskKind;
import dev.storyreel.core.internal.AssetStage.Assets;
import dev.storyreel.core.internal.AssetStage.ClipAsset;
import dev.storyreel.core.internal.AssetStage.ImageAsset;
import dev.storyreel.core.internal.AssetStage.SpeechAsset;
import dev.storyreel.core.internal.AssetStage.Spoken;
import dev.storyreel.core.internal.SoundtrackStage.Soundtrack;
import dev.storyreel.core.internal.TaskGraph.TaskKey;
import dev.storyreel.core.internal.TimelineStage.Layout;
import dev.storyreel.core.spi.ImageSource;
import dev.storyreel.core.spi.RenderResult;
import dev.storyreel.core.spi.VideoSource;
import dev.storyreel.core.timeline.Ducking;
import dev.storyreel.core.timeline.MixSettings;
import dev.storyreel.core.timeline.Timeline;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The production graph of one job: everything after the (moderated) storyboard, as one {@link
 * TaskGraph} whose tasks start when their inputs exist.
 *
 * <pre>
 *   image-NNN  ------------------------------------------------+----------------+
 *   speech-NNN -> timings-NNN -> layout -> music-NNN  -> timeline -> render -> publish
 *                                       -> sfx-NNN-CC -/      (image-000) -/
 *   image-NNN + timings-NNN -> clip-NNN (segments that move) -> timeline
 * </pre>
 *
 * <ul>
 *   <li>{@code image-NNN} (resource of the image provider), {@code speech-NNN} (speech provider)
 *       and {@code timings-NNN} (the aligner's, {@code alignment}) per segment; {@code layout}
 *       needs every segment's timings (a segment lasts as long as its narration);
 *   <li>{@code music-NNN}, one per stretch of one mood, and {@code sfx-NNN-CC}, one per sound
 *       cue, need the layout; {@code timeline} needs them all;
 *   <li>{@code render} ({@code cpu}, never retried) needs the timeline and segment 0's picture
 *       only: it streams, composing and encoding in order while later pictures are still being
 *       made, and waits only when it reaches a segment whose picture is not stored yet (the
 *       visual clips' {@link ImageSource}s block until then). Frames are those of a render that
 *       waited for everything: the timeline, and so every cut, comes from the narrations alone;
 *   <li>{@code clip-NNN} (the clip provider's resource, {@code clip}), only for the segments
 *       that get a moving clip ({@link SegmentMedia}): needs the segment's stored still and its
 *       narration's length; for the user's own footage it only probes the file its {@code
 *       image-NNN} stored (no call). {@code timeline} waits for every clip (a clip's default fit
 *       needs its decoded length), except with the job's {@code --clip-fit}: then each clip's
 *       {@link VideoSource} blocks until it is stored, and the render streams as with stills;
 *   <li>{@code publish} ({@code cpu}) needs the render and every asset.
 * </ul>
 *
 * <p>Tasks hand each other storage references and cache keys ({@link AssetRef}, {@link
 * Layout} of references), never decoded pictures or audio, so that each could run elsewhere.
 * A picture task that fails for good (or any task failing, or the job being cancelled) releases
 * a render waiting on a picture within {@link #POLL}: the render ends, and the job fails with
 * the first failure once the running tasks' grace is over (they may finish and store what was
 * paid for). The render's video key is that of a render that waited
 * for everything (it covers every picture's SHA-256); when every picture is already in the cache
 * (a resumed job) the render first waits for them, so that a video cached by an earlier run is
 * found instead of rendered again.
 */
final class JobGraph {

  /**
   * What the graph produced.
   *
   * @param assets every segment's stored picture and narration
   * @param layout where everything sits
   * @param soundtrack the music beds and effects
   * @param timeline what was rendered
   * @param rendered the render
   * @param published the outputs
   */
  record Produced(Assets assets, Layout layout, Soundtrack soundtrack, Timeline timeline,
      Rendered rendered, Published published) {}

  /**
   * @param videoKey the video's cache key
   * @param video the video's facts and its cache use
   * @param streamed whether rendering started before every picture was stored
   * @param startNanos when the render task started ({@link System#nanoTime()})
   * @param endNanos when it ended
   */
  record Rendered(String videoKey, AssetCache.Cached<AssetCache.Video> video, boolean streamed,
      long startNanos, long endNanos) {
    RenderResult result() {
      return video.value().result();
    }
  }

  /**
   * @param outputs the files published
   * @param stems the stems published, by name
   * @param startNanos when the publish task started
   */
  record Published(PublishStage.Outputs outputs, Map<String, AssetRef> stems, long startNanos) {}

  /** @param soundtrack the soundtrack @param timeline the timeline with it */
  private record Assembled(Soundtrack soundtrack, Timeline timeline) {}

  private final JobContext job;
  private final Storyboard board;
  private final Consumer<JobState> states;
  private final BooleanSupplier cancelled;
  private final AssetStage assets;
  private final TimelineStage timelines;
  private final SoundtrackStage sound;
  private final List<CompletableFuture<ImageAsset>> pictures = new ArrayList<>();
  private final List<AtomicBoolean> waitingSent = new ArrayList<>();
  private final List<TaskKey<ImageAsset>> imageKeys = new ArrayList<>();
  private final List<TaskKey<SpeechAsset>> timingKeys = new ArrayList<>();
  /** The {@code clip-NNN} tasks, by segment: the clip provider's and the user's clips. */
  private final Map<Integer, TaskKey<ClipAsset>> clipKeys = new TreeMap<>();
  /** Each moving segment's clip once stored: what its streamed {@code VideoSource} awaits. */
  private final Map<Integer, CompletableFuture<ClipAsset>> clipsStored = new TreeMap<>();
  private TaskKey<Layout> layoutKey;
  private TaskKey<Assembled> timelineKey;
  private TaskKey<Rendered> renderKey;
  private TaskKey<Published> publishKey;
  /** How often a render waiting for a picture checks whether its run has stopped. */
  static final java.time.Duration POLL = java.time.Duration.ofMillis(50);

  /** The render task's context while it runs: its run's stop is what a waiting picture polls. */
  private volatile TaskGraph.TaskContext renderContext;
  /** When the last picture was stored, or the timeline assembled, whichever was later. */
  private volatile long assetsDoneNanos;

  /**
   * @param job the job
   * @param board its moderated storyboard
   * @param states sets the job's state (rendering, publishing) when those tasks start
   * @param cancelled whether the job was cancelled
   */
  JobGraph(JobContext job, Storyboard board, Consumer<JobState> states,
      BooleanSupplier cancelled) {
    this.job = job;
    this.board = board;
    this.states = states;
    this.cancelled = cancelled;
    this.assets = new AssetStage(job);
    this.timelines = new TimelineStage(job);
    this.sound = new SoundtrackStage(job);
    for (int i = 0; i < board.segments().size(); i++) {
      pictures.add(makesStill(i) ? new CompletableFuture<>()
          : CompletableFuture.completedFuture(null));
      waitingSent.add(new AtomicBoolean());
    }
  }

  /**
   * Whether segment {@code i} needs its {@code image-NNN} task: not when the job has a
   * background video, which the segment shows instead (issue 10), unless the segment gets a clip
   * (made from its still) or shows the user's own still or clip (stored by that task). A segment
   * without it has a {@code null} {@link ImageAsset} and no image in the manifest.
   */
  boolean makesStill(int i) {
    return job.cfg.motion().background() == null || job.media.clips().contains(i)
        || job.media.hasMedia(i);
  }

  /** @return the graph; call once */
  TaskGraph build() {
    var cfg = job.cfg;
    int cpu = Math.max(1, cfg.concurrency().getOrDefault("cpu",
        Runtime.getRuntime().availableProcessors()));
    TaskGraph.Builder g = TaskGraph.builder()
        .resourceLimit(cfg.images().resource(), job.limit(cfg.images()))
        .resourceLimit(cfg.speech().resource(), job.limit(cfg.speech()))
        .resourceLimit(cfg.aligner().resource(), job.limit(cfg.aligner()))
        .resourceLimit("cpu", cpu);
    for (Segment seg : board.segments()) {
      int i = seg.index();
      long seed = cfg.seed() + i;
      if (!makesStill(i)) {
        imageKeys.add(null);
        continue;
      }
      imageKeys.add(g.add(String.format("image-%03d", i), cfg.images().resource(),
          TaskGraph.Meta.of(TaskKind.IMAGE, i), List.of(),
          ctx -> {
            LogContext.provider(cfg.images().name()); // cleared with the task's MDC
            ImageAsset a = userMediaOr(seg, seed, () -> assets.makeImage(seg, seed));
            assetsDoneNanos = Math.max(assetsDoneNanos, System.nanoTime());
            // Told before the render may use it, so that READY always precedes COMPOSED.
            job.listener.onEvent(new ProgressEvent.SegmentStatus(i, SegmentPhase.READY));
            pictures.get(i).complete(a);
            return a;
          }));
    }
    for (Segment seg : board.segments()) {
      int i = seg.index();
      TaskKey<Spoken> spoken = g.add(String.format("speech-%03d", i), cfg.speech().resource(),
          TaskGraph.Meta.of(TaskKind.SPEECH, i), List.of(),
          ctx -> {
            LogContext.provider(cfg.speech().name());
            return assets.speak(seg, board);
          });
      timingKeys.add(g.add(String.format("timings-%03d", i), cfg.aligner().resource(),
          TaskGraph.Meta.of(TaskKind.TIMINGS, i), List.of(spoken),
          ctx -> assets.align(seg, ctx.get(spoken))));
    }
    addClipTasks(g);
    layoutKey = g.add("layout", "cpu", TaskGraph.Meta.of(TaskKind.TIMELINE),
        List.copyOf(timingKeys),
        ctx -> timelines.layout(board, results(ctx, timingKeys), this::picture));
    g.retryPolicy(layoutKey, RetryPolicy.none());
    SoundtrackStage.Tasks soundTasks = sound.addTo(g, board, layoutKey);
    List<TaskKey<?>> timelineDeps = new ArrayList<>(soundTasks.all());
    timelineDeps.add(layoutKey);
    // A clip's default fit needs its probed length, so the timeline waits for the clips; with
    // the job's --clip-fit it does not, and the render streams them.
    boolean streamClips = cfg.clips() != null && cfg.clips().fit() != null;
    if (!streamClips) {
      timelineDeps.addAll(clipKeys.values());
    }
    timelineKey = g.add("timeline", "cpu", TaskGraph.Meta.of(TaskKind.TIMELINE), timelineDeps,
        ctx -> {
          Layout layout = ctx.get(layoutKey);
          Soundtrack s = sound.collect(soundTasks, ctx, board, layout);
          Timeline t = timelines.assemble(layout, s);
          Assembled a = new Assembled(s, streamClips
              ? timelines.withStreamedClips(t, streamedClips(), job.media.videos(),
                  cfg.clips().fit())
              : timelines.withClips(t, clips(ctx)));
          assetsDoneNanos = Math.max(assetsDoneNanos, System.nanoTime());
          return a;
        });
    g.retryPolicy(timelineKey, RetryPolicy.none());
    List<TaskKey<?>> renderDeps = new ArrayList<>(timingKeys);
    renderDeps.add(timelineKey);
    renderDeps.add(layoutKey);
    if (imageKeys.get(0) != null) {
      renderDeps.add(imageKeys.get(0));
    }
    renderKey = g.add("render", "cpu", TaskGraph.Meta.of(TaskKind.RENDER), renderDeps,
        this::render);
    // A renderer failure is not worth repeating at once: the same inputs fail the same way.
    g.retryPolicy(renderKey, RetryPolicy.none());
    List<TaskKey<?>> publishDeps = new ArrayList<>(imageKeys);
    publishDeps.removeIf(Objects::isNull);
    publishDeps.addAll(timingKeys);
    publishDeps.add(layoutKey);
    publishDeps.add(renderKey);
    publishDeps.addAll(clipKeys.values());
    publishKey = g.add("publish", "cpu", TaskGraph.Meta.of(TaskKind.PUBLISH), publishDeps,
        ctx -> {
          if (cancelled.getAsBoolean()) {
            throw new CancellationException("the job was cancelled");
          }
          long t0 = System.nanoTime();
          states.accept(JobState.PUBLISHING);
          Map<String, AssetRef> stems = new LinkedHashMap<>();
          PublishStage.Outputs out = new PublishStage(job).run(
              new Assets(results(ctx, imageKeys), results(ctx, timingKeys), clips(ctx)),
              ctx.get(layoutKey), ctx.get(renderKey).videoKey(), cfg.mix().stems(), stems);
          return new Published(out, stems, t0);
        });
    g.retryPolicy(publishKey, RetryPolicy.none());
    return g.build();
  }

  /**
   * The listener the graph's runner reports to: the job's, plus the segments' {@link
   * SegmentPhase#GENERATING} events.
   *
   * @return the listener
   */
  ProgressListener listener() {
    ProgressListener inner = job.listener;
    return e -> {
      inner.onEvent(e);
      if (e instanceof ProgressEvent.TaskStarted s && s.kind() == TaskKind.IMAGE
          && s.segment().isPresent()) {
        inner.onEvent(new ProgressEvent.SegmentStatus(s.segment().getAsInt(),
            SegmentPhase.GENERATING));
      }
    };
  }

  /**
   * Releases a render that waits for a picture that will not come (the job was cancelled): every
   * picture not stored yet fails with a message naming {@code cause}. Idempotent. (A picture
   * task's final failure needs no call: the waiting render sees its run stop within {@link
   * #POLL}, after the graph has recorded that failure as the job's.)
   *
   * @param cause why the job stops
   */
  void abandon(Throwable cause) {
    for (int i = 0; i < pictures.size(); i++) {
      if (!pictures.get(i).isDone()) {
        String why = cause instanceof CancellationException ? "the job was cancelled"
            : "the job is stopping after a failure: " + cause.getMessage();
        pictures.get(i).completeExceptionally(new NonRetriableException("Segment " + i
            + ": its picture was not made, so the video cannot be rendered; " + why, cause));
      }
    }
    clipsStored.forEach((i, f) -> {
      if (!f.isDone()) {
        f.completeExceptionally(new NonRetriableException("Segment " + i + ": its clip was not"
            + " made, so the video cannot be rendered; " + (cause instanceof CancellationException
                ? "the job was cancelled" : "the job is stopping: " + cause.getMessage()), cause));
      }
    });
  }

  /**
   * @param r the graph's results
   * @return what it produced
   */
  Produced produced(TaskGraph.Results r) {
    Assembled a = r.get(timelineKey);
    List<ImageAsset> imgs = new ArrayList<>();
    List<SpeechAsset> sp = new ArrayList<>();
    for (int i = 0; i < imageKeys.size(); i++) {
      imgs.add(imageKeys.get(i) == null ? null : r.get(imageKeys.get(i)));
      sp.add(r.get(timingKeys.get(i)));
    }
    Map<Integer, ClipAsset> clips = new TreeMap<>();
    clipKeys.forEach((i, k) -> clips.put(i, r.get(k)));
    return new Produced(new Assets(imgs, sp, clips), r.get(layoutKey), a.soundtrack(), a.timeline(),
        r.get(renderKey), r.get(publishKey));
  }

  /**
   * Adds a {@code clip-NNN} task for each segment that moves: after {@code image-NNN} and {@code
   * timings-NNN} for a clip the clip provider makes (paid, cached, metered, retried like
   * images); after {@code image-NNN} alone (which stored it) for the user's own clip.
   */
  private void addClipTasks(TaskGraph.Builder g) {
    SegmentMedia segs = job.media;
    var cfg = job.cfg;
    if (!segs.clips().isEmpty()) {
      var p = cfg.clips().provider();
      g.resourceLimit(p.resource(), job.limit(p));
    }
    for (Segment seg : board.segments()) {
      int i = seg.index();
      long seed = cfg.seed() + i;
      String id = String.format("clip-%03d", i);
      if (segs.clips().contains(i)) {
        var p = cfg.clips().provider();
        clipsStored.put(i, new CompletableFuture<>());
        clipKeys.put(i, g.add(id, p.resource(), TaskGraph.Meta.of(TaskKind.CLIP, i),
            List.of(imageKeys.get(i), timingKeys.get(i)), ctx -> {
              LogContext.provider(p.name());
              return stored(i, assets.makeClip(seg, board, ctx.get(imageKeys.get(i)),
                  ctx.get(timingKeys.get(i)), seed));
            }));
      } else if (segs.videos().contains(i)) {
        clipsStored.put(i, new CompletableFuture<>());
        clipKeys.put(i, g.add(id, "cpu", TaskGraph.Meta.of(TaskKind.CLIP, i),
            List.of(imageKeys.get(i)),
            ctx -> stored(i, assets.userClip(seg, ctx.get(imageKeys.get(i))))));
      }
    }
  }

  /**
   * Segment {@code seg}'s picture task: the user's own still or clip (stored, no call), or
   * {@code make}.
   */
  private ImageAsset userMediaOr(Segment seg, long seed,
      Supplier<ImageAsset> make) {
    SegmentMedia segs = job.media;
    int i = seg.index();
    if (!segs.hasMedia(i)) {
      return make.get();
    }
    return segs.videos().contains(i) ? assets.storeUserVideo(seg, segs.media().get(i), seed)
        : assets.userStill(seg, segs.media().get(i), seed);
  }

  private ClipAsset stored(int i, ClipAsset a) {
    assetsDoneNanos = Math.max(assetsDoneNanos, System.nanoTime());
    clipsStored.get(i).complete(a);
    return a;
  }

  /** Each moving segment's clip as a source that blocks until the clip is stored. */
  private Map<Integer, VideoSource> streamedClips() {
    Map<Integer, VideoSource> out = new TreeMap<>();
    clipsStored.forEach((i, f) -> out.put(i, () -> await(f, i, "clip").file()));
    return out;
  }

  /** Every clip, waiting for those not stored yet (the video key covers them all). */
  private Map<Integer, ClipAsset> awaitAllClips() {
    Map<Integer, ClipAsset> out = new TreeMap<>();
    clipsStored.forEach((i, f) -> out.put(i, await(f, i, "clip")));
    return out;
  }

  private Map<Integer, ClipAsset> clips(TaskGraph.TaskContext ctx) {
    Map<Integer, ClipAsset> out = new TreeMap<>();
    clipKeys.forEach((i, k) -> out.put(i, ctx.get(k)));
    return out;
  }

  /** @return when every asset was stored ({@link System#nanoTime()}) */
  long assetsDoneNanos() {
    return assetsDoneNanos;
  }

  private static <T> List<T> results(TaskGraph.TaskContext ctx, List<TaskKey<T>> keys) {
    List<T> out = new ArrayList<>(keys.size());
    for (TaskKey<T> k : keys) {
      out.add(k == null ? null : ctx.get(k));
    }
    return out;
  }

  /**
   * Segment {@code i}'s picture for the timeline: blocks until the picture's task has stored it
   * (telling the listener the render waits), then reads it back from storage on each load.
   */
  private ImageSource picture(int i) {
    return new ImageSource() {
      @Override
      public BufferedImage load() {
        return stored().load();
      }

      @Override
      public BufferedImage load(BufferedImage reuse) {
        return stored().load(reuse);
      }

      @Override
      public Optional<Path> file() {
        return stored().file();
      }

      private ImageSource stored() {
        return timelines.storedImage(i, awaitPicture(i).ref());
      }
    };
  }

  private ImageAsset awaitPicture(int i) {
    return await(pictures.get(i), i, "picture");
  }

  /**
   * Waits for segment {@code i}'s {@code what} (its picture or its clip) to be stored, telling
   * the listener once that the render waits; ends the render if its run stops meanwhile.
   */
  private <T> T await(CompletableFuture<T> f, int i, String what) {
    if (!f.isDone() && waitingSent.get(i).compareAndSet(false, true)) {
      job.listener.onEvent(new ProgressEvent.SegmentStatus(i, SegmentPhase.WAITING));
    }
    try {
      while (true) {
        try {
          return f.get(POLL.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          TaskGraph.TaskContext ctx = renderContext;
          if (ctx != null && ctx.isCancelled()) {
            // Another task failed for good (this picture's, say): the job's failure is that
            // one, already recorded; this only ends the render.
            throw new CancellationException("segment " + i + "'s " + what + " will not be made:"
                + " the job is stopping");
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException(
          "rendering was interrupted while waiting for segment " + i + "'s " + what);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new NonRetriableException("Segment " + i + ": its " + what + " was not made: "
          + e.getCause(), e.getCause());
    }
  }

  private Rendered render(TaskGraph.TaskContext ctx) throws Exception {
    var cfg = job.cfg;
    long t0 = System.nanoTime();
    renderContext = ctx;
    states.accept(JobState.RENDERING);
    for (int i = 0; i < pictures.size(); i++) {
      if (!makesStill(i)) {
        // Nothing to make for it: ready once its narration is (READY precedes COMPOSED).
        job.listener.onEvent(new ProgressEvent.SegmentStatus(i, SegmentPhase.READY));
      }
    }
    Assembled a = ctx.get(timelineKey);
    Layout layout = ctx.get(layoutKey);
    List<SpeechAsset> speech = results(ctx, timingKeys);
    Files.createDirectories(job.tempDir);
    Path tmp = Files.createTempFile(job.tempDir, "storyreel-", ".mp4");
    ComposedEvents progress = new ComposedEvents(a.timeline(), job.listener);
    boolean streamed = !(pictures.stream().allMatch(CompletableFuture::isDone)
        && clipsStored.values().stream().allMatch(CompletableFuture::isDone))
        && !(everyPictureCached() && everyClipCached());
    AssetCache.Cached<AssetCache.Video> video;
    String key;
    if (!streamed) {
      key = videoKey(awaitAllPictures(), speech, layout, a.soundtrack(), awaitAllClips(),
          a.timeline());
      video = job.cache.video(key, tmp, () -> cfg.renderer().render(a.timeline(), tmp, progress));
    } else {
      RenderResult r = cfg.renderer().render(a.timeline(), tmp, progress);
      // The renderer has loaded every picture, so each is stored: the key of a render that
      // waited for everything, and the same cache entry.
      key = videoKey(awaitAllPictures(), speech, layout, a.soundtrack(), awaitAllClips(),
          a.timeline());
      video = job.cache.video(key, tmp, () -> r);
    }
    progress.finished();
    job.reportCache(video.use(), TaskKind.RENDER, OptionalInt.empty());
    return new Rendered(key, video, streamed, t0, System.nanoTime());
  }

  /** Whether every picture not stored yet is in the cache, so that it will be there soon. */
  private boolean everyPictureCached() {
    if (!job.cfg.cacheReads()) {
      return false;
    }
    for (Segment seg : board.segments()) {
      if (job.media.hasMedia(seg.index())) {
        continue; // the user's own file: stored at once, no call
      }
      if (!pictures.get(seg.index()).isDone() && job.storage.head(AssetCache.entryKey("image",
          assets.imageKey(seg, job.cfg.seed() + seg.index()))).isEmpty()) {
        return false;
      }
    }
    return true;
  }

  /** Whether every clip the provider has not stored yet is in the cache. */
  private boolean everyClipCached() {
    if (clipsStored.values().stream().allMatch(CompletableFuture::isDone)) {
      return true;
    }
    if (!job.cfg.cacheReads()) {
      return false;
    }
    for (int i : job.media.clips()) {
      Segment seg = board.segments().get(i);
      long seed = job.cfg.seed() + i;
      if (!clipsStored.get(i).isDone() && job.storage.head(AssetCache.entryKey("clip",
          AssetStage.clipKey(job.cfg, seg, assets.imageKey(seg, seed),
              assets.narrationKey(seg, board), seed))).isEmpty()) {
        return false;
      }
    }
    return true;
  }

  private List<ImageAsset> awaitAllPictures() {
    List<ImageAsset> out = new ArrayList<>();
    for (int i = 0; i < pictures.size(); i++) {
      out.add(awaitPicture(i));
    }
    return out;
  }

  /** The rendered video's key: everything on the timeline that changes the video's bytes. */
  private String videoKey(List<ImageAsset> images, List<SpeechAsset> speech, Layout layout,
      Soundtrack soundtrack, Map<Integer, ClipAsset> clips, Timeline timeline) {
    var cfg = job.cfg;
    List<CacheKeys.VideoSegment> segs = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      segs.add(new CacheKeys.VideoSegment(images.get(i) == null ? "no-still"
          : images.get(i).ref().sha256(),
          speech.get(i).ref().sha256(), layout.starts().get(i).toNanos(),
          layout.ends().get(i).toNanos()));
    }
    StringBuilder s = new StringBuilder();
    MixSettings mix = cfg.mix();
    s.append("mix ").append(mix.loudnessLufs()).append(' ').append(mix.truePeakDbtp())
        .append(' ').append(mix.stems());
    for (SoundtrackStage.Bed b : soundtrack.beds()) {
      s.append("|bed ").append(b.audio().ref().sha256()).append(' ')
          .append(b.start().toNanos()).append(' ').append(b.end().toNanos()).append(' ')
          .append(b.fadeIn().toNanos()).append(' ').append(b.fadeOut().toNanos());
    }
    if (!soundtrack.beds().isEmpty()) {
      Ducking d = cfg.ducking();
      s.append("|music ").append(cfg.musicGainDb()).append(" duck ").append(d.depthDb())
          .append(' ').append(d.minGap().toNanos()).append(' ').append(d.ramp().toNanos());
    }
    for (SoundtrackStage.Placed p : soundtrack.effects()) {
      s.append("|sfx ").append(p.audio().ref().sha256()).append(' ').append(p.at().toNanos());
    }
    // A segment's clip and how it is fitted change its frames (absent: the key is as before).
    for (Map.Entry<Integer, ClipAsset> c : clips.entrySet()) {
      s.append("|clip ").append(c.getKey()).append(' ').append(c.getValue().ref().sha256())
          .append(' ').append(timeline.visual().get(c.getKey()).fit().id());
    }
    if (!cfg.motion().isEmpty()) {
      s.append("|motion ").append(cfg.motion().fingerprint());
    }
    return CacheKeys.video(cfg.renderer().fingerprint(), cfg.format(), segs, layout.cues(),
        s.toString());
  }

  /**
   * The renderer's listener: passes every event on and turns its frame counts into {@link
   * SegmentPhase#COMPOSED} events, in segment order. Thread-safe.
   */
  private static final class ComposedEvents implements ProgressListener {
    private final Timeline timeline;
    private final ProgressListener inner;
    private int next;

    ComposedEvents(Timeline timeline, ProgressListener inner) {
      this.timeline = timeline;
      this.inner = inner;
    }

    @Override
    public void onEvent(ProgressEvent e) {
      inner.onEvent(e);
      if (e instanceof ProgressEvent.FramesRendered f) {
        composedUpTo(f.framesDone());
      }
    }

    /** The render returned: every segment is composed (a renderer may report no frames). */
    void finished() {
      composedUpTo(Long.MAX_VALUE);
    }

    private synchronized void composedUpTo(long framesDone) {
      while (next < timeline.visual().size() && timeline.endFrame(next) <= framesDone) {
        inner.onEvent(new ProgressEvent.SegmentStatus(next, SegmentPhase.COMPOSED));
        next++;
      }
    }
  }
}
