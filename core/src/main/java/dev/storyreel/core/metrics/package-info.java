/**
 * Metrics of StoryReel's jobs through Micrometer, an optional dependency: add {@code
 * io.micrometer:micrometer-core} to use {@link dev.storyreel.core.metrics.StoryReelMetrics}.
 */
@NullMarked
package dev.storyreel.core.metrics;

import org.jspecify.annotations.NullMarked;
