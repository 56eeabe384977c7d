package dev.storyreel.core;

/**
 * The stages a job goes through, in order; it ends in exactly one of {@link #COMPLETED}, {@link
 * #FAILED} or {@link #CANCELLED}.
 */
public enum JobState {
  /** Splitting the story into segments and writing image prompts. */
  PLANNING,
  /**
   * Planned and waiting for the host to {@linkplain Job#approve() approve} or {@linkplain
   * Job#reject() reject} the {@linkplain Job#plan() plan}; only jobs submitted with {@link
   * StoryReel.Builder#requireApproval(boolean)} on enter it. Nothing beyond planning has been
   * spent.
   */
  AWAITING_APPROVAL,
  /** Making each segment's image, narration and word timings. */
  GENERATING_ASSETS,
  /** Composing frames and encoding the video. */
  RENDERING,
  /** Writing the video, captions, thumbnail and manifest to storage. */
  PUBLISHING,
  /** All outputs are stored. */
  COMPLETED,
  /** A task failed for good; no final output was written under a final name. */
  FAILED,
  /** The caller cancelled the job. */
  CANCELLED;

  /** @return whether this is a final state */
  public boolean isTerminal() {
    return this == COMPLETED || this == FAILED || this == CANCELLED;
  }
}
