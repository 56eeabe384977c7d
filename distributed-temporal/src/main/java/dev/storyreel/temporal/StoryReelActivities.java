package dev.storyreel.temporal;

import dev.storyreel.core.distributed.MadeAsset;
import dev.storyreel.core.distributed.PlannedJob;
import dev.storyreel.core.distributed.TaskInfo;
import dev.storyreel.core.distributed.TaskOutput;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/** The activities of {@link StoryReelWorkflow}; implemented by {@link StoryReelWorkers}. */
@ActivityInterface
public interface StoryReelActivities {

  /**
   * Plans the job (storyboard, moderation, budget) and lists its tasks.
   *
   * @param spec the job
   * @return its tasks, each after its dependencies, {@code publish} last, and what planning made
   */
  @ActivityMethod(name = "StoryReelPlan")
  PlannedJob plan(JobSpec spec);

  /**
   * Runs one task of the job; its dependencies have succeeded (on any worker).
   *
   * @param spec the job
   * @param task the task
   * @return a storage or cache key of what it made, and the cache entries it made
   */
  @ActivityMethod(name = "StoryReelTask")
  TaskOutput run(JobSpec spec, TaskInfo task);

  /**
   * Publishes the job once every other task has succeeded: the final outputs and the manifest.
   *
   * @param spec the job
   * @param task the publish task
   * @param made what the job's other tasks made (for the manifest's cache use and usage)
   * @return the manifest's storage key
   */
  @ActivityMethod(name = "StoryReelPublish")
  TaskOutput publish(JobSpec spec, TaskInfo task, List<MadeAsset> made);
}
