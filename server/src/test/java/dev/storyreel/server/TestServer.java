package dev.storyreel.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;

/** A server on an ephemeral loopback port over a temporary folder, and a client for it. */
final class TestServer implements AutoCloseable {
  /** A test key: long enough, and nothing like a vendor's key. */
  static final String KEY = "test-server-key-not-a-secret";

  /** A story short enough to render in a few seconds at 90x160. */
  static String body(String title) {
    return "{\"story\":{\"title\":\"" + title + "\",\"text\":\"The lamp flickered. Then the"
        + " door opened slowly.\"},\"options\":{\"format\":\"90x160\",\"fps\":12,"
        + "\"music\":\"none\"}}";
  }

  final StoryReelServer server;
  final HttpClient http = HttpClient.newHttpClient();

  TestServer(Path dir) {
    this(dir, ReelFactory.standard(), b -> b);
  }

  TestServer(Path dir, ReelFactory factory,
      java.util.function.UnaryOperator<ServerConfig.Builder> tweak) {
    ServerConfig.Builder b = ServerConfig.builder().dataDir(dir).port(0).apiKey(KEY)
        .webhookSecret("whsec_" + java.util.Base64.getEncoder().encodeToString(
            "0123456789abcdef0123456789abcdef".getBytes()))
        .allowLoopbackWebhooks(true).webhookInitialBackoff(Duration.ofMillis(50));
    server = StoryReelServer.start(tweak.apply(b).build(), factory);
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  HttpRequest.Builder req(String path) {
    return HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + KEY)
        .timeout(Duration.ofSeconds(30));
  }

  HttpResponse<String> send(HttpRequest r) {
    try {
      return http.send(r, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpResponse<String> get(String path) {
    return send(req(path).GET().build());
  }

  HttpResponse<String> post(String path, String body) {
    return send(req(path).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  HttpResponse<String> delete(String path) {
    return send(req(path).DELETE().build());
  }

  static JsonNode json(HttpResponse<String> r) {
    return Json.read(r.body());
  }

  /** Polls a job until the predicate holds on its view; fails after the limit. */
  JsonNode await(String id, Predicate<JsonNode> until, Duration limit) {
    long end = System.nanoTime() + limit.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < end) {
      last = json(get("/jobs/" + id));
      if (until.test(last)) {
        return last;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError("job " + id + " did not get there in " + limit + "; last: " + last);
  }

  JsonNode awaitState(String id, String state) {
    return await(id, j -> j.path("state").asText().equals(state)
        || (JobService.isFinal(j.path("state").asText()) && !JobService.isFinal(state)),
        Duration.ofSeconds(180));
  }

  @Override
  public void close() {
    server.close();
  }
}
