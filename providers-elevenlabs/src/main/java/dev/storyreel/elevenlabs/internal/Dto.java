package dev.storyreel.elevenlabs.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * Wire types of the ElevenLabs API, named after the schemas of its OpenAPI document
 * ({@code elevenlabs-openapi.json}, August 2025): only the fields StoryReel sends or reads.
 * Records; Jackson maps them ({@code null} fields are left out when sent).
 */
public final class Dto {
  private Dto() {}

  /**
   * {@code VoiceSettingsResponseModel}, sent as {@code voice_settings}.
   *
   * @param stability 0..1, or {@code null} for the voice's stored value
   * @param similarityBoost 0..1, or {@code null}
   * @param style 0..1, or {@code null}
   * @param speed 0.7..1.2, or {@code null}
   * @param useSpeakerBoost or {@code null}
   */
  public record VoiceSettings(
      Double stability,
      @JsonProperty("similarity_boost") Double similarityBoost,
      Double style,
      Double speed,
      @JsonProperty("use_speaker_boost") Boolean useSpeakerBoost) {}

  /**
   * {@code Body_Text_to_speech_with_timestamps_v1_text_to_speech__voice_id__with_timestamps_post}.
   *
   * @param text what to say
   * @param modelId the model
   * @param voiceSettings the voice settings, or {@code null}
   * @param previousText the text before, or {@code null}
   * @param nextText the text after, or {@code null}
   */
  public record SpeechRequest(
      String text,
      @JsonProperty("model_id") String modelId,
      @JsonProperty("voice_settings") VoiceSettings voiceSettings,
      @JsonProperty("previous_text") String previousText,
      @JsonProperty("next_text") String nextText) {}

  /**
   * {@code CharacterAlignmentResponseModel}.
   *
   * @param characters the characters, in order
   * @param starts when each starts, in seconds
   * @param ends when each ends, in seconds
   */
  public record CharacterAlignment(
      List<String> characters,
      @JsonProperty("character_start_times_seconds") List<Double> starts,
      @JsonProperty("character_end_times_seconds") List<Double> ends) {}

  /**
   * {@code AudioWithTimestampsResponseModel}.
   *
   * @param audioBase64 the audio, Base64
   * @param alignment the timing of each character of the text as sent, or {@code null}
   * @param normalizedAlignment the timing of the normalised text, or {@code null}
   */
  public record SpeechResponse(
      @JsonProperty("audio_base64") String audioBase64,
      CharacterAlignment alignment,
      @JsonProperty("normalized_alignment") CharacterAlignment normalizedAlignment) {}

  /**
   * {@code VoiceResponseModel}, the fields read.
   *
   * @param voiceId the id
   * @param name the name
   * @param category premade, cloned, generated, professional...
   */
  public record Voice(@JsonProperty("voice_id") String voiceId, String name, String category) {}

  /**
   * {@code GetVoicesResponseModel}.
   *
   * @param voices the voices
   */
  public record Voices(List<Voice> voices) {}

  /**
   * {@code Body_Sound_Generation_v1_sound_generation_post}.
   *
   * @param text the effect's description
   * @param durationSeconds 0.5..30
   * @param promptInfluence 0..1
   */
  public record SoundRequest(
      String text,
      @JsonProperty("duration_seconds") Double durationSeconds,
      @JsonProperty("prompt_influence") Double promptInfluence) {}

  /**
   * {@code Body_Compose_music_v1_music_post}.
   *
   * @param prompt the prompt, at most 2,000 characters
   * @param musicLengthMs 10,000..300,000
   * @param modelId {@code music_v1}
   */
  public record MusicRequest(
      String prompt,
      @JsonProperty("music_length_ms") Integer musicLengthMs,
      @JsonProperty("model_id") String modelId) {}

  /**
   * {@code ForcedAlignmentCharacterResponseModel}.
   *
   * @param text the character
   * @param start seconds
   * @param end seconds
   */
  public record AlignedCharacter(String text, Double start, Double end) {}

  /**
   * {@code ForcedAlignmentResponseModel}, the fields read.
   *
   * @param characters every character of the text, timed
   */
  public record AlignmentResponse(List<AlignedCharacter> characters) {}
}
