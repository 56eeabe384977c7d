/** Wire types and the character-to-word timing of the ElevenLabs providers; not public API. */
package dev.storyreel.elevenlabs.internal;
