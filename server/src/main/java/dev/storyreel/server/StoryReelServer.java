package dev.storyreel.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.storyreel.core.InvalidInputException;
import dev.storyreel.core.StoryReel;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.sse.SseClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The StoryReel job server: an HTTP API (Javalin) over a job store (JDBC) and a bounded pool of
 * StoryReel jobs. Routes: {@code POST /jobs}, {@code GET /jobs}, {@code GET /jobs/{id}}, {@code
 * DELETE /jobs/{id}}, {@code POST /jobs/{id}/approve}, {@code POST /jobs/{id}/reject}, {@code
 * GET /jobs/{id}/events} (Server-Sent Events), {@code GET /jobs/{id}/plan}, {@code
 * .../plan/estimate}, {@code .../plan/sheet.png}, {@code GET /jobs/{id}/outputs/{name}}, {@code
 * GET /jobs/{id}/webhooks}, {@code GET /openapi.json}, {@code GET /health} and the page at
 * {@code /}. Every route but {@code /health} and the page needs {@code Authorization: Bearer
 * <key>}. Thread-safe.
 *
 * <pre>{@code
 * try (StoryReelServer s = StoryReelServer.start(ServerConfig.builder().apiKey(key).port(0).build(),
 *     ReelFactory.standard())) {
 *   System.out.println("listening on " + s.port());
 * }
 * }</pre>
 */
