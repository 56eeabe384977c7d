package dev.storyreel.core;

/**
 * The caller's input is unusable: an empty story, a story over the length limit, text that is
 * not UTF-8, an output folder that cannot be written, an output that already exists, a format
 * or frame rate out of range. Thrown before any work is done, so nothing has been written.
 */
public class InvalidInputException extends NonRetriableException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what was wrong with the input and how to fix it; never {@code null}
   */
  public InvalidInputException(String message) {
    super(message);
  }

  /**
   * @param message what was wrong with the input and how to fix it; never {@code null}
   * @param cause the underlying failure, or {@code null}
   */
  public InvalidInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
