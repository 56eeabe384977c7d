package dev.storyreel.replicate;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.storyreel.core.AuthenticationException;
import dev.storyreel.core.ContentRefusedException;
import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.RetriableException;
import dev.storyreel.core.RetryPolicy;
import dev.storyreel.core.StoryReelException;
import dev.storyreel.core.http.SafeDownload;
import dev.storyreel.core.spi.GeneratedImage;
import dev.storyreel.core.spi.ImageRequest;
import dev.storyreel.testkit.ContractValidator;
import dev.storyreel.testkit.Fixtures;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Replicate image provider against WireMock; request bodies checked against the contract. */
class ReplicateImageProviderTest {
  static final String TOKEN = "test-credential-not-a-real-token";
  static final String CREATE = "/v1/models/black-forest-labs/flux-schnell/predictions";
  static WireMockServer wm;
  ReplicateImageProvider provider;

  @BeforeAll
  static void start() {
    wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    wm.start();
  }

  @AfterAll
  static void stop() {
    wm.stop();
  }

  @BeforeEach
  void reset() {
    wm.resetAll();
    provider = builder().build();
  }

  ReplicateImageProvider.Builder builder() {
    return ReplicateImageProvider.builder().baseUrl(wm.baseUrl() + "/v1").apiToken(TOKEN)
        .pollInterval(Duration.ofMillis(20)).requestTimeout(Duration.ofMillis(1500))
        .readRetry(RetryPolicy.builder().initialDelay(Duration.ofMillis(10)).build());
  }

  @AfterEach
  void everyRequestFollowsTheContract() {
    Fixtures.validateAll(wm, ContractValidator.REPLICATE, "/v1");
  }

  static String prediction(String status, String output) {
    return "{\"id\":\"p1\",\"status\":\"" + status + "\",\"output\":" + output
        + ",\"error\":null,\"urls\":{\"get\":\"" + wm.baseUrl() + "/v1/predictions/p1\","
        + "\"cancel\":\"" + wm.baseUrl() + "/v1/predictions/p1/cancel\"}}";
  }

  static String out() {
    return "[\"" + wm.baseUrl() + "/files/out-0.png\"]";
  }

