/**
 * The video as a timeline: tracks of clips (images, narration, music, effects, captions) placed
 * in time, that a person can read, save, edit and render again.
 */
@NullMarked
package dev.storyreel.core.timeline;

import org.jspecify.annotations.NullMarked;
