package dev.storyreel.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Which segments get a moving clip from the {@linkplain StoryReel.Builder#clipProvider clip
 * provider}, besides those a plan marks ({@link Plan.Shot#clip()}): none, all, or some by index.
 * Indexes count from 0, as the CLI's other segment numbers do ({@code image-003} is segment 3).
 * The other segments keep their stills with Ken Burns.
 *
 * <p>{@code ClipSelection.parse("1,4,7")}, {@code ClipSelection.all()}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param everySegment whether every segment gets a clip
 * @param indexes the segments that do when not {@code everySegment}; copied, sorted; empty
 *     with it
 */
public record ClipSelection(boolean everySegment, SortedSet<Integer> indexes) {
  private static final ClipSelection NONE = new ClipSelection(false, new TreeSet<>());
  private static final ClipSelection ALL = new ClipSelection(true, new TreeSet<>());

  /**
   * @param everySegment whether every segment gets a clip
   * @param indexes the segments, from 0; copied
   * @throws NullPointerException if {@code indexes} or one of them is {@code null}
   * @throws IllegalArgumentException if an index is negative, or indexes are given with {@code
   *     everySegment}
   */
  public ClipSelection {
    Objects.requireNonNull(indexes, "indexes");
    TreeSet<Integer> copy = new TreeSet<>();
    for (Integer i : indexes) {
      Objects.requireNonNull(i, "index");
      if (i < 0) {
        throw new IllegalArgumentException("clip segment indexes count from 0; was " + i);
      }
      copy.add(i);
    }
    if (everySegment && !copy.isEmpty()) {
      throw new IllegalArgumentException("give either all segments or some indexes, not both");
    }
    indexes = java.util.Collections.unmodifiableSortedSet(copy);
  }

  /** @return no segment (the default): only a plan's {@code clip} shots get clips */
  public static ClipSelection none() {
    return NONE;
  }

  /** @return every segment */
  public static ClipSelection all() {
    return ALL;
  }

  /**
   * @param indexes segments, from 0
   * @return those segments
   * @throws IllegalArgumentException if an index is negative
   */
  public static ClipSelection of(Set<Integer> indexes) {
    return new ClipSelection(false, new TreeSet<>(indexes));
  }

  /**
   * Reads the CLI's form: {@code all}, {@code none}, or indexes from 0 separated by commas
   * ({@code 1,4,7}; spaces allowed).
   *
   * @param text the text
   * @return the selection
   * @throws InvalidInputException naming the bad part and the accepted forms
   */
  public static ClipSelection parse(String text) {
    Objects.requireNonNull(text, "text");
    String t = text.strip().toLowerCase(Locale.ROOT);
    if (t.equals("all")) {
      return ALL;
    }
    if (t.equals("none") || t.isEmpty()) {
      return NONE;
    }
    TreeSet<Integer> out = new TreeSet<>();
    for (String part : t.split(",")) {
      String p = part.strip();
      try {
        int i = Integer.parseInt(p);
        if (i < 0) {
          throw new NumberFormatException();
        }
        out.add(i);
      } catch (NumberFormatException e) {
        throw new InvalidInputException("--clips: '" + p + "' is not a segment index. Give"
            + " 'all', 'none', or segment indexes from 0 separated by commas, for example"
            + " --clips 1,4,7.");
      }
    }
    return new ClipSelection(false, out);
  }

  /**
   * The segments of a storyboard that get clips: this selection's, plus those {@code fromPlan}
   * names.
   *
   * @param segmentCount how many segments the storyboard has, {@code >= 1}
   * @param fromPlan the plan's {@code clip} shots, from 0; never {@code null}
   * @return the segment indexes, sorted; unmodifiable
   * @throws InvalidInputException if an index of this selection is not a segment, naming the
   *     indexes and the valid range; thrown before anything is paid for
   */
  public SortedSet<Integer> resolve(int segmentCount, Set<Integer> fromPlan) {
    Objects.requireNonNull(fromPlan, "fromPlan");
    TreeSet<Integer> out = new TreeSet<>(fromPlan);
    if (everySegment) {
      for (int i = 0; i < segmentCount; i++) {
        out.add(i);
      }
      return java.util.Collections.unmodifiableSortedSet(out);
    }
    List<Integer> bad = new ArrayList<>();
    for (int i : indexes) {
      if (i >= segmentCount) {
        bad.add(i);
      }
      out.add(i);
    }
    if (!bad.isEmpty()) {
      throw new InvalidInputException("Clips were asked for segment" + (bad.size() == 1 ? " "
          : "s ") + bad + ", but the storyboard has " + segmentCount + " segment"
          + (segmentCount == 1 ? "" : "s") + " (indexes 0.." + (segmentCount - 1) + "). Nothing"
          + " was paid for. Give indexes from 0 (--clips 0,2) or --clips all.");
    }
    return java.util.Collections.unmodifiableSortedSet(out);
  }

  /** @return {@code all}, {@code none} or the indexes, as {@link #parse} reads them */
  @Override
  public String toString() {
    if (everySegment) {
      return "all";
    }
    if (indexes.isEmpty()) {
      return "none";
    }
    StringBuilder s = new StringBuilder();
    for (int i : indexes) {
      s.append(s.length() == 0 ? "" : ",").append(i);
    }
    return s.toString();
  }
}
