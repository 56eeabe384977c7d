package dev.storyreel.core;

/**
 * What a task of a job makes, carried by every task event so that a listener can tell an image
 * from a narration without reading the task's id.
 */
public enum TaskKind {
  /** Planning the storyboard (one per job). */
  STORYBOARD,
  /** Checking the narrations and image prompts before anything paid is made (one per job). */
  MODERATION,
  /** One segment's picture. */
  IMAGE,
  /** One segment's moving clip, from an image-to-video model. */
  CLIP,
  /** One segment's narration, as the speech provider returns it. */
  SPEECH,
  /**
   * One segment's word timings: from the aligner when the speech provider gave none, else the
   * provider's own, checked (a task of its own, after the segment's {@link #SPEECH}).
   */
  TIMINGS,
  /** One music bed. */
  MUSIC,
  /** One sound effect at a word. */
  EFFECT,
  /** Laying the segments out in time, or assembling the timeline with its soundtrack. */
  TIMELINE,
  /** Rendering the video and its thumbnail (one per job). */
  RENDER,
  /** Publishing the outputs under their names (one per job). */
  PUBLISH,
  /** A task of a graph built without a kind, for example in tests. */
  OTHER
}
