package dev.storyreel.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server as its own JVM (the test classpath, {@code StoryReelServer.main}), killed with
 * {@code destroyForcibly()} (SIGKILL) while the job renders, then started again in-process on
 * the same data folder: the job completes after a second run, and every picture of the second
 * run came from the asset cache.
 */
class KillNineTest {
  @TempDir Path dir;

  @Test
  void aServerKilledMidJobResumesTheJobFromTheCache() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder pb = new ProcessBuilder(javaBin.toString(), "-cp",
        System.getProperty("java.class.path"), StoryReelServer.class.getName())
        .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile());
    pb.environment().put("STORYREEL_API_KEY", TestServer.KEY);
    pb.environment().put("STORYREEL_DATA", dir.toString());
    pb.environment().put("STORYREEL_PORT", Integer.toString(port));
    Process child = pb.start();
    String id;
    int segments;
    try {
      HttpClient http = HttpClient.newHttpClient();
      URI base = URI.create("http://127.0.0.1:" + port);
      for (int i = 0; i < 300; i++) {
        try {
          if (http.send(HttpRequest.newBuilder(base.resolve("/health")).build(),
              HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
            break;
          }
        } catch (java.io.IOException e) {
          Thread.sleep(100);
        }
      }
      String text = String.join(" ", Collections.nCopies(6,
          "The lamp flickered in the hall while the rain kept falling on the roof."));
      String body = "{\"story\":{\"title\":\"Killed\",\"text\":\"" + text + "\"},\"options\":"
          + "{\"format\":\"90x160\",\"fps\":6,\"music\":\"none\"}}";
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/jobs"))
          .header("Authorization", "Bearer " + TestServer.KEY)
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
      id = TestServer.json(r).path("id").asText();
      JsonNode seen = null;
      long end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (System.nanoTime() < end) {
        seen = TestServer.json(http.send(HttpRequest.newBuilder(base.resolve("/jobs/" + id))
            .header("Authorization", "Bearer " + TestServer.KEY).build(),
            HttpResponse.BodyHandlers.ofString()));
        // The render streams: it starts before the last pictures are stored. Kill the server
        // once it renders with every picture paid for, so the second run must find them all.
        if (seen.path("state").asText().equals("RENDERING")
            && seen.path("progress").path("tasks").path("IMAGE").path("succeeded").asInt()
                == seen.path("progress").path("segmentCount").asInt()) {
          break;
        }
        Thread.sleep(20);
      }
      assertThat(seen.path("state").asText()).as("%s\n%s", seen,
          Files.exists(dir.resolve("child.log")) ? Files.readString(dir.resolve("child.log"))
              : "").isEqualTo("RENDERING");
      segments = seen.path("progress").path("segmentCount").asInt();
      assertThat(seen.path("progress").path("tasks").path("IMAGE").path("succeeded").asInt())
          .isEqualTo(segments);
    } finally {
      child.destroyForcibly().waitFor();
    }
    try (TestServer again = new TestServer(dir)) {
      JsonNode done = again.awaitState(id, "COMPLETED");
      assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("COMPLETED");
      assertThat(done.path("runs").asInt()).isEqualTo(2);
      JsonNode images = done.path("progress").path("tasks").path("IMAGE");
      // The second run found every picture in the cache: none was made again.
      assertThat(images.path("cached").asInt()).as(done.toString()).isEqualTo(segments);
      // The job's progress sums both runs only if the first run's snapshot was saved before the
      // kill, which is a race; the second run made its own `segments` successes either way.
      assertThat(images.path("succeeded").asInt()).as(done.toString())
          .isBetween(segments, 2 * segments);
      assertThat(again.get("/jobs/" + id + "/outputs/video.mp4").statusCode()).isEqualTo(200);
    }
  }
}
