package dev.storyreel.core.distributed;

import dev.storyreel.core.Usage;
import java.util.Objects;

/**
 * A cache entry that a task made (a cache miss: a provider was called, or a render ran), and
 * what making it spent. The scheduler collects them from every task and hands them to {@link
 * JobTasks#publish}, so that the manifest reports those assets as made by this job, with their
 * usage, as the in-process run's does, although publishing reads them from the cache.
 *
 * @param cacheKey the entry's cache key (a SHA-256 in hex)
 * @param usage what making it spent; {@link Usage#NONE} for free work
 */
public record MadeAsset(String cacheKey, Usage usage) {
  /**
   * @param cacheKey see the record's description
   * @param usage see the record's description
   * @throws NullPointerException if an argument is {@code null}
   */
  public MadeAsset {
    Objects.requireNonNull(cacheKey, "cacheKey");
    Objects.requireNonNull(usage, "usage");
  }
}
