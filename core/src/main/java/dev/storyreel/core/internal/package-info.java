/**
 * Implementation details: the task-graph executor, the pipeline, the asset cache, local storage's
 * factory and the proportional aligner. Not an API: anything here may change without notice; use
 * the providers through {@link dev.storyreel.core.StoryReel.Builder} or {@link
 * dev.storyreel.core.Providers} by name ({@code local}, {@code estimate}). The offline
 * planner, images, speech and music ({@code rules}, {@code procedural}, {@code freetts}) live in
 * the module {@code dev.storyreel:storyreel-providers-offline}.
 */
package dev.storyreel.core.internal;
