/**
 * The offline providers: no network, no API key, no native code. {@link
 * dev.storyreel.offline.RuleBasedPlanner} ({@code rules}), {@link
 * dev.storyreel.offline.ProceduralImageProvider} ({@code procedural} images), {@link
 * dev.storyreel.offline.FreeTtsSpeechProvider} ({@code freetts}) and {@link
 * dev.storyreel.offline.ProceduralMusicProvider} ({@code procedural} music), each registered by
 * its factory in this module's {@code META-INF/services} with priority 1, so that any available
 * paid provider wins when no name is given. Add the module {@code
 * dev.storyreel:storyreel-providers-offline} and {@link dev.storyreel.core.StoryReel#builder()}
 * finds them with no further code.
 */
@NullMarked
package dev.storyreel.offline;

import org.jspecify.annotations.NullMarked;
