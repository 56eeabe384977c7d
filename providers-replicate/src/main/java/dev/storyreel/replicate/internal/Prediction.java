package dev.storyreel.replicate.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * Wire types of Replicate's API ({@code replicate-openapi.json}): only the fields StoryReel sends
 * or reads.
 */
public final class Prediction {
  private Prediction() {}

  /**
   * {@code schemas_prediction_request} (official models) or {@code
   * schemas_version_prediction_request} (with {@code version}).
   *
   * @param version a model version id, or {@code null} for an official model's endpoint
   * @param input the model's input
   */
  public record Request(String version, Map<String, Object> input) {}

  /**
   * {@code schemas_prediction_response}.
   *
   * @param id the prediction id
   * @param status {@code starting|processing|succeeded|failed|canceled|aborted}
   * @param output the model's output: for image models a URL or a list of URLs
   * @param error why it failed, or {@code null}
   * @param urls links: {@code get}, {@code cancel}
   * @param dataRemoved whether Replicate has deleted the output (it deletes the files of API
   *     predictions after an hour); {@code null} when the answer did not say
   */
  public record Response(String id, String status, JsonNode output, String error,
      Map<String, String> urls, @JsonProperty("data_removed") Boolean dataRemoved) {

    /** @return whether the prediction will not change any more */
    public boolean isTerminal() {
      return "succeeded".equals(status) || "failed".equals(status) || "canceled".equals(status)
          || "aborted".equals(status);
    }

    /** @return whether the prediction finished with an output */
    public boolean succeeded() {
      return "succeeded".equals(status);
    }

    /** @return whether Replicate said it has deleted the output */
    public boolean outputRemoved() {
      return Boolean.TRUE.equals(dataRemoved);
    }
  }
}
