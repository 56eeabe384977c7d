package dev.storyreel.openai;

import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.spi.Moderator;
import dev.storyreel.openai.internal.Dto;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Checks texts with {@code POST /v1/moderations}
 * (https://platform.openai.com/docs/api-reference/moderations/create), model {@code
 * omni-moderation-latest} by default; free of charge. Texts are sent in batches of 32. A text's
 * verdict is the sorted list of categories that are {@code true}; when {@code flagged} is true
 * but no category is, the verdict is {@code ["flagged"]}. Thread-safe.
 */
public final class OpenAiModerator extends OpenAiCapability implements Moderator {
  /** The default model: {@value}. */
  public static final String DEFAULT_MODEL = "omni-moderation-latest";
  private static final int BATCH = 32;


  /**
   * @param config how to reach the API
   * @param model the moderation model
   */
  public OpenAiModerator(OpenAiConfig config, String model) {
    super(config, model);
  }

  /** @return model and base URL; never the key */
  @Override
  public String fingerprint() {
    return "openai-moderation/" + model + "@" + config.endpoint();
  }

  /**
   * @throws NonRetriableException if the answer does not hold one result per text
   */
  @Override
  public List<List<String>> moderate(List<String> texts) {
    List<List<String>> out = new ArrayList<>();
    for (int from = 0; from < texts.size(); from += BATCH) {
      List<String> batch = texts.subList(from, Math.min(texts.size(), from + BATCH));
      Dto.ModerationResponse r = config.transport().postJson("/moderations",
          new Dto.ModerationRequest(model, batch), Dto.ModerationResponse.class, Map.of(), false,
          "moderation");
      if (r.results() == null || r.results().size() != batch.size()) {
        throw new NonRetriableException("openai POST /moderations answered "
            + (r.results() == null ? 0 : r.results().size()) + " results for " + batch.size()
            + " texts.");
      }
      for (Dto.ModerationResult res : r.results()) {
        TreeSet<String> cats = new TreeSet<>();
        if (res.categories() != null) {
          res.categories().forEach((k, v) -> {
            if (Boolean.TRUE.equals(v)) {
              cats.add(k);
            }
          });
        }
        if (res.flagged() && cats.isEmpty()) {
          cats.add("flagged");
        }
        out.add(List.copyOf(cats));
      }
    }
    return out;
  }
}
