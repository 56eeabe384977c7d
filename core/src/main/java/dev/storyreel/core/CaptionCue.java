package dev.storyreel.core;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One caption shown on screen: a few words, from the first word's start to the moment the next
 * cue takes over. Times are relative to the start of the video.
 *
 * @param index position among the video's cues, from 0
 * @param start when the cue appears; never negative
 * @param end when the cue disappears; after {@code start}
 * @param words the words of the cue with their video-relative timings, at least one; copied
 */
public record CaptionCue(int index, Duration start, Duration end, List<WordTiming> words) {

  /**
   * @param index position among the video's cues, from 0
   * @param start when the cue appears; never negative
   * @param end when the cue disappears; after {@code start}
   * @param words the words of the cue with their video-relative timings, at least one; copied
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if the interval is empty or negative, or there is no word
   */
  public CaptionCue {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    words = List.copyOf(Objects.requireNonNull(words, "words"));
    if (index < 0) {
      throw new IllegalArgumentException("index must be >= 0, was " + index);
    }
    if (start.isNegative() || end.compareTo(start) <= 0) {
      throw new IllegalArgumentException("cue " + index + ": bad interval " + start + ".." + end);
    }
    if (words.isEmpty()) {
      throw new IllegalArgumentException("cue " + index + " has no words");
    }
  }

  /** @return the cue's words joined by single spaces */
  public String text() {
    StringBuilder sb = new StringBuilder();
    for (WordTiming w : words) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(w.word());
    }
    return sb.toString();
  }

  /**
   * The word being spoken at {@code t}: the last word whose start is at or before {@code t}.
   *
   * @param t a time relative to the start of the video
   * @return the index into {@link #words()}, or -1 if {@code t} is before the first word
   */
  public int activeWordAt(Duration t) {
    int active = -1;
    for (int i = 0; i < words.size(); i++) {
      if (words.get(i).start().compareTo(t) <= 0) {
        active = i;
      } else {
        break;
      }
    }
    return active;
  }
}
