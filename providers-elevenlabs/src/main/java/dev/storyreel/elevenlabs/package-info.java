/**
 * ElevenLabs providers: speech with character timestamps ({@link
 * dev.storyreel.elevenlabs.ElevenLabsSpeechProvider}, whose captions need no aligner), sound
 * effects ({@link dev.storyreel.elevenlabs.ElevenLabsSoundEffectProvider}), music beds ({@link
 * dev.storyreel.elevenlabs.ElevenLabsMusicProvider}) and forced alignment for speech from any
 * provider ({@link dev.storyreel.elevenlabs.ElevenLabsAligner}), all registered as {@code
 * elevenlabs} and configured by {@link dev.storyreel.elevenlabs.ElevenLabsConfig}. The key comes
 * from {@code ELEVENLABS_API_KEY} or the builder and is sent as {@code xi-api-key}; every
 * provider is paid, so it is used only when named.
 */
package dev.storyreel.elevenlabs;
