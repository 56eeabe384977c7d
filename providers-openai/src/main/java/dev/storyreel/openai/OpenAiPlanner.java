package dev.storyreel.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.storyreel.core.Mood;
import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.Segment;
import dev.storyreel.core.SoundCue;
import dev.storyreel.core.Story;
import dev.storyreel.core.Storyboard;
import dev.storyreel.core.Usage;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.Words;
import dev.storyreel.core.http.HttpTransport;
import dev.storyreel.core.spi.StoryPlanner;
import dev.storyreel.openai.internal.Dto;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plans a storyboard with a chat-completions model ({@code POST /v1/chat/completions}) and
 * structured output: {@code response_format} of type {@code json_schema}, strict, asking for
 * {@code {visualStyle, characterSheet, mood, segments: [{narration, imagePrompt, mood,
 * soundCues: [{description, word}]}]}} (see
 * https://platform.openai.com/docs/guides/structured-outputs). Strict mode needs every property
 * required, so a segment's {@code mood} is nullable (null: the story's mood) and {@code
 * soundCues} may be empty.
 *
 * <p>Moods and sound cues are the vendor's suggestions and are taken leniently: a story or
 * segment mood that is not one of {@link Mood}'s ids is treated as absent, a cue whose {@code
 * word} is not an index into its segment's words ({@link Words#split}, from 0) or whose
 * description is blank is dropped; each is logged at {@code WARNING} and nothing is asked again.
 *
 * <p>The answer is checked: the segments' narrations, joined, must give back the story's words
 * exactly ({@link Words#split}). Each segment's narration is then cut from the story itself, so
 * line breaks and punctuation are the author's. Every image prompt gets the story-wide visual
 * style and the character sheet, so characters and look stay the same across images. Malformed
 * or incomplete output (bad JSON, a refusal, a cut-off answer, words changed) is asked for once
 * more with the error; a second failure is a {@link NonRetriableException}.
 *
 * <p>Thread-safe.
 */
public final class OpenAiPlanner extends OpenAiCapability implements StoryPlanner {
  /** The default model: {@value}. */
  public static final String DEFAULT_MODEL = "gpt-4o-mini";
  private static final Logger LOG = LoggerFactory.getLogger(OpenAiPlanner.class);
  private static final String MOOD_IDS =
      Arrays.stream(Mood.values()).map(Mood::id).collect(Collectors.joining(", "));

  private static final String SYSTEM = String.join("\n",
      "You storyboard a story for a narrated vertical video.",
      "Split the story into consecutive segments of one to three sentences (about 10 to 45 words),"
          + " in order.",
      "Each segment's narration must be the story's own text, copied verbatim: every word, every"
          + " punctuation mark, nothing added, dropped, reordered or corrected. Together the"
          + " narrations must give back the whole story.",
      "For each segment write an imagePrompt: one concrete visual scene (subjects, setting,"
          + " action, lighting, camera framing), with no text or captions in the image.",
      "visualStyle: one short phrase describing a look shared by every image.",
      "characterSheet: for each recurring character, a fixed visual description (age, build,"
          + " hair, clothing) to reuse in every image; empty if there are none.",
      "mood: the feeling the story's background music should carry, one of " + MOOD_IDS + ".",
      "For each segment, mood: one of the same moods where this segment's feeling clearly"
          + " differs from the story's, else null.",
      "For each segment, soundCues: at most three short sound effects that are heard in that"
          + " segment (\"a door creaks\", \"distant thunder\"), each with word: the index,"
          + " counting from 0, of the word of that segment's narration at which the sound"
          + " starts; an empty list when nothing is heard.");


  /**
   * @param config how to reach the API
   * @param model the chat model, for example {@code gpt-4o-mini}
   */
  public OpenAiPlanner(OpenAiConfig config, String model) {
    super(config, model);
  }

  /** @return {@code openai/<model>@<base URL>}; the prompt version is part of it */
  @Override
  public String fingerprint() {
    return "openai-planner/v2/" + model + "@" + config.endpoint();
  }

  /**
   * @throws NonRetriableException if the model's answer is malformed or changes the story twice
   *     in a row, or the API refuses the request
   * @throws dev.storyreel.core.RetriableException on rate limits and transient server errors
   */
  @Override
  public Storyboard plan(Story story, VideoFormat format, String visualStyle) {
    List<Dto.Message> messages = new ArrayList<>();
    messages.add(new Dto.Message("system", SYSTEM));
    messages.add(new Dto.Message("user", "Framing: " + (format.isPortrait() ? "portrait 9:16"
        : format.widthPx() == format.heightPx() ? "square 1:1" : "landscape 16:9")
        + (visualStyle.isBlank() ? "" : "\nVisual style to use: " + visualStyle)
        + "\n\nStory:\n" + story.text()));
    Usage usage = Usage.NONE;
    String problem = null;
    for (int attempt = 1; attempt <= 2; attempt++) {
      Dto.ChatResponse r = config.transport().postJson("/chat/completions",
          new Dto.ChatRequest(model, messages, responseFormat(), 0.3), Dto.ChatResponse.class,
          Map.of(), false, "planning, attempt " + attempt);
      if (r.usage() != null) {
        usage = usage.plus(Usage.tokens(r.usage().promptTokens(), r.usage().completionTokens()));
      }
      String content = null;
      try {
        content = content(r);
        return storyboard(story, parse(content), visualStyle, usage);
      } catch (PlanProblem e) {
        problem = e.getMessage();
        if (content != null) {
          messages.add(new Dto.Message("assistant", content));
        }
        messages.add(new Dto.Message("user", "Your answer was not usable: " + problem
            + " Answer again, following the rules exactly."));
      }
    }
    throw new NonRetriableException("openai planner (" + model + "): the model's storyboard was"
        + " unusable twice; last problem: " + problem + " Try another model (openai.model.planner)"
        + " or the offline planner (--planner rules).");
  }

  private static final class PlanProblem extends Exception {
    private static final long serialVersionUID = 1L;

    PlanProblem(String m) {
      super(m);
    }
  }

  private record Plan(String visualStyle, String characterSheet, String mood,
      List<PlanSegment> segments) {}

  private record PlanSegment(String narration, String imagePrompt, String mood,
      List<PlanCue> soundCues) {}

  private record PlanCue(String description, Integer word) {}

  private static String content(Dto.ChatResponse r) throws PlanProblem {
    if (r.choices() == null || r.choices().isEmpty() || r.choices().get(0).message() == null) {
      throw new PlanProblem("the answer had no choices.");
    }
    Dto.Choice c = r.choices().get(0);
    if (c.message().refusal() != null && !c.message().refusal().isBlank()) {
      throw new PlanProblem("the model refused: " + c.message().refusal());
    }
    if ("length".equals(c.finishReason())) {
      throw new PlanProblem("the answer was cut off (finish_reason=length).");
    }
    if (c.message().content() == null || c.message().content().isBlank()) {
      throw new PlanProblem("the answer was empty.");
    }
    return c.message().content();
  }

  private static Plan parse(String content) throws PlanProblem {
    try {
      Plan p = HttpTransport.jsonReader().forType(Plan.class).readValue(content);
      if (p == null || p.segments() == null || p.segments().isEmpty()) {
        throw new PlanProblem("it had no segments.");
      }
      for (int i = 0; i < p.segments().size(); i++) {
        PlanSegment s = p.segments().get(i);
        if (s == null || s.narration() == null || s.narration().isBlank()) {
          throw new PlanProblem("segment " + i + " has no narration.");
        }
        if (s.imagePrompt() == null || s.imagePrompt().isBlank()) {
          throw new PlanProblem("segment " + i + " has no imagePrompt.");
        }
      }
      return p;
    } catch (IOException e) {
      String m = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst()
          .orElse("");
      throw new PlanProblem("it was not valid JSON for the schema (" + m + ").");
    }
  }

  private Storyboard storyboard(Story story, Plan plan, String requestedStyle, Usage usage)
      throws PlanProblem {
    List<String> storyWords = Words.split(story.text());
    List<Integer> counts = new ArrayList<>();
    int pos = 0;
    for (int i = 0; i < plan.segments().size(); i++) {
      List<String> w = Words.split(plan.segments().get(i).narration());
      for (int k = 0; k < w.size(); k++) {
        if (pos + k >= storyWords.size() || !storyWords.get(pos + k).equals(w.get(k))) {
          String expected = pos + k < storyWords.size() ? "'" + storyWords.get(pos + k) + "'"
              : "the end of the story";
          throw new PlanProblem("segment " + i + "'s narration is not the story's text: at word "
              + (pos + k + 1) + " it has '" + w.get(k) + "' where the story has " + expected
              + ".");
        }
      }
      pos += w.size();
      counts.add(w.size());
    }
    if (pos != storyWords.size()) {
      throw new PlanProblem("the narrations stop at word " + pos + " of " + storyWords.size()
          + "; the rest of the story (from '" + storyWords.get(pos) + "') is missing.");
    }
    String style = requestedStyle.isBlank()
        ? (plan.visualStyle() == null ? "" : plan.visualStyle().strip()) : requestedStyle.strip();
    String sheet = plan.characterSheet() == null ? "" : plan.characterSheet().strip();
    List<Segment> segments = new ArrayList<>();
    int[] bounds = wordBounds(story.text());
    int word = 0;
    for (int i = 0; i < counts.size(); i++) {
      int first = word;
      int last = word + counts.get(i) - 1;
      String narration = story.text().substring(bounds[2 * first], bounds[2 * last + 1]);
      String prompt = plan.segments().get(i).imagePrompt().strip()
          + (sheet.isEmpty() ? "" : ". Characters: " + sheet)
          + (style.isEmpty() ? "" : ". Style: " + style);
      PlanSegment ps = plan.segments().get(i);
      segments.add(new Segment(i, narration, prompt, mood(ps.mood(), "segment " + i),
          cues(ps.soundCues(), counts.get(i), i)));
      word += counts.get(i);
    }
    return new Storyboard(segments, style, usage, mood(plan.mood(), "the story"));
  }

  /** @return the mood named, or {@code null} (logged) when it is absent or not a mood's id */
  private Mood mood(String id, String where) {
    if (id == null || id.isBlank()) {
      return null;
    }
    for (Mood m : Mood.values()) {
      if (m.id().equalsIgnoreCase(id.strip())) {
        return m;
      }
    }
    LOG.warn("openai planner ({}): the mood '{}' given for {} is not one of {}; it is ignored{}",
        model, shorten(id), where, MOOD_IDS, where.startsWith("segment")
            ? " (the story's mood is used)." : " (the job's default mood is used).");
    return null;
  }

  /** @return the usable cues; those with a blank description or a word out of range dropped */
  private List<SoundCue> cues(List<PlanCue> planned, int words, int segment) {
    List<SoundCue> out = new ArrayList<>();
    for (PlanCue c : planned == null ? List.<PlanCue>of() : planned) {
      if (c == null || c.description() == null || c.description().isBlank()) {
        LOG.warn("openai planner ({}): a sound cue of segment {} has no description; it is"
            + " dropped.", model, segment);
      } else if (c.word() == null || c.word() < 0 || c.word() >= words) {
        LOG.warn("openai planner ({}): the sound cue '{}' of segment {} starts at word {}, but"
            + " the segment's words are 0..{}; it is dropped.", model, shorten(c.description()),
            segment, c.word(), words - 1);
      } else {
        out.add(new SoundCue(c.description().strip(), c.word()));
      }
    }
    return out;
  }

  /** A vendor's text for a log line: one line, at most 80 characters. */
  private static String shorten(String s) {
    String one = s.replaceAll("\\s+", " ").strip();
    return one.length() > 80 ? one.substring(0, 80) + "..." : one;
  }

  /** Start and end offsets of every word of {@link Words#split}, in order. */
  private static int[] wordBounds(String text) {
    List<String> words = Words.split(text);
    int[] out = new int[2 * words.size()];
    int p = 0;
    for (int i = 0; i < words.size(); i++) {
      p = text.indexOf(words.get(i), p);
      out[2 * i] = p;
      p += words.get(i).length();
      out[2 * i + 1] = p;
    }
    return out;
  }

  private static Dto.ResponseFormat responseFormat() {
    ObjectNode seg = JsonNodeFactory.instance.objectNode();
    seg.put("type", "object");
    ObjectNode sp = seg.putObject("properties");
    sp.putObject("narration").put("type", "string");
    sp.putObject("imagePrompt").put("type", "string");
    ObjectNode segMood = sp.putObject("mood");
    segMood.putArray("type").add("string").add("null");
    ArrayNode segMoods = segMood.putArray("enum");
    ObjectNode cue = JsonNodeFactory.instance.objectNode();
    cue.put("type", "object");
    ObjectNode cp = cue.putObject("properties");
    cp.putObject("description").put("type", "string");
    cp.putObject("word").put("type", "integer");
    cue.putArray("required").add("description").add("word");
    cue.put("additionalProperties", false);
    ObjectNode cues = sp.putObject("soundCues");
    cues.put("type", "array");
    cues.set("items", cue);
    seg.putArray("required").add("narration").add("imagePrompt").add("mood").add("soundCues");
    seg.put("additionalProperties", false);
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("type", "object");
    ObjectNode p = root.putObject("properties");
    p.putObject("visualStyle").put("type", "string");
    p.putObject("characterSheet").put("type", "string");
    ObjectNode storyMood = p.putObject("mood");
    storyMood.put("type", "string");
    ArrayNode storyMoods = storyMood.putArray("enum");
    for (Mood m : Mood.values()) {
      storyMoods.add(m.id());
      segMoods.add(m.id());
    }
    segMoods.addNull();
    ObjectNode segs = p.putObject("segments");
    segs.put("type", "array");
    segs.set("items", seg);
    ArrayNode req = root.putArray("required");
    req.add("visualStyle").add("characterSheet").add("mood").add("segments");
    root.put("additionalProperties", false);
    return new Dto.ResponseFormat("json_schema",
        new Dto.JsonSchema("storyboard", "A storyboard of the story", (JsonNode) root, true));
  }

  @Override
  public String toString() {
    return "OpenAiPlanner[" + model + ", " + config.endpoint() + "]";
  }
}
