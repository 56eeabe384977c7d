package dev.storyreel.core;

/**
 * StoryReel is set up in a way that cannot work: a provider named that is not on the classpath,
 * two providers with the same name, an encoder the FFmpeg build lacks. The message lists what
 * was found and which dependency to add.
 */
public class ConfigurationException extends NonRetriableException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what is misconfigured and how to fix it; never {@code null}
   */
  public ConfigurationException(String message) {
    super(message);
  }

  /**
   * @param message what is misconfigured and how to fix it; never {@code null}
   * @param cause the underlying failure, or {@code null}
   */
  public ConfigurationException(String message, Throwable cause) {
    super(message, cause);
  }
}
