package dev.storyreel.core;

/**
 * Root of every exception StoryReel throws on purpose. Unchecked, so that it can cross the
 * task graph and {@link java.util.concurrent.CompletableFuture} boundaries unchanged.
 *
 * <p>Every instance says whether trying the same call again may succeed: see {@link
 * #isRetriable()}. The two concrete branches are {@link RetriableException} (rate limit, provider
 * 5xx, timeout, connection reset) and {@link NonRetriableException} (bad input, configuration,
 * authentication, content rejected). Messages say what went wrong and what to do; they never
 * contain an API key: see {@link Redactor}.
 */
public abstract class StoryReelException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what went wrong and what to do; never {@code null}. Passed through {@link
   *     Redactor#redact}, so a credential echoed by a vendor never survives into it
   * @param cause the underlying failure, or {@code null}
   */
  protected StoryReelException(String message, Throwable cause) {
    super(Redactor.redact(message), cause);
  }

  /**
   * Whether the same call may succeed if tried again later.
   *
   * @return {@code true} for transient failures (rate limits, timeouts, 5xx), {@code false} when
   *     only a change of input or configuration can help
   */
  public abstract boolean isRetriable();
}
