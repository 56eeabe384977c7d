package dev.storyreel.core.distributed;

import java.util.List;
import java.util.Objects;

/**
 * What one run of a task left in the job's storage: small (a reference and a few cache keys),
 * never the media themselves.
 *
 * @param reference a storage key of what it made (for example {@code assets/segment-002.png},
 *     or {@code manifest.json} for publish), or its cache entry's key, or the task's id for a
 *     task that stores nothing of its own
 * @param made the cache entries this run made (its misses), with what they spent; empty when
 *     everything came from the cache
 */
public record TaskOutput(String reference, List<MadeAsset> made) {
  /**
   * @param reference see the record's description
   * @param made see the record's description
   * @throws NullPointerException if an argument is {@code null}
   */
  public TaskOutput {
    Objects.requireNonNull(reference, "reference");
    made = List.copyOf(made);
  }
}
