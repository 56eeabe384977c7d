package dev.storyreel.temporal;

import dev.storyreel.core.distributed.TaskInfo;
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
   * @return its tasks, each after its dependencies, {@code publish} last
   */
  @ActivityMethod(name = "StoryReelPlan")
  List<TaskInfo> plan(JobSpec spec);

  /**
   * Runs one task of the job; its dependencies have succeeded (on any worker).
   *
   * @param spec the job
   * @param task the task
   * @return a storage or cache key of what it made
   */
  @ActivityMethod(name = "StoryReelTask")
  String run(JobSpec spec, TaskInfo task);
}
