package dev.storyreel.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.Story;
import dev.storyreel.core.Usage;
import dev.storyreel.core.Words;
import dev.storyreel.core.http.HttpTransport;
import dev.storyreel.core.spi.GeneratedStory;
import dev.storyreel.core.spi.StoryWriter;
import dev.storyreel.core.spi.WriteRequest;
import dev.storyreel.openai.internal.Dto;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a story from an idea with a chat-completions model ({@code POST /v1/chat/completions})
 * and structured output: {@code response_format} of type {@code json_schema}, strict, asking for
 * {@code {title, story}} (see https://platform.openai.com/docs/guides/structured-outputs). Works
 * with OpenAI-compatible servers that support structured output.
 *
 * <p>The answer is checked: a non-blank title of at most {@value #MAX_TITLE_CHARS} characters
 * on one line, and a story of plain prose between half and twice the words asked for. An
 * unusable answer (bad JSON, a refusal, a cut-off answer, a wrong length) is asked for once more
 * with the problem; a second failure is a {@link NonRetriableException}.
 *
 * <p>Thread-safe.
 */
public final class OpenAiWriter extends OpenAiCapability implements StoryWriter {
  /** The default model: {@value}. */
  public static final String DEFAULT_MODEL = "gpt-4o-mini";
  /** The longest title accepted, in characters: {@value}. */
  public static final int MAX_TITLE_CHARS = 120;

  private static final String SYSTEM = String.join("\n",
      "You write short stories that will be read aloud as the narration of a video.",
      "Write plain prose in paragraphs: no headings, no lists, no markdown, no stage directions,"
          + " no sound cues, no notes to the reader. Everything you write in story is spoken.",
      "Keep to the requested length, genre, audience and language.",
      "title: a short title of a few words, on one line, without quotes.",
      "story: the story itself, without the title.");

  /**
   * @param config how to reach the API
   * @param model the chat model, for example {@code gpt-4o-mini}
   */
  public OpenAiWriter(OpenAiConfig config, String model) {
    super(config, model);
  }

  /** @return {@code openai-writer/v1/<model>@<base URL>}; the prompt version is part of it */
  @Override
  public String fingerprint() {
    return "openai-writer/v1/" + model + "@" + config.endpoint();
  }

  /**
   * @throws NonRetriableException if the model's answer is unusable twice in a row, or the API
   *     refuses the request
   * @throws dev.storyreel.core.RetriableException on rate limits and transient server errors
   */
  @Override
  public GeneratedStory write(WriteRequest request) {
    List<Dto.Message> messages = new ArrayList<>();
    messages.add(new Dto.Message("system", SYSTEM));
    messages.add(new Dto.Message("user", prompt(request)));
    Usage usage = Usage.NONE;
    String problem = null;
    for (int attempt = 1; attempt <= 2; attempt++) {
      Dto.ChatResponse r = config.transport().postJson("/chat/completions",
          new Dto.ChatRequest(model, messages, responseFormat(), 0.9), Dto.ChatResponse.class,
          Map.of(), false, "writing a story, attempt " + attempt);
      if (r.usage() != null) {
        usage = usage.plus(Usage.tokens(r.usage().promptTokens(), r.usage().completionTokens()));
      }
      String content = null;
      try {
        content = content(r);
        return new GeneratedStory(story(parse(content), request), usage);
      } catch (Problem e) {
        problem = e.getMessage();
        if (content != null) {
          messages.add(new Dto.Message("assistant", content));
        }
        messages.add(new Dto.Message("user", "Your answer was not usable: " + problem
            + " Answer again, following the rules exactly."));
      }
    }
    throw new NonRetriableException("openai writer (" + model + "): the model's story was"
        + " unusable twice; last problem: " + problem + " Try another model"
        + " (openai.model.writer), or change the idea or the length.");
  }

  /** The user message: the idea and every option. */
  static String prompt(WriteRequest r) {
    StringBuilder sb = new StringBuilder();
    sb.append("Idea: ").append(r.idea()).append('\n');
    sb.append("Length: about ").append(r.targetWords()).append(" words.\n");
    sb.append("Language: ").append(r.language().getDisplayLanguage(Locale.ENGLISH).isEmpty()
        ? r.language().toLanguageTag() : r.language().getDisplayLanguage(Locale.ENGLISH))
        .append(".\n");
    if (!r.genre().isEmpty()) {
      sb.append("Genre: ").append(r.genre()).append(".\n");
    }
    if (!r.genreGuidance().isEmpty()) {
      sb.append("How the genre should read: ").append(r.genreGuidance()).append('\n');
    }
    if (!r.audience().isEmpty()) {
      sb.append("Audience: ").append(r.audience()).append(".\n");
    }
    return sb.toString();
  }

  private static final class Problem extends Exception {
    private static final long serialVersionUID = 1L;

    Problem(String m) {
      super(m);
    }
  }

  private record Answer(String title, String story) {}

  private static String content(Dto.ChatResponse r) throws Problem {
    if (r.choices() == null || r.choices().isEmpty() || r.choices().get(0).message() == null) {
      throw new Problem("the answer had no choices.");
    }
    Dto.Choice c = r.choices().get(0);
    if (c.message().refusal() != null && !c.message().refusal().isBlank()) {
      throw new Problem("the model refused: " + c.message().refusal());
    }
    if ("length".equals(c.finishReason())) {
      throw new Problem("the answer was cut off (finish_reason=length).");
    }
    if (c.message().content() == null || c.message().content().isBlank()) {
      throw new Problem("the answer was empty.");
    }
    return c.message().content();
  }

  private static Answer parse(String content) throws Problem {
    try {
      Answer a = HttpTransport.jsonReader().forType(Answer.class).readValue(content);
      if (a == null) {
        throw new Problem("it was empty.");
      }
      return a;
    } catch (IOException e) {
      String m = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst()
          .orElse("");
      throw new Problem("it was not valid JSON for the schema (" + m + ").");
    }
  }

  private static Story story(Answer a, WriteRequest request) throws Problem {
    String title = a.title() == null ? "" : a.title().strip();
    if (title.length() >= 2 && title.startsWith("\"") && title.endsWith("\"")) {
      title = title.substring(1, title.length() - 1).strip();
    }
    if (title.isEmpty()) {
      throw new Problem("the title was empty.");
    }
    if (title.contains("\n") || title.length() > MAX_TITLE_CHARS) {
      throw new Problem("the title must be one line of at most " + MAX_TITLE_CHARS
          + " characters.");
    }
    String text = a.story() == null ? "" : a.story().strip();
    int words = Words.split(text).size();
    if (words == 0) {
      throw new Problem("the story was empty.");
    }
    if (words * 2 < request.targetWords() || words > request.targetWords() * 2) {
      throw new Problem("the story has " + words + " words; about " + request.targetWords()
          + " were asked for.");
    }
    return new Story(title, text);
  }

  private static Dto.ResponseFormat responseFormat() {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("type", "object");
    ObjectNode p = root.putObject("properties");
    p.putObject("title").put("type", "string");
    p.putObject("story").put("type", "string");
    root.putArray("required").add("title").add("story");
    root.put("additionalProperties", false);
    return new Dto.ResponseFormat("json_schema",
        new Dto.JsonSchema("story", "A story written from an idea", (JsonNode) root, true));
  }

  @Override
  public String toString() {
    return "OpenAiWriter[" + model + ", " + config.endpoint() + "]";
  }
}
