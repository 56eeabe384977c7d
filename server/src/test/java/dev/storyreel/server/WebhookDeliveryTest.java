package dev.storyreel.server;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebhookDeliveryTest {
  @TempDir Path dir;
  WireMockServer receiver;

  @BeforeEach
  void receiver() {
    receiver = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    receiver.start();
  }

  @AfterEach
  void stop() {
    receiver.stop();
  }

  @Test
  void aCompletedJobIsDeliveredSignedAfterRetriesWithEachAttemptRecorded() throws Exception {
    receiver.stubFor(post("/hook").inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(503)).willSetStateTo("second"));
    receiver.stubFor(post("/hook").inScenario("flaky").whenScenarioStateIs("second")
        .willReturn(aResponse().withStatus(500)).willSetStateTo("third"));
    receiver.stubFor(post("/hook").inScenario("flaky").whenScenarioStateIs("third")
        .willReturn(aResponse().withStatus(204)));
    try (TestServer s = new TestServer(dir)) {
      String url = "http://127.0.0.1:" + receiver.port() + "/hook";
      String body = TestServer.body("Hooked").replace("\"music\":\"none\"",
          "\"music\":\"none\",\"webhookUrl\":\"" + url + "\"");
      String id = TestServer.json(s.post("/jobs", body)).path("id").asText();
      s.awaitState(id, "COMPLETED");
      JsonNode deliveries = s.await(id, j -> TestServer.json(s.get("/jobs/" + id + "/webhooks"))
          .path("deliveries").path(0).path("state").asText().equals("DELIVERED"),
          Duration.ofSeconds(30));
      JsonNode d = TestServer.json(s.get("/jobs/" + id + "/webhooks")).path("deliveries");
      assertThat(d.size()).as(deliveries.toString()).isEqualTo(1);
      assertThat(d.get(0).path("event").asText()).isEqualTo("job.completed");
      assertThat(d.get(0).path("attempts").asInt()).isEqualTo(3);
      JsonNode log = d.get(0).path("attemptLog");
      assertThat(log.get(0).path("httpStatus").asInt()).isEqualTo(503);
      assertThat(log.get(1).path("httpStatus").asInt()).isEqualTo(500);
      assertThat(log.get(2).path("httpStatus").asInt()).isEqualTo(204);

      List<LoggedRequest> calls = receiver.findAll(postRequestedFor(urlEqualTo("/hook")));
      assertThat(calls).hasSize(3);
      String webhookId = calls.get(0).getHeader("webhook-id");
      for (LoggedRequest r : calls) {
        // The same id on every retry; each attempt signed with its own timestamp.
        assertThat(r.getHeader("webhook-id")).isEqualTo(webhookId);
        long ts = Long.parseLong(r.getHeader("webhook-timestamp"));
        assertThat(ts).isCloseTo(System.currentTimeMillis() / 1000,
            org.assertj.core.data.Offset.offset(300L));
        assertThat(r.getHeader("webhook-signature")).isEqualTo(WebhookSigner.sign(
            s.server.config().webhookSecret(), webhookId, ts, r.getBody()));
      }
      JsonNode payload = Json.read(calls.get(2).getBodyAsString());
      assertThat(payload.path("type").asText()).isEqualTo("job.completed");
      assertThat(payload.path("data").path("id").asText()).isEqualTo(id);
      assertThat(payload.path("data").path("outputs").path("video.mp4").asText())
          .isEqualTo("/jobs/" + id + "/outputs/video.mp4");
      assertThat(calls.get(2).getBodyAsString()).doesNotContain(TestServer.KEY);
    }
  }

  @Test
  void approvalNeededAndCompletionAreEachDeliveredOnce() {
    receiver.stubFor(post("/hook").willReturn(aResponse().withStatus(200)));
    try (TestServer s = new TestServer(dir)) {
      String url = "http://127.0.0.1:" + receiver.port() + "/hook";
      String body = TestServer.body("Ask first").replace("\"music\":\"none\"",
          "\"music\":\"none\",\"requireApproval\":true,\"webhookUrl\":\"" + url + "\"");
      String id = TestServer.json(s.post("/jobs", body)).path("id").asText();
      s.awaitState(id, "AWAITING_APPROVAL");
      s.await(id, j -> receiver.findAll(postRequestedFor(urlEqualTo("/hook"))).size() == 1,
          Duration.ofSeconds(30));
      JsonNode asked = Json.read(receiver.findAll(postRequestedFor(urlEqualTo("/hook"))).get(0)
          .getBodyAsString());
      assertThat(asked.path("type").asText()).isEqualTo("job.awaiting_approval");
      assertThat(asked.path("data").path("links").path("approve").asText())
          .isEqualTo("/jobs/" + id + "/approve");
      s.post("/jobs/" + id + "/approve", "");
      s.awaitState(id, "COMPLETED");
      s.await(id, j -> receiver.findAll(postRequestedFor(urlEqualTo("/hook"))).size() == 2,
          Duration.ofSeconds(30));
      List<LoggedRequest> calls = receiver.findAll(postRequestedFor(urlEqualTo("/hook")));
      assertThat(Json.read(calls.get(1).getBodyAsString()).path("type").asText())
          .isEqualTo("job.completed");
      assertThat(calls.get(0).getHeader("webhook-id"))
          .isNotEqualTo(calls.get(1).getHeader("webhook-id"));
    }
  }

  @Test
  void aWebhookToAPrivateAddressIsRefusedAtSubmission() {
    try (TestServer s = new TestServer(dir)) {
      for (String url : new String[] {"https://169.254.169.254/latest", "https://10.0.0.7/h",
          "http://93.184.215.14/h"}) {
        String body = TestServer.body("SSRF").replace("\"music\":\"none\"",
            "\"music\":\"none\",\"webhookUrl\":\"" + url + "\"");
        HttpResponse<String> r = s.post("/jobs", body);
        assertThat(r.statusCode()).as(url).isEqualTo(400);
        assertThat(TestServer.json(r).path("message").asText()).contains("webhookUrl");
      }
      assertThat(TestServer.json(s.get("/jobs")).path("jobs").size()).isZero();
    }
  }
}
