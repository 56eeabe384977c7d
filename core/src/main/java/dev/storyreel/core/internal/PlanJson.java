package dev.storyreel.core.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.storyreel.core.CostEstimate;
import dev.storyreel.core.InvalidInputException;
import dev.storyreel.core.Mood;
import dev.storyreel.core.Plan;
import dev.storyreel.core.SoundCue;
import dev.storyreel.core.Story;
import dev.storyreel.core.Words;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link Plan}'s JSON: written with the one mapper ({@link Json}), read through the tree so that
 * every problem is reported with the field's path ({@code segments[2].narration}) and what to do,
 * never as a Jackson message. Stateless and thread-safe.
 */
public final class PlanJson {
  private static final String AGAIN =
      " Fix it, or make the plan again (storyreel plan STORY -o DIR).";

  private PlanJson() {}

  /**
   * @param plan the plan
   * @return its JSON, indented UTF-8
   */
  public static byte[] write(Plan plan) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("formatVersion", Plan.FORMAT_VERSION);
    ObjectNode story = root.putObject("story");
    story.put("title", plan.story().title());
    story.put("text", plan.story().text());
    root.put("visualStyle", plan.visualStyle());
    root.put("mood", plan.mood() == null ? null : plan.mood().id());
    ArrayNode segs = root.putArray("segments");
    for (Plan.Shot s : plan.shots()) {
      ObjectNode n = segs.addObject();
      n.put("index", s.index());
      n.put("narration", s.narration());
      n.put("imagePrompt", s.imagePrompt());
      n.put("mood", s.mood() == null ? null : s.mood().id());
      ArrayNode cues = n.putArray("soundCues");
      for (SoundCue c : s.soundCues()) {
        cues.addObject().put("description", c.description()).put("wordIndex", c.wordIndex());
      }
      n.put("clip", s.clip());
      if (s.media() != null) {
        // Optional, so that plans without user media stay as they were (formatVersion 1).
        n.put("media", s.media().toString());
      }
    }
    ObjectNode est = root.putObject("estimate");
    CostEstimate e = plan.estimate();
    est.put("totalUsd", e.totalUsd().toPlainString());
    est.put("spentUsd", e.spentUsd().toPlainString());
    est.put("toProduceUsd", e.toProduceUsd().toPlainString());
    est.set("items", Json.MAPPER.valueToTree(e.items()));
    try {
      return Json.MAPPER.writeValueAsBytes(root);
    } catch (JsonProcessingException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  /**
   * @param plan a plan
   * @return the SHA-256 (hex) of its JSON without the estimate: what identifies the video it
   *     makes
   */
  public static String key(Plan plan) {
    return AssetCache.sha256(write(plan.withEstimate(CostEstimate.EMPTY)));
  }

  /**
   * @param json the JSON
   * @param source the file's name, for messages
   * @return the plan, checked
   * @throws InvalidInputException naming the source, the field and the fix
   */
  public static Plan read(byte[] json, String source) {
    return read(json, source, null);
  }

  /**
   * @param json the JSON
   * @param source the file's name, for messages
   * @param folder what a relative {@code media} path is resolved against (the plan file's
   *     folder), or {@code null} to keep it relative (to the working folder)
   * @return the plan, checked
   * @throws InvalidInputException naming the source, the field and the fix
   */
  public static Plan read(byte[] json, String source, java.nio.file.Path folder) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new InvalidInputException(source + " is not valid JSON"
          + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")")
          + ": " + e.getOriginalMessage() + "." + AGAIN, e);
    } catch (IOException e) {
      throw new InvalidInputException(source + " cannot be read: " + e.getMessage() + ".", e);
    }
    if (root == null || !root.isObject()) {
      throw bad(source, "", "must be a JSON object with formatVersion, story and segments");
    }
    JsonNode v = root.get("formatVersion");
    if (v == null || !v.isInt()) {
      throw bad(source, "formatVersion", "is missing or not a whole number; it must be "
          + Plan.FORMAT_VERSION);
    }
    if (v.intValue() != Plan.FORMAT_VERSION) {
      throw bad(source, "formatVersion", "is " + v.intValue() + ", but this version of"
          + " StoryReel reads version " + Plan.FORMAT_VERSION + " only");
    }
    JsonNode storyNode = object(root, "story", source, "story");
    String title = text(storyNode, "title", source, "story.title", true);
    String text = text(storyNode, "text", source, "story.text", false);
    Story story;
    try {
      story = new Story(title == null ? "" : title, text);
    } catch (IllegalArgumentException | InvalidInputException e) {
      throw bad(source, "story.text", e.getMessage());
    }
    String style = text(root, "visualStyle", source, "visualStyle", true);
    Mood mood = mood(root, source, "mood");
    JsonNode segs = root.get("segments");
    if (segs == null || !segs.isArray() || segs.isEmpty()) {
      throw bad(source, "segments", "is missing or empty; it must list at least one segment");
    }
    List<Plan.Shot> shots = new ArrayList<>();
    for (int i = 0; i < segs.size(); i++) {
      String at = "segments[" + i + "]";
      JsonNode s = segs.get(i);
      if (!s.isObject()) {
        throw bad(source, at, "must be an object with index, narration and imagePrompt");
      }
      JsonNode idx = s.get("index");
      if (idx == null || !idx.isInt()) {
        throw bad(source, at + ".index", "is missing or not a whole number; it must be " + i);
      }
      if (idx.intValue() != i) {
        throw bad(source, at + ".index", "is " + idx.intValue() + ", but segment indexes must"
            + " be 0, 1, 2, ... in the order the segments are listed; it must be " + i
            + ". Renumber the segments");
      }
      String narration = text(s, "narration", source, at + ".narration", false);
      String prompt = text(s, "imagePrompt", source, at + ".imagePrompt", false);
      if (prompt.isBlank()) {
        throw bad(source, at + ".imagePrompt", "is blank; write what the picture shows");
      }
      if (narration.isBlank()) {
        throw bad(source, at + ".narration", "is blank; every segment speaks part of the"
            + " story");
      }
      Mood m = mood(s, source, at + ".mood");
      List<SoundCue> cues = new ArrayList<>();
      JsonNode cn = s.get("soundCues");
      if (cn != null && !cn.isNull()) {
        if (!cn.isArray()) {
          throw bad(source, at + ".soundCues", "must be a list");
        }
        int words = Words.split(narration).size();
        for (int k = 0; k < cn.size(); k++) {
          String cat = at + ".soundCues[" + k + "]";
          JsonNode c = cn.get(k);
          String d = text(c, "description", source, cat + ".description", false);
          JsonNode w = c.get("wordIndex");
          if (w == null || !w.isInt() || w.intValue() < 0 || w.intValue() >= words) {
            throw bad(source, cat + ".wordIndex", "must be a word of the segment's narration,"
                + " 0.." + (words - 1) + ", was " + (w == null ? "missing" : w.toString()));
          }
          if (d.isBlank()) {
            throw bad(source, cat + ".description", "is blank; say what is heard, or remove"
                + " the cue");
          }
          cues.add(new SoundCue(d, w.intValue()));
        }
      }
      JsonNode clip = s.get("clip");
      if (clip != null && !clip.isNull() && !clip.isBoolean()) {
        throw bad(source, at + ".clip", "must be true or false, was " + clip);
      }
      String media = text(s, "media", source, at + ".media", true);
      java.nio.file.Path mediaPath = null;
      if (media != null && !media.isBlank()) {
        try {
          mediaPath = java.nio.file.Path.of(media.strip());
        } catch (java.nio.file.InvalidPathException e) {
          throw bad(source, at + ".media", "is not a file path ('" + media + "')");
        }
        if (folder != null && !mediaPath.isAbsolute()) {
          mediaPath = folder.resolve(mediaPath).normalize();
        }
      }
      shots.add(new Plan.Shot(i, narration, prompt, m, cues, clip != null && clip.asBoolean(),
          mediaPath));
    }
    try {
      checkNarrations(story, shots);
    } catch (InvalidInputException e) {
      throw new InvalidInputException(source + ": " + e.getMessage());
    }
    return new Plan(story, style == null ? "" : style, mood, shots, estimate(root), null);
  }

  /**
   * Checks that the shots' narrations, joined, are the story's words in order and verbatim
   * ({@link Words#split}): the captions and the voice-over are the story itself.
   *
   * @param story the story
   * @param shots the shots
   * @throws InvalidInputException naming the first segment that differs, the word, and the fix
   */
  public static void checkNarrations(Story story, List<Plan.Shot> shots) {
    List<String> want = Words.split(story.text());
    int pos = 0;
    for (Plan.Shot s : shots) {
      List<String> got = Words.split(s.narration());
      for (int k = 0; k < got.size(); k++) {
        String field = "segments[" + s.index() + "].narration";
        if (pos >= want.size()) {
          throw new InvalidInputException(field + " goes on past the end of the story with \""
              + got.get(k) + "\". " + VERBATIM);
        }
        if (!got.get(k).equals(want.get(pos))) {
          throw new InvalidInputException(field + " differs from the story at its word "
              + (k + 1) + ": the story has \"" + want.get(pos) + "\", the narration \""
              + got.get(k) + "\". " + VERBATIM);
        }
        pos++;
      }
    }
    if (pos < want.size()) {
      throw new InvalidInputException("the narrations stop at word " + pos + " of the story's "
          + want.size() + "; the rest (from \"" + want.get(pos) + "\") is in no segment. "
          + VERBATIM);
    }
  }

  private static final String VERBATIM = "The narrations must be the story's own words, in"
      + " order, every word in exactly one segment. Edit the image prompts freely; to change"
      + " what is said, change the story and plan again.";

  /** The estimate as written; it is informational, so one that cannot be read is dropped. */
  private static CostEstimate estimate(JsonNode root) {
    JsonNode items = root.path("estimate").get("items");
    if (items == null || !items.isArray()) {
      return CostEstimate.EMPTY;
    }
    try {
      return new CostEstimate(List.of(Json.MAPPER.treeToValue(items, CostEstimate.Item[].class)));
    } catch (JsonProcessingException | IllegalArgumentException | NullPointerException e) {
      return CostEstimate.EMPTY;
    }
  }

  private static Mood mood(JsonNode parent, String source, String field) {
    JsonNode m = parent.get("mood");
    if (m == null || m.isNull() || (m.isTextual() && m.textValue().isBlank())) {
      return null;
    }
    if (!m.isTextual()) {
      throw bad(source, field, "must be a mood's name (" + Mood.known() + ") or null");
    }
    try {
      return Mood.parse(m.textValue());
    } catch (InvalidInputException e) {
      throw bad(source, field, "is '" + m.textValue() + "', not a mood; use one of "
          + Mood.known() + ", or null");
    }
  }

  private static JsonNode object(JsonNode parent, String name, String source, String field) {
    JsonNode n = parent.get(name);
    if (n == null || !n.isObject()) {
      throw bad(source, field, "is missing or not an object");
    }
    return n;
  }

  private static String text(JsonNode parent, String name, String source, String field,
      boolean optional) {
    JsonNode n = parent == null ? null : parent.get(name);
    if (n == null || n.isNull()) {
      if (optional) {
        return null;
      }
      throw bad(source, field, "is missing; it must be a text");
    }
    if (!n.isTextual()) {
      throw bad(source, field, "must be a text (in quotes), was " + n.getNodeType()
          .toString().toLowerCase(java.util.Locale.ROOT));
    }
    return n.textValue();
  }

  private static InvalidInputException bad(String source, String field, String what) {
    return new InvalidInputException(source + ": " + (field.isEmpty() ? "the file" : field)
        + " " + what + "." + AGAIN);
  }
}
