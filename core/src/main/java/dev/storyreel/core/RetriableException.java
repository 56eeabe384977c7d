package dev.storyreel.core;

/**
 * A transient failure that may go away if the same call is tried again: a rate limit, a provider's
 * 5xx, a timeout or a reset connection. The task graph retries these with exponential backoff (see
 * {@link RetryPolicy}); after the last attempt the job fails with this exception.
 */
public class RetriableException extends StoryReelException {
  private static final long serialVersionUID = 1L;

  /** Retry-After hint from the provider, or {@code null} when it gave none. */
  private final java.time.Duration retryAfter;

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
  public RetriableException(String message, Throwable cause, java.time.Duration retryAfter) {
    super(message, cause);
    this.retryAfter = retryAfter;
  }

  /**
   * @return the least wait the provider asked for before the next attempt, or {@code null}
   */
  public java.time.Duration retryAfter() {
    return retryAfter;
  }

  @Override
  public final boolean isRetriable() {
    return true;
  }
}
