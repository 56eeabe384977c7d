/**
 * StoryReel's public API: the entry point {@link dev.storyreel.core.StoryReel}, the value types
 * of a job ({@link dev.storyreel.core.Story}, {@link dev.storyreel.core.Segment}, {@link
 * dev.storyreel.core.Storyboard}, {@link dev.storyreel.core.VideoFormat}, {@link
 * dev.storyreel.core.WordTiming}, {@link dev.storyreel.core.CaptionCue}, {@link
 * dev.storyreel.core.Narration}, {@link dev.storyreel.core.PcmAudio}, {@link
 * dev.storyreel.core.AssetRef}), its outputs ({@link dev.storyreel.core.JobResult}, {@link
 * dev.storyreel.core.Manifest}), progress events, the exception hierarchy rooted at {@link
 * dev.storyreel.core.StoryReelException}, and {@link dev.storyreel.core.LocalStorage}.
 *
 * <p>Unless a type says otherwise, parameters and return values are never {@code null}, value
 * types are immutable and thread-safe, and times are {@link java.time.Duration}s.
 */
@NullMarked
package dev.storyreel.core;

import org.jspecify.annotations.NullMarked;
