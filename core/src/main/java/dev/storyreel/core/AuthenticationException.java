package dev.storyreel.core;

import java.util.Objects;

/**
 * The provider rejected the credentials (HTTP 401: the key is missing, wrong or revoked) or does
 * not let them do this (HTTP 403: permissions, organization, project, model access). Not retried:
 * only a change of key or of its permissions helps.
 *
 * <p>{@link #provider()} is always present; {@link #httpStatus()} holds the status (401 or 403).
 */
public class AuthenticationException extends NonRetriableException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what went wrong and what to do; never {@code null}; never a credential
   * @param provider the provider that failed, for example {@code openai}; never {@code null}
   * @param httpStatus the HTTP status, usually 401 or 403, or 0 for none
   * @throws NullPointerException if {@code provider} is {@code null}
   * @throws IllegalArgumentException if {@code httpStatus} is neither 0 nor 100..599
   */
  public AuthenticationException(String message, String provider, int httpStatus) {
    this(message, null, provider, httpStatus);
  }

  /**
   * @param message what went wrong and what to do; never {@code null}; never a credential
   * @param cause the underlying failure, or {@code null}
   * @param provider the provider that failed, for example {@code openai}; never {@code null}
   * @param httpStatus the HTTP status, usually 401 or 403, or 0 for none
   * @throws NullPointerException if {@code provider} is {@code null}
   * @throws IllegalArgumentException if {@code httpStatus} is neither 0 nor 100..599
   */
  public AuthenticationException(String message, Throwable cause, String provider, int httpStatus) {
    super(message, cause, Objects.requireNonNull(provider, "provider"), httpStatus);
  }
}
