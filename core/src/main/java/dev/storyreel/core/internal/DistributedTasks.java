package dev.storyreel.core.internal;

import dev.storyreel.core.AssetRef;
import dev.storyreel.core.Budget;
import dev.storyreel.core.JobResult;
import dev.storyreel.core.Manifest;
import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.ProgressListener;
import dev.storyreel.core.RetryPolicy;
import dev.storyreel.core.Story;
import dev.storyreel.core.TaskKind;
import dev.storyreel.core.Usage;
import dev.storyreel.core.distributed.JobTasks;
import dev.storyreel.core.distributed.MadeAsset;
import dev.storyreel.core.distributed.PlannedJob;
import dev.storyreel.core.distributed.TaskInfo;
import dev.storyreel.core.distributed.TaskOutput;
import dev.storyreel.core.internal.AssetStage.ClipAsset;
import dev.storyreel.core.internal.AssetStage.ImageAsset;
import dev.storyreel.core.internal.AssetStage.SpeechAsset;
import dev.storyreel.core.internal.AssetStage.Spoken;
import dev.storyreel.core.spi.Storage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;

/**
 * {@link JobTasks} over the in-process graph: each call builds the job's {@link JobGraph} again
 * (planning is a cache hit once planned), keeps the named task and everything it depends on, and
 * runs that on this JVM's threads with no retries. The dependencies find their outputs in the
 * asset cache, so only the named task does new work. {@code publish} is the whole job, as {@link
 * Pipeline} runs it, told which cache entries the job's tasks made (and what they spent), so its
 * manifest is the in-process one.
 */
public final class DistributedTasks implements JobTasks {
  private final Pipeline.Config cfg;
  private final Story story;
  private final Storage storage;

  /**
   * @param cfg the job's settings, as {@code StoryReel.submit} makes them
   * @param story the story
   * @param storage the job's storage
   */
  public DistributedTasks(Pipeline.Config cfg, Story story, Storage storage) {
    this.cfg = Objects.requireNonNull(cfg, "cfg");
    this.story = Objects.requireNonNull(story, "story");
    this.storage = Objects.requireNonNull(storage, "storage");
  }

  @Override
  public PlannedJob plan(ProgressListener listener) {
    return attempt(listener, (job, plan, full) -> {
      List<TaskInfo> out = new ArrayList<>();
      for (String id : full.taskIds()) {
        TaskGraph.Node n = full.node(id);
        List<String> deps = new ArrayList<>(full.dependenciesOf(TaskGraph.TaskKey.of(id)));
        if (n.meta.kind() == TaskKind.RENDER) {
          for (String other : full.taskIds()) {
            if (streamedToTheRender(full, other) && !deps.contains(other)) {
              deps.add(other);
            }
          }
        }
        boolean retried = n.retry == null || n.retry.maxAttempts() > 1;
        out.add(new TaskInfo(id, n.meta.kind(), n.meta.segment().orElse(-1), n.resource, deps,
            retried));
      }
      List<MadeAsset> made = new ArrayList<>();
      made(plan.use(), plan.usage(), made);
      return new PlannedJob(out, made);
    });
  }

  @Override
  public TaskOutput run(String taskId, ProgressListener listener) {
    Objects.requireNonNull(taskId, "taskId");
    if (PUBLISH.equals(taskId)) {
      throw new IllegalArgumentException("The publish task needs what the other tasks made:"
          + " call publish(made, listener), not run(\"publish\", listener)");
    }
    return attempt(listener, (job, plan, full) -> {
      if (full.node(taskId) == null) {
        throw new IllegalArgumentException("This job has no task '" + taskId + "'; its tasks: "
            + full.taskIds());
      }
      TaskGraph.Results r = await(full.only(needed(full, taskId)), listener,
          AssetStage.FAILURE_GRACE);
      Object v = r.get(TaskGraph.TaskKey.of(taskId));
      return new TaskOutput(reference(taskId, v), made(v));
    });
  }

  /** What one attempt does once the job is planned and its graph built. */
  @FunctionalInterface
  private interface Step<T> {
    T apply(JobContext job, PlanStage.Planned plan, TaskGraph full) throws Exception;
  }

  private <T> T attempt(ProgressListener listener, Step<T> step) {
    Objects.requireNonNull(listener, "listener");
    ProgressListener events = SafeListener.wrap(listener);
    Pipeline.Config c = withListener(cfg, events);
    Path temp = null;
    try {
      Files.createDirectories(c.workDir());
      temp = Files.createTempDirectory(c.workDir(), "storyreel-task-");
      JobContext job = new JobContext(c, story, storage, events,
          new AssetCache(storage, c.cacheReads()),
          new Metering(c.prices(), new Budget(c.budgetUsd()), events), temp,
          (g, retry, grace) -> await(g, events, grace));
      PlanStage.Planned plan = PlanGate.plain().plan(job, s -> { });
      JobGraph graph = new JobGraph(job, plan.board(), s -> { }, () -> false);
      return step.apply(job, plan, graph.build());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("the task was cancelled");
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new NonRetriableException("The task failed: " + e.getMessage(), e);
    } finally {
      Pipeline.deleteTree(temp);
    }
  }

