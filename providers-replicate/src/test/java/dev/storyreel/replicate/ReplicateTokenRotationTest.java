package dev.storyreel.replicate;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.storyreel.core.RetryPolicy;
import dev.storyreel.core.spi.GeneratedImage;
import dev.storyreel.core.spi.ImageRequest;
import dev.storyreel.testkit.ContractValidator;
import dev.storyreel.testkit.Fixtures;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Several Replicate tokens: a revoked one is skipped, and a prediction is polled by its maker. */
class ReplicateTokenRotationTest {
  static final String CREATE = "/v1/models/black-forest-labs/flux-schnell/predictions";
  static final String REVOKED = "rotation-test-token-revoked";
  static final String GOOD = "rotation-test-token-good";
  static final String OTHER = "rotation-test-token-other";
  static WireMockServer wm;

  @BeforeAll
  static void start() {
    wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    wm.start();
  }

  @AfterAll
  static void stop() {
    Fixtures.validateAll(wm, ContractValidator.REPLICATE, "/v1");
    wm.stop();
  }

  static String prediction(String status, String output) {
    return "{\"id\":\"p7\",\"status\":\"" + status + "\",\"output\":" + output
        + ",\"error\":null,\"urls\":{\"get\":\"" + wm.baseUrl() + "/v1/predictions/p7\","
        + "\"cancel\":\"" + wm.baseUrl() + "/v1/predictions/p7/cancel\"}}";
  }

  @Test
  void aRevokedTokenIsSkippedAndThePredictionIsPolledWithTheTokenThatMadeIt() {
    wm.stubFor(post(CREATE).withHeader("Authorization", equalTo("Bearer " + REVOKED))
        .willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/json")
            .withBody("{\"title\":\"Unauthenticated\",\"detail\":\"You did not pass a valid"
                + " authentication token\",\"status\":401}")));
    wm.stubFor(post(CREATE).withHeader("Authorization", equalTo("Bearer " + GOOD))
        .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
            .withBody(prediction("starting", "null"))));
    wm.stubFor(get("/v1/predictions/p7").inScenario("poll").whenScenarioStateIs(
        Scenario.STARTED).willReturn(aResponse().withStatus(200)
            .withHeader("Content-Type", "application/json")
            .withBody(prediction("processing", "null"))).willSetStateTo("done"));
    wm.stubFor(get("/v1/predictions/p7").inScenario("poll").whenScenarioStateIs("done")
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
            .withBody(prediction("succeeded", "[\"" + wm.baseUrl() + "/files/p7.png\"]"))));
    wm.stubFor(get("/files/p7.png").willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "image/png").withBody(Fixtures.png(72, 128))));

    ReplicateImageProvider p = ReplicateImageProvider.builder().baseUrl(wm.baseUrl() + "/v1")
        .apiTokens(List.of(REVOKED, GOOD, OTHER)).pollInterval(Duration.ofMillis(20))
        .requestTimeout(Duration.ofSeconds(20))
        .readRetry(RetryPolicy.builder().initialDelay(Duration.ofMillis(10)).build()).build();
    GeneratedImage img = p.generate(new ImageRequest(0, "a red door", 1080, 1920, 1));

    assertThat(img.widthPx()).isEqualTo(72);
    assertThat(wm.findAll(postRequestedFor(urlEqualTo(CREATE))
        .withHeader("Authorization", equalTo("Bearer " + REVOKED)))).hasSize(1);
    var polls = wm.findAll(getRequestedFor(urlEqualTo("/v1/predictions/p7")));
    assertThat(polls).hasSizeGreaterThanOrEqualTo(2).allSatisfy(r ->
        assertThat(r.getHeader("Authorization")).isEqualTo("Bearer " + GOOD));
  }
}
