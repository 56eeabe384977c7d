package dev.storyreel.replicate;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
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
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.Mood;
import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.Providers;
import dev.storyreel.core.RetriableException;
import dev.storyreel.core.RetryPolicy;
import dev.storyreel.core.Usage;
import dev.storyreel.core.spi.GeneratedAudio;
import dev.storyreel.core.spi.MusicProvider;
import dev.storyreel.core.spi.MusicRequest;
import dev.storyreel.core.spi.PendingWork;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.testkit.ContractValidator;
import dev.storyreel.testkit.Fixtures;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * MusicGen through the shared prediction machinery, against WireMock: the create body is checked
 * against Replicate's contract ({@code schemas_version_prediction_request}, since the default
 * model is a pinned version), every prediction served is checked against {@code
 * schemas_prediction_response}, and the bed written is read back with {@code javax.sound}.
 */
class ReplicateMusicProviderTest {
  static final String TOKEN = "test-credential-replicate-not-real";
  static final String VERSION =
      "671ac645ce5e552cc63a54a2bbff63fcf798043055d2dac5fc9e36a837eedcfb";
  static final ObjectMapper JSON = new ObjectMapper();
  static WireMockServer wm;
  @TempDir Path dir;
  ReplicateMusicProvider provider;
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

  ReplicateMusicProvider.Builder builder() {
    return ReplicateMusicProvider.builder().baseUrl(wm.baseUrl() + "/v1").apiToken(TOKEN)
        .pollInterval(Duration.ofMillis(10)).requestTimeout(Duration.ofSeconds(10))
        .readRetry(RetryPolicy.builder().initialDelay(Duration.ofMillis(5))
            .maxDelay(Duration.ofMillis(20)).build());
  }

  MusicRequest request(Duration d) {
    return new MusicRequest(Mood.DREAD, d, 7, dir.resolve("bed.wav"));
  }

  /** A complete MusicGen prediction (output: one URL), checked against the contract. */
  static String prediction(String id, String status, String fileName, String error) {
    ObjectNode p = JSON.createObjectNode();
    p.put("id", id);
    p.put("model", "meta/musicgen");
    p.put("version", VERSION);
    p.putObject("input").put("prompt", "dark ambient drone");
    if (fileName == null) {
      p.putNull("output");
    } else {
      p.put("output", wm.baseUrl() + "/files/" + fileName);
    }
    p.put("data_removed", false);
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

  static ResponseDefinitionBuilder json(int status, String body) {
    return aResponse().withStatus(status).withHeader("Content-Type", "application/json")
        .withBody(body);
  }

  static ResponseDefinitionBuilder status(int code) {
    return aResponse().withStatus(code).withHeader("Content-Type", "text/plain")
        .withBody("upstream trouble");
  }

  /** A WAV of a 220 Hz tone; {@code bits} 16 or 24, stereo. */
  static byte[] wav(double seconds, int rateHz, int bits) {
    int channels = 2;
    int bytesPerSample = bits / 8;
    int frames = (int) Math.round(seconds * rateHz);
    byte[] pcm = new byte[frames * channels * bytesPerSample];
    int i = 0;
    for (int f = 0; f < frames; f++) {
      int v = (int) (Math.sin(2 * Math.PI * 220 * f / rateHz) * ((1 << (bits - 1)) - 1) * 0.3);
      for (int c = 0; c < channels; c++) {
        for (int b = 0; b < bytesPerSample; b++) {
          pcm[i++] = (byte) (v >> (8 * b));
        }
      }
    }
    AudioFormat fmt = new AudioFormat(rateHz, bits, channels, true, false);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      AudioSystem.write(new AudioInputStream(new ByteArrayInputStream(pcm), fmt, frames),
          AudioFileFormat.Type.WAVE, out);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return out.toByteArray();
  }

  static ResponseDefinitionBuilder wavFile(double seconds) {
    return aResponse().withStatus(200).withHeader("Content-Type", "audio/wav")
        .withBody(wav(seconds, 32_000, 16));
  }

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
    wm.stubFor(post(urlEqualTo("/v1/predictions")).willReturn(json(201, body)));
  }

  static int creations() {
    return wm.findAll(postRequestedFor(urlEqualTo("/v1/predictions"))).size();
  }

