package dev.storyreel.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerApiTest {
  @TempDir static Path dir;
  static TestServer s;

  @BeforeAll
  static void start() {
    s = new TestServer(dir);
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  @Test
  void healthNeedsNoKeyButEveryOtherRouteDoes() {
    HttpResponse<String> h = s.send(HttpRequest.newBuilder(s.uri("/health")).build());
    assertThat(h.statusCode()).isEqualTo(200);
    assertThat(TestServer.json(h).path("status").asText()).isEqualTo("ok");
    for (String path : new String[] {"/jobs", "/jobs/job_AAAAAAAAAAAAAAAAAAAAAA",
        "/openapi.json", "/jobs/job_AAAAAAAAAAAAAAAAAAAAAA/events"}) {
      HttpResponse<String> none = s.send(HttpRequest.newBuilder(s.uri(path)).build());
      assertThat(none.statusCode()).as(path).isEqualTo(401);
      HttpResponse<String> wrong = s.send(HttpRequest.newBuilder(s.uri(path))
          .header("Authorization", "Bearer " + TestServer.KEY + "x").build());
      assertThat(wrong.statusCode()).as(path).isEqualTo(401);
      assertThat(wrong.body()).doesNotContain(TestServer.KEY);
    }
    HttpResponse<String> post = s.send(HttpRequest.newBuilder(s.uri("/jobs"))
        .POST(HttpRequest.BodyPublishers.ofString(TestServer.body("x"))).build());
    assertThat(post.statusCode()).isEqualTo(401);
  }

  @Test
  void aJobCompletesAndItsOutputsAreServed() {
    HttpResponse<String> r = s.post("/jobs", TestServer.body("Lamp"));
    assertThat(r.statusCode()).isEqualTo(202);
    JsonNode job = TestServer.json(r);
    String id = job.path("id").asText();
    assertThat(id).matches("job_[A-Za-z0-9_-]{22}");
    assertThat(r.headers().firstValue("Location")).hasValue("/jobs/" + id);
    JsonNode done = s.awaitState(id, "COMPLETED");
    assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("COMPLETED");
    assertThat(done.path("runs").asInt()).isEqualTo(1);
    assertThat(done.path("progress").path("tasks").path("IMAGE").path("succeeded").asInt())
        .isEqualTo(done.path("progress").path("segmentCount").asInt()).isPositive();
    assertThat(done.path("costUsd").asText()).isEqualTo("0");
    String video = done.path("outputs").path("video.mp4").asText();
    assertThat(video).isEqualTo("/jobs/" + id + "/outputs/video.mp4");
    HttpResponse<byte[]> mp4;
    try {
      mp4 = s.http.send(s.req(video).build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    assertThat(mp4.statusCode()).isEqualTo(200);
    assertThat(mp4.headers().firstValue("Content-Type")).hasValue("video/mp4");
    assertThat(new String(mp4.body(), 4, 4)).isEqualTo("ftyp");
    HttpResponse<String> manifest = s.get("/jobs/" + id + "/outputs/manifest.json");
    assertThat(TestServer.json(manifest).path("segments").size())
        .isEqualTo(done.path("progress").path("segmentCount").asInt());
    // Only the job's own outputs, by our names: nothing else is reachable.
    assertThat(s.get("/jobs/" + id + "/outputs/cache").statusCode()).isEqualTo(404);
    assertThat(s.get("/jobs/" + id + "/outputs/..%2F..%2Fjobs.mv.db").statusCode())
        .isEqualTo(404);
    assertThat(s.get("/jobs/job_AAAAAAAAAAAAAAAAAAAAAA/outputs/video.mp4").statusCode())
        .isEqualTo(404);

    // The events, stored, with ids: resume after the third gives the fourth on.
    HttpResponse<String> all = s.send(s.req("/jobs/" + id + "/events")
        .header("Accept", "text/event-stream").build());
    assertThat(all.statusCode()).as(all.body()).isEqualTo(200);
    assertThat(all.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
    assertThat(all.body()).contains("event: JobStateChanged").contains("id: 1\n")
        .contains("event: JobFinished");
    HttpResponse<String> resumed = s.send(s.req("/jobs/" + id + "/events")
        .header("Accept", "text/event-stream").header("Last-Event-ID", "3").build());
    assertThat(resumed.body()).doesNotContain("id: 3\n").contains("id: 4\n")
        .contains("\"state\":\"COMPLETED\"");
  }

  @Test
  void idempotencyKeyGivesTheSameJobOrAConflict() {
    HttpRequest.Builder b = s.req("/jobs").header("Idempotency-Key", "order-42");
    HttpResponse<String> first = s.send(b.POST(HttpRequest.BodyPublishers.ofString(
        TestServer.body("Same"))).build());
    HttpResponse<String> again = s.send(s.req("/jobs").header("Idempotency-Key", "order-42")
        .POST(HttpRequest.BodyPublishers.ofString(TestServer.body("Same"))).build());
    HttpResponse<String> other = s.send(s.req("/jobs").header("Idempotency-Key", "order-42")
        .POST(HttpRequest.BodyPublishers.ofString(TestServer.body("Different"))).build());
    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(again.statusCode()).isEqualTo(202);
    assertThat(TestServer.json(again).path("id").asText())
        .isEqualTo(TestServer.json(first).path("id").asText());
    assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    assertThat(other.statusCode()).isEqualTo(409);
    assertThat(TestServer.json(other).path("error").asText()).isEqualTo("idempotency_conflict");
    s.awaitState(TestServer.json(first).path("id").asText(), "COMPLETED");
  }

  @Test
  void badBodiesAreRefusedWithTheFieldNamed() {
    HttpResponse<String> unknown = s.post("/jobs", "{\"story\":{\"text\":\"Hi there.\"},"
        + "\"options\":{\"colour\":\"red\"}}");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(TestServer.json(unknown).path("message").asText()).contains("options.colour")
        .doesNotContain("dev.storyreel").doesNotContain("Exception");
    HttpResponse<String> noText = s.post("/jobs", "{\"story\":{\"title\":\"t\"}}");
    assertThat(noText.statusCode()).isEqualTo(400);
    assertThat(TestServer.json(noText).path("message").asText()).contains("story.text");
    HttpResponse<String> format = s.post("/jobs", "{\"story\":{\"text\":\"Hi there.\"},"
        + "\"options\":{\"format\":\"huge\"}}");
    assertThat(format.statusCode()).isEqualTo(400);
    assertThat(TestServer.json(format).path("message").asText()).contains("huge");
    HttpResponse<String> notJson = s.post("/jobs", "{story");
    assertThat(notJson.statusCode()).isEqualTo(400);
    String big = "{\"story\":{\"text\":\"" + "word ".repeat(300_000) + "\"}}";
    HttpResponse<String> tooBig = s.post("/jobs", big);
    assertThat(tooBig.statusCode()).isEqualTo(413);
    assertThat(TestServer.json(tooBig).path("error").asText()).isEqualTo("body_too_large");
    assertThat(s.get("/jobs/not-an-id").statusCode()).isEqualTo(404);
    assertThat(s.get("/jobs/job_AAAAAAAAAAAAAAAAAAAAAA").statusCode()).isEqualTo(404);
  }

  @Test
  void aRefusedBodyIsReadSoTheConnectionAnswersTheNextRequest() throws Exception {
    // 1.5 MB against the 1 MiB limit: under the 2 MiB swallowed, so the server reads it, answers
    // 413 and keeps the connection. Had it left the body unread, it would have had to close the
    // connection, and the client could have seen a reset instead of the 413.
    byte[] body = new byte[3 << 19];
    java.util.Arrays.fill(body, (byte) ' ');
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", s.uri("/").getPort())) {
      socket.setSoTimeout(30_000);
      java.io.OutputStream out = socket.getOutputStream();
      out.write(("POST /jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
          + TestServer.KEY + "\r\nContent-Type: application/json\r\nContent-Length: "
          + body.length + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      out.write(body);
      out.write(("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      out.flush();
      String replies = new String(socket.getInputStream().readAllBytes(),
          java.nio.charset.StandardCharsets.UTF_8);
      assertThat(replies).startsWith("HTTP/1.1 413").contains("body_too_large");
      assertThat(replies.indexOf("HTTP/1.1 200")).as(replies)
          .isGreaterThan(replies.indexOf("body_too_large"));
    }
  }

  @Test
  void aPlanWaitsForApprovalWithItsSheetAndEstimate() {
    String body = TestServer.body("Approve me").replace("\"music\":\"none\"",
        "\"music\":\"none\",\"requireApproval\":true");
    String id = TestServer.json(s.post("/jobs", body)).path("id").asText();
    JsonNode waiting = s.awaitState(id, "AWAITING_APPROVAL");
    assertThat(waiting.path("state").asText()).isEqualTo("AWAITING_APPROVAL");
    assertThat(waiting.path("links").path("approve").asText()).isEqualTo("/jobs/" + id
        + "/approve");
    HttpResponse<String> plan = s.get("/jobs/" + id + "/plan");
    assertThat(plan.statusCode()).isEqualTo(200);
    assertThat(TestServer.json(plan).path("segments").size()).isPositive();
    HttpResponse<String> estimate = s.get("/jobs/" + id + "/plan/estimate");
    assertThat(estimate.statusCode()).isEqualTo(200);
    assertThat(TestServer.json(estimate).path("totalUsd").asText()).isEqualTo("0");
    HttpResponse<byte[]> sheet;
    try {
      sheet = s.http.send(s.req("/jobs/" + id + "/plan/sheet.png").build(),
          HttpResponse.BodyHandlers.ofByteArray());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    assertThat(sheet.statusCode()).isEqualTo(200);
    assertThat(sheet.body()[1]).isEqualTo((byte) 'P');
    assertThat(s.post("/jobs/" + id + "/approve", "").statusCode()).isEqualTo(202);
    assertThat(s.awaitState(id, "COMPLETED").path("state").asText()).isEqualTo("COMPLETED");
    assertThat(s.post("/jobs/" + id + "/approve", "").statusCode()).isEqualTo(409);
  }

  @Test
  void aRejectedPlanEndsCancelledAndANoApprovalJobCannotBeApproved() {
    String body = TestServer.body("Reject me").replace("\"music\":\"none\"",
        "\"music\":\"none\",\"requireApproval\":true");
    String id = TestServer.json(s.post("/jobs", body)).path("id").asText();
    s.awaitState(id, "AWAITING_APPROVAL");
    assertThat(s.post("/jobs/" + id + "/reject", "").statusCode()).isEqualTo(202);
    JsonNode end = s.awaitState(id, "CANCELLED");
    assertThat(end.path("error").asText()).contains("rejected");
    assertThat(end.path("progress").path("tasks").has("IMAGE")).isFalse();

    String plain = TestServer.json(s.post("/jobs", TestServer.body("Plain"))).path("id").asText();
    HttpResponse<String> approve = s.post("/jobs/" + plain + "/approve", "");
    assertThat(approve.statusCode()).isEqualTo(409);
    assertThat(s.delete("/jobs/" + plain).statusCode()).isIn(202, 409);
    assertThat(s.await(plain, j -> JobService.isFinal(j.path("state").asText()),
        java.time.Duration.ofSeconds(120)).path("state").asText()).isIn("CANCELLED", "COMPLETED");
  }

  @Test
  void jobsArePaginatedNewestFirst() {
    for (int i = 0; i < 3; i++) {
      s.post("/jobs", TestServer.body("Page " + i).replace("\"music\":\"none\"",
          "\"music\":\"none\",\"requireApproval\":true"));
    }
    JsonNode first = TestServer.json(s.get("/jobs?limit=2"));
    assertThat(first.path("jobs").size()).isEqualTo(2);
    String cursor = first.path("nextCursor").asText();
    assertThat(cursor).isNotEmpty();
    JsonNode second = TestServer.json(s.get("/jobs?limit=2&cursor=" + cursor));
    assertThat(second.path("jobs").size()).isPositive();
    assertThat(second.path("jobs").get(0).path("id").asText())
        .isNotIn(first.path("jobs").get(0).path("id").asText(),
            first.path("jobs").get(1).path("id").asText());
    assertThat(first.path("jobs").get(0).path("createdAt").asText())
        .isGreaterThanOrEqualTo(first.path("jobs").get(1).path("createdAt").asText());
    assertThat(s.get("/jobs?limit=0").statusCode()).isEqualTo(400);
    assertThat(s.get("/jobs?cursor=zzz").statusCode()).isEqualTo(400);
  }
}
