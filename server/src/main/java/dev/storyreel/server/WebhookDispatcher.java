package dev.storyreel.server;

import dev.storyreel.core.InvalidInputException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers webhook events: each one is a row ({@code PENDING}, then {@code DELIVERED} or {@code
 * FAILED}), POSTed with the Standard Webhooks headers ({@code webhook-id} the delivery's id,
 * the same on every retry; {@code webhook-timestamp} the attempt's Unix seconds; {@code
 * webhook-signature}) and retried on a non-2xx answer or an I/O failure after the initial backoff,
 * doubled after each attempt, until the attempt limit. Every attempt is recorded. Redirects are
 * not followed, and the URL is checked again before each attempt. Deliveries still pending at a
 * restart are resumed; one job's event is delivered at most once. Thread-safe.
 */
final class WebhookDispatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);

  private final ServerConfig config;
  private final JobStore store;
  private final WebhookUrlPolicy policy;
  private final HttpClient http;
  private final ScheduledExecutorService scheduler;

  WebhookDispatcher(ServerConfig config, JobStore store, WebhookUrlPolicy policy) {
    this.config = config;
    this.store = store;
    this.policy = policy;
    this.http = HttpClient.newBuilder().connectTimeout(config.webhookTimeout())
        .followRedirects(HttpClient.Redirect.NEVER).build();
    this.scheduler = Executors.newScheduledThreadPool(2, r -> {
      Thread t = new Thread(r, "storyreel-webhooks");
      t.setDaemon(true);
      return t;
    });
  }

  /** Adds a delivery unless this job already has one of this event, and schedules it. */
  void enqueue(String jobId, String eventType, String url, String payload) {
    JobStore.Delivery d = new JobStore.Delivery(Ids.newId("msg_"), jobId, eventType, url,
        payload, "PENDING", 0, System.currentTimeMillis());
    if (store.addDelivery(d)) {
      schedule(d.id(), 0);
    }
  }

  /** Schedules every delivery left pending (for example by a restart). */
  void resumePending() {
    long now = System.currentTimeMillis();
    for (JobStore.Delivery d : store.pendingDeliveries()) {
      schedule(d.id(), Math.max(0, d.nextAttemptAt() - now));
    }
  }

  private void schedule(String id, long delayMillis) {
    if (!scheduler.isShutdown()) {
      scheduler.schedule(() -> attempt(id), delayMillis, TimeUnit.MILLISECONDS);
    }
  }

  private void attempt(String id) {
    JobStore.Delivery d = store.delivery(id).orElse(null);
    if (d == null || !d.state().equals("PENDING")) {
      return;
    }
    int attempt = d.attempts() + 1;
    Integer status = null;
    String error = null;
    try {
      URI uri = policy.check(d.url());
      byte[] body = d.payload().getBytes(StandardCharsets.UTF_8);
      long ts = System.currentTimeMillis() / 1000;
      HttpRequest req = HttpRequest.newBuilder(uri).timeout(config.webhookTimeout())
          .header("content-type", "application/json")
          .header("user-agent", "StoryReel-Server")
          .header("webhook-id", d.id())
          .header("webhook-timestamp", Long.toString(ts))
          .header("webhook-signature", WebhookSigner.sign(config.webhookSecret(), d.id(), ts, body))
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
      HttpResponse<Void> resp = http.send(req, HttpResponse.BodyHandlers.discarding());
      status = resp.statusCode();
      if (status >= 200 && status < 300) {
        store.recordAttempt(id, attempt, status, null, "DELIVERED", 0);
        return;
      }
      error = "HTTP " + status;
    } catch (InvalidInputException e) {
      // The URL is no longer allowed (for example its name now resolves to a private address).
      store.recordAttempt(id, attempt, null, e.getMessage(), "FAILED", 0);
      return;
    } catch (IOException e) {
      error = e.getMessage() == null ? "connection failed" : e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (RuntimeException e) {
      error = e.getMessage();
    }
    if (attempt >= config.webhookMaxAttempts()) {
      store.recordAttempt(id, attempt, status, error, "FAILED", 0);
      LOG.warn("webhook {} for job {} given up after {} attempts: {}", id, d.jobId(), attempt,
          error);
      return;
    }
    Duration wait = config.webhookInitialBackoff().multipliedBy(1L << Math.min(attempt - 1, 16));
    store.recordAttempt(id, attempt, status, error, "PENDING",
        System.currentTimeMillis() + wait.toMillis());
    schedule(id, wait.toMillis());
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
