package dev.storyreel.core.distributed;

import dev.storyreel.core.TaskKind;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * One task of a job's production graph, as a scheduler elsewhere needs it: small, immutable and
 * made of plain values (it serialises to a few hundred bytes of JSON).
 *
 * @param id the task's id, unique in its job, for example {@code image-003} or {@code render}
 * @param kind what the task makes
 * @param segment the segment's index (from 0) for per-segment work, or -1
 * @param resource the resource class whose limit it counts against, for example {@code image}
 * @param dependencies ids of the tasks that must have succeeded before it starts, in
 *     declaration order; for {@code render} these include every {@code image-NNN} and {@code
 *     clip-NNN} (a render on another machine cannot stream pictures or clips still being made)
 * @param retried whether a retriable failure of this task is retried ({@code false} for the
 *     tasks the in-process graph never retries: layout, timeline, render, publish)
 */
public record TaskInfo(String id, TaskKind kind, int segment, String resource,
    List<String> dependencies, boolean retried) {

  /**
   * @param id see the record's description
   * @param kind see the record's description
   * @param segment see the record's description
   * @param resource see the record's description
   * @param dependencies see the record's description
   * @param retried see the record's description
   * @throws NullPointerException if {@code id}, {@code kind}, {@code resource} or {@code
   *     dependencies} is {@code null}
   * @throws IllegalArgumentException if {@code segment} is below -1
   */
  public TaskInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(resource, "resource");
    dependencies = List.copyOf(dependencies);
    if (segment < -1) {
      throw new IllegalArgumentException("segment must be -1 (none) or >= 0, was " + segment);
    }
  }

  /** @return the segment's index, or empty for a task of the whole job */
  public OptionalInt segmentIndex() {
    return segment < 0 ? OptionalInt.empty() : OptionalInt.of(segment);
  }
}
