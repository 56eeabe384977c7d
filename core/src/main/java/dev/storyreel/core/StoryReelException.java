package dev.storyreel.core;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * Root of every exception StoryReel throws on purpose. Unchecked, so that it can cross the
 * task graph and {@link java.util.concurrent.CompletableFuture} boundaries unchanged.
 *
 * <p>Every instance says whether trying the same call again may succeed: see {@link
 * #isRetriable()}. The two concrete branches are {@link RetriableException} (rate limit, provider
 * 5xx, timeout, connection reset) and {@link NonRetriableException} (bad input, configuration,
 * authentication, content rejected). Messages say what went wrong and what to do; they never
 * contain an API key: see {@link Redactor}.
 *
 * <p>Typed failures a caller can catch, each under the branch that fixes its retry rule:
 *
 * <ul>
 *   <li>retriable: {@link RateLimitException} (HTTP 429 rate limit, with its {@code Retry-After});
 *   <li>non-retriable: {@link AuthenticationException} (401/403), {@link QuotaExceededException}
 *       (out of credit or quota), {@link InvalidRequestException} (400/422), {@link
 *       NotFoundException} (404), {@link ContentRefusedException} (moderation or a vendor's
 *       content policy), {@link ConfigurationException} and {@link InvalidInputException}.
 * </ul>
 *
 * <p>Where the failure came from a provider, {@link #provider()} names it, and where it came from
 * an HTTP answer, {@link #httpStatus()} holds the status, for every subclass (a 409, a 5xx and a
 * 410 carry it too), so that a caller never has to read the status out of the message.
 *
 * <pre>{@code
 * try {
 *   reel.render(story, out);
 * } catch (RateLimitException e) {
 *   // e.retryAfter() says how long the provider asked to wait
 * } catch (AuthenticationException e) {
 *   System.err.println("Check the key of " + e.provider().orElse("the provider"));
 * }
 * }</pre>
 *
 * <p>When a task's retries are spent, the task graph records on the last failure how many
 * attempts were made ({@link #attempts()}), and its message then begins {@code "Failed after 4
 * attempts: "}, so that the final failure never reads like the first.
 *
 * <p>Safe to hand between threads.
 */
public abstract class StoryReelException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The provider's name, or {@code null} when the failure is not a provider's. */
  private final String provider;

  /** The HTTP status, or 0 when the failure did not come from an HTTP answer. */
  private final int httpStatus;

  /** How many attempts ended with this failure, or 0 when not recorded. */
  private volatile int attempts;

  /**
   * @param message what went wrong and what to do; never {@code null}. Passed through {@link
   *     Redactor#redact}, so a credential echoed by a vendor never survives into it
   * @param cause the underlying failure, or {@code null}
   */
  protected StoryReelException(String message, Throwable cause) {
    this(message, cause, null, 0);
  }

  /**
   * @param message what went wrong and what to do; never {@code null}. Passed through {@link
   *     Redactor#redact}, so a credential echoed by a vendor never survives into it
   * @param cause the underlying failure, or {@code null}
   * @param provider the name of the provider that failed, for example {@code openai}, or {@code
   *     null} when none did
   * @param httpStatus the HTTP status of the answer that failed, 100..599, or 0 when there was
   *     no HTTP answer
   * @throws IllegalArgumentException if {@code httpStatus} is neither 0 nor 100..599
   */
  protected StoryReelException(String message, Throwable cause, String provider,
      int httpStatus) {
    super(Redactor.redact(message), cause);
    if (httpStatus != 0 && (httpStatus < 100 || httpStatus > 599)) {
      throw new IllegalArgumentException("httpStatus must be 0 or 100..599, was " + httpStatus);
    }
    this.provider = provider == null || provider.isBlank() ? null : provider;
    this.httpStatus = httpStatus;
  }

  /**
   * Whether the same call may succeed if tried again later.
   *
   * @return {@code true} for transient failures (rate limits, timeouts, 5xx), {@code false} when
   *     only a change of input or configuration can help
   */
  public abstract boolean isRetriable();

  /**
   * @return the name of the provider that failed (for example {@code openai}, {@code
   *     replicate}); empty when the failure is not a provider's (bad input, configuration).
   *     Always present on the provider failures {@link AuthenticationException}, {@link
   *     RateLimitException}, {@link QuotaExceededException}, {@link InvalidRequestException},
   *     {@link NotFoundException} and {@link ContentRefusedException}
   */
  public Optional<String> provider() {
    return Optional.ofNullable(provider);
  }

  /**
   * @return the HTTP status of the provider's answer that failed, 100..599; empty when the
   *     failure came from no HTTP answer (a refused connection, a timeout, a moderation verdict,
   *     bad input)
   */
  public OptionalInt httpStatus() {
    return httpStatus == 0 ? OptionalInt.empty() : OptionalInt.of(httpStatus);
  }

  /**
   * @return how many attempts of the task were made when this failure ended it, 2 or more; empty
   *     when the task was tried once or the count was not recorded
   */
  public OptionalInt attempts() {
    int n = attempts;
    return n > 1 ? OptionalInt.of(n) : OptionalInt.empty();
  }

  /**
   * Records how many attempts were made when this failure ended a task for good; from then on
   * {@link #getMessage()} begins {@code "Failed after N attempts: "} when {@code attempts > 1}.
   * Called by the task graph when a task's retries are spent; the first count recorded stays.
   *
   * @param attempts the number of attempts made, {@code >= 1}
   * @throws IllegalArgumentException if {@code attempts < 1}
   */
  public void recordAttempts(int attempts) {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be >= 1, was " + attempts);
    }
    synchronized (this) {
      if (this.attempts == 0) {
        this.attempts = attempts;
      }
    }
  }

  /**
   * @return the message, prefixed with {@code "Failed after N attempts: "} once more than one
   *     attempt was recorded (see {@link #recordAttempts(int)})
   */
  @Override
  public String getMessage() {
    String m = super.getMessage();
    int n = attempts;
    return n > 1 ? "Failed after " + n + " attempts: " + m : m;
  }
}