  @Override
  public TaskOutput publish(List<MadeAsset> madeByThisJob, ProgressListener listener) {
    Objects.requireNonNull(madeByThisJob, "madeByThisJob");
    Map<String, Usage> earlier = new HashMap<>();
    for (MadeAsset m : madeByThisJob) {
      earlier.merge(m.cacheKey(), m.usage(), Usage::plus);
    }
    Pipeline p = new Pipeline(withListener(cfg, listener), story, storage, earlier);
    p.start();
    try {
      JobResult r = p.result().get();
      return new TaskOutput(r.manifestFile().key(), List.of());
    } catch (InterruptedException e) {
      p.cancel();
      try {
        p.result().handle((v, t) -> v).get();
      } catch (InterruptedException | ExecutionException ignored) {
        // already cancelled; the interrupt is restored below
      }
      Thread.currentThread().interrupt();
      throw new CancellationException("the job was cancelled while publishing");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new NonRetriableException("Publishing failed: " + e.getCause(), e.getCause());
    }
  }

  /** The cache entries a task's result says it made (its misses), with their usage. */
  private static List<MadeAsset> made(Object v) {
    List<MadeAsset> out = new ArrayList<>();
    if (v instanceof ImageAsset a) {
      made(a.use(), a.usage(), out);
    } else if (v instanceof ClipAsset c) {
      made(c.use(), c.usage(), out);
    } else if (v instanceof Spoken s) {
      made(s.use(), s.usage(), out);
    } else if (v instanceof SpeechAsset a) {
      made(a.timingsUse(), a.alignerUsage(), out);
    } else if (v instanceof SoundtrackStage.Bed b) {
      made(b.audio().use(), b.usage(), out);
    } else if (v instanceof Optional<?> o && o.isPresent()
        && o.get() instanceof SoundtrackStage.Placed p) {
      made(p.audio().use(), Usage.NONE, out);
    } else if (v instanceof JobGraph.Rendered r) {
      made(r.video().use(), Usage.NONE, out);
    }
    return out;
  }

  private static void made(Manifest.CacheUse use, Usage usage, List<MadeAsset> out) {
    if (use != null && !use.hit()) {
      out.add(new MadeAsset(use.key(), usage == null ? Usage.NONE : usage));
    }
  }

  /** The task and everything it needs: its dependencies' closure, and a render's pictures. */
  private static Set<String> needed(TaskGraph full, String taskId) {
    Set<String> out = new LinkedHashSet<>();
    Deque<String> todo = new ArrayDeque<>(List.of(taskId));
    while (!todo.isEmpty()) {
      String id = todo.pop();
      if (out.add(id)) {
        todo.addAll(full.dependenciesOf(TaskGraph.TaskKey.of(id)));
        if (full.node(id).meta.kind() == TaskKind.RENDER) {
          // The render's pictures and clips come from tasks of the same graph (JobGraph).
          for (String other : full.taskIds()) {
            if (streamedToTheRender(full, other)) {
              todo.add(other);
            }
          }
        }
      }
    }
    return out;
  }

  /**
   * Whether a task's output reaches a streaming render through its sources rather than as a
   * declared dependency (JobGraph): every picture and every clip.
   */
  private static boolean streamedToTheRender(TaskGraph full, String id) {
    TaskKind k = full.node(id).meta.kind();
    return k == TaskKind.IMAGE || k == TaskKind.CLIP;
  }

  private static String reference(String taskId, Object v) {
    if (v instanceof ImageAsset a) {
      return a.ref().key();
    } else if (v instanceof ClipAsset c) {
      return c.ref().key();
    } else if (v instanceof SpeechAsset a) {
      return a.ref().key();
    } else if (v instanceof Spoken s) {
      return s.audio().key();
    } else if (v instanceof SoundtrackStage.Bed b) {
      return b.audio().ref().key();
    } else if (v instanceof Optional<?> o && o.isPresent()
        && o.get() instanceof SoundtrackStage.Placed p) {
      return p.audio().ref().key();
    } else if (v instanceof JobGraph.Rendered r) {
      return AssetCache.entryKey("video", r.videoKey());
    } else if (v instanceof AssetRef a) {
      return a.key();
    }
    return taskId;
  }

  private static TaskGraph.Results await(TaskGraph g, ProgressListener events, Duration grace)
      throws Exception {
    TaskGraph.Execution e = g.start(RetryPolicy.none(), events, grace);
    try {
      return e.completion().get();
    } catch (InterruptedException ie) {
      e.cancel();
      Pipeline.awaitQuiescence(e);
      Thread.currentThread().interrupt();
      throw new CancellationException("the task was cancelled");
    } catch (ExecutionException ee) {
      Pipeline.awaitQuiescence(e);
      if (ee.getCause() instanceof Exception ex) {
        throw ex;
      }
      throw ee;
    }
  }

  /** The job's settings with another listener and no in-process retries. */
  private static Pipeline.Config withListener(Pipeline.Config c, ProgressListener l) {
    ProgressListener own = c.listener();
    ProgressListener both = e -> {
      own.onEvent(e);
      l.onEvent(e);
    };
    return new Pipeline.Config(c.planner(), c.images(), c.speech(), c.aligner(), c.renderer(),
        c.format(), c.voice(), c.visualStyle(), RetryPolicy.none(), c.concurrency(), both,
        c.seed(), c.workDir(), c.cacheReads(), c.inputKey(), c.moderator(), c.prices(),
        c.budgetUsd(), c.narrationBounds(), c.music(), c.effects(), c.mood(), c.musicGainDb(),
        c.ducking(), c.mix(), c.clips(), c.motion());
  }
}
