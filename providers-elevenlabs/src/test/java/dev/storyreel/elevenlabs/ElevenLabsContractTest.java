package dev.storyreel.elevenlabs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.storyreel.testkit.ContractValidator;
import java.io.File;
import dev.storyreel.testkit.Fixtures;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fixtures are the vendor's shapes and the validator bites: each one validates against its
 * response schema in {@code elevenlabs-openapi.json}, and a body the contract forbids is refused.
 * Skipped, saying so, when the document is absent (a clone without {@code ../shared}).
 */
class ElevenLabsContractTest {

  @BeforeEach
  void needsTheContract() {
    assumeTrue(ElevenLabsContract.available(), ElevenLabsContract.skipMessage());
  }

  @Test
  void everyFixtureValidatesAgainstItsResponseSchema() {
    ElevenLabsContract.validateResponse(ElevenLabsContract.TTS, "post", 200,
        Answers.speech("Hi there.", Fixtures.tone(600, 24_000), 0.05));
    ElevenLabsContract.validateResponse("/v1/voices", "get", 200, Answers.voices());
    ElevenLabsContract.validateResponse("/v1/forced-alignment", "post", 200,
        Answers.forcedAlignment("Hi there.", 0.05));
    for (String path : new String[] {ElevenLabsContract.TTS, "/v1/music", "/v1/sound-generation",
        "/v1/forced-alignment"}) {
      ElevenLabsContract.validateResponse(path, "post", 422,
          Answers.validationError("text", "field required"));
    }
  }

  @Test
  void theValidatorRefusesWhatTheContractForbids() {
    assertThatThrownBy(() -> ElevenLabsContract.validateResponse("/v1/voices", "get", 200,
        "{\"voices\":[{\"voice_id\":\"x\",\"name\":\"y\"}]}"))
        .isInstanceOf(AssertionError.class).hasMessageContaining("category");
    assertThatThrownBy(() -> ContractValidator.validate(ContractValidator.ELEVENLABS,
        ContractValidator.postBody("/v1/music", "application/json"),
        "{\"prompt\":\"calm\",\"music_length_ms\":5000}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(AssertionError.class).hasMessageContaining("music_length_ms");
    assertThatThrownBy(() -> ContractValidator.validate(ContractValidator.ELEVENLABS,
        ContractValidator.postBody(ElevenLabsContract.TTS, "application/json"),
        "{\"model_id\":\"eleven_multilingual_v2\"}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(AssertionError.class).hasMessageContaining("text");
  }

  @Test
  void theDocumentIsReadFromSharedAndNeverCopiedIntoTheRepository() {
    assertThat(ElevenLabsContract.path().orElseThrow().toString())
        .contains("shared" + File.separator + "contracts");
  }
}
