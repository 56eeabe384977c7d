package dev.storyreel.render.ffmpeg;

/**
 * How one segment's picture gives way to the next at a narration boundary.
 *
 * <p>Whatever the kind, the cut points stay where {@link dev.storyreel.core.timeline.Timeline}
 * puts them: frame {@code k} belongs to segment {@code segmentAtFrame(k)}; a transition only
 * blends the neighbouring segment's picture into the frames around the boundary.
 */
public enum Transition {
  /**
   * A linear crossfade (dissolve) centred on the boundary frame: over a window of {@link
   * FfmpegRenderer.Builder#transitionDuration(java.time.Duration) the transition's length}, half
   * before and half after the first frame of the next segment, the outgoing picture fades out
   * while the incoming one fades in; both keep their own Ken Burns motion. The default.
   */
  CROSSFADE,
  /** A hard cut: the picture switches exactly at the segment's first frame. */
  CUT;

  /**
   * Parses a transition name as written in settings and on the command line.
   *
   * @param value {@code crossfade} or {@code cut}, any case, surrounding blanks ignored
   * @return the transition
   * @throws IllegalArgumentException if {@code value} is null or another word; the message names it
   */
  public static Transition parse(String value) {
    String v = value == null ? "" : value.strip().toUpperCase(java.util.Locale.ROOT);
    for (Transition t : values()) {
      if (t.name().equals(v)) {
        return t;
      }
    }
    throw new IllegalArgumentException("transition must be crossfade or cut, was '" + value + "'");
  }
}
