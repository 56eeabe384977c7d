package dev.storyreel.core.spi;

import java.util.Objects;

/**
 * What a {@link SpeechProvider} is asked to say.
 *
 * @param segmentIndex the segment, from 0 (for messages)
 * @param text the narration, verbatim from the story; never blank
 * @param voice the voice name, or {@code null} for the provider's default
 * @param previousText the narration of the segment before, so that a provider which takes it
 *     (ElevenLabs' {@code previous_text}) carries the prosody across segments; {@code null} for
 *     the first segment, or when the provider does not {@linkplain
 *     SpeechProvider#usesNeighbourText() use it}
 * @param nextText the narration of the segment after; {@code null} for the last segment, or
 *     when the provider does not use it
 */
public record SpeechRequest(int segmentIndex, String text, String voice, String previousText,
    String nextText) {

  /**
   * @param segmentIndex the segment, from 0 (for messages)
   * @param text the narration, verbatim from the story; never blank
   * @param voice the voice name, or {@code null} for the provider's default
   * @param previousText the segment before's narration, or {@code null}
   * @param nextText the segment after's narration, or {@code null}
   * @throws IllegalArgumentException if the text is blank
   */
  public SpeechRequest {
    Objects.requireNonNull(text, "text");
    if (text.isBlank()) {
      throw new IllegalArgumentException("text is blank");
    }
    previousText = previousText == null || previousText.isBlank() ? null : previousText;
    nextText = nextText == null || nextText.isBlank() ? null : nextText;
  }

  /**
   * A request without the neighbouring segments' text.
   *
   * @param segmentIndex the segment, from 0 (for messages)
   * @param text the narration, verbatim from the story; never blank
   * @param voice the voice name, or {@code null} for the provider's default
   * @throws IllegalArgumentException if the text is blank
   */
  public SpeechRequest(int segmentIndex, String text, String voice) {
    this(segmentIndex, text, voice, null, null);
  }

  /**
   * The request a job sends for one segment of a storyboard: the segment's narration and, when
   * the provider {@link SpeechProvider#usesNeighbourText() uses them}, its neighbours' narrations
   * (so that the cache key is the same wherever the request is built).
   *
   * @param segments the storyboard's segments, in order; never {@code null}
   * @param at the position of the segment in {@code segments}, from 0
   * @param voice the voice name, or {@code null} for the provider's default
   * @param withNeighbours whether to fill {@link #previousText()} and {@link #nextText()}
   * @return the request; never {@code null}
   * @throws IndexOutOfBoundsException if {@code at} is not a position in {@code segments}
   */
  public static SpeechRequest forSegment(java.util.List<dev.storyreel.core.Segment> segments,
      int at, String voice, boolean withNeighbours) {
    dev.storyreel.core.Segment seg = segments.get(at);
    return new SpeechRequest(seg.index(), seg.narration(), voice,
        withNeighbours && at > 0 ? segments.get(at - 1).narration() : null,
        withNeighbours && at + 1 < segments.size() ? segments.get(at + 1).narration() : null);
  }
}
