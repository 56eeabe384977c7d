/**
 * OpenAI providers, also for OpenAI-compatible servers (Ollama, vLLM, LM Studio, LocalAI) through
 * {@link dev.storyreel.openai.OpenAiConfig}'s base URL: {@link dev.storyreel.openai.OpenAiPlanner}
 * (chat completions with structured output), {@link dev.storyreel.openai.OpenAiImageProvider}
 * (gpt-image-1, dall-e-3), {@link dev.storyreel.openai.OpenAiSpeechProvider} (tts-1, tts-1-hd,
 * gpt-4o-mini-tts), {@link dev.storyreel.openai.OpenAiAligner} (whisper-1 word timestamps) and
 * {@link dev.storyreel.openai.OpenAiModerator}. Each is registered as {@code openai} through
 * {@code META-INF/services/dev.storyreel.core.spi.ProviderFactory}.
 */
@NullMarked
package dev.storyreel.openai;

import org.jspecify.annotations.NullMarked;
