package dev.storyreel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same server on PostgreSQL instead of H2: the schema applies, a job completes, an
 * idempotency conflict is found by the database's unique key, and a restarted instance sees the
 * jobs. Runs only with {@code -Dstoryreel.server.postgresUrl=jdbc:postgresql://HOST:PORT/DB?user=U}
 * (a database the test may create tables in); skipped otherwise.
 */
class PostgresStoreTest {
  @TempDir Path dir;

  @Test
  void theServerRunsOnPostgres() {
    String url = System.getProperty("storyreel.server.postgresUrl");
    assumeTrue(url != null, "PostgresStoreTest skipped: set -Dstoryreel.server.postgresUrl="
        + "jdbc:postgresql://127.0.0.1:5432/DB?user=USER to run it");
    String key = "pg-" + UUID.randomUUID();
    String id;
    try (TestServer s = new TestServer(dir, ReelFactory.standard(), b -> b.jdbcUrl(url))) {
      HttpRequest.Builder r = s.req("/jobs").header("Idempotency-Key", key);
      id = TestServer.json(s.send(r.POST(HttpRequest.BodyPublishers.ofString(
          TestServer.body("On Postgres"))).build())).path("id").asText();
      assertThat(s.awaitState(id, "COMPLETED").path("state").asText()).isEqualTo("COMPLETED");
      assertThat(s.send(s.req("/jobs").header("Idempotency-Key", key).POST(
          HttpRequest.BodyPublishers.ofString(TestServer.body("Other"))).build()).statusCode())
          .isEqualTo(409);
      assertThat(s.get("/jobs/" + id + "/outputs/video.mp4").statusCode()).isEqualTo(200);
    }
    try (TestServer again = new TestServer(dir, ReelFactory.standard(), b -> b.jdbcUrl(url))) {
      assertThat(TestServer.json(again.get("/jobs/" + id)).path("runs").asInt()).isEqualTo(1);
      assertThat(again.get("/jobs?limit=100").body()).contains(id);
    }
  }
}