  void servePng(byte[] png) {
    wm.stubFor(get("/files/out-0.png").willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "image/png").withBody(png)));
  }

  @Test
  void syncModeReturnsTheImageAtOnce() {
    wm.stubFor(post(CREATE).willReturn(aResponse().withStatus(201)
        .withHeader("Content-Type", "application/json").withBody(prediction("succeeded", out()))));
    servePng(Fixtures.png(72, 128));
    GeneratedImage img = provider.generate(new ImageRequest(1, "a red door", 1080, 1920, 42));
    assertThat(img.widthPx()).isEqualTo(72);
    assertThat(img.usage().images()).isEqualTo(1);
    wm.verify(postRequestedFor(urlEqualTo(CREATE)).withHeader("Prefer", equalTo("wait=60"))
        .withHeader("Authorization", equalTo("Bearer " + TOKEN))
        .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.equalToJson(
            "{\"input\":{\"prompt\":\"a red door\",\"aspect_ratio\":\"9:16\",\"seed\":42,"
                + "\"output_format\":\"png\",\"num_outputs\":1}}")));
    // the token goes to the API only, never to the file host
    assertThat(wm.getAllServeEvents().stream()
        .filter(e -> e.getRequest().getUrl().startsWith("/files"))
        .allMatch(e -> !e.getRequest().containsHeader("Authorization"))).isTrue();
  }

  @Test
  void pollsUntilSucceededAndRetriesAFailedPoll() {
    wm.stubFor(post(CREATE).willReturn(aResponse().withStatus(201)
        .withHeader("Content-Type", "application/json").withBody(prediction("starting", "null"))));
    wm.stubFor(get("/v1/predictions/p1").inScenario("poll").whenScenarioStateIs("Started")
        .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
    wm.stubFor(get("/v1/predictions/p1").inScenario("poll").whenScenarioStateIs("up")
        .willReturn(okJson(prediction("processing", "null"))).willSetStateTo("done"));
    wm.stubFor(get("/v1/predictions/p1").inScenario("poll").whenScenarioStateIs("done")
        .willReturn(okJson(prediction("succeeded", out()))));
    servePng(Fixtures.png(16, 16));
    assertThat(provider.generate(new ImageRequest(0, "a door", 100, 100, 1)).widthPx())
        .isEqualTo(16);
    // one prediction only: a failed poll never creates a second (paid) one
    wm.verify(1, postRequestedFor(urlEqualTo(CREATE)));
  }

  static ResponseDefinitionBuilder okJson(String body) {
    return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
        .withBody(body);
  }

  @Test
  void aFailedPredictionIsAClearError() {
    wm.stubFor(post(CREATE).willReturn(aResponse().withStatus(201)
        .withHeader("Content-Type", "application/json")
        .withBody(prediction("failed", "null").replace("\"error\":null",
            "\"error\":\"NSFW content detected\""))));
    assertThatThrownBy(() -> provider.generate(new ImageRequest(5, "x", 100, 100, 1)))
        .hasMessageContaining("segment 5").hasMessageContaining("NSFW content detected")
        .isInstanceOfSatisfying(ContentRefusedException.class, e -> {
          assertThat(e.isRetriable()).isFalse();
          assertThat(e.provider()).contains("replicate");
        });
  }

  @Test
  void aPredictionThatFailedForAnotherReasonIsNotARefusal() {
    wm.stubFor(post(CREATE).willReturn(aResponse().withStatus(201)
        .withHeader("Content-Type", "application/json")
        .withBody(prediction("failed", "null").replace("\"error\":null",
            "\"error\":\"CUDA out of memory\""))));
    assertThatThrownBy(() -> provider.generate(new ImageRequest(5, "x", 100, 100, 1)))
        .isExactlyInstanceOf(NonRetriableException.class)
        .hasMessageContaining("CUDA out of memory");
  }

  @Test
  void aRejectedTokenIsATypedAuthenticationFailureWithItsStatus() {
    wm.stubFor(post(CREATE).willReturn(aResponse().withStatus(401)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"detail\":\"You did not pass a valid authentication token\"}")));
    assertThatThrownBy(() -> provider.generate(new ImageRequest(5, "x", 100, 100, 1)))
        .isInstanceOfSatisfying(AuthenticationException.class, e -> {
          assertThat(e.httpStatus()).hasValue(401);
          assertThat(e.provider()).contains("replicate");
        });
  }

  @Test
  void pastTheDeadlineThePredictionIsCancelled() {
    // A roomy request timeout: run first in a cold JVM on a loaded machine, the create call can
    // take over the default 1.5 s, and only the prediction's deadline is under test here.
    provider = builder().deadline(Duration.ofMillis(200)).requestTimeout(Duration.ofSeconds(10))
        .build();
    wm.stubFor(post(CREATE).willReturn(aResponse().withStatus(201)
        .withHeader("Content-Type", "application/json").withBody(prediction("starting", "null"))));
    wm.stubFor(get("/v1/predictions/p1").willReturn(okJson(prediction("processing", "null"))));
    wm.stubFor(post("/v1/predictions/p1/cancel").willReturn(okJson(prediction("canceled",
        "null"))));
    assertThatThrownBy(() -> provider.generate(new ImageRequest(0, "x", 100, 100, 1)))
        .isInstanceOf(NonRetriableException.class).hasMessageContaining("cancelled");
    wm.verify(1, postRequestedFor(urlEqualTo("/v1/predictions/p1/cancel")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"400", "401", "404", "422", "429", "500", "503", "timeout", "reset",
      "malformed", "html"})
  void creatingFailuresEndInTheDocumentedRetryOrAClearError(String f) {
    ResponseDefinitionBuilder r = switch (f) {
      case "429" -> aResponse().withStatus(429).withHeader("Retry-After", "3")
          .withHeader("Content-Type", "application/json")
          .withBody("{\"detail\":\"Request was throttled.\",\"status\":429}");
      case "timeout" -> okJson("{}").withFixedDelay(3000);
      case "reset" -> aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER);
      case "malformed" -> okJson("{\"id\":\"p1\",\"status\":");
      case "html" -> aResponse().withStatus(200).withHeader("Content-Type", "text/html")
          .withBody("<!doctype html><title>Bad gateway</title>");
      default -> aResponse().withStatus(Integer.parseInt(f))
          .withHeader("Content-Type", "application/problem+json")
          .withBody("{\"title\":\"Error\",\"detail\":\"Invalid token " + TOKEN + "\",\"status\":"
              + f + "}");
    };
    wm.stubFor(post(CREATE).willReturn(r));
    Throwable t = catchThrowable(() -> provider.generate(new ImageRequest(2, "x", 100, 100, 1)));
    assertThat(t).isInstanceOf(StoryReelException.class);
    assertThat(t.getMessage()).contains("replicate").doesNotContain(TOKEN)
        .doesNotContain("SECRET");
    assertThat(((StoryReelException) t).isRetriable()).as(f + ": " + t.getMessage())
        .isEqualTo(f.equals("429") || f.equals("503"));
    if (f.equals("429")) {
      assertThat(((RetriableException) t).retryAfter()).isEqualTo(Duration.ofSeconds(3));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"html", "truncated", "wrongtype"})
  void badDownloadsAreRefused(String f) {
    wm.stubFor(post(CREATE).willReturn(aResponse().withStatus(201)
        .withHeader("Content-Type", "application/json").withBody(prediction("succeeded", out()))));
    byte[] png = Fixtures.png(64, 64);
    switch (f) {
      case "html" -> wm.stubFor(get("/files/out-0.png").willReturn(aResponse().withStatus(200)
          .withHeader("Content-Type", "text/html").withBody("<html>expired</html>")));
      case "truncated" -> servePng(java.util.Arrays.copyOf(png, png.length - 40));
      default -> wm.stubFor(get("/files/out-0.png").willReturn(aResponse().withStatus(200)
          .withHeader("Content-Type", "image/jpeg").withBody(png)));
    }
    assertThatThrownBy(() -> provider.generate(new ImageRequest(3, "x", 100, 100, 1)))
        .isInstanceOf(NonRetriableException.class).hasMessageContaining("segment 3");
  }

  @Test
  void downloadsAreHttpsOnlyExceptLoopback() {
    assertThatThrownBy(() -> SafeDownload.checkUrl("replicate",
        URI.create("http://replicate.delivery/x.png")))
        .isInstanceOf(NonRetriableException.class).hasMessageContaining("only https");
    SafeDownload.checkUrl("replicate", URI.create("https://replicate.delivery/x.png"));
    SafeDownload.checkUrl("replicate", URI.create("http://127.0.0.1:8080/x.png"));
  }

  @Test
  void aspectRatiosAndFingerprint() {
    assertThat(ReplicateImageProvider.aspectRatio(1080, 1920)).isEqualTo("9:16");
    assertThat(ReplicateImageProvider.aspectRatio(1920, 1080)).isEqualTo("16:9");
    assertThat(ReplicateImageProvider.aspectRatio(500, 500)).isEqualTo("1:1");
    assertThat(provider.fingerprint()).contains("flux-schnell").doesNotContain(TOKEN);
    assertThat(provider.toString()).doesNotContain(TOKEN);
  }
}
