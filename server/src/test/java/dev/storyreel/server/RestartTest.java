package dev.storyreel.server;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.storyreel.core.Providers;
import dev.storyreel.offline.RuleBasedPlanner;
import dev.storyreel.core.spi.ImageProvider;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.testkit.CountingImages;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server stopped abruptly mid-job (as a kill would: its worker interrupted, nothing final
 * written) and a second instance started on the same database and storage: the job resumes from
 * the asset cache, no paid image is made twice, and its webhook arrives once.
 */
class RestartTest {
  @TempDir Path dir;

  @Test
  void aJobResumesAfterAnAbruptStopWithoutPayingTwiceAndItsWebhookArrivesOnce()
      throws Exception {
    WireMockServer receiver = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    receiver.start();
    receiver.stubFor(post("/hook").willReturn(aResponse().withStatus(200)));
    CountingImages images = new CountingImages(Providers.create(ImageProvider.class,
        "procedural", ProviderSettings.EMPTY));
    images.holdAfter = 2;
    ReelFactory factory = r -> ReelFactory.standard().builder(r).images(images)
        // short segments: one per sentence
        .planner(new RuleBasedPlanner(165, 1, 2))
        .concurrency("image", 1);
    String body = "{\"story\":{\"title\":\"Four\",\"text\":\"The lamp flickered in the hall."
        + " A door opened somewhere below. Nobody answered when she called. The stairs"
        + " creaked under her feet.\"},\"options\":{\"format\":\"90x160\",\"fps\":12,"
        + "\"music\":\"none\",\"webhookUrl\":\"http://127.0.0.1:" + receiver.port()
        + "/hook\"}}";
    try {
      String id;
      TestServer first = new TestServer(dir, factory, b -> b);
      try {
        id = TestServer.json(first.post("/jobs", body)).path("id").asText();
        boolean held = images.held.await(60, TimeUnit.SECONDS);
        assertThat(held).as("a third image was asked for: %s",
            first.get("/jobs/" + id).body()).isTrue();
        assertThat(TestServer.json(first.get("/jobs/" + id)).path("state").asText())
            .isEqualTo("GENERATING_ASSETS");
      } finally {
        first.close();
      }
      assertThat(images.total.get()).isEqualTo(2);
      images.holdAfter = Integer.MAX_VALUE;

      try (TestServer second = new TestServer(dir, factory, b -> b)) {
        JsonNode done = second.awaitState(id, "COMPLETED");
        assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("COMPLETED");
        assertThat(done.path("runs").asInt()).isEqualTo(2);
        int segments = done.path("progress").path("segmentCount").asInt();
        assertThat(segments).isEqualTo(4);
        // Every image was paid for exactly once across the two instances.
        assertThat(images.total.get()).isEqualTo(segments);
        assertThat(images.answered.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        assertThat(done.path("progress").path("tasks").path("IMAGE").path("cached").asInt())
            .isGreaterThanOrEqualTo(2);
        second.await(id, j -> !receiver.findAll(postRequestedFor(urlEqualTo("/hook"))).isEmpty(),
            Duration.ofSeconds(30));
        Thread.sleep(500);
      }
      // A third start finds nothing to do and sends nothing again.
      try (TestServer third = new TestServer(dir, factory, b -> b)) {
        assertThat(TestServer.json(third.get("/jobs/" + id)).path("runs").asInt()).isEqualTo(2);
        Thread.sleep(500);
      }
      assertThat(receiver.findAll(postRequestedFor(urlEqualTo("/hook")))).hasSize(1);
      assertThat(images.total.get()).isEqualTo(images.answered.size());
    } finally {
      receiver.stop();
    }
  }
}
