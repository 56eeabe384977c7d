package dev.storyreel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.storyreel.testkit.ContractValidator;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server's responses, success and error, validate against the document it serves. */
class OpenApiContractTest {
  @TempDir Path dir;

  @Test
  void responsesMatchTheServedOpenApiDocument() throws Exception {
    try (TestServer s = new TestServer(dir)) {
      HttpResponse<String> doc = s.get("/openapi.json");
      assertThat(doc.statusCode()).isEqualTo(200);
      JsonNode api = TestServer.json(doc);
      assertThat(api.path("openapi").asText()).startsWith("3.1");
      // Validate against the document as served, not a copy.
      Path served = dir.resolve("openapi.json");
      Files.writeString(served, doc.body());

      check(served, "Health", s.send(HttpRequest.newBuilder(s.uri("/health")).build()), 200);
      HttpResponse<String> created = s.post("/jobs", TestServer.body("Contract")
          .replace("\"music\":\"none\"", "\"music\":\"none\",\"requireApproval\":true"));
      check(served, "Job", created, 202);
      String id = TestServer.json(created).path("id").asText();
      ContractValidator.validate(served, "/components/schemas/Job",
          s.awaitState(id, "AWAITING_APPROVAL"));
      check(served, "Job", s.post("/jobs/" + id + "/approve", ""), 202);
      JsonNode done = s.awaitState(id, "COMPLETED");
      ContractValidator.validate(served, "/components/schemas/Job", done);
      check(served, "JobList", s.get("/jobs?limit=1"), 200);
      check(served, "Deliveries", s.get("/jobs/" + id + "/webhooks"), 200);
      check(served, "Error", s.get("/jobs/job_AAAAAAAAAAAAAAAAAAAAAA"), 404);
      check(served, "Error", s.post("/jobs", "{\"story\":{}}"), 400);
      check(served, "Error", s.post("/jobs", "{\"nope\":1}"), 400);
      check(served, "Error", s.send(HttpRequest.newBuilder(s.uri("/jobs")).build()), 401);
      check(served, "Error", s.post("/jobs/" + id + "/reject", ""), 409);
      // The request body the tests send validates too, and a wrong one does not.
      ContractValidator.validate(served, "/components/schemas/JobRequest",
          Json.read(TestServer.body("x")));
      assertThatThrownBy(() -> ContractValidator.validate(served,
          "/components/schemas/JobRequest", Json.read("{\"story\":{\"text\":\"a\"},\"x\":1}")))
          .isInstanceOf(AssertionError.class);
      // Every path the server routes is described.
      assertThat(api.path("paths").fieldNames()).toIterable().contains("/jobs", "/jobs/{id}",
          "/jobs/{id}/events", "/jobs/{id}/approve", "/jobs/{id}/reject", "/jobs/{id}/plan",
          "/jobs/{id}/plan/sheet.png", "/jobs/{id}/outputs/{name}", "/health");
    }
  }

  private static void check(Path doc, String schema, HttpResponse<String> r, int status) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    ContractValidator.validate(doc, "/components/schemas/" + schema, TestServer.json(r));
  }
}
