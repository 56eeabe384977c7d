/**
 * What providers implement: {@link dev.storyreel.core.spi.AssetProvider} and its kinds ({@link
 * dev.storyreel.core.spi.StoryPlanner}, {@link dev.storyreel.core.spi.ImageProvider}, {@link
 * dev.storyreel.core.spi.SpeechProvider}, {@link dev.storyreel.core.spi.Aligner}, {@link
 * dev.storyreel.core.spi.Moderator}), {@link dev.storyreel.core.spi.Storage} and {@link
 * dev.storyreel.core.spi.Renderer}, and the {@link dev.storyreel.core.spi.ProviderFactory} that
 * {@link java.util.ServiceLoader} finds.
 */
@NullMarked
package dev.storyreel.core.spi;

import org.jspecify.annotations.NullMarked;
