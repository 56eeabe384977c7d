package dev.storyreel.core.spi;

import java.util.Objects;

/**
 * What a {@link SpeechProvider} is asked to say.
 *
 * @param segmentIndex the segment, from 0 (for messages)
 * @param text the narration, verbatim from the story; never blank
 * @param voice the voice name, or {@code null} for the provider's default
 */
public record SpeechRequest(int segmentIndex, String text, String voice) {

  /**
   * @param segmentIndex the segment, from 0 (for messages)
   * @param text the narration, verbatim from the story; never blank
   * @param voice the voice name, or {@code null} for the provider's default
   * @throws IllegalArgumentException if the text is blank
   */
  public SpeechRequest {
    Objects.requireNonNull(text, "text");
    if (text.isBlank()) {
      throw new IllegalArgumentException("text is blank");
    }
  }
}
