package dev.storyreel.core.spi;

import dev.storyreel.core.Narration;
import java.util.Locale;

/**
 * Speaks a segment's narration.
 *
 * <p>A provider that knows when each word is spoken returns the timings in {@link
 * Narration#words()}, one entry per word of the text as {@link dev.storyreel.core.Words#split}
 * finds them, punctuation kept; one that does not returns an empty list and the job's {@link
 * Aligner} fills it. A job fails with a clear error if the count does not match.
 *
 * <p>When the calling thread is interrupted, an implementation stops and throws {@link
 * java.util.concurrent.CancellationException}, keeping the interrupt status.
 */
public non-sealed interface SpeechProvider extends AssetProvider {

  /**
   * @param request what to say; never {@code null}
   * @return the audio and, where known, the word timings; never {@code null}
   * @throws dev.storyreel.core.StoryReelException if speech cannot be made
   */
  Narration synthesize(SpeechRequest request);

  /**
   * The voices this provider can speak with, so a job can reject an unknown voice before any
   * work is done.
   *
   * @return the voice names; empty when the provider cannot list them (any name is then passed
   *     through and checked by the provider itself)
   */
  default java.util.List<String> voices() {
    return java.util.List.of();
  }

  /**
   * The language this provider's voices speak, for messages such as "the story has no word that
   * voice kevin16 (English) can speak".
   *
   * @return the language; {@link Locale#ROOT} (the default) when the provider speaks many
   *     languages or does not say; never {@code null}
   */
  default Locale language() {
    return Locale.ROOT;
  }

  /**
   * Whether this provider can say a written word aloud, so that a job can refuse, before any
   * work, a story of which it could say nothing (only emoji, or a script the voice does not
   * read). A story with some unspeakable words is accepted; only a story with none is refused.
   * Must be fast, pure and never throw: it is called for every word of the story.
   *
   * @param word one word as {@link dev.storyreel.core.Words#split} finds it, punctuation kept;
   *     never {@code null} or blank
   * @return {@code true} (the default) when the provider would speak at least part of it
   */
  default boolean canSpeak(String word) {
    return true;
  }

  /**
   * Whether this provider reads {@link SpeechRequest#previousText()} and {@link
   * SpeechRequest#nextText()} (the neighbouring segments' narration, for prosody across
   * segments). Only then does a job fill them, and only then are they part of the narration's
   * cache key, so that editing one segment does not make the others' speech again for providers
   * that ignore its neighbours.
   *
   * @return {@code false} by default
   */
  default boolean usesNeighbourText() {
    return false;
  }

  @Override
  default String resource() {
    return "speech";
  }
}
