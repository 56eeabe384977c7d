/**
 * StoryReel jobs as Temporal workflows. {@link dev.storyreel.temporal.TemporalJobRunner} starts
 * a job (the workflow id is the job id) and hands back a {@link dev.storyreel.core.Job};
 * {@link dev.storyreel.temporal.StoryReelWorkers} runs the workflow and its activities (one per
 * task of the job's graph) on the {@link dev.storyreel.temporal.TaskQueues task queues} a host
 * chooses. Activities pass storage keys, never media: every worker reaches the job's storage
 * (S3 in production). See {@code docs/distributed.md}.
 */
@NullMarked
package dev.storyreel.temporal;

import org.jspecify.annotations.NullMarked;
