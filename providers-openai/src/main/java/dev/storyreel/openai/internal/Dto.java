package dev.storyreel.openai.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * Wire types of the OpenAI API, as in its OpenAPI document ({@code openai-openapi.yaml}): only
 * the fields StoryReel sends or reads. Records; Jackson maps them.
 */
public final class Dto {
  private Dto() {}

  /** {@code ChatCompletionRequestMessage} (system / user / assistant, text content). */
  public record Message(String role, String content) {}

  /** {@code CreateChatCompletionRequest}. */
  public record ChatRequest(
      String model,
      List<Message> messages,
      @JsonProperty("response_format") ResponseFormat responseFormat,
      Double temperature) {}

  /** {@code ResponseFormatJsonSchema}. */
  public record ResponseFormat(String type, @JsonProperty("json_schema") JsonSchema jsonSchema) {}

  /** {@code ResponseFormatJsonSchema.json_schema}. */
  public record JsonSchema(String name, String description, JsonNode schema, Boolean strict) {}

  /** {@code CreateChatCompletionResponse}. */
  public record ChatResponse(String id, String model, List<Choice> choices, ChatUsage usage) {}

  /** A choice of a chat completion. */
  public record Choice(
      int index, ChoiceMessage message, @JsonProperty("finish_reason") String finishReason) {}

  /** {@code ChatCompletionResponseMessage}. */
  public record ChoiceMessage(String role, String content, String refusal) {}

  /** {@code CompletionUsage}. */
  public record ChatUsage(
      @JsonProperty("prompt_tokens") long promptTokens,
      @JsonProperty("completion_tokens") long completionTokens) {}

  /** {@code CreateImageRequest}. */
  public record ImageRequest(
      String model,
      String prompt,
      Integer n,
      String size,
      String quality,
      @JsonProperty("response_format") String responseFormat,
      @JsonProperty("output_format") String outputFormat) {}

  /** {@code ImagesResponse}. */
  public record ImagesResponse(Long created, List<ImageData> data, ImageUsage usage) {}

  /** {@code Image}. */
  public record ImageData(
      @JsonProperty("b64_json") String b64Json,
      String url,
      @JsonProperty("revised_prompt") String revisedPrompt) {}

  /** {@code ImagesResponse.usage} (GPT image models). */
  public record ImageUsage(
      @JsonProperty("input_tokens") long inputTokens,
      @JsonProperty("output_tokens") long outputTokens) {}

  /** {@code CreateSpeechRequest}. */
  public record SpeechRequest(
      String model,
      String input,
      String voice,
      String instructions,
      @JsonProperty("response_format") String responseFormat) {}

  /** {@code CreateTranscriptionResponseVerboseJson}. */
  public record VerboseTranscription(
      String language, Double duration, String text, List<TranscriptionWord> words) {}

  /** {@code TranscriptionWord}: times in seconds. */
  public record TranscriptionWord(String word, double start, double end) {}

  /** {@code CreateModerationRequest}. */
  public record ModerationRequest(String model, List<String> input) {}

  /** {@code CreateModerationResponse}. */
  public record ModerationResponse(String id, String model, List<ModerationResult> results) {}

  /** One result of a moderation. */
  public record ModerationResult(boolean flagged, Map<String, Boolean> categories) {}
}