public final class StoryReelServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StoryReelServer.class);
  private static final int MAX_PAGE = 100;

  private final ServerConfig config;
  private final JobStore store;
  private final WebhookDispatcher webhooks;
  private final JobStorage storage;
  private final JobService jobs;
  private final Javalin app;
  private final byte[] keyHash;
  private volatile boolean closed;

  private StoryReelServer(ServerConfig config, ReelFactory factory) {
    this.config = config;
    this.keyHash = sha256(config.apiKey().getBytes(StandardCharsets.UTF_8));
    try {
      Files.createDirectories(config.storageRoot());
    } catch (IOException e) {
      throw new IllegalStateException("the storage folder " + config.storageRoot()
          + " could not be created: " + e.getMessage());
    }
    this.store = new JobStore(config.jdbcUrl(), config.jdbcUser(), config.jdbcPassword());
    store.migrate();
    WebhookUrlPolicy policy =
        new WebhookUrlPolicy(config.allowLoopbackWebhooks(), config.allowPrivateWebhooks());
    this.webhooks = new WebhookDispatcher(config, store, policy);
    this.storage = new JobStorage(config);
    this.jobs = new JobService(config, store, factory, webhooks, policy, storage);
    this.app = Javalin.create(c -> {
      c.startup.showJavalinBanner = false;
      c.startup.showOldJavalinVersionWarning = false;
      c.http.maxRequestSize = config.maxBodyBytes();
      c.jetty.host = config.host();
      c.jetty.port = config.port();
      c.routes.before(this::authenticate);
      c.routes.get("/health", this::health);
      c.routes.get("/", ctx -> resource(ctx, "public/index.html", "text/html; charset=utf-8"));
      c.routes.get("/openapi.json",
          ctx -> resource(ctx, "openapi.json", "application/json"));
      c.routes.post("/jobs", this::submit);
      c.routes.get("/jobs", this::list);
      c.routes.get("/jobs/{id}", ctx -> json(ctx, 200, JobViews.view(row(ctx), jobs)));
      c.routes.delete("/jobs/{id}", ctx -> {
        jobs.cancel(row(ctx).id());
        json(ctx, 202, JobViews.view(row(ctx), jobs));
      });
      c.routes.post("/jobs/{id}/approve", ctx -> {
        jobs.approve(row(ctx).id());
        json(ctx, 202, JobViews.view(row(ctx), jobs));
      });
      c.routes.post("/jobs/{id}/reject", ctx -> {
        jobs.reject(row(ctx).id());
        json(ctx, 202, JobViews.view(row(ctx), jobs));
      });
      c.routes.get("/jobs/{id}/plan", ctx -> file(ctx, "plan.json", "application/json"));
      c.routes.get("/jobs/{id}/plan/estimate",
          ctx -> file(ctx, "estimate.json", "application/json"));
      c.routes.get("/jobs/{id}/plan/sheet.png", ctx -> file(ctx, "sheet.png", "image/png"));
      c.routes.get("/jobs/{id}/outputs/{name}", this::output);
      c.routes.get("/jobs/{id}/webhooks", this::deliveries);
      c.routes.before("/jobs/{id}/events", this::row);
      c.routes.sse("/jobs/{id}/events", this::events);
      c.routes.exception(ApiError.class, (e, ctx) -> error(ctx, e.status, e.code, e.getMessage()));
      c.routes.exception(InvalidInputException.class,
          (e, ctx) -> error(ctx, 400, "invalid_request", e.getMessage()));
      c.routes.exception(JobService.IdempotencyConflict.class,
          (e, ctx) -> error(ctx, 409, "idempotency_conflict", e.getMessage()));
      c.routes.exception(JobService.StateConflict.class,
          (e, ctx) -> error(ctx, 409, "state_conflict", e.getMessage()));
      c.routes.exception(NoSuchElementException.class,
          (e, ctx) -> error(ctx, 404, "not_found", "No job has this id."));
      c.routes.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(),
          e.getStatus() == 413 ? "body_too_large" : "http_error", e.getStatus() == 413
              ? tooLarge() : e.getMessage()));
      c.routes.exception(Exception.class, (e, ctx) -> {
        LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
        error(ctx, 500, "internal", "The server failed; its log has the details.");
      });
      c.routes.error(404, ctx -> {
        if (ctx.result() == null || ctx.result().isEmpty()) {
          error(ctx, 404, "not_found", "No such route: " + ctx.method() + " " + ctx.path());
        }
      });
    });
  }

  /**
   * Starts the server: applies the schema, starts listening, resumes unfinished jobs and
   * pending webhooks.
   *
   * @param config the settings
   * @param factory makes each job's {@link StoryReel.Builder}
   * @return the running server
   * @throws IllegalStateException if the database or the port cannot be opened
   */
  public static StoryReelServer start(ServerConfig config, ReelFactory factory) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(factory, "factory");
    StoryReelServer s = new StoryReelServer(config, factory);
    s.app.start();
    s.jobs.recover();
    s.webhooks.resumePending();
    return s;
  }

  /** @return the port it listens on (the real one when configured with 0) */
  public int port() {
    return app.port();
  }

  /** @return the settings */
  public ServerConfig config() {
    return config;
  }

  /**
   * Stops listening and stops at once, as a crash would: running jobs are interrupted and left
   * unfinished in the store, to resume at the next start; pending webhooks stay pending.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    app.stop();
    jobs.close();
    webhooks.close();
    storage.close();
    store.close();
  }

  /** An error answer: status, a stable code, and a message saying what to do. */
  static final class ApiError extends RuntimeException {
    final int status;
    final String code;

    ApiError(int status, String code, String message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  private void authenticate(Context ctx) {
    String path = ctx.path();
    if (path.equals("/health") || (path.equals("/") && ctx.method().name().equals("GET"))) {
      return;
    }
    String cl = ctx.header("Content-Length");
    if (cl != null) {
      try {
        long length = Long.parseLong(cl.trim());
        if (length > config.maxBodyBytes()) {
          swallow(ctx, length);
          throw new ApiError(413, "body_too_large", tooLarge());
        }
      } catch (NumberFormatException e) {
        throw new ApiError(400, "invalid_request", "Content-Length is not a number.");
      }
    }
    String auth = ctx.header("Authorization");
    String token = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)
        ? auth.substring(7).strip() : "";
    // Hashing both sides first makes the comparison constant-time in the key's length too.
    if (!MessageDigest.isEqual(keyHash, sha256(token.getBytes(StandardCharsets.UTF_8)))) {
      ctx.header("WWW-Authenticate", "Bearer");
      throw new ApiError(401, "unauthorized", "Send the server's API key as"
          + " 'Authorization: Bearer <key>' (the key is set with STORYREEL_API_KEY).");
    }
  }

  /** The most of a refused body read and thrown away before the 413, as Tomcat's default. */
  static final long SWALLOW_BYTES = 2L << 20;

  /**
   * Reads and discards a refused body of up to {@link #SWALLOW_BYTES} (as Tomcat's {@code
   * maxSwallowSize}), so that a client still uploading it reads the 413 rather than a connection
   * reset: a server that closes a connection with unread bytes makes the kernel send a reset,
   * which can overtake the response. A longer body is left unread and the connection closed.
   */
  private static void swallow(Context ctx, long length) {
    if (length > SWALLOW_BYTES) {
      return;
    }
    try {
      ctx.req().getInputStream().skipNBytes(length);
    } catch (IOException e) {
      // The client went away; the 413 is sent if the connection still allows it.
    }
  }

  private String tooLarge() {
    return "The request body is over the limit of " + config.maxBodyBytes() + " bytes;"
        + " shorten the story.";
  }

  private void health(Context ctx) {
    json(ctx, 200, Json.object().put("status", closed ? "stopping" : "ok")
        .put("running", jobs.running()).put("queued", jobs.queued()));
  }

  private void submit(Context ctx) {
    String key = ctx.header("Idempotency-Key");
    if (key != null && (key.isBlank() || key.length() > 255)) {
      throw new ApiError(400, "invalid_request", "Idempotency-Key must be 1..255 characters.");
    }
    byte[] body = ctx.bodyAsBytes();
    if (body.length > config.maxBodyBytes()) {
      throw new ApiError(413, "body_too_large", tooLarge());
    }
    JobRequest request;
    try {
      request = Json.MAPPER.readValue(body, JobRequest.class);
    } catch (UnrecognizedPropertyException e) {
      throw new ApiError(400, "invalid_request", "Unknown field '" + path(e) + "'; the fields"
          + " are described at /openapi.json.");
    } catch (JsonMappingException e) {
      throw new ApiError(400, "invalid_request", "Field '" + path(e) + "' has the wrong type"
          + " or is missing; see /openapi.json.");
    } catch (JsonProcessingException e) {
      throw new ApiError(400, "invalid_request", "The body is not valid JSON (line "
          + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ").");
    } catch (IOException e) {
      throw new ApiError(400, "invalid_request", "The body could not be read.");
    }
    if (request == null) {
      throw new ApiError(400, "invalid_request", "The body must be a JSON object with a story.");
    }
    JobService.Submitted s = jobs.submit(request, key);
    String location = "/jobs/" + s.job().id();
    ctx.header("Location", location);
    if (!s.created()) {
      ctx.header("Idempotent-Replayed", "true");
    }
    json(ctx, 202, JobViews.view(jobs.find(s.job().id()).orElseThrow(), jobs));
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName()
        : "[" + r.getIndex() + "]").collect(Collectors.joining("."));
  }

  private void list(Context ctx) {
    int limit = 20;
    String l = ctx.queryParam("limit");
    if (l != null) {
      try {
        limit = Integer.parseInt(l);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_PAGE) {
        throw new ApiError(400, "invalid_request", "limit must be 1.." + MAX_PAGE + ", was "
            + l + ".");
      }
    }
    Long beforeAt = null;
    String beforeId = null;
    String cursor = ctx.queryParam("cursor");
    if (cursor != null) {
      try {
        String c = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        int bar = c.indexOf('|');
        beforeAt = Long.parseLong(c.substring(0, bar));
        beforeId = c.substring(bar + 1);
      } catch (RuntimeException e) {
        throw new ApiError(400, "invalid_request", "cursor is not one this server gave; use"
            + " the nextCursor of the previous page.");
      }
    }
    List<JobStore.JobRow> rows = store.list(limit + 1, beforeAt, beforeId);
    ObjectNode n = Json.object();
    ArrayNode items = n.putArray("jobs");
    for (int i = 0; i < Math.min(limit, rows.size()); i++) {
      items.add(JobViews.view(rows.get(i), jobs));
    }
    if (rows.size() > limit) {
      JobStore.JobRow last = rows.get(limit - 1);
      n.put("nextCursor", Base64.getUrlEncoder().withoutPadding().encodeToString(
          (last.createdAt() + "|" + last.id()).getBytes(StandardCharsets.UTF_8)));
    } else {
      n.putNull("nextCursor");
    }
    json(ctx, 200, n);
  }

  /** @return the job the path names; the id is checked before it reaches the store */
  private JobStore.JobRow row(Context ctx) {
    String id = ctx.pathParam("id");
    if (!Ids.JOB_ID.matcher(id).matches()) {
      throw new NoSuchElementException();
    }
    return jobs.find(id).orElseThrow();
  }

  /** Serves one of a job's own files; the name is one of ours, never the request's. */
  private void file(Context ctx, String name, String type) throws IOException {
    JobStore.JobRow r = row(ctx);
    Path f = jobs.jobDir(r.id()).resolve(name);
    if (!Files.isRegularFile(f)) {
      throw new ApiError(404, "not_found", "This job has no plan yet; it is made while the job"
          + " is PLANNING (state now " + r.state() + ").");
    }
    ctx.contentType(type);
    ctx.result(Files.readAllBytes(f));
  }

  private static final Map<String, String> OUTPUT_TYPES = Map.of("video.mp4", "video/mp4",
      "captions.srt", "application/x-subrip", "captions.vtt", "text/vtt",
      "thumbnail.jpg", "image/jpeg", "manifest.json", "application/json");

  private void output(Context ctx) throws IOException {
    JobStore.JobRow r = row(ctx);
    String asked = ctx.pathParam("name");
    String name = StoryReel.OUTPUT_KEYS.stream().filter(asked::equals).findFirst()
        .orElseThrow(() -> new ApiError(404, "not_found", "A job's outputs are "
            + String.join(", ", StoryReel.OUTPUT_KEYS) + "."));
    if (!r.state().equals("COMPLETED")) {
      throw new ApiError(409, "state_conflict", "The job's outputs are served once it is"
          + " COMPLETED; it is " + r.state() + ".");
    }
    java.util.Optional<java.net.URI> presigned = storage.presign(r.id(), name);
    if (presigned.isPresent()) {
      ctx.redirect(presigned.get().toString(), io.javalin.http.HttpStatus.FOUND);
      return;
    }
    Path f = jobs.jobDir(r.id()).resolve("out").resolve(name);
    if (!Files.isRegularFile(f)) {
      throw new ApiError(404, "not_found", name + " is missing from the job's storage.");
    }
    InputStream in = Files.newInputStream(f);
    ctx.writeSeekableStream(in, OUTPUT_TYPES.get(name), Files.size(f));
  }

  private void deliveries(Context ctx) {
    JobStore.JobRow r = row(ctx);
    ObjectNode n = Json.object();
    ArrayNode arr = n.putArray("deliveries");
    for (JobStore.Delivery d : store.deliveriesOf(r.id())) {
      ObjectNode o = arr.addObject().put("id", d.id()).put("event", d.eventType())
          .put("state", d.state()).put("attempts", d.attempts());
      ArrayNode at = o.putArray("attemptLog");
      for (JobStore.Attempt a : store.attempts(d.id())) {
        ObjectNode x = at.addObject().put("attempt", a.attempt())
            .put("at", java.time.Instant.ofEpochMilli(a.attemptedAt()).toString());
        if (a.httpStatus() != null) {
          x.put("httpStatus", a.httpStatus());
        }
        if (a.error() != null) {
          x.put("error", a.error());
        }
      }
    }
    json(ctx, 200, n);
  }

  private void events(SseClient client) {
    Context ctx = client.ctx();
    String id = ctx.pathParam("id");
    long last = 0;
    String resume = ctx.header("Last-Event-ID");
    if (resume == null) {
      resume = ctx.queryParam("lastEventId");
    }
    if (resume != null) {
      try {
        last = Math.max(0, Long.parseLong(resume.trim()));
      } catch (NumberFormatException e) {
        last = 0;
      }
    }
    try {
      while (!client.terminated() && !closed) {
        List<JobStore.EventRow> evs = store.events(id, last, 500);
        for (JobStore.EventRow e : evs) {
          client.sendEvent(e.type(), e.data(), Long.toString(e.seq()));
          last = e.seq();
        }
        if (evs.isEmpty()) {
          JobStore.JobRow r = store.find(id).orElse(null);
          if (r == null) {
            break;
          }
          if (JobService.isFinal(r.state())) {
            // The row ends a moment before its last event is stored: one more look.
            Thread.sleep(100);
            if (store.events(id, last, 1).isEmpty()) {
              break;
            }
            continue;
          }
          Thread.sleep(200);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.debug("events stream of {} ended: {}", id, e.getMessage());
    }
  }

  private static void resource(Context ctx, String name, String type) throws IOException {
    try (InputStream in = StoryReelServer.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new ApiError(404, "not_found", name + " is missing from the server jar.");
      }
      ctx.contentType(type);
      ctx.result(in.readAllBytes());
    }
  }

  private static void json(Context ctx, int status, Object body) {
    ctx.status(status);
    ctx.contentType("application/json");
    ctx.result(Json.write(body));
  }

  private static void error(Context ctx, int status, String code, String message) {
    json(ctx, status, Json.object().put("error", code).put("message", message));
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Starts the server from the environment ({@link ServerConfig#fromEnvironment}) on the
   * embedded default: H2 and local storage under {@code ./storyreel-data}, offline providers.
   *
   * @param args none are read
   */
  public static void main(String[] args) {
    ServerConfig.Builder b = ServerConfig.fromEnvironment(System.getenv());
    ServerConfig config;
    try {
      if (!b.hasWebhookSecret()) {
        b.webhookSecret(SecretFile.load(b.storageRoot().resolveSibling("webhook-secret")));
      }
      config = b.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      System.err.println("storyreel-server: " + e.getMessage());
      System.exit(2);
      return;
    }
    StoryReelServer s = start(config, ReelFactory.standard());
    Runtime.getRuntime().addShutdownHook(new Thread(s::close, "storyreel-server-stop"));
    System.out.println("StoryReel server listening on http://" + config.host() + ":" + s.port()
        + " (data: " + config.storageRoot().getParent() + ")");
  }
}
