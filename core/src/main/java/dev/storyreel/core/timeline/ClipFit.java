package dev.storyreel.core.timeline;

import java.time.Duration;
import java.util.Objects;

/**
 * How a moving clip is fitted to its segment, whose length is its narration's: the cut stays on
 * the narration boundary, to the frame, whatever the clip's own length.
 *
 * <p>{@link #resolve(Duration, Duration)} picks the default: a clip at least as long as its
 * segment is trimmed; one shorter by at most {@link #MAX_SLOWDOWN} is slowed to fit; a shorter one
 * plays forward and backward (ping-pong).
 */
public enum ClipFit {
  /** Play from the start and cut at the segment's end (the clip is at least as long). */
  TRIM,
  /**
   * Slow the clip down so that it lasts the segment, by blending neighbouring source frames; at
   * most {@link #MAX_SLOWDOWN} times slower. Longer clips are trimmed as {@link #TRIM} does.
   */
  SLOW,
  /** Play forward, then backward, then forward again, until the segment ends. */
  PING_PONG,
  /** Play once, then hold the last frame with a slow push-in (Ken Burns) until the segment ends. */
  HOLD;

  /** The most a clip is slowed down by {@link #SLOW}: 1.5 times its own length. */
  public static final double MAX_SLOWDOWN = 1.5;

  /**
   * The default policy for a clip of a length in a segment of a length.
   *
   * @param clip the clip's duration; positive
   * @param segment the segment's duration; positive
   * @return {@link #TRIM} when {@code clip >= segment}, {@link #SLOW} when {@code segment <= clip
   *     * MAX_SLOWDOWN}, else {@link #PING_PONG}; never {@code null}
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if a duration is not positive
   */
  public static ClipFit resolve(Duration clip, Duration segment) {
    Objects.requireNonNull(clip, "clip");
    Objects.requireNonNull(segment, "segment");
    if (clip.isNegative() || clip.isZero() || segment.isNegative() || segment.isZero()) {
      throw new IllegalArgumentException("durations must be positive: clip " + clip
          + ", segment " + segment);
    }
    if (clip.compareTo(segment) >= 0) {
      return TRIM;
    }
    if (segment.toNanos() <= clip.toNanos() * MAX_SLOWDOWN) {
      return SLOW;
    }
    return PING_PONG;
  }

  /**
   * Parses a policy name as the CLI and JSON write it: {@code trim}, {@code slow}, {@code
   * ping-pong} (or {@code pingpong}), {@code hold}; case-insensitive.
   *
   * @param name the name
   * @return the policy
   * @throws IllegalArgumentException naming the accepted values if {@code name} is none of them
   */
  public static ClipFit parse(String name) {
    String n = Objects.requireNonNull(name, "name").trim().toLowerCase(java.util.Locale.ROOT)
        .replace("_", "-");
    return switch (n) {
      case "trim" -> TRIM;
      case "slow" -> SLOW;
      case "ping-pong", "pingpong" -> PING_PONG;
      case "hold" -> HOLD;
      default -> throw new IllegalArgumentException("unknown clip fit '" + name
          + "': use trim, slow, ping-pong or hold");
    };
  }

  /** @return the name {@link #parse} reads: {@code trim}, {@code slow}, {@code ping-pong}, {@code hold} */
  public String id() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
