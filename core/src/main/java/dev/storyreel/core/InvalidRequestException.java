package dev.storyreel.core;

import java.util.Objects;

/**
 * The provider refused the request as invalid (HTTP 400 or 422): an unknown option, a value out
 * of the model's range, a malformed body. Not retried: the same request fails the same way; check
 * the model and its options. (A story or setting StoryReel itself rejects before any call is an
 * {@link InvalidInputException}; content refused by a policy is a {@link
 * ContentRefusedException}.)
 *
 * <p>{@link #provider()} is always present; {@link #httpStatus()} holds the status (400 or 422).
 */
public class InvalidRequestException extends NonRetriableException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what went wrong and what to do; never {@code null}; never a credential
   * @param provider the provider that failed, for example {@code openai}; never {@code null}
   * @param httpStatus the HTTP status, usually 400 or 422, or 0 for none
   * @throws NullPointerException if {@code provider} is {@code null}
   * @throws IllegalArgumentException if {@code httpStatus} is neither 0 nor 100..599
   */
  public InvalidRequestException(String message, String provider, int httpStatus) {
    this(message, null, provider, httpStatus);
  }

  /**
   * @param message what went wrong and what to do; never {@code null}; never a credential
   * @param cause the underlying failure, or {@code null}
   * @param provider the provider that failed, for example {@code openai}; never {@code null}
   * @param httpStatus the HTTP status, usually 400 or 422, or 0 for none
   * @throws NullPointerException if {@code provider} is {@code null}
   * @throws IllegalArgumentException if {@code httpStatus} is neither 0 nor 100..599
   */
  public InvalidRequestException(String message, Throwable cause, String provider, int httpStatus) {
    super(message, cause, Objects.requireNonNull(provider, "provider"), httpStatus);
  }
}
