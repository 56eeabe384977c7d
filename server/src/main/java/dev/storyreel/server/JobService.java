package dev.storyreel.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.storyreel.core.InvalidInputException;
import dev.storyreel.core.Job;
import dev.storyreel.core.JobState;
import dev.storyreel.core.Plan;
import dev.storyreel.core.ProgressEvent;
import dev.storyreel.core.Redactor;
import dev.storyreel.core.StoryReel;
import dev.storyreel.core.StoryReelException;
import dev.storyreel.core.spi.Storage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the server's jobs: accepts them ({@code QUEUED} in the store), runs at most {@code
 * workers} at once on a bounded pool, records their events and progress, and finishes them
 * (state, error, webhook). Each job's outputs are in {@code <storageRoot>/<id>/out}, its plan in
 * {@code <storageRoot>/<id>/plan.json} and {@code sheet.png}. A job left unfinished by a stop or
 * a crash is run again at the next start into the same folder, where StoryReel's asset cache
 * makes it resume without calling a provider again for what was stored. Thread-safe.
 */
final class JobService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JobService.class);

  /** The outcome of a submission. */
  record Submitted(JobStore.JobRow job, boolean created) {}

  /** Thrown when the same idempotency key comes with another body. */
  static final class IdempotencyConflict extends RuntimeException {
    IdempotencyConflict() {
      super("This Idempotency-Key was already used with a different request body; use a new"
          + " key for a new job, or send the same body to get the same job.");
    }
  }

  /** Thrown when an action does not fit the job's state. */
  static final class StateConflict extends RuntimeException {
    StateConflict(String message) {
      super(message);
    }
  }

  private final ServerConfig config;
  private final JobStore store;
  private final ReelFactory factory;
  private final WebhookDispatcher webhooks;
  private final WebhookUrlPolicy policy;
  private final JobStorage storage;
  private final ThreadPoolExecutor pool;
  private final Map<String, Active> active = new ConcurrentHashMap<>();
  private volatile boolean stopped;

  JobService(ServerConfig config, JobStore store, ReelFactory factory,
      WebhookDispatcher webhooks, WebhookUrlPolicy policy, JobStorage storage) {
    this.config = config;
    this.storage = storage;
    this.store = store;
    this.factory = factory;
    this.webhooks = webhooks;
    this.policy = policy;
    AtomicInteger n = new AtomicInteger();
    this.pool = new ThreadPoolExecutor(config.workers(), config.workers(), 0,
        TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "storyreel-job-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  Path jobDir(String id) {
    if (!Ids.JOB_ID.matcher(id).matches()) {
      throw new IllegalArgumentException("not a job id");
    }
    return config.storageRoot().resolve(id);
  }

  /** Queues every job a previous run of the server left unfinished. */
  void recover() {
    for (String id : store.unfinished()) {
      pool.execute(() -> run(id));
    }
  }

  /**
   * @throws InvalidInputException if the request is invalid
   * @throws IdempotencyConflict if the key was used with another body
   */
  Submitted submit(JobRequest request, @Nullable String idempotencyKey) {
    request.validate(policy);
    String json = Json.write(request);
    String sha = Json.sha256Hex(json);
    if (idempotencyKey != null) {
      Optional<JobStore.JobRow> prior = store.findByIdempotencyKey(idempotencyKey);
      if (prior.isPresent()) {
        return same(prior.get(), sha);
      }
    }
    long now = System.currentTimeMillis();
    JobStore.JobRow row = new JobStore.JobRow(Ids.newId("job_"), idempotencyKey, sha, json,
        "QUEUED", now, now, false, false, 0, null, null, null);
    try {
      store.insert(row);
    } catch (JobStore.DuplicateKeyException e) {
      // Two requests with one key at once: the other one won.
      return same(store.findByIdempotencyKey(idempotencyKey).orElseThrow(), sha);
    }
    pool.execute(() -> run(row.id()));
    return new Submitted(row, true);
  }

  private static Submitted same(JobStore.JobRow prior, String sha) {
    if (!prior.requestSha256().equals(sha)) {
      throw new IdempotencyConflict();
    }
    return new Submitted(prior, false);
  }

  Optional<JobStore.JobRow> find(String id) {
    return store.find(id);
  }

  /** Cancels a queued or running job; a finished one is left as it is. */
  void cancel(String id) {
    JobStore.JobRow row = store.find(id).orElseThrow();
    if (isFinal(row.state())) {
      throw new StateConflict("The job has already ended (" + row.state() + "); there is"
          + " nothing to cancel.");
    }
    store.markCancelRequested(id);
    // A worker registers its job before reading the flag, and reads it again once the job is
    // submitted: whichever side comes second sees the other.
    Active a = active.get(id);
    if (a != null) {
      Job j = a.job;
      if (j != null) {
        j.cancel();
      }
    } else if (row.state().equals("QUEUED")) {
      finish(id, null, "CANCELLED", "cancelled before it started");
    }
  }

  /** Approves a job's plan; allowed while it plans or waits. */
  void approve(String id) {
    JobStore.JobRow row = store.find(id).orElseThrow();
    JobRequest req = request(row);
    if (!req.requiresApproval()) {
      throw new StateConflict("This job was submitted without requireApproval; it needs no"
          + " approval.");
    }
    if (isFinal(row.state())) {
      throw new StateConflict("The job has already ended (" + row.state() + ").");
    }
    store.markApproved(id);
    Active a = active.get(id);
    if (a != null && a.job != null) {
      a.job.approve();
    }
  }

  /** Rejects a job's plan: it ends CANCELLED having spent nothing beyond planning. */
  void reject(String id) {
    JobStore.JobRow row = store.find(id).orElseThrow();
    if (!request(row).requiresApproval()) {
      throw new StateConflict("This job was submitted without requireApproval; cancel it with"
          + " DELETE /jobs/{id} instead.");
    }
    if (row.approved()) {
      throw new StateConflict("The plan was already approved; cancel the job with DELETE"
          + " /jobs/{id} instead.");
    }
    if (isFinal(row.state())) {
      throw new StateConflict("The job has already ended (" + row.state() + ").");
    }
    store.markCancelRequested(id);
    Active a = active.get(id);
    if (a != null) {
      Job j = a.job;
      if (j != null) {
        j.reject();
      }
    } else if (row.state().equals("QUEUED")) {
      finish(id, null, "CANCELLED", "the plan was rejected");
    }
  }

  static boolean isFinal(String state) {
    return state.equals("COMPLETED") || state.equals("FAILED") || state.equals("CANCELLED");
  }

  static JobRequest request(JobStore.JobRow row) {
    try {
      return Json.MAPPER.readValue(row.requestJson(), JobRequest.class);
    } catch (IOException e) {
      throw new IllegalStateException("job " + row.id() + " holds an unreadable request", e);
    }
  }

  /** A job being run by this instance. */
  private final class Active {
    final String id;
    final JobRequest request;
    final Progress progress;
    long seq;
    long lastFramesBucket = -1;
    volatile @Nullable Job job;

    Active(JobStore.JobRow row, JobRequest request) {
      this.id = row.id();
      this.request = request;
      this.progress = Progress.fromJson(row.progressJson());
      this.seq = store.lastEventSeq(id);
    }

    synchronized void onEvent(ProgressEvent e) {
      if (stopped) {
        return;
      }
      try {
        if (e instanceof ProgressEvent.FramesRendered f && f.framesTotal() > 0) {
          long bucket = f.framesDone() * 20 / f.framesTotal();
          if (bucket == lastFramesBucket && f.framesDone() < f.framesTotal()) {
            progress.apply(e);
            return;
          }
          lastFramesBucket = bucket;
        }
        if (e instanceof ProgressEvent.PlanReady p) {
          savePlan(p.plan());
        }
        boolean changed = progress.apply(e);
        record(EventJson.type(e), EventJson.toJson(e));
        if (e instanceof ProgressEvent.JobStateChanged s && !s.state().isTerminal()) {
          store.updateProgress(id, s.state().name(), Json.write(progress.toJson()));
          if (s.state() == JobState.AWAITING_APPROVAL && request.opts().webhookUrl() != null) {
            webhooks.enqueue(id, "job.awaiting_approval", request.opts().webhookUrl(),
                payload("job.awaiting_approval", id));
          }
        } else if (changed && !(e instanceof ProgressEvent.JobStateChanged)) {
          store.updateProgress(id, progress.stage(), Json.write(progress.toJson()));
        }
      } catch (RuntimeException ex) {
        LOG.warn("job {}: an event could not be recorded: {}", id, ex.getMessage());
      }
    }

    void record(String type, ObjectNode data) {
      seq++;
      store.appendEvent(id, seq, type, Json.write(data));
    }

    private void savePlan(Plan plan) {
      try {
        Path dir = jobDir(id);
        Files.createDirectories(dir);
        writeAtomically(dir.resolve("plan.json"), plan.toJson());
        if (plan.sheet() != null) {
          writeAtomically(dir.resolve("sheet.png"), plan.sheet().png());
        }
        ObjectNode est = Json.object();
        est.set("items", Json.MAPPER.valueToTree(plan.estimate()).path("items"));
        est.put("totalUsd", plan.estimate().totalUsd().toPlainString());
        est.put("spentUsd", plan.estimate().spentUsd().toPlainString());
        est.put("toProduceUsd", plan.estimate().toProduceUsd().toPlainString());
        writeAtomically(dir.resolve("estimate.json"), Json.MAPPER.writeValueAsBytes(est));
      } catch (IOException ex) {
        LOG.warn("job {}: its plan could not be saved: {}", id, ex.getMessage());
      }
    }
  }

  private static void writeAtomically(Path file, byte[] bytes) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(tmp, bytes);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private void run(String id) {
    if (stopped) {
      return;
    }
    JobStore.JobRow row = store.find(id).orElse(null);
    if (row == null || isFinal(row.state())) {
      return;
    }
    JobRequest req = request(row);
    Active a = new Active(row, req);
    active.put(id, a);
    row = store.find(id).orElseThrow();
    if (isFinal(row.state()) || row.cancelRequested()) {
      active.remove(id);
      if (!isFinal(row.state())) {
        finish(id, null, "CANCELLED", req.requiresApproval() && !row.approved()
            ? "the plan was rejected" : "cancelled before it started");
      }
      return;
    }
    store.incrementRuns(id);
    AutoCloseable closeAfter = null;
    try {
      StoryReel reel = factory.builder(req).listener(a::onEvent)
          .requireApproval(req.requiresApproval()).build();
      Files.createDirectories(jobDir(id));
      Storage out = storage.open(id);
      if (out instanceof AutoCloseable c) {
        closeAfter = c;
      }
      Job job = reel.submit(req.toStory(), out);
      a.job = job;
      JobStore.JobRow now = store.find(id).orElseThrow();
      if (now.approved() && req.requiresApproval()) {
        job.approve();
      }
      if (now.cancelRequested()) {
        if (req.requiresApproval() && !now.approved()) {
          job.reject();
        } else {
          job.cancel();
        }
      }
      try {
        job.result().get();
        finish(id, a, "COMPLETED", null);
      } catch (InterruptedException e) {
        // The server is stopping: the job stays unfinished in the store and resumes at the
        // next start; nothing final is written now.
        job.cancel();
        Thread.currentThread().interrupt();
      } catch (CancellationException e) {
        finish(id, a, "CANCELLED", cancelReason(id));
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof CancellationException) {
          finish(id, a, "CANCELLED", cancelReason(id));
        } else {
          finish(id, a, "FAILED", EventJson.message(c));
        }
      }
    } catch (StoryReelException | IllegalArgumentException e) {
      finish(id, a, "FAILED", Redactor.redact(e.getMessage() == null ? "the job could not start"
          : e.getMessage()));
    } catch (IOException e) {
      finish(id, a, "FAILED", "the job's folder could not be created: " + e.getMessage());
    } catch (RuntimeException e) {
      LOG.error("job {} failed unexpectedly", id, e);
      finish(id, a, "FAILED", "the server failed while running the job; see its log");
    } finally {
      if (!stopped) {
        active.remove(id);
      }
      if (closeAfter != null) {
        try {
          closeAfter.close();
        } catch (Exception e) {
          LOG.warn("job {}: its storage did not close: {}", id, e.getMessage());
        }
      }
    }
  }

  private String cancelReason(String id) {
    return store.find(id).filter(r -> r.cancelRequested() && !r.approved()
        && request(r).requiresApproval()).map(r -> "the plan was rejected").orElse("cancelled");
  }

  /** Records a job's end once, with its last event and, when it has a URL, its webhook. */
  private void finish(String id, @Nullable Active a, String state, @Nullable String error) {
    if (stopped) {
      return;
    }
    ObjectNode end = Json.object().put("type", "JobFinished").put("state", state);
    if (error != null) {
      end.put("error", error);
    }
    if (a != null) {
      synchronized (a) {
        a.progress.stage(state);
        if (error != null) {
          a.progress.error(error);
        }
        // The row first: only the side that ends the job records its last event.
        if (!store.finish(id, state, Json.write(a.progress.toJson()), error)) {
          return;
        }
        a.record("JobFinished", end);
      }
    } else {
      Progress p = Progress.fromJson(store.find(id).map(JobStore.JobRow::progressJson)
          .orElse(null));
      p.stage(state);
      if (!store.finish(id, state, Json.write(p.toJson()), error)) {
        return;
      }
      store.appendEvent(id, store.lastEventSeq(id) + 1, "JobFinished", Json.write(end));
    }
    JobStore.JobRow row = store.find(id).orElseThrow();
    String url = request(row).opts().webhookUrl();
    if (url != null && !state.equals("CANCELLED")) {
      String type = state.equals("COMPLETED") ? "job.completed" : "job.failed";
      webhooks.enqueue(id, type, url, payload(type, id));
    }
  }

  private String payload(String type, String id) {
    ObjectNode n = Json.object();
    n.put("type", type);
    n.put("timestamp", Instant.now().toString());
    n.set("data", JobViews.view(store.find(id).orElseThrow(), this));
    return Json.write(n);
  }

  /** @return where the jobs' outputs are */
  JobStorage storage() {
    return storage;
  }

  /** @return how many jobs are running now */
  int running() {
    return pool.getActiveCount();
  }

  /** @return how many jobs wait for a worker */
  int queued() {
    return pool.getQueue().size();
  }

  /**
   * Stops at once, as a crash would: running jobs are interrupted and left unfinished in the
   * store (they resume at the next start); queued ones stay queued.
   */
  @Override
  public void close() {
    stopped = true;
    pool.shutdownNow();
    for (Active a : active.values()) {
      Job j = a.job;
      if (j != null) {
        j.cancel();
      }
    }
    try {
      pool.awaitTermination(10, TimeUnit.SECONDS);
      // Wait (a while) until the cancelled jobs have really stopped, so that a new instance on
      // the same storage does not meet their clean-up.
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      for (Active a : active.values()) {
        Job j = a.job;
        while (j != null && !j.state().isTerminal() && System.nanoTime() < end) {
          Thread.sleep(20);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
