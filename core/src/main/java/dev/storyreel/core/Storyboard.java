package dev.storyreel.core;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The plan of a video: its segments in order and the visual style shared by every picture.
 *
 * @param segments at least one, indexed 0..n-1 in order; copied
 * @param visualStyle the story-wide style phrase appended to every image prompt (for example
 *     "cinematic, moody, soft light"); never {@code null}, may be empty
 * @param usage what planning consumed as the vendor reported it (tokens), or {@link Usage#NONE}
 * @param mood the story's mood, for its music, or {@code null} when the planner gave none (the
 *     job's own mood, or {@link Mood#DEFAULT}, is used)
 */
public record Storyboard(List<Segment> segments, String visualStyle, Usage usage, @Nullable Mood mood) {

  /**
   * A storyboard without a mood of its own.
   *
   * @param segments the segments
   * @param visualStyle the style
   * @param usage what planning consumed, or {@link Usage#NONE}
   */
  public Storyboard(List<Segment> segments, String visualStyle, Usage usage) {
    this(segments, visualStyle, usage, null);
  }

  /**
   * A storyboard whose planner reports no usage.
   *
   * @param segments the segments
   * @param visualStyle the style
   */
  public Storyboard(List<Segment> segments, String visualStyle) {
    this(segments, visualStyle, Usage.NONE, null);
  }

  /**
   * @param m the mood the job falls back to when the planner gave none; never {@code null}
   * @return the mood of segment {@code i}: its own, else the storyboard's, else {@code m}
   */
  public Mood moodOf(int i, Mood m) {
    Mood own = segments.get(i).mood();
    return own != null ? own : mood != null ? mood : m;
  }

  /**
   * @param segments the segments
   * @param visualStyle the style
   * @param usage what planning consumed as the vendor reported it (tokens), or {@link Usage#NONE}
   * @param mood the story's mood, or {@code null}
   * @throws NullPointerException if an argument or a segment is {@code null}
   * @throws IllegalArgumentException if there is no segment or indexes are not 0..n-1 in order
   */
  public Storyboard {
    segments = List.copyOf(Objects.requireNonNull(segments, "segments"));
    Objects.requireNonNull(visualStyle, "visualStyle");
    usage = usage == null ? Usage.NONE : usage;
    if (segments.isEmpty()) {
      throw new IllegalArgumentException("a storyboard needs at least one segment");
    }
    for (int i = 0; i < segments.size(); i++) {
      if (segments.get(i).index() != i) {
        throw new IllegalArgumentException(
            "segment at position " + i + " has index " + segments.get(i).index()
                + "; indexes must be 0..n-1 in order");
      }
    }
  }
}
