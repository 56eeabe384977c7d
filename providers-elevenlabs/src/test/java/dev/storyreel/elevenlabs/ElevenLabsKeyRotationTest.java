package dev.storyreel.elevenlabs;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.Narration;
import dev.storyreel.core.QuotaExceededException;
import dev.storyreel.core.http.KeyUse;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.SpeechRequest;
import dev.storyreel.testkit.Fixtures;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Several ElevenLabs keys, sent as {@code xi-api-key} and rotated through core's key pool: a
 * rate-limited key rests, a revoked one gets nothing after its 401, a key out of quota rests
 * instead of failing the job, and the keys come from a builder list, {@code
 * elevenlabs.apiKeys} or {@code ELEVENLABS_API_KEYS}. Keys are unique per test, since pools are
 * shared across the JVM by their keys.
 */
class ElevenLabsKeyRotationTest {
  static final String TTS = "/v1/text-to-speech/.*/with-timestamps";
  static final String TEXT = "Mara knocked twice.";
  static WireMockServer wm;

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
  }

  @AfterEach
  void everyRequestFollowsTheContract() {
    ElevenLabsContract.validateAll(wm);
  }

  void answer(String key, int status, String body, String retryAfterSeconds) {
    var r = Answers.json(status, body);
    if (retryAfterSeconds != null) {
      r.withHeader("Retry-After", retryAfterSeconds);
    }
    wm.stubFor(post(urlPathMatching(TTS)).withHeader(ElevenLabsConfig.KEY_HEADER, equalTo(key))
        .willReturn(r));
  }

  void serves(String key) {
    answer(key, 200, Answers.speech(TEXT, Fixtures.tone(1000, 24_000), 0.05), null);
  }

  int sentWith(String key) {
    return wm.findAll(postRequestedFor(urlPathMatching(TTS))
        .withHeader(ElevenLabsConfig.KEY_HEADER, equalTo(key))).size();
  }

  ElevenLabsSpeechProvider speech(ElevenLabsConfig c) {
    return ElevenLabsSpeechProvider.builder(c).build();
  }

  @Test
  void withOneKeyRateLimitedAndOneRevokedTheThirdServesAndTheDeadKeyGetsNothingMore() {
    String limited = "rotation-fake-limited-a";
    String revoked = "rotation-fake-revoked-a";
    String good = "rotation-fake-good-a";
    answer(limited, 429, Answers.detail("too_many_concurrent_requests",
        "Too many concurrent requests."), "30");
    answer(revoked, 401, Answers.detail("invalid_api_key", "Invalid API key"), null);
    serves(good);
    ElevenLabsConfig c = ElevenLabsConfig.builder().baseUrl(wm.baseUrl())
        .apiKeys(List.of(limited, revoked, good)).requestTimeout(Duration.ofSeconds(5)).build();
    assertThat(c.keyCount()).isEqualTo(3);
    assertThat(c.toString()).contains("3 keys").doesNotContain("rotation-fake");
    ElevenLabsSpeechProvider p = speech(c);

    KeyUse.begin();
    Narration first = p.synthesize(new SpeechRequest(0, TEXT, "21m00Tcm4TlvDq8ikWAM"));
    assertThat(KeyUse.end()).as("the manifest's key position").hasValue(3);
    assertThat(first.words()).isNotEmpty();
    for (int i = 1; i <= 4; i++) {
      p.synthesize(new SpeechRequest(i, TEXT, "21m00Tcm4TlvDq8ikWAM"));
    }

    assertThat(sentWith(limited)).as("rests for its Retry-After of 30 s").isEqualTo(1);
    assertThat(sentWith(revoked)).as("nothing after its 401").isEqualTo(1);
    assertThat(sentWith(good)).isEqualTo(5);
    // Every call went with exactly one key, in the vendor's header, never as a bearer token.
    wm.getAllServeEvents().forEach(e -> {
      assertThat(e.getRequest().getHeader("Authorization")).isNull();
      assertThat(e.getRequest().getHeaders().getHeader(ElevenLabsConfig.KEY_HEADER).values())
          .hasSize(1);
    });
  }

  @Test
  void aKeyOutOfQuotaRestsWhileAnotherKeyFinishesTheJob() {
    String broke = "rotation-fake-broke-b";
    String good = "rotation-fake-good-b";
    answer(broke, 401, Answers.detail("quota_exceeded", "This request exceeds your quota of"
        + " 10000. You have 12 credits remaining, while 29 credits are required."), null);
    serves(good);
    ElevenLabsConfig c = ElevenLabsConfig.builder().baseUrl(wm.baseUrl())
        .apiKeys(List.of(broke, good)).build();
    ElevenLabsSpeechProvider p = speech(c);
    for (int i = 0; i < 3; i++) {
      p.synthesize(new SpeechRequest(i, TEXT, "21m00Tcm4TlvDq8ikWAM"));
    }
    assertThat(sentWith(broke)).as("it rests rather than failing the job").isEqualTo(1);
    assertThat(sentWith(good)).isEqualTo(3);
  }

  @Test
  void whenEveryKeyIsOutOfQuotaTheJobFailsWithTheQuotaErrorThatSaysSo() {
    String one = "rotation-fake-broke-c1";
    String two = "rotation-fake-broke-c2";
    String quota = Answers.detail("quota_exceeded", "This request exceeds your quota.");
    answer(one, 401, quota, null);
    answer(two, 401, quota, null);
    ElevenLabsSpeechProvider p = speech(ElevenLabsConfig.builder().baseUrl(wm.baseUrl())
        .apiKeys(List.of(one, two)).build());
    Throwable t = catchThrowable(() -> p.synthesize(new SpeechRequest(0, TEXT,
        "21m00Tcm4TlvDq8ikWAM")));
    assertThat(t).isInstanceOf(QuotaExceededException.class)
        .hasMessageContaining("exceeds your quota").hasMessageContaining("add credit");
    assertThat(t.getMessage()).doesNotContain("rotation-fake");
    assertThat(sentWith(one) + sentWith(two)).isEqualTo(2);
  }

  @Test
  void theKeysComeFromTheSettingOrTheEnvironmentAndTheSettingWins() {
    ElevenLabsSpeechProviderFactory f = new ElevenLabsSpeechProviderFactory();
    assertThat(f.settings()).extracting(s -> s.key())
        .contains("elevenlabs.apiKeys", "elevenlabs.maxConcurrencyPerKey");
    ProviderSettings base = ProviderSettings.EMPTY.with("elevenlabs.baseUrl", wm.baseUrl());

    ElevenLabsConfig fromEnv = f.config(base, Map.of(ElevenLabsConfig.KEYS_ENV,
        "rotation-fake-env-1, rotation-fake-env-2"));
    assertThat(fromEnv.keyCount()).isEqualTo(2);

    String s1 = "rotation-fake-set-1";
    String s2 = "rotation-fake-set-2";
    String s3 = "rotation-fake-set-3";
    ElevenLabsConfig fromSetting = f.config(base.with("elevenlabs.apiKeys", s1 + "," + s2 + ","
        + s3).with("elevenlabs.apiKey", "rotation-fake-single")
        .with("elevenlabs.maxConcurrencyPerKey", "1"),
        Map.of(ElevenLabsConfig.KEYS_ENV, "rotation-fake-env-1,rotation-fake-env-2"));
    assertThat(fromSetting.keyCount()).isEqualTo(3);
    serves(s1);
    serves(s2);
    serves(s3);
    ElevenLabsSpeechProvider p = speech(fromSetting);
    for (int i = 0; i < 3; i++) {
      p.synthesize(new SpeechRequest(i, TEXT, "21m00Tcm4TlvDq8ikWAM"));
    }
    assertThat(List.of(sentWith(s1), sentWith(s2), sentWith(s3))).as("used in turn")
        .containsExactly(1, 1, 1);
  }

  @Test
  void aRepeatedKeyIsRefusedByPositionWithoutShowingIt() {
    Throwable t = catchThrowable(() -> ElevenLabsConfig.builder().baseUrl(wm.baseUrl())
        .apiKeys(List.of("rotation-fake-twice", "rotation-fake-twice")).build());
    assertThat(t).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("API key 2 of 2");
    assertThat(t.getMessage()).doesNotContain("rotation-fake");
  }
}
