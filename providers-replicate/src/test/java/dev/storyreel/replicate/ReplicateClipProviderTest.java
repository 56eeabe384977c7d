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
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.storyreel.core.AuthenticationException;
import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.Providers;
import dev.storyreel.core.RetriableException;
import dev.storyreel.core.RetryPolicy;
import dev.storyreel.core.StoryReelException;
import dev.storyreel.core.spi.ClipProvider;
import dev.storyreel.core.spi.ClipRequest;
import dev.storyreel.core.spi.GeneratedClip;
import dev.storyreel.core.spi.PendingWork;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.testkit.ContractValidator;
import dev.storyreel.testkit.Fixtures;
import dev.storyreel.testkit.VideoFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Replicate image-to-video provider against WireMock serving real MP4s (made with javacv),
 * on the sync and the polling path and through the image provider's failure cases; every
 * request body checked against Replicate's contract.
 */
class ReplicateClipProviderTest {
  static final String TOKEN = ReplicateImageProviderTest.TOKEN;
  static final String CREATE = "/v1/models/wan-video/wan-2.2-i2v-fast/predictions";
  static final ObjectMapper JSON = new ObjectMapper();
  static WireMockServer wm;
  static byte[] mp4;
  static byte[] still = Fixtures.png(48, 80);
  ReplicateClipProvider provider;

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    wm.start();
    mp4 = Files.readAllBytes(VideoFixtures.mp4(dir.resolve("clip.mp4"), 64, 96, 16, 24));
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

  ReplicateClipProvider.Builder builder() {
    return ReplicateClipProvider.builder().baseUrl(wm.baseUrl() + "/v1").apiToken(TOKEN)
        .pollInterval(Duration.ofMillis(20)).requestTimeout(Duration.ofMillis(3000))
        .readRetry(RetryPolicy.builder().initialDelay(Duration.ofMillis(10)).build());
  }

  @AfterEach
  void everyRequestFollowsTheContract() {
    Fixtures.validateAll(wm, ContractValidator.REPLICATE, "/v1");
  }

  static ClipRequest request(int segment, Duration d) {
    return new ClipRequest(segment, still, "image/png", "a lighthouse at dusk",
        "slow push-in", d, 1080, 1920, 42);
  }

  static String prediction(String status, String output) {
    return "{\"id\":\"p1\",\"status\":\"" + status + "\",\"output\":" + output
        + ",\"error\":null,\"urls\":{\"get\":\"" + wm.baseUrl() + "/v1/predictions/p1\","
        + "\"cancel\":\"" + wm.baseUrl() + "/v1/predictions/p1/cancel\"}}";
  }

  static String out() {
    return "\"" + wm.baseUrl() + "/files/out.mp4\"";
  }

  static ResponseDefinitionBuilder created(String status, String output) {
    return aResponse().withStatus(201).withHeader("Content-Type", "application/json")
        .withBody(prediction(status, output));
  }

