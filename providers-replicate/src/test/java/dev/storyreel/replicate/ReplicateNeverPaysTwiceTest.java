package dev.storyreel.replicate;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.RetriableException;
import dev.storyreel.core.RetryPolicy;
import dev.storyreel.core.spi.GeneratedImage;
import dev.storyreel.core.spi.ImageRequest;
import dev.storyreel.core.spi.PendingWork;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.testkit.ContractValidator;
import dev.storyreel.testkit.Fixtures;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Faults injected on the poll and the output download never make a second (paid) prediction; a
 * recorded prediction is resumed. Creations are counted on the create path; request bodies are
 * checked against Replicate's contract, and every prediction the fake server answers with is
 * checked against {@code schemas_prediction_response}.
 */
class ReplicateNeverPaysTwiceTest {
  static final String TOKEN = "test-credential-replicate-not-real";
  static final String CREATE = "/v1/models/black-forest-labs/flux-schnell/predictions";
  static final ObjectMapper JSON = new ObjectMapper();
  /** Held strongly: java.util.logging forgets loggers nobody references. */
  static final Logger JUL = Logger.getLogger(ReplicateImageProvider.class.getName());
  static WireMockServer wm;
  Handler logHandler;
  ReplicateImageProvider provider;
  PendingWork pending;

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
    pending = PendingWork.inMemory();
  }

  @AfterEach
  void everyRequestFollowsTheContract() {
    Fixtures.validateAll(wm, ContractValidator.REPLICATE, "/v1");
  }

  ReplicateImageProvider.Builder builder() {
    return ReplicateImageProvider.builder().baseUrl(wm.baseUrl() + "/v1").apiToken(TOKEN)
        .pollInterval(Duration.ofMillis(10)).requestTimeout(Duration.ofSeconds(10))
        .readRetry(RetryPolicy.builder().initialDelay(Duration.ofMillis(5))
            .maxDelay(Duration.ofMillis(20)).build());
  }

  static ImageRequest request() {
    return new ImageRequest(4, "a lighthouse at dusk", 1080, 1920, 7);
  }

  /** A complete prediction, as Replicate's contract describes it, checked against it. */
  static String prediction(String id, String status, String fileName, String error,
      boolean dataRemoved) {
    ObjectNode p = JSON.createObjectNode();
    p.put("id", id);
    p.put("model", "black-forest-labs/flux-schnell");
    // a version id: the contract's oneOf matches "hidden" twice (string, and enum of strings)
    p.put("version", "c846a69991daf4c0e5d016514849d14ee5b2e6846ce6b9d6f21369e564cfe51e");
    p.putObject("input").put("prompt", "a lighthouse at dusk");
    if (fileName == null) {
      p.putNull("output");
    } else {
      p.putArray("output").add(wm.baseUrl() + "/files/" + fileName);
    }
    p.put("data_removed", dataRemoved);
    if (error == null) {
      p.putNull("error");
    } else {
      p.put("error", error);
    }
    p.put("status", status);
    p.put("created_at", "2026-12-01T10:00:00.000Z");
    ObjectNode urls = p.putObject("urls");
    urls.put("web", "https://replicate.com/p/" + id);
    urls.put("get", wm.baseUrl() + "/v1/predictions/" + id);
    urls.put("cancel", wm.baseUrl() + "/v1/predictions/" + id + "/cancel");
    ContractValidator.validate(ContractValidator.REPLICATE,
        "/components/schemas/schemas_prediction_response", p);
    return p.toString();
  }

  static String running(String id, String status) {
    return prediction(id, status, null, null, false);
  }

  static String succeeded(String id, String fileName) {
    return prediction(id, "succeeded", fileName, null, false);
  }

  static ResponseDefinitionBuilder json(int status, String body) {
    return aResponse().withStatus(status).withHeader("Content-Type", "application/json")
        .withBody(body);
  }

  static ResponseDefinitionBuilder png() {
    return aResponse().withStatus(200).withHeader("Content-Type", "image/png")
        .withBody(Fixtures.png(72, 128));
  }

  static ResponseDefinitionBuilder status(int code) {
    return aResponse().withStatus(code).withHeader("Content-Type", "text/plain")
        .withBody("upstream trouble");
  }

  /** Answers GETs of {@code url} with {@code answers} in turn; the last one from then on. */
  static void getInTurn(String url, ResponseDefinitionBuilder... answers) {
    String state = Scenario.STARTED;
    for (int i = 0; i < answers.length; i++) {
      String next = i + 1 < answers.length ? url + "#" + (i + 1) : state;
      wm.stubFor(get(urlEqualTo(url)).inScenario(url).whenScenarioStateIs(state)
          .willReturn(answers[i]).willSetStateTo(next));
      state = next;
    }
  }

  static void createAnswers(String body) {
    wm.stubFor(post(urlEqualTo(CREATE)).willReturn(json(201, body)));
  }

  static int creations() {
    return wm.findAll(postRequestedFor(urlEqualTo(CREATE))).size();
  }

  @Test
  void a503OnTheDownloadIsRetriedWithoutANewPrediction() {
    createAnswers(succeeded("p1", "out-1.png"));
    getInTurn("/files/out-1.png", status(503), png());
    GeneratedImage img = provider.generate(request(), pending);
    assertThat(img.widthPx()).isEqualTo(72);
    assertThat(img.heightPx()).isEqualTo(128);
    assertThat(creations()).isEqualTo(1);
    wm.verify(2, getRequestedFor(urlEqualTo("/files/out-1.png")));
    assertThat(pending.recorded()).contains("p1");
  }

  @Test
  void aDownloadThatFailsThreeTimesThenWorksMakesOnePrediction() {
    createAnswers(succeeded("p1", "out-1.png"));
    getInTurn("/files/out-1.png", status(500),
        aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER), status(502), png());
    assertThat(provider.generate(request()).widthPx()).isEqualTo(72);
    assertThat(creations()).isEqualTo(1);
    wm.verify(4, getRequestedFor(urlEqualTo("/files/out-1.png")));
  }

  @Test
  void aTruncatedDownloadIsFetchedAgain() {
    createAnswers(succeeded("p1", "out-1.png"));
    byte[] full = Fixtures.png(72, 128);
    getInTurn("/files/out-1.png", aResponse().withStatus(200)
        .withHeader("Content-Type", "image/png").withBody(Arrays.copyOf(full, full.length / 2)),
        png());
    assertThat(provider.generate(request(), pending).widthPx()).isEqualTo(72);
    assertThat(creations()).isEqualTo(1);
  }

  @Test
  void theSameUndecodableFileTwiceFailsAndDropsThePrediction() {
    createAnswers(succeeded("p1", "out-1.png"));
    byte[] full = Fixtures.png(72, 128);
    wm.stubFor(get("/files/out-1.png").willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "image/png").withBody(Arrays.copyOf(full, full.length - 30))));
    assertThatThrownBy(() -> provider.generate(request(), pending))
        .isInstanceOf(NonRetriableException.class).hasMessageContaining("segment 4")
        .hasMessageContaining("p1");
    wm.verify(2, getRequestedFor(urlEqualTo("/files/out-1.png")));
    assertThat(pending.recorded()).isEmpty();
    assertThat(creations()).isEqualTo(1);
  }

  @Test
  void aDownloadThatAlwaysFailsIsRetriableAndTheNextCallResumes() {
    provider = builder().downloadAttempts(3).build();
    createAnswers(succeeded("p1", "out-1.png"));
    wm.stubFor(get("/files/out-1.png").willReturn(status(503)));
    Throwable t = catchThrowable(() -> provider.generate(request(), pending));
    assertThat(t).isInstanceOf(RetriableException.class);
    assertThat(t.getMessage()).contains("segment 4").contains("p1").contains("3 tries")
        .contains("HTTP 503").doesNotContain(TOKEN);
    wm.verify(3, getRequestedFor(urlEqualTo("/files/out-1.png")));
    assertThat(pending.recorded()).contains("p1");
    assertThat(creations()).isEqualTo(1);

    // the task graph's next attempt, with the same note: the file host is back
    wm.resetRequests();
    wm.stubFor(get("/files/out-1.png").willReturn(png()));
    wm.stubFor(get("/v1/predictions/p1").willReturn(json(200, succeeded("p1", "out-1.png"))));
    assertThat(provider.generate(request(), pending).widthPx()).isEqualTo(72);
    assertThat(creations()).as("the second call creates nothing").isZero();
    wm.verify(1, getRequestedFor(urlEqualTo("/v1/predictions/p1")));
  }

  @Test
  void anHtmlPollAndAMalformedPollAreReadAgain() {
    createAnswers(running("p1", "starting"));
    getInTurn("/v1/predictions/p1",
        aResponse().withStatus(200).withHeader("Content-Type", "text/html")
            .withBody("<!doctype html><title>502 Bad Gateway</title>"),
        json(200, "{\"id\":\"p1\",\"status\":"),
        json(200, running("p1", "processing")),
        aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER),
        json(429, "{\"detail\":\"Request was throttled.\",\"status\":429}"),
        json(200, succeeded("p1", "out-1.png")));
    wm.stubFor(get("/files/out-1.png").willReturn(png()));
    assertThat(provider.generate(request(), pending).widthPx()).isEqualTo(72);
    assertThat(creations()).isEqualTo(1);
    wm.verify(6, getRequestedFor(urlEqualTo("/v1/predictions/p1")));
  }

  @Test
  void theIdIsRecordedBeforeThePollCanFail() {
    createAnswers(running("p1", "starting"));
    wm.stubFor(get("/v1/predictions/p1").willReturn(json(401,
        "{\"title\":\"Unauthenticated\",\"detail\":\"Invalid token.\",\"status\":401}")));
    assertThatThrownBy(() -> provider.generate(request(), pending))
        .isInstanceOf(NonRetriableException.class).hasMessageContaining("HTTP 401");
    assertThat(pending.recorded()).as("kept, so that a rerun resumes it").contains("p1");
    assertThat(creations()).isEqualTo(1);
  }

  @Test
  void aRecordedIdReplicateNoLongerHoldsIsCreatedAfresh() {
    List<String> logged = captureLog();
    pending.record("gone1");
    wm.stubFor(get("/v1/predictions/gone1").willReturn(json(404,
        "{\"title\":\"Not found\",\"detail\":\"Not found.\",\"status\":404}")));
    createAnswers(succeeded("p2", "out-2.png"));
    wm.stubFor(get("/files/out-2.png").willReturn(png()));
    assertThat(provider.generate(request(), pending).widthPx()).isEqualTo(72);
    assertThat(creations()).isEqualTo(1);
    assertThat(pending.recorded()).contains("p2");
    assertThat(logged).anySatisfy(m -> assertThat(m).contains("gone1").contains("billed again"));
  }

  @Test
  void aResumedSucceededPredictionIsDownloadedWithoutCreating() {
    pending.record("p1");
    wm.stubFor(get("/v1/predictions/p1").willReturn(json(200, succeeded("p1", "out-1.png"))));
    wm.stubFor(get("/files/out-1.png").willReturn(png()));
    assertThat(provider.generate(request(), pending).widthPx()).isEqualTo(72);
    assertThat(creations()).isZero();
  }

  @Test
  void aResumedRunningPredictionIsPolledWithoutCreating() {
    pending.record("p1");
    getInTurn("/v1/predictions/p1", json(200, running("p1", "processing")), status(500),
        json(200, succeeded("p1", "out-1.png")));
    wm.stubFor(get("/files/out-1.png").willReturn(png()));
    assertThat(provider.generate(request(), pending).widthPx()).isEqualTo(72);
    assertThat(creations()).isZero();
    wm.verify(3, getRequestedFor(urlEqualTo("/v1/predictions/p1")));
  }

  @Test
  void aResumedFailedPredictionFailsForGoodWithoutCreating() {
    pending.record("p1");
    wm.stubFor(get("/v1/predictions/p1").willReturn(json(200,
        prediction("p1", "failed", null, "CUDA out of memory", false))));
    assertThatThrownBy(() -> provider.generate(request(), pending))
        .isInstanceOf(NonRetriableException.class).hasMessageContaining("CUDA out of memory")
        .hasMessageContaining("segment 4");
    assertThat(creations()).isZero();
    assertThat(pending.recorded()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({"404", "410"})
  void aResumedPredictionWhoseFileIsGoneIsCreatedAfresh(int code) {
    pending.record("old1");
    wm.stubFor(get("/v1/predictions/old1").willReturn(json(200, succeeded("old1", "old.png"))));
    wm.stubFor(get("/files/old.png").willReturn(status(code)));
    createAnswers(succeeded("p2", "out-2.png"));
    wm.stubFor(get("/files/out-2.png").willReturn(png()));
    assertThat(provider.generate(request(), pending).widthPx()).isEqualTo(72);
    assertThat(creations()).isEqualTo(1);
    wm.verify(1, getRequestedFor(urlEqualTo("/files/old.png")));
    assertThat(pending.recorded()).contains("p2");
  }

  @Test
  void aResumedPredictionWhoseDataWasRemovedIsCreatedAfresh() {
    pending.record("old1");
    wm.stubFor(get("/v1/predictions/old1").willReturn(json(200,
        prediction("old1", "succeeded", "old.png", null, true))));
    createAnswers(succeeded("p2", "out-2.png"));
    wm.stubFor(get("/files/out-2.png").willReturn(png()));
    assertThat(provider.generate(request(), pending).widthPx()).isEqualTo(72);
    assertThat(creations()).isEqualTo(1);
    wm.verify(0, getRequestedFor(urlEqualTo("/files/old.png")));
  }

  @Test
  void aFreshFileThatIsNotThereYetIsFetchedAgainNotRecreated() {
    createAnswers(succeeded("p1", "out-1.png"));
    getInTurn("/files/out-1.png", status(404), png());
    assertThat(provider.generate(request(), pending).widthPx()).isEqualTo(72);
    assertThat(creations()).isEqualTo(1);
  }

  @Test
  void aRecordedIdThatIsNotAnIdIsNeverPutInAPath() {
    pending.record("../../account");
    createAnswers(succeeded("p2", "out-2.png"));
    wm.stubFor(get("/files/out-2.png").willReturn(png()));
    assertThat(provider.generate(request(), pending).widthPx()).isEqualTo(72);
    assertThat(wm.findAll(anyRequestedFor(urlMatching(".*account.*")))).isEmpty();
    assertThat(pending.recorded()).contains("p2");
  }

  @Test
  void aPredictionLostWhilePollingIsNotRecreatedInTheSameCall() {
    createAnswers(running("p1", "starting"));
    wm.stubFor(get("/v1/predictions/p1").willReturn(json(404,
        "{\"title\":\"Not found\",\"detail\":\"Not found.\",\"status\":404}")));
    assertThatThrownBy(() -> provider.generate(request(), pending))
        .isInstanceOf(RetriableException.class).hasMessageContaining("p1");
    assertThat(creations()).isEqualTo(1);
    assertThat(pending.recorded()).isEmpty();
  }

  @Test
  void pollsThatFailUntilTheDeadlineKeepThePredictionForTheNextCall() {
    provider = builder().deadline(Duration.ofMillis(300)).build();
    createAnswers(running("p1", "starting"));
    wm.stubFor(get("/v1/predictions/p1").willReturn(status(503)));
    assertThatThrownBy(() -> provider.generate(request(), pending))
        .isInstanceOf(RetriableException.class).hasMessageContaining("resumes");
    assertThat(pending.recorded()).contains("p1");
    assertThat(creations()).isEqualTo(1);
    wm.verify(0, postRequestedFor(urlEqualTo("/v1/predictions/p1/cancel")));
  }

  @Test
  void pastTheDeadlineThePredictionIsCancelledAndForgotten() {
    provider = builder().deadline(Duration.ofMillis(200)).build();
    createAnswers(running("p1", "starting"));
    wm.stubFor(get("/v1/predictions/p1").willReturn(json(200, running("p1", "processing"))));
    wm.stubFor(post("/v1/predictions/p1/cancel").willReturn(json(200,
        running("p1", "canceled"))));
    assertThatThrownBy(() -> provider.generate(request(), pending))
        .isInstanceOf(NonRetriableException.class).hasMessageContaining("cancelled");
    wm.verify(1, postRequestedFor(urlEqualTo("/v1/predictions/p1/cancel")));
    assertThat(pending.recorded()).isEmpty();
    assertThat(creations()).isEqualTo(1);
  }

  @Test
  void aVendorErrorThatEchoesTheTokenIsMasked() {
    String b64 = Base64.getEncoder().encodeToString(TOKEN.getBytes(StandardCharsets.UTF_8));
    createAnswers(prediction("p1", "failed", null, "auth failed for " + TOKEN + " (" + b64
        + ")\nTraceback: Bearer " + TOKEN, false));
    Throwable t = catchThrowable(() -> provider.generate(request(), pending));
    assertThat(t).isInstanceOf(NonRetriableException.class);
    assertThat(t.getMessage()).contains("auth failed for").contains("segment 4")
        .doesNotContain(TOKEN).doesNotContain(b64).doesNotContain("\n");
    assertThat(pending.recorded()).isEmpty();
  }

  @Test
  void aNegativeDeadlineIsRefusedBeforeAnyRequest() {
    Map<String, String> s = settings();
    s.put("replicate.deadlineSeconds", "-3");
    Throwable t = catchThrowable(() -> new ReplicateImageProviderFactory()
        .create(new ProviderSettings(s)).generate(request()));
    assertThat(t).isInstanceOf(ConfigurationException.class);
    assertThat(t.getMessage()).contains("replicate.deadlineSeconds").contains("-3")
        .contains("1..86400").doesNotContain(TOKEN);
    assertThat(wm.getAllServeEvents()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "replicate.deadlineSeconds|0|1..86400",
      "replicate.deadlineSeconds|ten|1..86400",
      "replicate.deadlineSeconds|99999999999999999999|1..86400",
      "replicate.pollIntervalMillis|0|1..60000",
      "replicate.pollIntervalMillis|1.5|1..60000",
      "replicate.requestTimeoutSeconds|-1|1..3600",
      "replicate.downloadAttempts|0|1..20",
      "replicate.maxConcurrency|65|1..64",
      "replicate.maxConcurrency|0|1..64",
      "replicate.model|flux-schnell|owner/name",
      "replicate.outputFormat|webp|one of png, jpg",
      "replicate.baseUrl|not a url|http(s)://"})
  void everyBadSettingIsAClearConfigurationError(String key, String value, String range) {
    Map<String, String> s = settings();
    s.put(key, value);
    assertThatThrownBy(() -> new ReplicateImageProviderFactory().create(new ProviderSettings(s)))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining(key)
        .hasMessageContaining("'" + value + "'").hasMessageContaining(range)
        .hasMessageNotContaining(TOKEN).hasMessageNotContaining("Exception");
    assertThat(wm.getAllServeEvents()).isEmpty();
  }

  @Test
  void aBaseUrlWithUserInfoIsNotEchoed() {
    Map<String, String> s = settings();
    s.put("replicate.baseUrl", "ftp://someone:hunter2pass@example.test/v1");
    assertThatThrownBy(() -> new ReplicateImageProviderFactory().create(new ProviderSettings(s)))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("replicate.baseUrl")
        .hasMessageNotContaining("hunter2pass");
  }

  @Test
  void goodSettingsMakeAWorkingProvider() {
    Map<String, String> s = settings();
    s.put("replicate.deadlineSeconds", " 30 ");
    s.put("replicate.pollIntervalMillis", "10");
    s.put("replicate.downloadAttempts", "2");
    s.put("replicate.maxConcurrency", "64");
    s.put("replicate.outputFormat", "jpg");
    var p = new ReplicateImageProviderFactory().create(new ProviderSettings(s));
    assertThat(p.maxConcurrency()).isEqualTo(64);
    assertThat(p.fingerprint()).contains("/jpg@");
    assertThat(wm.getAllServeEvents()).isEmpty();
  }

  Map<String, String> settings() {
    Map<String, String> s = new HashMap<>();
    s.put("replicate.apiToken", TOKEN);
    s.put("replicate.baseUrl", wm.baseUrl() + "/v1");
    return s;
  }

  /** Collects what the provider logs (System.Logger goes to java.util.logging here). */
  List<String> captureLog() {
    List<String> out = new ArrayList<>();
    logHandler = new Handler() {
      @Override
      public void publish(LogRecord r) {
        out.add(r.getMessage());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    JUL.addHandler(logHandler);
    return out;
  }

  @AfterEach
  void stopCapturing() {
    if (logHandler != null) {
      JUL.removeHandler(logHandler);
      logHandler = null;
    }
  }

  @Test
  void aCleanRunMakesOneCreateAndOneDownload() {
    // also a guard for the fixtures above: an unstubbed request is a 404, which reads as "gone"
    createAnswers(succeeded("p1", "out-1.png"));
    wm.stubFor(get("/files/out-1.png").willReturn(png()));
    provider.generate(request(), pending);
    assertThat(wm.findAllUnmatchedRequests()).isEmpty();
    assertThat(wm.findAll(anyRequestedFor(anyUrl()))).hasSize(2);
  }
}
