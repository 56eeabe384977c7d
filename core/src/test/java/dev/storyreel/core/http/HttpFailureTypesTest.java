package dev.storyreel.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.storyreel.core.AuthenticationException;
import dev.storyreel.core.ContentRefusedException;
import dev.storyreel.core.InvalidRequestException;
import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.NotFoundException;
import dev.storyreel.core.QuotaExceededException;
import dev.storyreel.core.RateLimitException;
import dev.storyreel.core.RetriableException;
import dev.storyreel.core.StoryReelException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The table from HTTP status and body to the typed failure, and what each one carries. */
class HttpFailureTypesTest {
  private static final CallInfo CALL = new CallInfo("openai", "POST", "/v1/x", "segment 2");
  private static final HttpHeaders NONE = HttpHeaders.of(Map.of(), (a, b) -> true);
  private static final boolean FREE = false;
  private static final boolean PAID = true;

  private static String err(String code, String message) {
    return "{\"error\":{\"message\":\"" + message + "\""
        + (code == null ? "" : ",\"code\":\"" + code + "\"") + "}}";
  }

  /** status, body, paid, exact type, retriable (as before typed exceptions existed). */
  static Stream<Arguments> table() {
    return Stream.of(
        arguments(401, err("invalid_api_key", "Incorrect API key"), FREE,
            AuthenticationException.class, false),
        arguments(403, err(null, "Project does not have access"), PAID,
            AuthenticationException.class, false),
        arguments(404, err("model_not_found", "The model does not exist"), FREE,
            NotFoundException.class, false),
        arguments(400, err("unknown_parameter", "Unknown parameter: 'x'"), PAID,
            InvalidRequestException.class, false),
        arguments(422, "{\"detail\":\"Invalid version or not permitted\"}", PAID,
            InvalidRequestException.class, false),
        arguments(429, "", FREE, RateLimitException.class, true),
        arguments(429, "", PAID, RateLimitException.class, true),
        arguments(429, err("rate_limit_exceeded", "Rate limit reached"), PAID,
            RateLimitException.class, true),
        arguments(429, err("insufficient_quota", "You exceeded your current quota"), PAID,
            QuotaExceededException.class, false),
        arguments(429, "{\"error\":{\"message\":\"quota\",\"type\":\"insufficient_quota\"}}", FREE,
            QuotaExceededException.class, false),
        arguments(402, "{\"detail\":\"You have insufficient credit to run this model.\"}", PAID,
            QuotaExceededException.class, false),
        arguments(400, err("billing_hard_limit_reached", "Billing hard limit has been reached"),
            PAID, QuotaExceededException.class, false),
        arguments(400, err("content_policy_violation",
            "Your request was rejected as a result of our safety system."), PAID,
            ContentRefusedException.class, false),
        arguments(400, err("moderation_blocked", "Your request was rejected by the moderation"
            + " system."), PAID, ContentRefusedException.class, false),
        arguments(400, err(null, "Your request was rejected as a result of our safety system."),
            PAID, ContentRefusedException.class, false),
        arguments(409, err(null, "conflict"), FREE, NonRetriableException.class, false),
        arguments(410, "", FREE, NonRetriableException.class, false),
        arguments(503, "", PAID, RetriableException.class, true),
        arguments(500, "", FREE, RetriableException.class, true),
        arguments(502, "", FREE, RetriableException.class, true),
        arguments(408, "", FREE, RetriableException.class, true),
        arguments(500, "", PAID, NonRetriableException.class, false),
        arguments(504, "", PAID, NonRetriableException.class, false),
        arguments(408, "", PAID, NonRetriableException.class, false));
  }

