/**
 * Implementation details: the task-graph executor, the pipeline, and the offline providers
 * (rule-based planner, procedural images, FreeTTS speech, proportional aligner) with their
 * factories. Not an API: anything here may change without notice; use the providers through
 * {@link dev.storyreel.core.StoryReel.Builder} or {@link dev.storyreel.core.Providers} by name
 * ({@code rules}, {@code procedural}, {@code freetts}, {@code local}).
 */
package dev.storyreel.core.internal;