  static JsonNode createdBody() throws IOException {
    var all = wm.findAll(postRequestedFor(urlEqualTo("/v1/predictions")));
    assertThat(all).hasSize(1);
    return JSON.readTree(all.get(0).getBody());
  }

  /** @return frames, rate, channels and bits of a WAV on disk */
  static AudioFormat formatOf(Path p, long[] frames) throws Exception {
    try (AudioInputStream in = AudioSystem.getAudioInputStream(p.toFile())) {
      frames[0] = in.getFrameLength();
      return in.getFormat();
    }
  }

  @Test
  void aSyncAnswerIsWrittenAsPcm16TrimmedToTheRequest() throws Exception {
    createAnswers(prediction("m1", "succeeded", "bed-1.wav", null));
    wm.stubFor(get("/files/bed-1.wav").willReturn(wavFile(3.0)));
    MusicRequest req = request(Duration.ofMillis(2_500));
    GeneratedAudio a = provider.compose(req, pending);

    assertThat(a.duration()).isEqualTo(Duration.ofMillis(2_500));
    assertThat(a.usage()).isEqualTo(Usage.audio(Duration.ofMillis(2_500)));
    assertThat(a.source()).contains("meta/musicgen").contains("stereo-melody-large")
        .contains("no vocals").doesNotContain(TOKEN);
    long[] frames = new long[1];
    AudioFormat f = formatOf(req.output(), frames);
    assertThat(frames[0]).isEqualTo(80_000); // 2.5 s at 32 kHz
    assertThat(f.getSampleRate()).isEqualTo(32_000f);
    assertThat(f.getChannels()).isEqualTo(2);
    assertThat(f.getSampleSizeInBits()).isEqualTo(16);
    assertThat(f.getEncoding()).isEqualTo(AudioFormat.Encoding.PCM_SIGNED);
    assertThat(Files.list(dir)).as("the raw download is deleted")
        .containsExactly(req.output());

    JsonNode body = createdBody();
    assertThat(body.path("version").asText()).isEqualTo(VERSION);
    JsonNode in = body.path("input");
    assertThat(in.path("duration").asInt()).as("2.5 s rounded up").isEqualTo(3);
    assertThat(in.path("output_format").asText()).isEqualTo("wav");
    assertThat(in.path("model_version").asText()).isEqualTo("stereo-melody-large");
    assertThat(in.path("prompt").asText()).isEqualTo(ReplicateMusicProvider.prompt(Mood.DREAD));
    assertThat(in.path("seed").asLong()).isEqualTo(7);
    assertThat(wm.findAll(postRequestedFor(urlEqualTo("/v1/predictions"))).get(0)
        .getHeader("Prefer")).isEqualTo("wait=60");
    assertThat(pending.recorded()).contains("m1");
  }

  @Test
  void theStorysStyleLeadsThePrompt() throws Exception {
    createAnswers(prediction("m1", "succeeded", "bed-1.wav", null));
    wm.stubFor(get("/files/bed-1.wav").willReturn(wavFile(3.0)));
    provider.compose(new MusicRequest(Mood.DREAD, Duration.ofSeconds(3), 7,
        dir.resolve("bed.wav"), "1950s radio drama"), pending);
    assertThat(createdBody().path("input").path("prompt").asText())
        .isEqualTo("1950s radio drama, " + ReplicateMusicProvider.prompt(Mood.DREAD))
        .endsWith("no vocals");
    assertThat(ReplicateMusicProvider.prompt(Mood.DREAD, " "))
        .isEqualTo(ReplicateMusicProvider.prompt(Mood.DREAD));
    assertThat(ReplicateMusicProvider.prompt(Mood.DREAD, "x".repeat(500)))
        .startsWith("x".repeat(ReplicateMusicProvider.MAX_STYLE_CHARS) + ", dark");
  }