  @ParameterizedTest(name = "HTTP {0} {1} paid={2} -> {3}")
  @MethodSource("table")
  void statusAndBodyMapToOneTypeCarryingProviderAndStatus(int status, String body, boolean paid,
      Class<? extends StoryReelException> type, boolean retriable) {
    StoryReelException e = HttpFailures.forStatus(CALL, status, NONE,
        body.getBytes(StandardCharsets.UTF_8), paid);

    assertThat(e).isExactlyInstanceOf(type);
    assertThat(e.isRetriable()).isEqualTo(retriable);
    assertThat(e).isInstanceOf(retriable ? RetriableException.class : NonRetriableException.class);
    assertThat(e.provider()).contains("openai");
    assertThat(e.httpStatus()).hasValue(status);
    assertThat(e).hasMessageContaining("openai POST /v1/x (segment 2) failed: HTTP " + status);
  }

  @Test
  void messagesKeepTheirAdvice() {
    assertThat(HttpFailures.forStatus(CALL, 401, NONE, new byte[0], FREE)).hasMessageEndingWith(
        "The API key was rejected: check that it is set and valid (it is never shown).");
    assertThat(HttpFailures.forStatus(CALL, 404, NONE, new byte[0], FREE))
        .hasMessageEndingWith("Check the base URL and the model name.");
    assertThat(HttpFailures.forStatus(CALL, 422, NONE, new byte[0], FREE)).hasMessageEndingWith(
        "The request was refused as invalid: check the model and its options.");
    assertThat(HttpFailures.forStatus(CALL, 429,
        HttpFailuresTest.h("retry-after", "3"), new byte[0], FREE))
        .hasMessageContaining("Rate limited (the server asked to wait 3000 ms)");
    assertThat(HttpFailures.forStatus(CALL, 400, NONE,
        err("content_policy_violation", "rejected").getBytes(StandardCharsets.UTF_8), PAID))
        .hasMessageContaining("content policy").hasMessageContaining("Edit that part of the story");
  }

  @Test
  void aRateLimitCarriesItsRetryAfter() {
    StoryReelException e = HttpFailures.forStatus(CALL, 429,
        HttpFailuresTest.h("Retry-After", "7"), new byte[0], PAID);
    assertThat(e).isInstanceOfSatisfying(RateLimitException.class,
        r -> assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(7)));
  }

  @Test
  void aRejectedKeyEchoedByTheVendorIsMaskedInTheTypedFailure() {
    byte[] body = err("invalid_api_key", "Incorrect API key provided: sk-proj-abcdEFGH12345678")
        .getBytes(StandardCharsets.UTF_8);
    assertThat(HttpFailures.forStatus(CALL, 401, NONE, body, FREE).getMessage())
        .doesNotContain("abcdEFGH12345678");
  }

  @Test
  void failuresWithoutAnHttpAnswerCarryTheProviderButNoStatus() {
    StoryReelException refused = HttpFailures.forIo(CALL, new ConnectException("refused"), PAID);
    assertThat(refused.isRetriable()).isTrue();
    assertThat(refused.provider()).contains("openai");
    assertThat(refused.httpStatus()).isEmpty();

    StoryReelException reset = HttpFailures.forIo(CALL, new IOException("reset"), PAID);
    assertThat(reset.isRetriable()).isFalse();
    assertThat(reset.provider()).contains("openai");
    assertThat(HttpFailures.malformed(CALL, "bad", FREE).provider()).contains("openai");
    assertThat(HttpFailures.html(CALL, "text/html", PAID).provider()).contains("openai");
  }

  @Test
  void theRootCarriesNothingWhenNotAProvidersFailure() {
    StoryReelException plain = new NonRetriableException("bad");
    assertThat(plain.provider()).isEmpty();
    assertThat(plain.httpStatus()).isEmpty();
    assertThat(new RetriableException("x", null, null, "  ", 0).provider()).isEmpty();
  }

  @Test
  void typedFailuresNeedAProviderAndAPlausibleStatus() {
    assertThatThrownBy(() -> new AuthenticationException("x", null, 401))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("provider");
    assertThatThrownBy(() -> new NotFoundException("x", "openai", 4040))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4040");
    assertThatThrownBy(() -> new RateLimitException("x", null, "openai", -1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new ContentRefusedException("x", "mod", 0).httpStatus()).isEmpty();
  }
}
