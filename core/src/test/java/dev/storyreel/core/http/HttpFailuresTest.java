package dev.storyreel.core.http;

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
  void keysAreMasked() {
    assertThat(HttpFailures.redact("bad key sk-proj-abcdEFGH1234 and r8_zzzzzz, Bearer xyz"))
        .doesNotContain("abcdEFGH", "zzzzzz", "xyz");
  }
}
