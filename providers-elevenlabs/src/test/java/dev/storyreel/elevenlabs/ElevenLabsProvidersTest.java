package dev.storyreel.elevenlabs;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import java.io.IOException;
import java.util.Base64;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Request;
import dev.storyreel.core.AuthenticationException;
import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.InvalidInputException;
import dev.storyreel.core.InvalidRequestException;
import dev.storyreel.core.Mood;
import dev.storyreel.core.Narration;
import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.PcmAudio;
import dev.storyreel.core.Providers;
import dev.storyreel.core.QuotaExceededException;
import dev.storyreel.core.RateLimitException;
import dev.storyreel.core.RetriableException;
import dev.storyreel.core.SoundCue;
import dev.storyreel.core.StoryReelException;
import dev.storyreel.core.WordTiming;
import dev.storyreel.core.Words;
import dev.storyreel.core.spi.Aligner;
import dev.storyreel.core.spi.GeneratedAudio;
import dev.storyreel.core.spi.MusicProvider;
import dev.storyreel.core.spi.MusicRequest;
import dev.storyreel.core.spi.ProviderFactory;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.SoundEffectProvider;
import dev.storyreel.core.spi.SoundEffectRequest;
import dev.storyreel.core.spi.SpeechProvider;
import dev.storyreel.core.spi.SpeechRequest;
import dev.storyreel.testkit.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every ElevenLabs provider against WireMock: each endpoint, each failure, and every request
 * body checked against {@code elevenlabs-openapi.json} after each test (when it is present).
 */
