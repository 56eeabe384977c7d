package dev.storyreel.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One worker: a second job waits as QUEUED, and can be cancelled there without running. */
class QueueTest {
  @TempDir Path dir;

  @Test
  void jobsBeyondThePoolWaitQueuedAndCancelWithoutRunning() {
    try (TestServer s = new TestServer(dir, ReelFactory.standard(), b -> b.workers(1))) {
      // The first job holds the only worker while it waits for approval.
      String first = TestServer.json(s.post("/jobs", TestServer.body("Holds the worker")
          .replace("\"music\":\"none\"", "\"music\":\"none\",\"requireApproval\":true")))
          .path("id").asText();
      s.awaitState(first, "AWAITING_APPROVAL");
      String second = TestServer.json(s.post("/jobs", TestServer.body("Waits")))
          .path("id").asText();
      String third = TestServer.json(s.post("/jobs", TestServer.body("Waits too")))
          .path("id").asText();
      JsonNode queued = TestServer.json(s.get("/jobs/" + second));
      assertThat(queued.path("state").asText()).isEqualTo("QUEUED");
      assertThat(TestServer.json(s.get("/health")).path("queued").asInt()).isEqualTo(2);

      assertThat(s.delete("/jobs/" + second).statusCode()).isEqualTo(202);
      JsonNode cancelled = TestServer.json(s.get("/jobs/" + second));
      assertThat(cancelled.path("state").asText()).isEqualTo("CANCELLED");
      assertThat(s.delete("/jobs/" + second).statusCode()).isEqualTo(409);

      assertThat(s.post("/jobs/" + first + "/approve", "").statusCode()).isEqualTo(202);
      assertThat(s.awaitState(first, "COMPLETED").path("state").asText()).isEqualTo("COMPLETED");
      assertThat(s.awaitState(third, "COMPLETED").path("state").asText()).isEqualTo("COMPLETED");
      // The cancelled one never ran.
      assertThat(TestServer.json(s.get("/jobs/" + second)).path("runs").asInt()).isZero();
      assertThat(TestServer.json(s.get("/jobs/" + third)).path("runs").asInt()).isEqualTo(1);
    }
  }
}
