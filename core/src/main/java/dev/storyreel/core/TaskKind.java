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
  /** One segment's narration (and, when the speech provider gives none, its word timings). */
  SPEECH,
  /** One segment's word timings from the aligner (cache hits only; made inside a SPEECH task). */
  TIMINGS,
  /** One music bed. */
  MUSIC,
  /** One sound effect at a word. */
  EFFECT,
  /** Rendering the video and its thumbnail (one per job). */
  RENDER,
  /** A task of a graph built without a kind, for example in tests. */
  OTHER
}
