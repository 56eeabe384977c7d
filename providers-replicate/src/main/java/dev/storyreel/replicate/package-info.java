/**
 * Replicate providers: {@link dev.storyreel.replicate.ReplicateImageProvider} (Flux and any image
 * model), registered as {@code replicate}.
 */
package dev.storyreel.replicate;
