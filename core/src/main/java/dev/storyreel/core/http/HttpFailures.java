package dev.storyreel.core.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.storyreel.core.AuthenticationException;
import dev.storyreel.core.ContentRefusedException;
import dev.storyreel.core.InvalidRequestException;
import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.NotFoundException;
import dev.storyreel.core.QuotaExceededException;
import dev.storyreel.core.RateLimitException;
import dev.storyreel.core.Redactor;
import dev.storyreel.core.RetriableException;
import dev.storyreel.core.StoryReelException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The one mapping of HTTP failures onto {@link RetriableException} and {@link
 * NonRetriableException} and their typed subclasses ({@link RateLimitException}, {@link
 * AuthenticationException}, ...: see {@link #forStatus}), shared by every HTTP provider. Every
 * failure carries the call's provider, and one mapped from a status carries the status.
 *
 * <p>Retriable (the task graph tries the whole task again, with backoff that honours {@code
 * Retry-After}): 429 (except OpenAI's {@code insufficient_quota}), 503, a refused connection or a
 * connect timeout, and, <em>for calls that cannot be billed twice</em>, 408, 500, 502, 504,
 * request timeouts and connections reset or closed mid-answer. For a <em>paid</em> call (one that
 * makes a billed asset: an image, a narration, a prediction) those last failures are
 * non-retriable, because the server may have made and billed the asset although we never saw it:
 * StoryReel never pays twice for one asset; the message says so and what to do.
 *
 * <p>Non-retriable: 400, 401, 403, 404, 409, 422 and every other 4xx, malformed JSON, an HTML
 * page where JSON was expected (a proxy or a wrong base URL).
 *
 * <p>Messages name the provider, the method and endpoint path, the HTTP status, the vendor's own
 * error message and what to do. They never hold a credential: anything that looks like an API key
 * is masked ({@link #redact(String)}). Stateless and thread-safe.
 */
public final class HttpFailures {
  /** The longest Retry-After honoured; a longer one is cut to this. */
  static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);

  private HttpFailures() {}

  /**
   * Maps a response whose status is not 2xx onto the typed failure a caller can catch.
   *
   * <table>
   *   <caption>status and body to type</caption>
   *   <tr><th>answer</th><th>type</th><th>retried</th></tr>
   *   <tr><td>429 with {@code insufficient_quota}; 402; 4xx with {@code billing_hard_limit_reached}
   *       or {@code billing_not_active}; 4xx with ElevenLabs' {@code quota_exceeded} (its {@code
   *       detail.status})</td><td>{@link QuotaExceededException}</td><td>no</td></tr>
   *   <tr><td>429</td><td>{@link RateLimitException}, with {@code Retry-After}</td>
   *       <td>yes</td></tr>
   *   <tr><td>4xx with {@code content_policy_violation} or {@code moderation_blocked}, or a
   *       message about the vendor's safety system</td><td>{@link ContentRefusedException}</td>
   *       <td>no</td></tr>
   *   <tr><td>401, 403</td><td>{@link AuthenticationException}</td><td>no</td></tr>
   *   <tr><td>404</td><td>{@link NotFoundException}</td><td>no</td></tr>
   *   <tr><td>400, 422</td><td>{@link InvalidRequestException}</td><td>no</td></tr>
   *   <tr><td>503; 408 and 5xx of a free call</td><td>{@link RetriableException}</td>
   *       <td>yes</td></tr>
   *   <tr><td>408 and 5xx (but 503) of a paid call; any other status</td>
   *       <td>{@link NonRetriableException}</td><td>no</td></tr>
   * </table>
   *
   * <p>Every one carries {@link StoryReelException#provider()} (the call's provider) and {@link
   * StoryReelException#httpStatus()}.
   *
   * @param call who called what: provider, method, path, segment
   * @param status the HTTP status, 100..599
   * @param headers the response headers
   * @param body the response body, maybe empty
   * @param paid whether the call makes a billed asset (see the class comment)
   * @return the exception to throw
   */
  public static StoryReelException forStatus(
      CallInfo call, int status, HttpHeaders headers, byte[] body, boolean paid) {
    String vendor = vendorMessage(body, headers);
    String code = vendorCode(body);
    String provider = call.provider();
    String head = call + " failed: HTTP " + status + (vendor.isEmpty() ? "" : ": " + vendor);
    Duration retryAfter = retryAfter(headers).orElse(null);
    if (status == 429) {
      if ("insufficient_quota".equals(code) || "quota_exceeded".equals(code)) {
        return new QuotaExceededException(head + ". The account is out of credit or over its"
            + " quota; add credit or raise the limit in the vendor's dashboard.", provider,
            status);
      }
      return new RateLimitException(head + ". Rate limited"
          + (retryAfter != null ? " (the server asked to wait " + retryAfter.toMillis() + " ms)"
              : "")
          + "; a transient failure, tried again with backoff while attempts remain."
          + " Lower the provider's concurrency if this persists.", retryAfter, provider, status);
    }
    if (status == 503) {
      return new RetriableException(
          head + ". The service is overloaded or down; a transient failure.", null, retryAfter,
          provider, status);
    }
    if (status == 408 || status >= 500) {
      if (paid) {
        return new NonRetriableException(head + ". Not retried: the server may have made and"
            + " billed the result before failing, and StoryReel never pays twice for one asset."
            + " Run the job again to retry.", null, provider, status);
      }
      return new RetriableException(head + ". A server error; a transient failure.", null,
          retryAfter, provider, status);
    }
    if (status == 402 || BILLING_CODES.contains(code)) {
      return new QuotaExceededException(head + ". The account is out of credit or over its"
          + " billing limit; add credit or raise the limit in the vendor's dashboard.", provider,
          status);
    }
    if (isContentRefusal(code, vendor)) {
      return new ContentRefusedException(head + ". The provider's content policy refused this"
          + " request; not retried, since the same text is refused again. Edit that part of the"
          + " story or the style.", provider, status);
    }
    String todo = switch (status) {
      case 401 -> "The API key was rejected: check that it is set and valid (it is never shown).";
      case 403 -> "The key is not allowed to do this: check its permissions, organization and"
          + " project, or the model's access.";
      case 404 -> "Check the base URL and the model name.";
      case 400, 422 -> "The request was refused as invalid: check the model and its options.";
      default -> "Not retried.";
    };
    String message = head + ". " + todo;
    return switch (status) {
      case 401, 403 -> new AuthenticationException(message, provider, status);
      case 404 -> new NotFoundException(message, provider, status);
      case 400, 422 -> new InvalidRequestException(message, provider, status);
      default -> new NonRetriableException(message, null, provider, status);
    };
  }

  /** Vendors' error codes for a billing limit or quota, which waiting does not lift. */
  private static final Set<String> BILLING_CODES =
      Set.of("billing_hard_limit_reached", "billing_not_active",
          "quota_exceeded"); // ElevenLabs sends quota_exceeded with 401

  /** Error codes vendors use for content refused by a policy (images, moderation). */
  private static final Set<String> REFUSAL_CODES =
      Set.of("content_policy_violation", "moderation_blocked");

  /**
   * Whether a 4xx answer is a content-policy refusal: OpenAI's codes, or its message "Your
   * request was rejected as a result of our safety system" (sent by some endpoints without a
   * code).
   */
  private static boolean isContentRefusal(String code, String vendorMessage) {
    return REFUSAL_CODES.contains(code)
        || vendorMessage.toLowerCase(Locale.ROOT).contains("safety system");
  }

  /**
   * Maps an I/O failure (no usable response).
   *
   * @param call who called what
   * @param e the failure
   * @param paid whether the call makes a billed asset
   * @return the exception to throw
   */
  public static StoryReelException forIo(CallInfo call, IOException e, boolean paid) {
    String what = e instanceof HttpConnectTimeoutException ? "connect timeout"
        : e instanceof HttpTimeoutException ? "timed out waiting for the answer"
        : e instanceof ConnectException ? "connection refused"
        : "connection failed (" + redact(String.valueOf(e.getMessage())) + ")";
    String head = call + " failed: " + what;
    // Nothing was sent when the connection could not be made: always safe to try again.
    boolean notSent = e instanceof HttpConnectTimeoutException || e instanceof ConnectException;
    if (paid && !notSent) {
      return new NonRetriableException(head + ". Not retried: the request was sent and the"
          + " server may have made and billed the result, and StoryReel never pays twice for one"
          + " asset. Run the job again to retry.", e, call.provider(), 0);
    }
    return new RetriableException(head + ". A transient failure: check the network and the base"
        + " URL if this persists.", e, null, call.provider(), 0);
  }

  /**
   * @param call who called what
   * @param detail what is wrong, for example the parser's message
   * @param paid whether the call makes a billed asset
   * @return the error for a 2xx answer that is not the JSON the contract promises: retriable
   *     for a free call; for a paid one non-retriable, since the server may have billed it
   */
  public static StoryReelException malformed(CallInfo call, String detail, boolean paid) {
    String head = call + " answered with malformed JSON: " + redact(detail) + ".";
    if (paid) {
      return new NonRetriableException(head + " Not retried: the server may have made and billed"
          + " the result, and StoryReel never pays twice for one asset. Check the base URL points"
          + " at a compatible API; run the job again to retry.", null, call.provider(), 0);
    }
    return new RetriableException(head + " A transient failure; check the base URL points at a"
        + " compatible API if it persists.", null, null, call.provider(), 0);
  }

  /**
   * @param call who called what
   * @param contentType the answer's media type
   * @param paid whether the call makes a billed asset
   * @return the error for an HTML page where JSON was expected: retriable for a free call (a
   *     proxy's passing error page); for a paid one non-retriable, since it may have been billed
   */
  public static StoryReelException html(CallInfo call, String contentType, boolean paid) {
    String head = call + " answered with an HTML page (" + contentType
        + ") where JSON was expected: a proxy, a captive portal or a wrong base URL.";
    if (paid) {
      return new NonRetriableException(head + " Not retried, since the call may have been"
          + " billed; check the base URL, then run the job again.", null, call.provider(), 0);
    }
    return new RetriableException(head + " A transient failure; check the base URL if it"
        + " persists.", null, null, call.provider(), 0);
  }

  /**
   * Reads {@code Retry-After} (seconds or an HTTP date) or OpenAI's {@code retry-after-ms}.
   *
   * @param headers response headers
   * @return the wait asked for, at most 5 minutes; empty if none or unreadable
   */
  public static Optional<Duration> retryAfter(HttpHeaders headers) {
    Optional<String> ms = headers.firstValue("retry-after-ms");
    try {
      if (ms.isPresent()) {
        return Optional.of(cap(Duration.ofMillis((long) Double.parseDouble(ms.get().strip()))));
      }
    } catch (NumberFormatException ignored) {
      // fall through to Retry-After
    }
    Optional<String> ra = headers.firstValue("retry-after");
    if (ra.isEmpty()) {
      return Optional.empty();
    }
    String v = ra.get().strip();
    try {
      return Optional.of(cap(Duration.ofMillis((long) (Double.parseDouble(v) * 1000))));
    } catch (NumberFormatException e) {
      try {
        ZonedDateTime when = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration d = Duration.between(ZonedDateTime.now(when.getZone()), when);
        return Optional.of(cap(d.isNegative() ? Duration.ZERO : d));
      } catch (RuntimeException e2) {
        return Optional.empty();
      }
    }
  }

  private static Duration cap(Duration d) {
    if (d.isNegative()) {
      return Duration.ZERO;
    }
    return d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d;
  }

  /**
   * Masks anything that looks like an API key or a bearer token.
   *
   * @param text any text, may be {@code null}
   * @return the text with keys replaced by {@code ***}
   */
  public static String redact(String text) {
    return text == null ? "" : Redactor.redact(text);
  }

  private static String vendorMessage(byte[] body, HttpHeaders headers) {
    if (body == null || body.length == 0) {
      return "";
    }
    JsonNode n = tree(body);
    if (n != null) {
      String m = text(n.path("error").path("message"));
      if (m.isEmpty()) {
        m = text(n.path("error"));
      }
      if (m.isEmpty()) {
        m = text(n.path("detail"));
      }
      if (m.isEmpty()) {
        m = detailMessage(n.path("detail")); // ElevenLabs: {"detail": {"status", "message"}}
      }
      if (m.isEmpty()) {
        m = text(n.path("message"));
      }
      if (!m.isEmpty()) {
        return redact(shorten(m));
      }
    }
    String ct = headers.firstValue("content-type").orElse("").toLowerCase(Locale.ROOT);
    if (ct.contains("html") || startsWithTag(body)) {
      return "(an HTML page, not the API's JSON: a proxy or a wrong base URL?)";
    }
    return redact(shorten(new String(body, StandardCharsets.UTF_8)));
  }

  private static String vendorCode(byte[] body) {
    JsonNode n = tree(body);
    if (n == null) {
      return "";
    }
    String c = text(n.path("error").path("code"));
    if (c.isEmpty()) {
      c = text(n.path("detail").path("status")); // ElevenLabs, e.g. quota_exceeded
    }
    return c.isEmpty() ? text(n.path("error").path("type")) : c;
  }

  /**
   * ElevenLabs' error details: {@code {"status": ..., "message": ...}}, or a validation error's
   * list of {@code {"loc": [...], "msg": ...}} (FastAPI's {@code HTTPValidationError}).
   */
  private static String detailMessage(JsonNode detail) {
    String m = text(detail.path("message"));
    if (!m.isEmpty() || !detail.isArray() || detail.isEmpty()) {
      return m;
    }
    StringBuilder sb = new StringBuilder();
    for (JsonNode e : detail) {
      List<String> loc = new ArrayList<>();
      e.path("loc").forEach(l -> loc.add(l.asText()));
      sb.append(sb.length() == 0 ? "" : "; ").append(String.join(".", loc))
          .append(loc.isEmpty() ? "" : ": ").append(text(e.path("msg")));
    }
    return sb.toString();
  }

  private static JsonNode tree(byte[] body) {
    if (body == null || body.length == 0) {
      return null;
    }
    try {
      return HttpTransport.readTree(body);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static String text(JsonNode n) {
    return n != null && n.isTextual() ? n.asText().strip() : "";
  }

  static boolean startsWithTag(byte[] body) {
    for (byte b : body) {
      if (!Character.isWhitespace(b)) {
        return b == '<';
      }
    }
    return false;
  }

  private static String shorten(String s) {
    String one = s.replaceAll("\\s+", " ").strip();
    return one.length() > 300 ? one.substring(0, 300) + "..." : one;
  }
}