  void serveMp4(byte[] body, String type) {
    wm.stubFor(get("/files/out.mp4").willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", type).withBody(body)));
  }

  JsonNode sentInput() throws Exception {
    return JSON.readTree(wm.findAll(postRequestedFor(urlEqualTo(CREATE))).get(0).getBodyAsString())
        .path("input");
  }

  @Test
  void syncModeReturnsTheServedMp4WithTheModelsOwnInputNames() throws Exception {
    wm.stubFor(post(CREATE).willReturn(created("succeeded", out())));
    serveMp4(mp4, "video/mp4");
    GeneratedClip clip = provider.generate(request(2, Duration.ofMillis(6_200)));
    assertThat(clip.bytes()).isEqualTo(mp4);
    assertThat(clip.mediaType()).isEqualTo("video/mp4");
    assertThat(clip.usage().images()).isEqualTo(1);
    wm.verify(postRequestedFor(urlEqualTo(CREATE)).withHeader("Prefer", equalTo("wait=60"))
        .withHeader("Authorization", equalTo("Bearer " + TOKEN)));
    JsonNode in = sentInput();
    assertThat(in.path("image").asText()).isEqualTo("data:image/png;base64,"
        + Base64.getEncoder().encodeToString(still));
    assertThat(in.path("prompt").asText()).isEqualTo("a lighthouse at dusk. Motion: slow push-in");
    // 6.2 s at 16 fps = 99.2 frames, rounded up, inside the model's 81..121
    assertThat(in.path("num_frames").asInt()).isEqualTo(100);
    assertThat(in.path("frames_per_second").asInt()).isEqualTo(16);
    assertThat(in.path("resolution").asText()).isEqualTo("480p");
    assertThat(in.path("seed").asLong()).isEqualTo(42);
    // the token goes to the API only, never to the file host
    assertThat(wm.findAll(getRequestedFor(urlEqualTo("/files/out.mp4"))))
        .allMatch(r -> !r.containsHeader("Authorization"));
  }

  @Test
  void pollsUntilSucceededAndRetriesAFailedPoll() {
    wm.stubFor(post(CREATE).willReturn(created("starting", "null")));
    wm.stubFor(get("/v1/predictions/p1").inScenario("poll").whenScenarioStateIs("Started")
        .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
    wm.stubFor(get("/v1/predictions/p1").inScenario("poll").whenScenarioStateIs("up")
        .willReturn(ReplicateImageProviderTest.okJson(prediction("processing", "null")))
        .willSetStateTo("done"));
    wm.stubFor(get("/v1/predictions/p1").inScenario("poll").whenScenarioStateIs("done")
        .willReturn(ReplicateImageProviderTest.okJson(prediction("succeeded", out()))));
    serveMp4(mp4, "application/octet-stream");
    GeneratedClip clip = provider.generate(request(0, Duration.ofSeconds(3)));
    assertThat(clip.bytes()).isEqualTo(mp4);
    wm.verify(1, postRequestedFor(urlEqualTo(CREATE)));
  }

  @Test
  void aResumedCallPollsTheRecordedPredictionInsteadOfPayingAgain() {
    wm.stubFor(get("/v1/predictions/p1").willReturn(ReplicateImageProviderTest.okJson(
        prediction("succeeded", out()))));
    serveMp4(mp4, "video/mp4");
    PendingWork note = PendingWork.inMemory();
    note.record("p1");
    assertThat(provider.generate(request(1, Duration.ofSeconds(4)), note).bytes()).isEqualTo(mp4);
    wm.verify(0, postRequestedFor(urlEqualTo(CREATE)));
  }

  @Test
  void aCutOffDownloadIsDownloadedAgainWithoutANewPrediction() {
    wm.stubFor(post(CREATE).willReturn(created("succeeded", out())));
    wm.stubFor(get("/files/out.mp4").inScenario("dl").whenScenarioStateIs("Started")
        .willReturn(aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE)).willSetStateTo("ok"));
    wm.stubFor(get("/files/out.mp4").inScenario("dl").whenScenarioStateIs("ok")
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "video/mp4")
            .withBody(mp4)));
    assertThat(provider.generate(request(0, Duration.ofSeconds(3))).bytes()).isEqualTo(mp4);
    wm.verify(1, postRequestedFor(urlEqualTo(CREATE)));
    wm.verify(2, getRequestedFor(urlEqualTo("/files/out.mp4")));
  }

  @Test
  void aDownloadThatKeepsBeingCutOffIsRetriableAndKeepsThePrediction() {
    provider = builder().downloadAttempts(2).build();
    wm.stubFor(post(CREATE).willReturn(created("succeeded", out())));
    wm.stubFor(get("/files/out.mp4").willReturn(aResponse()
        .withFault(Fault.CONNECTION_RESET_BY_PEER)));
    PendingWork note = PendingWork.inMemory();
    assertThatThrownBy(() -> provider.generate(request(4, Duration.ofSeconds(3)), note))
        .isInstanceOf(RetriableException.class).hasMessageContaining("segment 4")
        .hasMessageContaining("without paying");
    assertThat(note.recorded()).contains("p1");
  }

  @Test
  void aModelThatReturnsAnImageIsAClearNonRetriableError() {
    wm.stubFor(post(CREATE).willReturn(created("succeeded", out())));
    serveMp4(Fixtures.png(32, 32), "image/png");
    Throwable t = catchThrowable(() -> provider.generate(request(3, Duration.ofSeconds(3))));
    assertThat(t).isInstanceOf(NonRetriableException.class)
        .hasMessageContaining("segment 3").hasMessageContaining("an image (image/png,")
        .hasMessageContaining("instead of a video");
    wm.verify(1, postRequestedFor(urlEqualTo(CREATE)));
    wm.verify(1, getRequestedFor(urlEqualTo("/files/out.mp4")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"html", "wrongtype", "http"})
  void badDownloadsAreRefused(String f) {
    String output = f.equals("http") ? "\"http://replicate.delivery/out.mp4\"" : out();
    wm.stubFor(post(CREATE).willReturn(created("succeeded", output)));
    switch (f) {
      case "html" -> serveMp4("<html>expired</html>".getBytes(), "text/html");
      case "wrongtype" -> serveMp4(mp4, "video/webm");
      default -> { }
    }
    assertThatThrownBy(() -> provider.generate(request(3, Duration.ofSeconds(3))))
        .isInstanceOf(NonRetriableException.class).hasMessageContaining(
            f.equals("http") ? "only https" : "segment 3");
  }

  @Test
  void aFailedPredictionIsAClearError() {
    wm.stubFor(post(CREATE).willReturn(aResponse().withStatus(201)
        .withHeader("Content-Type", "application/json")
        .withBody(prediction("failed", "null").replace("\"error\":null",
            "\"error\":\"input image too small\""))));
    assertThatThrownBy(() -> provider.generate(request(5, Duration.ofSeconds(3))))
        .isExactlyInstanceOf(NonRetriableException.class)
        .hasMessageContaining("segment 5").hasMessageContaining("input image too small");
  }

  @Test
  void aRejectedTokenIsATypedAuthenticationFailure() {
    wm.stubFor(post(CREATE).willReturn(aResponse().withStatus(401)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"detail\":\"You did not pass a valid authentication token\"}")));
    assertThatThrownBy(() -> provider.generate(request(5, Duration.ofSeconds(3))))
        .isInstanceOfSatisfying(AuthenticationException.class,
            e -> assertThat(e.httpStatus()).hasValue(401));
  }

  @ParameterizedTest
  @ValueSource(strings = {"422", "429", "503"})
  void creatingFailuresAreRetriedOnlyWhenNothingWasMade(String status) {
    ResponseDefinitionBuilder r = aResponse().withStatus(Integer.parseInt(status))
        .withHeader("Content-Type", "application/problem+json")
        .withBody("{\"title\":\"Error\",\"detail\":\"bad " + TOKEN + "\",\"status\":" + status
            + "}");
    if (status.equals("429")) {
      r = r.withHeader("Retry-After", "3");
    }
    wm.stubFor(post(CREATE).willReturn(r));
    Throwable t = catchThrowable(() -> provider.generate(request(2, Duration.ofSeconds(3))));
    assertThat(t).isInstanceOf(StoryReelException.class);
    assertThat(t.getMessage()).contains("replicate").doesNotContain(TOKEN);
    assertThat(((StoryReelException) t).isRetriable()).isEqualTo(!status.equals("422"));
    if (status.equals("429")) {
      assertThat(((RetriableException) t).retryAfter()).isEqualTo(Duration.ofSeconds(3));
    }
  }

  @Test
  void otherModelsGetTheirOwnInputNames() {
    ClipRequest r = request(0, Duration.ofMillis(7_500));
    Map<String, Object> kling = ReplicateClipProvider.input("kwaivgi/kling-v2.1", r);
    assertThat(kling).containsKeys("start_image", "prompt").containsEntry("duration", 10)
        .containsEntry("mode", "standard").doesNotContainKey("image");
    Map<String, Object> minimax = ReplicateClipProvider.input("minimax/hailuo-02", r);
    assertThat(minimax).containsKey("first_frame_image").doesNotContainKey("image");
    Map<String, Object> other = ReplicateClipProvider.input("someone/new-i2v:abc123", r);
    assertThat(other).containsKeys("image", "prompt").containsEntry("duration", 8);
    // the default model's frames are clamped to what it accepts
    assertThat(ReplicateClipProvider.input(ReplicateClipProvider.DEFAULT_MODEL,
        request(0, Duration.ofSeconds(1)))).containsEntry("num_frames", 81);
    assertThat(ReplicateClipProvider.input(ReplicateClipProvider.DEFAULT_MODEL,
        request(0, Duration.ofSeconds(30)))).containsEntry("num_frames", 121);
  }

  @Test
  void theFactoryIsFoundByServiceLoaderAndNamesAnotherModel() throws Exception {
    ClipProvider p = Providers.create(ClipProvider.class, "replicate", new ProviderSettings(Map.of(
        "replicate.apiToken", TOKEN, "replicate.baseUrl", wm.baseUrl() + "/v1",
        "replicate.clipModel", "kwaivgi/kling-v2.1")));
    assertThat(p).isInstanceOf(ReplicateClipProvider.class);
    assertThat(p.model()).isEqualTo("kwaivgi/kling-v2.1");
    assertThat(p.resource()).isEqualTo("clip");
    assertThat(p.fingerprint()).contains("kling-v2.1").doesNotContain(TOKEN);
    assertThat(p.toString()).doesNotContain(TOKEN);
    wm.stubFor(post("/v1/models/kwaivgi/kling-v2.1/predictions")
        .willReturn(created("succeeded", out())));
    serveMp4(mp4, "video/mp4");
    assertThat(p.generate(request(0, Duration.ofSeconds(3))).bytes()).isEqualTo(mp4);
    JsonNode in = JSON.readTree(wm.findAll(postRequestedFor(
        urlEqualTo("/v1/models/kwaivgi/kling-v2.1/predictions"))).get(0).getBodyAsString());
    assertThat(in.path("input").has("start_image")).isTrue();
  }
}