class ElevenLabsProvidersTest {
  /** A fake key: no vendor's shape, only for loopback. */
  static final String KEY = "test-only-fake-credential-0042";
  static final String TEXT = "The Door\n\nMara knocked twice.";
  static WireMockServer wm;
  static final List<String> LOG = new CopyOnWriteArrayList<>();
  static final Handler HANDLER = new Handler() {
    @Override
    public void publish(LogRecord r) {
      LOG.add(r.getMessage());
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  ElevenLabsConfig config;
  @TempDir Path dir;

  @BeforeAll
  static void start() {
    wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    wm.start();
    Logger.getLogger("dev.storyreel").addHandler(HANDLER);
    Logger.getLogger("dev.storyreel").setLevel(Level.ALL);
  }

  @AfterAll
  static void stop() {
    wm.stop();
    Logger.getLogger("dev.storyreel").removeHandler(HANDLER);
  }

  @BeforeEach
  void reset() {
    wm.resetAll();
    LOG.clear();
    config = ElevenLabsConfig.builder().baseUrl(wm.baseUrl()).apiKey(KEY)
        .requestTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterEach
  void everyRequestFollowsTheContractAndNoKeyIsLogged() {
    ElevenLabsContract.validateAll(wm);
    assertThat(LOG).noneMatch(l -> l != null && l.contains(KEY));
  }

  ElevenLabsSpeechProvider speech() {
    return ElevenLabsSpeechProvider.builder(config).build();
  }

  void serveSpeech(String text, PcmAudio audio) {
    String body = Answers.speech(text, audio, 0.05);
    ElevenLabsContract.validateResponse(ElevenLabsContract.TTS, "post", 200, body);
    wm.stubFor(post(urlPathMatching("/v1/text-to-speech/.*/with-timestamps"))
        .willReturn(Answers.json(200, body)));
  }

  // ---------------------------------------------------------------- speech

  @Test
  void speaksPcmAndTimesEveryWordFromTheCharacterAlignment() throws Exception {
    PcmAudio tone = Fixtures.tone(2000, 24_000);
    serveSpeech(TEXT, tone);
    Narration n = speech().synthesize(new SpeechRequest(3, TEXT, null, "Before it.",
        "After it."));
    assertThat(n.audio()).isEqualTo(tone);
    assertThat(n.words()).extracting(WordTiming::word).containsExactlyElementsOf(
        Words.split(TEXT));
    // "Door" is characters 4..7: from 0.20 s to 0.40 s; "Mara" 10..13.
    assertThat(n.words().get(1).start()).isEqualTo(Duration.ofMillis(200));
    assertThat(n.words().get(1).end()).isEqualTo(Duration.ofMillis(400));
    assertThat(n.words().get(2).start()).isEqualTo(Duration.ofMillis(500));
    assertThat(n.words().get(4).end()).isEqualTo(Duration.ofMillis(1450));
    assertThat(n.usage().characters()).isEqualTo(TEXT.length());
    wm.verify(postRequestedFor(urlPathEqualTo("/v1/text-to-speech/"
        + ElevenLabsSpeechProvider.DEFAULT_VOICE + "/with-timestamps"))
        .withQueryParam("output_format", equalTo("pcm_24000"))
        .withHeader("xi-api-key", equalTo(KEY))
        .withHeader("Authorization", absent()));
    JsonNode sent = Answers.JSON.readTree(wm.getAllServeEvents().get(0).getRequest().getBody());
    assertThat(sent.path("text").asText()).isEqualTo(TEXT);
    assertThat(sent.path("model_id").asText()).isEqualTo("eleven_multilingual_v2");
    assertThat(sent.path("previous_text").asText()).isEqualTo("Before it.");
    assertThat(sent.path("next_text").asText()).isEqualTo("After it.");
    assertThat(sent.has("voice_settings")).isFalse();
  }

  @Test
  void sendsTheVoiceSettingsAndModelItIsGiven() throws Exception {
    serveSpeech(TEXT, Fixtures.tone(2000, 16_000));
    ElevenLabsConfig c = config.toBuilder().pcmRateHz(16_000).build();
    Narration n = ElevenLabsSpeechProvider.builder(c).model("eleven_flash_v2_5")
        .stability(0.4).similarityBoost(0.8).style(0.1).speed(0.9).speakerBoost(true).build()
        .synthesize(new SpeechRequest(0, TEXT, null));
    assertThat(n.audio().sampleRateHz()).isEqualTo(16_000);
    JsonNode sent = Answers.JSON.readTree(wm.getAllServeEvents().get(0).getRequest().getBody());
    assertThat(sent.path("model_id").asText()).isEqualTo("eleven_flash_v2_5");
    assertThat(sent.at("/voice_settings/stability").asDouble()).isEqualTo(0.4);
    assertThat(sent.at("/voice_settings/similarity_boost").asDouble()).isEqualTo(0.8);
    assertThat(sent.at("/voice_settings/speed").asDouble()).isEqualTo(0.9);
    assertThat(sent.at("/voice_settings/use_speaker_boost").asBoolean()).isTrue();
    assertThat(sent.has("previous_text")).isFalse();
    wm.verify(postRequestedFor(urlPathMatching("/v1/text-to-speech/.*"))
        .withQueryParam("output_format", equalTo("pcm_16000")));
  }

  @Test
  void fallsBackToTheNormalisedAlignmentKeepingOneTimingPerWrittenWord() throws Exception {
    String text = "It was 19 dB.";
    PcmAudio tone = Fixtures.tone(3000, 24_000);
    var r = Answers.JSON.createObjectNode();
    r.put("audio_base64", Base64.getEncoder().encodeToString(tone.samples()));
    r.putNull("alignment");
    Answers.alignment(r.putObject("normalized_alignment"), "It was nineteen decibels.", 0.1);
    ElevenLabsContract.validateResponse(ElevenLabsContract.TTS, "post", 200, r.toString());
    wm.stubFor(post(urlPathMatching("/v1/text-to-speech/.*/with-timestamps"))
        .willReturn(Answers.json(200, r.toString())));
    Narration n = speech().synthesize(new SpeechRequest(0, text, null));
    assertThat(n.words()).extracting(WordTiming::word)
        .containsExactly("It", "was", "19", "dB.");
    for (int i = 1; i < n.words().size(); i++) {
      assertThat(n.words().get(i).start()).isGreaterThan(n.words().get(i - 1).start());
    }
    assertThat(n.words().get(3).end()).isEqualTo(Duration.ofMillis(2500));
  }

  @Test
  void withoutAnyAlignmentTheWordsAreLeftToTheJobsAlignerWithAWarning() {
    var r = Answers.JSON.createObjectNode();
    r.put("audio_base64", Base64.getEncoder().encodeToString(
        Fixtures.tone(500, 24_000).samples()));
    wm.stubFor(post(urlPathMatching("/v1/text-to-speech/.*/with-timestamps"))
        .willReturn(Answers.json(200, r.toString())));
    Narration n = speech().synthesize(new SpeechRequest(0, "Hello there.", null));
    assertThat(n.words()).isEmpty();
    assertThat(LOG).anyMatch(l -> l.contains("no usable character alignment"));
  }

  @Test
  void aVoiceNameIsResolvedThroughTheListOnceAndAnIdIsUsedWithoutListing() {
    String voices = Answers.voices();
    ElevenLabsContract.validateResponse("/v1/voices", "get", 200, voices);
    wm.stubFor(get(urlPathEqualTo("/v1/voices")).willReturn(Answers.json(200, voices)));
    serveSpeech(TEXT, Fixtures.tone(2000, 24_000));
    ElevenLabsSpeechProvider p = speech();
    p.synthesize(new SpeechRequest(0, TEXT, "adam"));
    p.synthesize(new SpeechRequest(1, TEXT, "Adam"));
    p.synthesize(new SpeechRequest(2, TEXT, "21m00Tcm4TlvDq8ikWAM"));
    wm.verify(1, getRequestedFor(urlPathEqualTo("/v1/voices")));
    wm.verify(2, postRequestedFor(urlPathEqualTo(
        "/v1/text-to-speech/pNInz6obpgDQGcFmaJgB/with-timestamps")));
    wm.verify(1, postRequestedFor(urlPathEqualTo(
        "/v1/text-to-speech/21m00Tcm4TlvDq8ikWAM/with-timestamps")));
    assertThat(p.voices()).containsExactly("Rachel", "21m00Tcm4TlvDq8ikWAM", "Adam",
        "pNInz6obpgDQGcFmaJgB");
    wm.verify(1, getRequestedFor(urlPathEqualTo("/v1/voices")));
  }

  @Test
  void anUnknownVoiceNameIsRefusedListingTheAccountsVoicesBeforeAnythingIsPaid() {
    wm.stubFor(get(urlPathEqualTo("/v1/voices")).willReturn(Answers.json(200,
        Answers.voices())));
    assertThatThrownBy(() -> speech().synthesize(new SpeechRequest(0, TEXT, "Zelda")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'Zelda'").hasMessageContaining("Rachel, Adam");
    wm.verify(0, postRequestedFor(urlPathMatching("/v1/text-to-speech/.*")));
  }

  @Test
  void aTextOverTheLimitIsRefusedWithoutACall() {
    String tooLong = "word ".repeat(2_001);
    assertThatThrownBy(() -> speech().synthesize(new SpeechRequest(4, tooLong, null)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("Segment 4")
        .hasMessageContaining("10000");
    assertThat(wm.getAllServeEvents()).isEmpty();
  }

  // ---------------------------------------------------------------- failures

  StoryReelException speechFails(ResponseDefinitionBuilder answer) {
    wm.stubFor(post(urlPathMatching("/v1/text-to-speech/.*/with-timestamps")).willReturn(answer));
    Throwable t = catchThrowable(() -> speech().synthesize(new SpeechRequest(2, TEXT, null)));
    assertThat(t).isInstanceOf(StoryReelException.class);
    assertThat(t.getMessage()).doesNotContain(KEY).contains("elevenlabs").contains("segment 2");
    return (StoryReelException) t;
  }

  @Test
  void aRejectedKeyIsAnAuthenticationErrorThatNeverShowsTheKey() {
    StoryReelException e = speechFails(Answers.json(401, Answers.detail("invalid_api_key",
        "Invalid API key: " + KEY)));
    assertThat(e).isInstanceOf(AuthenticationException.class);
    assertThat(e.httpStatus()).hasValue(401);
    assertThat(e.getMessage()).contains("Invalid API key").contains("check that it is set");
  }

  @Test
  void anExhaustedQuotaIsANonRetriableQuotaErrorThatSaysSo() {
    StoryReelException e = speechFails(Answers.json(401, Answers.detail("quota_exceeded",
        "This request exceeds your quota of 10000. You have 12 credits remaining, while 29"
            + " credits are required for this request.")));
    assertThat(e).isInstanceOf(QuotaExceededException.class)
        .isInstanceOf(NonRetriableException.class);
    assertThat(e.getMessage()).contains("exceeds your quota").contains("add credit");
  }

  @Test
  void aValidationErrorNamesTheFieldTheVendorRefused() {
    String body = Answers.validationError("model_id", "model not found");
    ElevenLabsContract.validateResponse(ElevenLabsContract.TTS, "post", 422, body);
    StoryReelException e = speechFails(Answers.json(422, body));
    assertThat(e).isInstanceOf(InvalidRequestException.class);
    assertThat(e.getMessage()).contains("HTTP 422").contains("body.model_id: model not found");
  }

  @Test
  void aRateLimitIsRetriableAndHonoursRetryAfter() {
    StoryReelException e = speechFails(Answers.json(429, Answers.detail(
        "too_many_concurrent_requests", "Too many concurrent requests."))
        .withHeader("Retry-After", "7"));
    assertThat(e).isInstanceOf(RateLimitException.class).isInstanceOf(RetriableException.class);
    assertThat(((RetriableException) e).retryAfter()).isEqualTo(Duration.ofSeconds(7));
  }

  @Test
  void aRateLimitWithoutRetryAfterIsRetriableWithTheJobsBackoff() {
    StoryReelException e = speechFails(Answers.json(429, Answers.detail("system_busy",
        "The system is busy.")));
    assertThat(e).isInstanceOf(RateLimitException.class);
    assertThat(((RetriableException) e).retryAfter()).isNull();
  }

  @Test
  void audioThatDoesNotDecodeIsRetriable() {
    var r = Answers.JSON.createObjectNode();
    r.put("audio_base64", "this is not base64 !!!");
    StoryReelException e = speechFails(Answers.json(200, r.toString()));
    assertThat(e).isInstanceOf(RetriableException.class);
    assertThat(e.getMessage()).contains("does not decode");
  }

  @Test
  void audioCutShortIsRetriable() {
    var r = Answers.JSON.createObjectNode();
    r.put("audio_base64", Base64.getEncoder().encodeToString(new byte[4801]));
    StoryReelException e = speechFails(Answers.json(200, r.toString()));
    assertThat(e).isInstanceOf(RetriableException.class);
    assertThat(e.getMessage()).contains("4801 bytes are not whole 16-bit samples");
  }

  @Test
  void mp3WherePcmWasAskedIsRefusedNamingTheFormatToSet() {
    byte[] mp3 = new byte[64];
    mp3[0] = 'I';
    mp3[1] = 'D';
    mp3[2] = '3';
    var r = Answers.JSON.createObjectNode();
    r.put("audio_base64", Base64.getEncoder().encodeToString(mp3));
    StoryReelException e = speechFails(Answers.json(200, r.toString()));
    assertThat(e).isInstanceOf(NonRetriableException.class);
    assertThat(e.getMessage()).contains("pcm_24000").contains("elevenlabs.pcmRateHz");
  }

  @Test
  void aServerErrorOfAPaidCallIsNotRetried() {
    StoryReelException e = speechFails(aResponse().withStatus(500).withBody("oops"));
    assertThat(e).isInstanceOf(NonRetriableException.class);
    assertThat(e.getMessage()).contains("never pays twice");
  }

  @Test
  void theKeyStaysOutOfMessagesAndLogsEvenWhenTheVendorEchoesIt() {
    String echo = Answers.detail("invalid_api_key", "key " + KEY + " is not valid");
    wm.stubFor(get(urlPathEqualTo("/v1/voices")).willReturn(Answers.json(401, echo)));
    Throwable t = catchThrowable(() -> speech().voiceId("Rachel Two"));
    assertThat(t).isInstanceOf(AuthenticationException.class);
    assertThat(t.getMessage()).doesNotContain(KEY).contains("***");
    assertThat(config.toString()).doesNotContain(KEY);
    assertThat(speech().fingerprint()).doesNotContain(KEY);
    assertThat(new ProviderSettings(Map.of("elevenlabs.apiKey", KEY)).toString())
        .doesNotContain(KEY);
  }

  // ---------------------------------------------------------------- sound effects

  @Test
  void aCueBecomesASoundGenerationOfTheConfiguredDurationWrittenAsWav() throws Exception {
    wm.stubFor(post(urlPathEqualTo("/v1/sound-generation"))
        .willReturn(Answers.pcm(Fixtures.tone(3200, 24_000))));
    Path out = dir.resolve("fx.wav");
    var fx = new ElevenLabsSoundEffectProvider(config, Duration.ofMillis(2500), 0.5);
    GeneratedAudio a = fx.resolve(new SoundEffectRequest(1, new SoundCue("a door creaks", 3),
        9, out)).orElseThrow();
    assertThat(a.duration()).isEqualTo(Duration.ofMillis(2500));
    assertThat(a.usage().audioMillis()).isEqualTo(2500);
    assertThat(a.source()).contains("a door creaks");
    PcmAudio written = PcmAudio.fromWav(Files.readAllBytes(out));
    assertThat(written.duration()).isEqualTo(Duration.ofMillis(2500));
    assertThat(written.sampleRateHz()).isEqualTo(24_000);
    JsonNode sent = Answers.JSON.readTree(wm.getAllServeEvents().get(0).getRequest().getBody());
    assertThat(sent.path("text").asText()).isEqualTo("a door creaks");
    assertThat(sent.path("duration_seconds").asDouble()).isEqualTo(2.5);
    assertThat(sent.path("prompt_influence").asDouble()).isEqualTo(0.5);
    wm.verify(postRequestedFor(urlPathEqualTo("/v1/sound-generation"))
        .withQueryParam("output_format", equalTo("pcm_24000"))
        .withHeader("xi-api-key", equalTo(KEY)));
  }

  @Test
  void anEffectAnsweredWithJsonOrAnEmptyBodyFailsClearly() {
    wm.stubFor(post(urlPathEqualTo("/v1/sound-generation"))
        .willReturn(Answers.json(200, "{\"ok\":true}")));
    var fx = ElevenLabsSoundEffectProvider.of(config);
    SoundEffectRequest req = new SoundEffectRequest(0, new SoundCue("thunder", 0), 1,
        dir.resolve("t.wav"));
    assertThatThrownBy(() -> fx.resolve(req)).isInstanceOf(NonRetriableException.class)
        .hasMessageContaining("where audio was expected");
    wm.stubFor(post(urlPathEqualTo("/v1/sound-generation"))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "audio/mpeg")));
    assertThatThrownBy(() -> fx.resolve(req)).isInstanceOf(RetriableException.class)
        .hasMessageContaining("without audio");
    assertThat(dir.resolve("t.wav")).doesNotExist();
  }

  @Test
  void anEffectOverQuotaIsAQuotaError() {
    wm.stubFor(post(urlPathEqualTo("/v1/sound-generation")).willReturn(Answers.json(401,
        Answers.detail("quota_exceeded", "This request exceeds your quota."))));
    assertThatThrownBy(() -> ElevenLabsSoundEffectProvider.of(config).resolve(
        new SoundEffectRequest(0, new SoundCue("rain", 0), 1, dir.resolve("r.wav"))))
        .isInstanceOf(QuotaExceededException.class).hasMessageContaining("effect 'rain'");
  }

  // ---------------------------------------------------------------- music

  @Test
  void aBedIsComposedFromTheMoodAndStyleAtTheRequestedLengthAndCutExactly() throws Exception {
    wm.stubFor(post(urlPathEqualTo("/v1/music"))
        .willReturn(Answers.pcm(Fixtures.tone(42_500, 8000))));
    ElevenLabsConfig c = config.toBuilder().pcmRateHz(8000).build();
    Path out = dir.resolve("bed.wav");
    GeneratedAudio a = new ElevenLabsMusicProvider(c, "1950s radio drama").compose(
        new MusicRequest(Mood.DREAD, Duration.ofMillis(42_250), 1, out));
    assertThat(a.duration()).isEqualTo(Duration.ofMillis(42_250));
    assertThat(PcmAudio.fromWav(Files.readAllBytes(out)).duration())
        .isEqualTo(Duration.ofMillis(42_250));
    JsonNode sent = Answers.JSON.readTree(wm.getAllServeEvents().get(0).getRequest().getBody());
    assertThat(sent.path("music_length_ms").asInt()).isEqualTo(42_250);
    assertThat(sent.path("model_id").asText()).isEqualTo("music_v1");
    assertThat(sent.path("prompt").asText()).contains("minor key")
        .contains("1950s radio drama").contains("no vocals");
    assertThat(a.usage().audioMillis()).isEqualTo(42_250);
  }

  @Test
  void theRequestsStyleIsInThePromptUnlessTheProviderWasGivenOne() throws Exception {
    wm.stubFor(post(urlPathEqualTo("/v1/music"))
        .willReturn(Answers.pcm(Fixtures.tone(10_000, 8000))));
    ElevenLabsConfig c = config.toBuilder().pcmRateHz(8000).build();
    MusicRequest styled = new MusicRequest(Mood.CALM, Duration.ofSeconds(10), 1,
        dir.resolve("s.wav"), "watercolour fairy tale");
    new ElevenLabsMusicProvider(c, null).compose(styled);
    new ElevenLabsMusicProvider(c, "1950s radio drama").compose(styled);
    new ElevenLabsMusicProvider(c, null).compose(new MusicRequest(Mood.CALM,
        Duration.ofSeconds(10), 1, dir.resolve("n.wav")));
    List<String> prompts = new ArrayList<>();
    for (var e : wm.getAllServeEvents()) {
      prompts.add(Answers.JSON.readTree(e.getRequest().getBody()).path("prompt").asText());
    }
    // Serve events come newest first.
    assertThat(prompts.get(2)).isEqualTo(ElevenLabsMusicProvider.prompt(Mood.CALM,
        "watercolour fairy tale")).contains("Style: watercolour fairy tale.");
    assertThat(prompts.get(1)).contains("1950s radio drama").doesNotContain("watercolour");
    assertThat(prompts.get(0)).isEqualTo(ElevenLabsMusicProvider.prompt(Mood.CALM, null))
        .doesNotContain("Style:");
  }

  @Test
  void aBedShorterThanTheApisMinimumIsAskedAtTenSecondsAndALongerOneIsCappedToBeLooped() {
    wm.stubFor(post(urlPathEqualTo("/v1/music"))
        .willReturn(Answers.pcm(Fixtures.tone(10_000, 8000))));
    ElevenLabsConfig c = config.toBuilder().pcmRateHz(8000).build();
    MusicProvider m = new ElevenLabsMusicProvider(c, null);
    GeneratedAudio shortBed = m.compose(new MusicRequest(Mood.CALM, Duration.ofSeconds(4), 1,
        dir.resolve("a.wav")));
    assertThat(shortBed.duration()).isEqualTo(Duration.ofSeconds(4));
    GeneratedAudio longBed = m.compose(new MusicRequest(Mood.CALM, Duration.ofMinutes(8), 1,
        dir.resolve("b.wav")));
    assertThat(longBed.duration()).as("what the API made, to be looped")
        .isEqualTo(Duration.ofSeconds(10));
    List<Integer> asked = new ArrayList<>();
    wm.getAllServeEvents().forEach(e -> {
      try {
        asked.add(Answers.JSON.readTree(e.getRequest().getBody()).path("music_length_ms")
            .asInt());
      } catch (IOException ex) {
        throw new AssertionError(ex);
      }
    });
    assertThat(asked).containsExactlyInAnyOrder(10_000, 300_000);
  }

  @Test
  void aBedAnsweredWithAValidationErrorIsAnInvalidRequest() {
    String body = Answers.validationError("music_length_ms", "must be at most 300000");
    ElevenLabsContract.validateResponse("/v1/music", "post", 422, body);
    wm.stubFor(post(urlPathEqualTo("/v1/music")).willReturn(Answers.json(422, body)));
    assertThatThrownBy(() -> new ElevenLabsMusicProvider(config, null).compose(
        new MusicRequest(Mood.WONDER, Duration.ofSeconds(20), 1, dir.resolve("w.wav"))))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("music_length_ms: must be at most 300000");
  }

  // ---------------------------------------------------------------- aligner

  @Test
  void theAlignerSendsTheAudioAndTextAndTimesEveryWrittenWord() throws Exception {
    String body = Answers.forcedAlignment(TEXT, 0.05);
    ElevenLabsContract.validateResponse("/v1/forced-alignment", "post", 200, body);
    wm.stubFor(post(urlPathEqualTo("/v1/forced-alignment")).willReturn(Answers.json(200, body)));
    PcmAudio audio = Fixtures.tone(1600, 24_000);
    List<WordTiming> w = new ElevenLabsAligner(config).align(5, TEXT, audio);
    assertThat(w).extracting(WordTiming::word).containsExactlyElementsOf(Words.split(TEXT));
    assertThat(w.get(0).start()).isEqualTo(Duration.ZERO);
    assertThat(w.get(1).end()).isEqualTo(Duration.ofMillis(400));
    Request r = wm.getAllServeEvents().get(0).getRequest();
    assertThat(r.getHeader("xi-api-key")).isEqualTo(KEY);
    assertThat(r.getPart("text").getBody().asString()).isEqualTo(TEXT);
    assertThat(PcmAudio.fromWav(r.getPart("file").getBody().asBytes())).isEqualTo(audio);
  }

  @Test
  void anAlignmentWithoutCharactersIsRefused() {
    wm.stubFor(post(urlPathEqualTo("/v1/forced-alignment")).willReturn(Answers.json(200,
        "{\"characters\":[],\"words\":[],\"loss\":0}")));
    assertThatThrownBy(() -> new ElevenLabsAligner(config).align(0, TEXT,
        Fixtures.tone(500, 24_000)))
        .isInstanceOf(NonRetriableException.class).hasMessageContaining("no visible character");
  }

  // ---------------------------------------------------------------- factories

  @Test
  void everyKindIsRegisteredAsAPaidProviderNamedElevenlabs() {
    for (Class<?> kind : List.of(SpeechProvider.class, Aligner.class, SoundEffectProvider.class,
        MusicProvider.class)) {
      List<? extends ProviderFactory<?>> fs = Providers.factories(kind).stream()
          .filter(f -> f.name().equals("elevenlabs")).toList();
      assertThat(fs).as(kind.getSimpleName()).hasSize(1);
      assertThat(fs.get(0).isPaid()).isTrue();
      assertThat(fs.get(0).settings()).extracting(sp -> sp.key())
          .contains("elevenlabs.apiKey", "elevenlabs.baseUrl", "elevenlabs.pcmRateHz");
    }
  }

  @Test
  void factoriesBuildFromSettingsAndRefuseBadValuesNamingTheKey() {
    ProviderSettings s = new ProviderSettings(Map.of("elevenlabs.apiKey", KEY,
        "elevenlabs.baseUrl", wm.baseUrl(), "elevenlabs.speech.voice", "Adam",
        "elevenlabs.speech.model", "eleven_v3", "elevenlabs.pcmRateHz", "16000"));
    SpeechProvider p = Providers.create(SpeechProvider.class, "elevenlabs", s);
    assertThat(p.model()).isEqualTo("eleven_v3");
    assertThat(p.fingerprint()).contains("Adam").contains("pcm_16000");
    assertThatThrownBy(() -> Providers.create(SpeechProvider.class, "elevenlabs",
        s.with("elevenlabs.speech.stability", "1.5")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("elevenlabs.speech.stability");
    assertThatThrownBy(() -> Providers.create(SoundEffectProvider.class, "elevenlabs",
        s.with("elevenlabs.sfx.durationSeconds", "45")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("elevenlabs.sfx.durationSeconds");
    assertThatThrownBy(() -> Providers.create(MusicProvider.class, "elevenlabs",
        s.with("elevenlabs.pcmRateHz", "44000")))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("44100");
    assertThat(Providers.create(MusicProvider.class, "elevenlabs",
        s.with("elevenlabs.music.style", "lo-fi")).fingerprint()).contains("lo-fi");
  }

  @Test
  void withoutAKeyARemoteServerIsAConfigurationErrorThatSaysWhatToSet() {
    assumeTrue(ElevenLabsConfig.envKey() == null,
        "ELEVENLABS_API_KEY is set here");
    assertThatThrownBy(() -> Providers.create(SpeechProvider.class, "elevenlabs",
        ProviderSettings.EMPTY))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("ELEVENLABS_API_KEY");
  }
}
