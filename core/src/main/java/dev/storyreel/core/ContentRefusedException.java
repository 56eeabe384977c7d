package dev.storyreel.core;

import java.util.Objects;

/**
 * The content was refused on policy grounds: a moderator flagged a segment's text, OpenAI
 * answered {@code content_policy_violation} or "rejected as a result of our safety system", or a
 * Replicate prediction failed its NSFW check. Not retried: the same text is refused again; edit the
 * story or its style.
 *
 * <p>{@link #provider()} is always present (for a moderation verdict, the moderator's name);
 * {@link #httpStatus()} holds the status where the refusal was an HTTP answer (OpenAI's 400),
 * and is empty for a moderation verdict or a failed prediction.
 */
public class ContentRefusedException extends NonRetriableException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what went wrong and what to do; never {@code null}; never a credential
   * @param provider the provider that failed, for example {@code openai}; never {@code null}
   * @param httpStatus the HTTP status of the refusal, or 0 when it was no HTTP answer
   * @throws NullPointerException if {@code provider} is {@code null}
   * @throws IllegalArgumentException if {@code httpStatus} is neither 0 nor 100..599
   */
  public ContentRefusedException(String message, String provider, int httpStatus) {
    this(message, null, provider, httpStatus);
  }

  /**
   * @param message what went wrong and what to do; never {@code null}; never a credential
   * @param cause the underlying failure, or {@code null}
   * @param provider the provider that failed, for example {@code openai}; never {@code null}
   * @param httpStatus the HTTP status of the refusal, or 0 when it was no HTTP answer
   * @throws NullPointerException if {@code provider} is {@code null}
   * @throws IllegalArgumentException if {@code httpStatus} is neither 0 nor 100..599
   */
  public ContentRefusedException(String message, Throwable cause, String provider, int httpStatus) {
    super(message, cause, Objects.requireNonNull(provider, "provider"), httpStatus);
  }
}
