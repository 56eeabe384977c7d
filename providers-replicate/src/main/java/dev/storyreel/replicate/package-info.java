/**
 * Replicate providers: {@link dev.storyreel.replicate.ReplicateImageProvider} (Flux and any image
 * model), registered as {@code replicate}.
 */
@NullMarked
package dev.storyreel.replicate;

import org.jspecify.annotations.NullMarked;
