package dev.storyreel.core;

import java.time.Duration;
import java.util.Objects;

/**
 * The provider is rate limiting this account (HTTP 429 without a quota code): too many requests
 * or tokens per minute. Retriable: the task graph tries the task again with backoff, waiting at
 * least {@link #retryAfter()} when the provider said how long. If it persists, lower the
 * provider's concurrency. (An account out of credit is a {@link QuotaExceededException}, which is
 * not retried.)
 *
 * <p>{@link #provider()} is always present; {@link #httpStatus()} holds the status (429).
 */
public class RateLimitException extends RetriableException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what went wrong and what to do; never {@code null}; never a credential
   * @param retryAfter the least wait the provider asked for ({@code Retry-After}), or {@code
   *     null} when it gave none
   * @param provider the provider that failed, for example {@code openai}; never {@code null}
   * @param httpStatus the HTTP status, usually 429, or 0 for none
   * @throws NullPointerException if {@code provider} is {@code null}
   * @throws IllegalArgumentException if {@code httpStatus} is neither 0 nor 100..599
   */
  public RateLimitException(String message, Duration retryAfter, String provider,
      int httpStatus) {
    this(message, null, retryAfter, provider, httpStatus);
  }

  /**
   * @param message what went wrong and what to do; never {@code null}; never a credential
   * @param cause the underlying failure, or {@code null}
   * @param retryAfter the least wait the provider asked for ({@code Retry-After}), or {@code
   *     null} when it gave none
   * @param provider the provider that failed, for example {@code openai}; never {@code null}
   * @param httpStatus the HTTP status, usually 429, or 0 for none
   * @throws NullPointerException if {@code provider} is {@code null}
   * @throws IllegalArgumentException if {@code httpStatus} is neither 0 nor 100..599
   */
  public RateLimitException(String message, Throwable cause, Duration retryAfter,
      String provider, int httpStatus) {
    super(message, cause, retryAfter, Objects.requireNonNull(provider, "provider"), httpStatus);
  }
}
