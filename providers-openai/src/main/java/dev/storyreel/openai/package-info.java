/**
 * OpenAI providers (planner, images, speech, transcription, moderation). This module is a skeleton: the providers arrive with the issue that adds them.
 */
package dev.storyreel.openai;