  @Test
  void aShorterAnswerIsKeptAsItIsWithItsTrueDuration() throws Exception {
    provider = builder().maxClipSeconds(30).build();
    createAnswers(prediction("m1", "succeeded", "bed-1.wav", null));
    wm.stubFor(get("/files/bed-1.wav").willReturn(wavFile(1.5)));
    MusicRequest req = request(Duration.ofSeconds(47));
    GeneratedAudio a = provider.compose(req, pending);

    assertThat(createdBody().path("input").path("duration").asInt())
        .as("capped at maxClipSeconds").isEqualTo(30);
    assertThat(a.duration()).isEqualTo(Duration.ofMillis(1_500));
    long[] frames = new long[1];
    formatOf(req.output(), frames);
    assertThat(frames[0]).isEqualTo(48_000);
  }

  @Test
  void a24BitAnswerIsConvertedTo16Bit() throws Exception {
    createAnswers(prediction("m1", "succeeded", "bed-1.wav", null));
    wm.stubFor(get("/files/bed-1.wav").willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "audio/x-wav").withBody(wav(1.0, 48_000, 24))));
    MusicRequest req = request(Duration.ofSeconds(1));
    assertThat(provider.compose(req, pending).duration()).isEqualTo(Duration.ofSeconds(1));
    long[] frames = new long[1];
    AudioFormat f = formatOf(req.output(), frames);
    assertThat(f.getSampleSizeInBits()).isEqualTo(16);
    assertThat(f.getSampleRate()).isEqualTo(48_000f);
    assertThat(frames[0]).isEqualTo(48_000);
  }

  @Test
  void aRunningPredictionIsPolledUntilItSucceeds() {
    createAnswers(prediction("m1", "starting", null, null));
    getInTurn("/v1/predictions/m1", json(200, prediction("m1", "processing", null, null)),
        status(502), json(200, prediction("m1", "succeeded", "bed-1.wav", null)));
    wm.stubFor(get("/files/bed-1.wav").willReturn(wavFile(2.0)));
    assertThat(provider.compose(request(Duration.ofSeconds(2)), pending).duration())
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(creations()).isEqualTo(1);
    wm.verify(3, getRequestedFor(urlEqualTo("/v1/predictions/m1")));
  }

  @Test
  void aFailedDownloadIsResumedWithoutANewPrediction() {
    provider = builder().downloadAttempts(2).build();
    createAnswers(prediction("m1", "succeeded", "bed-1.wav", null));
    wm.stubFor(get("/files/bed-1.wav").willReturn(status(503)));
    Throwable t = catchThrowable(() -> provider.compose(request(Duration.ofSeconds(2)), pending));
    assertThat(t).isInstanceOf(RetriableException.class);
    assertThat(t.getMessage()).contains("music bed (dread, 2 s)").contains("m1")
        .contains("2 tries").doesNotContain(TOKEN);
    assertThat(pending.recorded()).contains("m1");
    assertThat(Files.exists(dir.resolve("bed.wav"))).isFalse();

    // the task graph's next attempt, with the same note: the file host is back
    wm.resetRequests();
    wm.stubFor(get("/files/bed-1.wav").willReturn(wavFile(2.0)));
    wm.stubFor(get("/v1/predictions/m1").willReturn(json(200,
        prediction("m1", "succeeded", "bed-1.wav", null))));
    assertThat(provider.compose(request(Duration.ofSeconds(2)), pending).duration())
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(creations()).as("the second call creates nothing").isZero();
    wm.verify(1, getRequestedFor(urlEqualTo("/v1/predictions/m1")));
  }

  @Test
  void pastTheDeadlineThePredictionIsCancelledAndForgotten() {
    provider = builder().deadline(Duration.ofMillis(200)).build();
    createAnswers(prediction("m1", "starting", null, null));
    wm.stubFor(get("/v1/predictions/m1").willReturn(json(200,
        prediction("m1", "processing", null, null))));
    wm.stubFor(post("/v1/predictions/m1/cancel").willReturn(json(200,
        prediction("m1", "canceled", null, null))));
    assertThatThrownBy(() -> provider.compose(request(Duration.ofSeconds(2)), pending))
        .isInstanceOf(NonRetriableException.class).hasMessageContaining("cancelled");
    wm.verify(1, postRequestedFor(urlEqualTo("/v1/predictions/m1/cancel")));
    assertThat(pending.recorded()).isEmpty();
    assertThat(creations()).isEqualTo(1);
  }

  @Test
  void anHtmlPageServedAsTheOutputIsRefusedAndNothingIsWritten() {
    createAnswers(prediction("m1", "succeeded", "bed-1.wav", null));
    wm.stubFor(get("/files/bed-1.wav").willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "text/html").withBody("<!doctype html><p>hello</p>")));
    assertThatThrownBy(() -> provider.compose(request(Duration.ofSeconds(2)), pending))
        .isInstanceOf(NonRetriableException.class).hasMessageContaining("not a WAV or MP3");
    assertThat(dir.toFile().list()).isEmpty();
  }

  @Test
  void theSameCorruptWavTwiceFailsAndDropsThePrediction() {
    createAnswers(prediction("m1", "succeeded", "bed-1.wav", null));
    byte[] junk = Arrays.copyOf(wav(1.0, 32_000, 16), 44);
    junk[20] = 99; // an audio format tag no reader knows
    wm.stubFor(get("/files/bed-1.wav").willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "audio/wav").withBody(junk)));
    assertThatThrownBy(() -> provider.compose(request(Duration.ofSeconds(1)), pending))
        .isInstanceOf(NonRetriableException.class).hasMessageContaining("not usable")
        .hasMessageContaining("m1");
    wm.verify(2, getRequestedFor(urlEqualTo("/files/bed-1.wav")));
    assertThat(pending.recorded()).isEmpty();
    assertThat(creations()).isEqualTo(1);
  }

  @Test
  void everyMoodHasItsOwnInstrumentalPrompt() {
    Set<String> seen = new HashSet<>();
    for (Mood m : Mood.values()) {
      String p = ReplicateMusicProvider.prompt(m);
      assertThat(p).endsWith("no vocals");
      assertThat(seen.add(p)).as("distinct prompt for " + m).isTrue();
    }
    assertThat(ReplicateMusicProvider.prompt(Mood.DREAD)).contains("minor key").contains("drone");
  }

  @Test
  void theFactoryIsFoundAsTheReplicateMusicProvider() {
    MusicProvider p = Providers.create(MusicProvider.class, "replicate",
        new ProviderSettings(settings()));
    assertThat(p).isInstanceOf(ReplicateMusicProvider.class);
    assertThat(p.model()).isEqualTo(ReplicateMusicProvider.DEFAULT_MODEL);
    assertThat(p.resource()).isEqualTo("music");
    assertThat(p.fingerprint()).doesNotContain(TOKEN).contains("stereo-melody-large");
    assertThat(wm.getAllServeEvents()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "replicate.musicModel|musicgen|owner/name",
      "replicate.musicModelVersion|small|stereo-melody-large",
      "replicate.musicMaxClipSeconds|0|1..3600",
      "replicate.deadlineSeconds|-3|1..86400"})
  void everyBadSettingIsAClearConfigurationError(String key, String value, String accepted) {
    Map<String, String> s = settings();
    s.put(key, value);
    assertThatThrownBy(() -> new ReplicateMusicProviderFactory().create(new ProviderSettings(s)))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining(key)
        .hasMessageContaining(value).hasMessageContaining(accepted)
        .hasMessageNotContaining(TOKEN).hasMessageNotContaining("Exception");
    assertThat(wm.getAllServeEvents()).isEmpty();
  }

  @Test
  void goodSettingsReachTheRequest() throws IOException {
    Map<String, String> s = settings();
    s.put("replicate.musicModelVersion", "large");
    s.put("replicate.musicMaxClipSeconds", "30");
    s.put("replicate.pollIntervalMillis", "10");
    MusicProvider p = new ReplicateMusicProviderFactory().create(new ProviderSettings(s));
    createAnswers(prediction("m1", "succeeded", "bed-1.wav", null));
    wm.stubFor(get("/files/bed-1.wav").willReturn(wavFile(1.0)));
    p.compose(request(Duration.ofSeconds(90)), pending);
    JsonNode in = createdBody().path("input");
    assertThat(in.path("model_version").asText()).isEqualTo("large");
    assertThat(in.path("duration").asInt()).isEqualTo(30);
  }

  Map<String, String> settings() {
    Map<String, String> s = new HashMap<>();
    s.put("replicate.apiToken", TOKEN);
    s.put("replicate.baseUrl", wm.baseUrl() + "/v1");
    return s;
  }
}
