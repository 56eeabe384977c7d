package dev.storyreel.core.internal;

import dev.storyreel.core.Segment;
import dev.storyreel.core.Story;
import dev.storyreel.core.Storyboard;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.spi.StoryPlanner;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A planner that keeps at most {@code maxCuesPerSegment} of each segment's sound cues (the
 * first ones): how a {@linkplain dev.storyreel.core.Preset#effectDensity() preset's effect
 * density} is applied to any planner. Name, model and resource are the wrapped planner's, so the
 * manifest names the real planner; the fingerprint adds the limit, so a storyboard cached
 * without it is not reused. Thread-safe as the wrapped planner is.
 */
public final class CueLimitPlanner implements StoryPlanner {
  private final StoryPlanner planner;
  private final int maxCuesPerSegment;

  /**
   * @param planner the planner to wrap
   * @param maxCuesPerSegment the most cues kept per segment, 0..100
   * @throws IllegalArgumentException if out of range
   */
  public CueLimitPlanner(StoryPlanner planner, int maxCuesPerSegment) {
    this.planner = Objects.requireNonNull(planner, "planner");
    if (maxCuesPerSegment < 0 || maxCuesPerSegment > 100) {
      throw new IllegalArgumentException("maxCuesPerSegment must be 0..100, was "
          + maxCuesPerSegment);
    }
    this.maxCuesPerSegment = maxCuesPerSegment;
  }

  @Override
  public Storyboard plan(Story story, VideoFormat format, String visualStyle) {
    Storyboard b = planner.plan(story, format, visualStyle);
    List<Segment> out = new ArrayList<>();
    for (Segment s : b.segments()) {
      out.add(s.soundCues().size() <= maxCuesPerSegment ? s
          : new Segment(s.index(), s.narration(), s.imagePrompt(), s.mood(),
              s.soundCues().subList(0, maxCuesPerSegment)));
    }
    return new Storyboard(out, b.visualStyle(), b.usage(), b.mood());
  }

  @Override
  public String name() {
    return planner.name();
  }

  @Override
  public String model() {
    return planner.model();
  }

  @Override
  public int maxConcurrency() {
    return planner.maxConcurrency();
  }

  @Override
  public String resource() {
    return planner.resource();
  }

  @Override
  public String fingerprint() {
    return planner.fingerprint() + "/cues<=" + maxCuesPerSegment;
  }

  /** @return the wrapped planner */
  public StoryPlanner delegate() {
    return planner;
  }

  @Override
  public String toString() {
    return planner + " (at most " + maxCuesPerSegment + " sound cues a segment)";
  }
}
