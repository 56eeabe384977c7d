package dev.storyreel.core;

import java.util.List;
import java.util.Objects;

/**
 * The plan of a video: its segments in order and the visual style shared by every picture.
 *
 * @param segments at least one, indexed 0..n-1 in order; copied
 * @param visualStyle the story-wide style phrase appended to every image prompt (for example
 *     "cinematic, moody, soft light"); never {@code null}, may be empty
 * @param usage what planning consumed as the vendor reported it (tokens), or {@link Usage#NONE}
 */
public record Storyboard(List<Segment> segments, String visualStyle, Usage usage) {

  /**
   * A storyboard whose planner reports no usage.
   *
   * @param segments the segments
   * @param visualStyle the style
   */
  public Storyboard(List<Segment> segments, String visualStyle) {
    this(segments, visualStyle, Usage.NONE);
  }

  /**
   * @param segments the segments
   * @param visualStyle the style
   * @param usage what planning consumed as the vendor reported it (tokens), or {@link Usage#NONE}
   * @throws NullPointerException if an argument or a segment is {@code null}
   * @throws IllegalArgumentException if there is no segment or indexes are not 0..n-1 in order
   */
  public Storyboard {
    segments = List.copyOf(Objects.requireNonNull(segments, "segments"));
    Objects.requireNonNull(visualStyle, "visualStyle");
    Objects.requireNonNull(usage, "usage");
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
