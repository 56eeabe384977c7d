package dev.storyreel.core;

import java.time.Duration;

/**
 * A transient failure that may go away if the same call is tried again: a rate limit, a provider's
 * 5xx, a timeout or a reset connection. The task graph retries these with exponential backoff (see
 * {@link RetryPolicy}); after the last attempt the job fails with this exception.
 *
 * <p>A rate limit is the subclass {@link RateLimitException}. {@link #provider()} and {@link
 * #httpStatus()} say where the failure came from when known.
 */
public class RetriableException extends StoryReelException {
  private static final long serialVersionUID = 1L;

  /** Retry-After hint from the provider, or {@code null} when it gave none. */
  private final Duration retryAfter;

  /**
   * @param message what went wrong; never {@code null}
   */
  public RetriableException(String message) {
    this(message, null, null);
  }

  /**
   * @param message what went wrong; never {@code null}
   * @param cause the underlying failure, or {@code null}
   */
  public RetriableException(String message, Throwable cause) {
    this(message, cause, null);
  }

  /**
   * @param message what went wrong; never {@code null}
   * @param cause the underlying failure, or {@code null}
   * @param retryAfter the least time the provider asked us to wait (HTTP {@code Retry-After}), or
   *     {@code null}
   */
  public RetriableException(String message, Throwable cause, Duration retryAfter) {
    this(message, cause, retryAfter, null, 0);
  }

  /**
   * @param message what went wrong; never {@code null}
   * @param cause the underlying failure, or {@code null}
   * @param retryAfter the least time the provider asked us to wait (HTTP {@code Retry-After}), or
   *     {@code null}
   * @param provider the provider that failed, for example {@code openai}, or {@code null}
   * @param httpStatus the HTTP status of the failed answer, 100..599, or 0 for none
   * @throws IllegalArgumentException if {@code httpStatus} is neither 0 nor 100..599
   */
  public RetriableException(String message, Throwable cause, Duration retryAfter,
      String provider, int httpStatus) {
    super(message, cause, provider, httpStatus);
    this.retryAfter = retryAfter;
  }

  /**
   * @return the least wait the provider asked for before the next attempt, or {@code null}
   */
  public Duration retryAfter() {
    return retryAfter;
  }

  @Override
  public final boolean isRetriable() {
    return true;
  }
}
