/**
 * Replicate providers, each registered as {@code replicate}: {@link
 * dev.storyreel.replicate.ReplicateImageProvider} (Flux and any image model), {@link
 * dev.storyreel.replicate.ReplicateMusicProvider} (MusicGen) and {@link
 * dev.storyreel.replicate.ReplicateClipProvider} (Wan 2.2 and any image-to-video model).
 */
@NullMarked
package dev.storyreel.replicate;

import org.jspecify.annotations.NullMarked;
