package dev.storyreel.core;

import java.util.Objects;

/**
 * The account is out of credit or over its usage quota: OpenAI's HTTP 429 with {@code
 * insufficient_quota}, HTTP 402 Payment Required (Replicate's "insufficient credit"). Unlike a
 * {@link RateLimitException} this does not pass with time, so it is not retried: add credit or
 * raise the limit in the vendor's dashboard.
 *
 * <p>{@link #provider()} is always present; {@link #httpStatus()} holds the status (429 or 402).
 */
public class QuotaExceededException extends NonRetriableException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what went wrong and what to do; never {@code null}; never a credential
   * @param provider the provider that failed, for example {@code openai}; never {@code null}
   * @param httpStatus the HTTP status, usually 429 or 402, or 0 for none
   * @throws NullPointerException if {@code provider} is {@code null}
   * @throws IllegalArgumentException if {@code httpStatus} is neither 0 nor 100..599
   */
  public QuotaExceededException(String message, String provider, int httpStatus) {
    this(message, null, provider, httpStatus);
  }

  /**
   * @param message what went wrong and what to do; never {@code null}; never a credential
   * @param cause the underlying failure, or {@code null}
   * @param provider the provider that failed, for example {@code openai}; never {@code null}
   * @param httpStatus the HTTP status, usually 429 or 402, or 0 for none
   * @throws NullPointerException if {@code provider} is {@code null}
   * @throws IllegalArgumentException if {@code httpStatus} is neither 0 nor 100..599
   */
  public QuotaExceededException(String message, Throwable cause, String provider, int httpStatus) {
    super(message, cause, Objects.requireNonNull(provider, "provider"), httpStatus);
  }
}
