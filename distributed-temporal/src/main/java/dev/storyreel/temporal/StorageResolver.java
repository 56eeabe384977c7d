package dev.storyreel.temporal;

import dev.storyreel.core.spi.Storage;

/**
 * Turns a job's storage location (as given to {@link TemporalJobRunner#submit}) into the {@link
 * Storage} of this JVM. Every worker and the client must resolve a location to the same files:
 * an S3 bucket and prefix in production, a shared folder in tests. Implementations are
 * thread-safe.
 */
@FunctionalInterface
public interface StorageResolver {
  /**
   * @param location the job's storage location; never {@code null}
   * @return its storage; never {@code null}
   * @throws dev.storyreel.core.InvalidInputException if the location cannot be used here
   */
  Storage resolve(String location);
}
