package dev.storyreel.core;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The feeling a stretch of the story asks of its music: the planner gives one per story and may
 * give one per segment; a music provider makes a bed for it, and a change of mood between
 * segments crossfades the bed at their boundary.
 */
public enum Mood {
  /** Slow, low, unresolved: minor harmony, drones. */
  DREAD,
  /** Gentle and warm: major harmony, soft pads. */
  CALM,
  /** Restless: pulses, suspended chords. */
  TENSION,
  /** Open and bright: wide voicings, slow arpeggios. */
  WONDER,
  /** Slow and heavy: minor harmony, long notes. */
  SORROW;

  /** The mood used when neither the planner nor the caller names one. */
  public static final Mood DEFAULT = CALM;

  /** @return the lower-case name used in files, settings and manifests, for example {@code dread} */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * @param name a mood's name in any case, for example {@code "Dread"}
   * @return the mood
   * @throws InvalidInputException if no mood has that name; the message lists the known ones
   */
  public static Mood parse(String name) {
    String n = name == null ? "" : name.strip().toUpperCase(Locale.ROOT);
    for (Mood m : values()) {
      if (m.name().equals(n)) {
        return m;
      }
    }
    throw new InvalidInputException("Unknown mood '" + name + "'. Known moods: " + known() + ".");
  }

  /** @return the known moods' ids, comma-separated */
  public static String known() {
    return Arrays.stream(values()).map(Mood::id).collect(Collectors.joining(", "));
  }
}
