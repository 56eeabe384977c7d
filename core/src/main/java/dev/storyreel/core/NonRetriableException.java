package dev.storyreel.core;

/**
 * A failure that trying again cannot fix: bad input, a configuration mistake, rejected
 * credentials, content refused by a provider. The task graph never retries these and fails the
 * job at once (fail-fast).
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

  @Override
  public final boolean isRetriable() {
    return false;
  }
}
