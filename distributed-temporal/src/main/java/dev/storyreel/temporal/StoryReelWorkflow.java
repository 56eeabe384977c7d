package dev.storyreel.temporal;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;

/**
 * One StoryReel job as a Temporal workflow: plans on the planning queue, then runs every task of
 * the job's graph as an activity once its dependencies have succeeded, each on its kind's queue
 * ({@link TaskQueues}), {@code publish} last.
 */
@WorkflowInterface
public interface StoryReelWorkflow {

  /**
   * Runs the job.
   *
   * @param spec the job
   * @return the storage key of the manifest ({@code manifest.json})
   */
  @WorkflowMethod
  String run(JobSpec spec);

  /**
   * @param from the index of the first event wanted, from 0
   * @return the task events recorded so far from {@code from} on, in order
   */
  @QueryMethod
  List<TaskEvent> events(int from);
}
