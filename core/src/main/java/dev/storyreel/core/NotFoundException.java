package dev.storyreel.core;

import java.util.Objects;

/**
 * The provider does not know the model or resource asked for (HTTP 404): a misspelt model name,
 * a model the account cannot see, a wrong base URL, a file that was deleted. Not retried.
 *
 * <p>{@link #provider()} is always present; {@link #httpStatus()} holds the status (404).
 */
public class NotFoundException extends NonRetriableException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what went wrong and what to do; never {@code null}; never a credential
   * @param provider the provider that failed, for example {@code openai}; never {@code null}
   * @param httpStatus the HTTP status, usually 404, or 0 for none
   * @throws NullPointerException if {@code provider} is {@code null}
   * @throws IllegalArgumentException if {@code httpStatus} is neither 0 nor 100..599
   */
  public NotFoundException(String message, String provider, int httpStatus) {
    this(message, null, provider, httpStatus);
  }

  /**
   * @param message what went wrong and what to do; never {@code null}; never a credential
   * @param cause the underlying failure, or {@code null}
   * @param provider the provider that failed, for example {@code openai}; never {@code null}
   * @param httpStatus the HTTP status, usually 404, or 0 for none
   * @throws NullPointerException if {@code provider} is {@code null}
   * @throws IllegalArgumentException if {@code httpStatus} is neither 0 nor 100..599
   */
  public NotFoundException(String message, Throwable cause, String provider, int httpStatus) {
    super(message, cause, Objects.requireNonNull(provider, "provider"), httpStatus);
  }
}
