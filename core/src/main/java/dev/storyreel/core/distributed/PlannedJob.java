package dev.storyreel.core.distributed;

import java.util.List;

/**
 * A planned job: its production tasks and what planning made.
 *
 * @param tasks the tasks, each after its dependencies, {@link JobTasks#PUBLISH} last
 * @param made the storyboard's cache entry when this run planned it, else empty
 */
public record PlannedJob(List<TaskInfo> tasks, List<MadeAsset> made) {
  /**
   * @param tasks see the record's description
   * @param made see the record's description
   * @throws NullPointerException if an argument is {@code null}
   */
  public PlannedJob {
    tasks = List.copyOf(tasks);
    made = List.copyOf(made);
  }
}
