package dev.storyreel.core.internal;

import dev.storyreel.core.AssetRef;
import dev.storyreel.core.JobResult;
import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.ProgressListener;
import dev.storyreel.core.RetryPolicy;
import dev.storyreel.core.Story;
import dev.storyreel.core.TaskKind;
import dev.storyreel.core.distributed.JobTasks;
import dev.storyreel.core.distributed.TaskInfo;
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
import java.util.LinkedHashSet;
import java.util.List;
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
 * Pipeline} runs it, so its manifest is the in-process one.
 */
public final class DistributedTasks implements JobTasks {
  private static final Duration QUIESCENCE = Duration.ofSeconds(30);
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
  public List<TaskInfo> plan(ProgressListener listener) {
    return attempt(listener, (job, graph, full) -> {
      List<TaskInfo> out = new ArrayList<>();
      for (String id : full.taskIds()) {
        TaskGraph.Node n = full.node(id);
        List<String> deps = new ArrayList<>(full.dependenciesOf(TaskGraph.TaskKey.of(id)));
        if (n.meta.kind() == TaskKind.RENDER) {
          for (String other : full.taskIds()) {
            if (full.node(other).meta.kind() == TaskKind.IMAGE && !deps.contains(other)) {
              deps.add(other);
            }
          }
        }
        boolean retried = n.retry == null || n.retry.maxAttempts() > 1;
        out.add(new TaskInfo(id, n.meta.kind(), n.meta.segment().orElse(-1), n.resource, deps,
            retried));
      }
      return out;
    });
  }

  @Override
  public String run(String taskId, ProgressListener listener) {
    Objects.requireNonNull(taskId, "taskId");
    if (PUBLISH.equals(taskId)) {
      return publish(listener);
    }
    return attempt(listener, (job, graph, full) -> {
      if (full.node(taskId) == null) {
        throw new IllegalArgumentException("This job has no task '" + taskId + "'; its tasks: "
            + full.taskIds());
      }
      TaskGraph.Results r = await(full.only(needed(full, taskId)), listener,
          AssetStage.FAILURE_GRACE);
      return reference(taskId, r.get(TaskGraph.TaskKey.of(taskId)));
    });
  }

  /** What one attempt does once the job is planned and its graph built. */
  @FunctionalInterface
  private interface Step<T> {
    T apply(JobContext job, JobGraph graph, TaskGraph full) throws Exception;
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
          new Metering(c.prices(), new dev.storyreel.core.Budget(c.budgetUsd()), events), temp,
          (g, retry, grace) -> await(g, events, grace));
      PlanStage.Planned plan = PlanGate.plain().plan(job, s -> { });
      JobGraph graph = new JobGraph(job, plan.board(), s -> { }, () -> false);
      return step.apply(job, graph, graph.build());
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

  /** The whole job from the cache, as {@link Pipeline} runs it, writing the final outputs. */
  private String publish(ProgressListener listener) {
    Pipeline p = new Pipeline(withListener(cfg, listener), story, storage);
    p.start();
    try {
      JobResult r = p.result().get();
      return r.manifestFile().key();
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

  /** The task and everything it needs: its dependencies' closure, and a render's pictures. */
  private static Set<String> needed(TaskGraph full, String taskId) {
    Set<String> out = new LinkedHashSet<>();
    Deque<String> todo = new ArrayDeque<>(List.of(taskId));
    while (!todo.isEmpty()) {
      String id = todo.pop();
      if (out.add(id)) {
        todo.addAll(full.dependenciesOf(TaskGraph.TaskKey.of(id)));
        if (full.node(id).meta.kind() == TaskKind.RENDER) {
          // The render's pictures come from the image tasks of the same graph (JobGraph).
          for (String other : full.taskIds()) {
            if (full.node(other).meta.kind() == TaskKind.IMAGE) {
              todo.add(other);
            }
          }
        }
      }
    }
    return out;
  }

  private static String reference(String taskId, Object v) {
    if (v instanceof ImageAsset a) {
      return a.ref().key();
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
      quiesce(e);
      Thread.currentThread().interrupt();
      throw new CancellationException("the task was cancelled");
    } catch (ExecutionException ee) {
      quiesce(e);
      if (ee.getCause() instanceof Exception ex) {
        throw ex;
      }
      throw ee;
    }
  }

  private static void quiesce(TaskGraph.Execution e) {
    boolean interrupted = Thread.interrupted();
    try {
      e.awaitQuiescence(QUIESCENCE);
    } catch (InterruptedException ie) {
      interrupted = true;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
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
        c.ducking(), c.mix());
  }
}
