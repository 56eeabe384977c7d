package dev.storyreel.core.http;

import dev.storyreel.core.QuotaExceededException;
import dev.storyreel.core.AuthenticationException;
import static org.assertj.core.api.Assertions.assertThat;

import dev.storyreel.core.RetriableException;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpFailuresTest {
  static HttpHeaders h(String k, String v) {
    return HttpHeaders.of(Map.of(k, List.of(v)), (a, b) -> true);
  }

  static final CallInfo CALL = new CallInfo("openai", "POST", "/v1/x", "segment 1");

  @Test
  void retryAfterInSecondsMillisOrAnHttpDateIsHonouredAndCapped() {
    assertThat(HttpFailures.retryAfter(h("Retry-After", "2"))).contains(Duration.ofSeconds(2));
    assertThat(HttpFailures.retryAfter(h("retry-after-ms", "250")))
        .contains(Duration.ofMillis(250));
    assertThat(HttpFailures.retryAfter(h("Retry-After", "99999"))).contains(Duration.ofMinutes(5));
    assertThat(HttpFailures.retryAfter(h("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT")))
        .contains(Duration.ZERO);
    assertThat(HttpFailures.retryAfter(h("Retry-After", "soon"))).isEmpty();
  }

  @Test
  void quotaExhaustionIsNotRetriedButARateLimitIs() {
    byte[] quota = "{\"error\":{\"message\":\"You exceeded your quota\",\"code\":\"insufficient_quota\"}}"
        .getBytes();
    assertThat(HttpFailures.forStatus(CALL, 429, h("x", "y"), quota, false).isRetriable())
        .isFalse();
    var e = HttpFailures.forStatus(CALL, 429, h("Retry-After", "1"), new byte[0], true);
    assertThat(((RetriableException) e).retryAfter()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void elevenLabsQuotaIsAQuotaErrorWhetherItComesAs401Or429() {
    byte[] quota = ("{\"detail\":{\"status\":\"quota_exceeded\",\"message\":\"This request"
        + " exceeds your quota of 10000.\"}}").getBytes();
    CallInfo call = new CallInfo("elevenlabs", "POST", "/v1/music", null);
    for (int status : new int[] {401, 429}) {
      var e = HttpFailures.forStatus(call, status, h("x", "y"), quota, true);
      assertThat(e).isInstanceOf(QuotaExceededException.class);
      assertThat(e.getMessage()).contains("exceeds your quota of 10000").contains("add credit");
    }
    byte[] badKey = "{\"detail\":{\"status\":\"invalid_api_key\",\"message\":\"Invalid API key\"}}"
        .getBytes();
    assertThat(HttpFailures.forStatus(call, 401, h("x", "y"), badKey, true))
        .isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("HTTP 401: Invalid API key");
  }

  @Test
  void aValidationErrorListNamesEachFieldAndItsMessage() {
    byte[] body = ("{\"detail\":[{\"loc\":[\"body\",\"text\"],\"msg\":\"field required\","
        + "\"type\":\"missing\"},{\"loc\":[\"query\",\"output_format\"],\"msg\":\"bad\","
        + "\"type\":\"enum\"}]}").getBytes();
    assertThat(HttpFailures.forStatus(CALL, 422, h("x", "y"), body, true).getMessage())
        .contains("body.text: field required; query.output_format: bad");
  }

  @Test
  void keysAreMasked() {
    assertThat(HttpFailures.redact("bad key sk-proj-abcdEFGH1234 and r8_zzzzzz, Bearer xyz"))
        .doesNotContain("abcdEFGH", "zzzzzz", "xyz");
  }
}
