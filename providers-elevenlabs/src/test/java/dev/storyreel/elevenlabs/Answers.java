package dev.storyreel.elevenlabs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import dev.storyreel.core.PcmAudio;
import java.util.Base64;

/**
 * ElevenLabs answers shaped as its OpenAPI document says (each one is validated against the
 * response schema where it is served, when the document is present).
 */
final class Answers {
  static final ObjectMapper JSON = new ObjectMapper();

  private Answers() {}

  /**
   * {@code AudioWithTimestampsResponseModel}: the audio and, for every character of {@code
   * text}, a slot of {@code secondsPerChar} from 0.
   */
  static String speech(String text, PcmAudio audio, double secondsPerChar) {
    ObjectNode r = JSON.createObjectNode();
    r.put("audio_base64", Base64.getEncoder().encodeToString(audio.samples()));
    alignment(r.putObject("alignment"), text, secondsPerChar);
    alignment(r.putObject("normalized_alignment"), text, secondsPerChar);
    return r.toString();
  }

  static void alignment(ObjectNode a, String text, double secondsPerChar) {
    ArrayNode chars = a.putArray("characters");
    ArrayNode starts = a.putArray("character_start_times_seconds");
    ArrayNode ends = a.putArray("character_end_times_seconds");
    for (int i = 0; i < text.length(); i++) {
      chars.add(String.valueOf(text.charAt(i)));
      starts.add(round(i * secondsPerChar));
      ends.add(round((i + 1) * secondsPerChar));
    }
  }

  static double round(double s) {
    return Math.round(s * 1000) / 1000.0;
  }

  /** {@code GetVoicesResponseModel} with Rachel and Adam. */
  static String voices() {
    ObjectNode r = JSON.createObjectNode();
    ArrayNode v = r.putArray("voices");
    voice(v.addObject(), ElevenLabsSpeechProvider.DEFAULT_VOICE, "Rachel");
    voice(v.addObject(), "pNInz6obpgDQGcFmaJgB", "Adam");
    return r.toString();
  }

  static void voice(ObjectNode o, String id, String name) {
    o.put("voice_id", id).put("name", name).put("category", "premade");
    o.putObject("labels").put("accent", "american");
    o.putArray("available_for_tiers");
    o.putArray("high_quality_base_model_ids").add("eleven_multilingual_v2");
  }

  /** {@code ForcedAlignmentResponseModel} for {@code text}, {@code secondsPerChar} a character. */
  static String forcedAlignment(String text, double secondsPerChar) {
    ObjectNode r = JSON.createObjectNode();
    ArrayNode chars = r.putArray("characters");
    for (int i = 0; i < text.length(); i++) {
      chars.addObject().put("text", String.valueOf(text.charAt(i)))
          .put("start", round(i * secondsPerChar)).put("end", round((i + 1) * secondsPerChar));
    }
    ArrayNode words = r.putArray("words");
    double t = 0;
    for (String w : text.split("\\s+")) {
      words.addObject().put("text", w).put("start", round(t))
          .put("end", round(t + w.length() * secondsPerChar)).put("loss", 0.1);
      t += (w.length() + 1) * secondsPerChar;
    }
    r.put("loss", 0.1);
    return r.toString();
  }

  /** {@code HTTPValidationError}, FastAPI's 422 shape. */
  static String validationError(String field, String msg) {
    ObjectNode r = JSON.createObjectNode();
    ObjectNode e = r.putArray("detail").addObject();
    e.putArray("loc").add("body").add(field);
    e.put("msg", msg).put("type", "value_error");
    return r.toString();
  }

  /** ElevenLabs' error detail: {@code {"detail": {"status": ..., "message": ...}}}. */
  static String detail(String status, String message) {
    ObjectNode r = JSON.createObjectNode();
    r.putObject("detail").put("status", status).put("message", message);
    return r.toString();
  }

  static ResponseDefinitionBuilder json(int status, String body) {
    return WireMock.aResponse().withStatus(status).withHeader("Content-Type", "application/json")
        .withBody(body);
  }

  static ResponseDefinitionBuilder pcm(PcmAudio audio) {
    return WireMock.aResponse().withStatus(200).withHeader("Content-Type", "audio/mpeg")
        .withBody(audio.samples());
  }
}
