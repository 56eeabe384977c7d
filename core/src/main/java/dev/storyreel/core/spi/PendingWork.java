package dev.storyreel.core.spi;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A durable note of paid work that a provider has started for one asset and not yet delivered,
 * such as a Replicate prediction: the provider records the vendor's id the moment the vendor
 * accepts (and bills) the work, and a later attempt, or a rerun after a crash, finds the id here
 * and resumes that work instead of paying for it again.
 *
 * <p>The pipeline gives each asset its own note, kept in the job's asset cache under the asset's
 * cache key ({@code cache/pending/<hh>/<key>.json}); it is cleared once the asset is stored. A
 * provider that has nothing to resume ignores it.
 *
 * <p>Contract for providers: call {@link #record} right after the vendor answered with an id and
 * before anything else can fail; on a later call, look at {@link #recorded()} first and resume the
 * recorded work while the vendor still holds it; call {@link #clear()} when the recorded work is
 * gone for good (the vendor no longer knows the id, or it failed), so that the next attempt
 * starts afresh. Implementations are thread-safe; each instance belongs to one asset.
 */
public interface PendingWork {

  /**
   * @return the id recorded by an earlier attempt or an earlier run for this asset, if any
   * @throws dev.storyreel.core.StoryReelException if the note cannot be read
   */
  Optional<String> recorded();

  /**
   * Records the id durably; returns only once it is stored.
   *
   * @param id the vendor's id of the paid work, for example a prediction id; never blank
   * @throws IllegalArgumentException if {@code id} is blank
   * @throws dev.storyreel.core.StoryReelException if the note cannot be stored
   */
  void record(String id);

  /**
   * Forgets the recorded id, if any.
   *
   * @throws dev.storyreel.core.StoryReelException if the note cannot be removed
   */
  void clear();

  /**
   * A note kept in memory only: attempts in this process resume each other's work, a new
   * process does not. For providers called outside a pipeline (tests, direct use).
   *
   * @return a new, empty in-memory note
   */
  static PendingWork inMemory() {
    AtomicReference<String> id = new AtomicReference<>();
    return new PendingWork() {
      @Override
      public Optional<String> recorded() {
        return Optional.ofNullable(id.get());
      }

      @Override
      public void record(String value) {
        Objects.requireNonNull(value, "id");
        if (value.isBlank()) {
          throw new IllegalArgumentException("id is blank");
        }
        id.set(value);
      }

      @Override
      public void clear() {
        id.set(null);
      }

      @Override
      public String toString() {
        return "PendingWork.inMemory[" + id.get() + "]";
      }
    };
  }
}
