package dev.storyreel.core;

/**
 * A failure that trying again cannot fix: bad input, a configuration mistake, rejected
 * credentials, content refused by a provider. The task graph never retries these and fails the
 * job at once (fail-fast).
 *
 * <p>Typed subclasses: {@link AuthenticationException}, {@link QuotaExceededException}, {@link
 * InvalidRequestException}, {@link NotFoundException}, {@link ContentRefusedException}, {@link
 * ConfigurationException} and {@link InvalidInputException}. Other provider failures (a 409, a
 * paid call's 5xx that may have been billed) are plain instances whose {@link #provider()} and
 * {@link #httpStatus()} say where they came from.
 */
public class NonRetriableException extends StoryReelException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what went wrong and what to do; never {@code null}
   */
  public NonRetriableException(String message) {
    super(message, null);
  }

  /**
   * @param message what went wrong and what to do; never {@code null}
   * @param cause the underlying failure, or {@code null}
   */
  public NonRetriableException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * @param message what went wrong and what to do; never {@code null}
   * @param cause the underlying failure, or {@code null}
   * @param provider the provider that failed, for example {@code openai}, or {@code null}
   * @param httpStatus the HTTP status of the failed answer, 100..599, or 0 for none
   * @throws IllegalArgumentException if {@code httpStatus} is neither 0 nor 100..599
   */
  public NonRetriableException(String message, Throwable cause, String provider,
      int httpStatus) {
    super(message, cause, provider, httpStatus);
  }

  @Override
  public final boolean isRetriable() {
    return false;
  }
}
