package dev.storyreel.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Calls the live API; skipped unless {@code OPENAI_API_KEY} is set (and excluded by surefire). */
class OpenAiLiveIT {

  @Test
  void moderationAnswers() {
    assumeTrue(System.getenv(OpenAiConfig.KEY_ENV) != null, "OPENAI_API_KEY not set");
    OpenAiModerator m = new OpenAiModerator(OpenAiConfig.builder().build(),
        OpenAiModerator.DEFAULT_MODEL);
    assertThat(m.moderate(List.of("A quiet walk in the park."))).containsExactly(List.of());
  }
}
