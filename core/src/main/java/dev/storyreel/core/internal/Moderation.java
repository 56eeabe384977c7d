package dev.storyreel.core.internal;

import dev.storyreel.core.ContentRefusedException;
import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.Segment;
import dev.storyreel.core.Storyboard;
import dev.storyreel.core.spi.Moderator;
import java.util.ArrayList;
import java.util.List;

/**
 * The optional moderation stage: after planning and before any paid asset, every segment's
 * narration (together, the story) and image prompt is checked; the first flagged text fails the
 * job with a {@link ContentRefusedException} naming the segment, the text and the categories.
 */
final class Moderation {
  private Moderation() {}

  /**
   * @param moderator the moderator
   * @param board the planned storyboard
   * @return {@code null}
   * @throws ContentRefusedException if a text was flagged (its provider: the moderator's name)
   * @throws NonRetriableException if the moderator answered a wrong number of verdicts
   */
  static Void check(Moderator moderator, Storyboard board) {
    List<String> texts = new ArrayList<>();
    for (Segment s : board.segments()) {
      texts.add(s.narration());
      texts.add(s.imagePrompt());
    }
    List<List<String>> verdicts = moderator.moderate(texts);
    if (verdicts.size() != texts.size()) {
      throw new NonRetriableException("Moderation by " + moderator.name() + " returned "
          + verdicts.size() + " verdicts for " + texts.size() + " texts.");
    }
    for (int i = 0; i < verdicts.size(); i++) {
      if (!verdicts.get(i).isEmpty()) {
        int seg = i / 2;
        throw new ContentRefusedException("Moderation by " + moderator.name() + " ("
            + moderator.model() + ") flagged segment " + seg + "'s "
            + (i % 2 == 0 ? "narration" : "image prompt") + " for " + String.join(", ",
                verdicts.get(i)) + ". Nothing paid was made. Edit that part of the story (or the"
            + " style), or turn moderation off.", moderator.name(), 0);
      }
    }
    return null;
  }
}
