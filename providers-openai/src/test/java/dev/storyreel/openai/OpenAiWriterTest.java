package dev.storyreel.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.Providers;
import dev.storyreel.core.RateLimitException;
import dev.storyreel.core.spi.GeneratedStory;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.StoryWriter;
import dev.storyreel.core.spi.WriteRequest;
import dev.storyreel.testkit.ContractValidator;
import dev.storyreel.testkit.Fixtures;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The OpenAI writer against WireMock; every request body is checked against the contract. */
class OpenAiWriterTest {
  static final String KEY = "writer-test-credential-not-real";
  static final ObjectMapper JSON = new ObjectMapper();
  static final String STORY = "The keeper climbed down with his lamp. Something knocked again,"
      + " three times, from under the stones. He knocked back once. The knocking stopped, and"
      + " then, very softly, it answered with his own name.";
  static WireMockServer wm;
  OpenAiConfig config;

  @BeforeAll
  static void start() {
    wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    wm.start();
  }

  @AfterAll
  static void stop() {
    wm.stop();
  }

  @BeforeEach
  void reset() {
    wm.resetAll();
    config = OpenAiConfig.builder().baseUrl(wm.baseUrl() + "/v1").apiKey(KEY)
        .requestTimeout(Duration.ofSeconds(20)).build();
  }

  @AfterEach
  void everyRequestFollowsTheContract() {
    Fixtures.validateAll(wm, ContractValidator.OPENAI, "/v1");
  }

  static String chat(String title, String story) throws Exception {
    ObjectNode content = JSON.createObjectNode().put("title", title).put("story", story);
    ObjectNode r = JSON.createObjectNode();
    r.put("id", "chatcmpl-w").put("object", "chat.completion").put("created", 1)
        .put("model", "gpt-4o-mini");
    ObjectNode c = r.putArray("choices").addObject();
    c.put("index", 0).put("finish_reason", "stop");
    c.putObject("message").put("role", "assistant").put("content", content.toString());
    r.putObject("usage").put("prompt_tokens", 90).put("completion_tokens", 70)
        .put("total_tokens", 160);
    return JSON.writeValueAsString(r);
  }

  static final WriteRequest REQUEST = WriteRequest.builder("a lighthouse keeper hears knocking"
      + " from below").genre("horror").genreGuidance("Build dread slowly.").targetWords(40)
      .audience("adults").language(Locale.forLanguageTag("en")).build();

  @Test
  void writesATitledStoryWithStructuredOutputAndTheOptionsInThePrompt() throws Exception {
    wm.stubFor(post("/v1/chat/completions").willReturn(okJson(chat("\"The Knocking\"", STORY))));
    GeneratedStory g = new OpenAiWriter(config, "gpt-4o-mini").write(REQUEST);
    assertThat(g.story().title()).isEqualTo("The Knocking");
    assertThat(g.story().text()).isEqualTo(STORY);
    assertThat(g.usage().inputTokens()).isEqualTo(90);
    assertThat(g.usage().outputTokens()).isEqualTo(70);
    wm.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
        .withHeader("Authorization", equalTo("Bearer " + KEY)));
    JsonNode sent = JSON.readTree(wm.getAllServeEvents().get(0).getRequest().getBody());
    assertThat(sent.at("/response_format/type").asText()).isEqualTo("json_schema");
    assertThat(sent.at("/response_format/json_schema/name").asText()).isEqualTo("story");
    assertThat(sent.at("/response_format/json_schema/strict").asBoolean()).isTrue();
    assertThat(sent.at("/response_format/json_schema/schema/required").toString())
        .contains("title").contains("story");
    String user = sent.at("/messages/1/content").asText();
    assertThat(user).contains("a lighthouse keeper hears knocking from below")
        .contains("about 40 words").contains("Genre: horror").contains("Build dread slowly.")
        .contains("Audience: adults").contains("Language: English");
  }

  @Test
  void aStoryFarFromTheLengthIsAskedForAgainWithTheProblem() throws Exception {
    wm.stubFor(post("/v1/chat/completions").inScenario("len").whenScenarioStateIs(
        Scenario.STARTED).willReturn(okJson(chat("Short", "Too short.")))
        .willSetStateTo("again"));
    wm.stubFor(post("/v1/chat/completions").inScenario("len").whenScenarioStateIs("again")
        .willReturn(okJson(chat("The Knocking", STORY))));
    GeneratedStory g = new OpenAiWriter(config, "gpt-4o-mini").write(REQUEST);
    assertThat(g.story().title()).isEqualTo("The Knocking");
    assertThat(g.usage().inputTokens()).isEqualTo(180);
    JsonNode second = JSON.readTree(wm.getAllServeEvents().get(0).getRequest().getBody());
    assertThat(second.get("messages").toString()).contains("the story has 2 words; about 40");
  }

  @Test
  void twoUnusableAnswersAreANonRetriableFailureNamingTheProblem() throws Exception {
    wm.stubFor(post("/v1/chat/completions").willReturn(okJson(chat("", STORY))));
    Throwable t = catchThrowable(() -> new OpenAiWriter(config, "gpt-4o-mini").write(REQUEST));
    assertThat(t).isInstanceOf(NonRetriableException.class)
        .hasMessageContaining("unusable twice").hasMessageContaining("the title was empty")
        .hasMessageContaining("openai.model.writer");
    assertThat(wm.getAllServeEvents()).hasSize(2);
  }

  @Test
  void aRateLimitIsRetriableAndNeverShowsTheKey() {
    wm.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(429)
        .withHeader("Retry-After", "3").withHeader("Content-Type", "application/json")
        .withBody("{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\","
            + "\"code\":\"rate_limit_exceeded\"}}")));
    Throwable t = catchThrowable(() -> new OpenAiWriter(config, "gpt-4o-mini").write(REQUEST));
    assertThat(t).isInstanceOf(RateLimitException.class);
    assertThat(((RateLimitException) t).retryAfter()).isEqualTo(Duration.ofSeconds(3));
    assertThat(t.getMessage()).doesNotContain(KEY);
  }

  @Test
  void theFactoryIsFoundByNameIsPaidAndTakesItsModelSetting() {
    StoryWriter w = Providers.create(StoryWriter.class, "openai", new ProviderSettings(Map.of(
        "openai.baseUrl", wm.baseUrl() + "/v1", "openai.model.writer", "gpt-4o")));
    assertThat(w.model()).isEqualTo("gpt-4o");
    assertThat(w.fingerprint()).startsWith("openai-writer/v1/gpt-4o@").doesNotContain(KEY);
    assertThat(new OpenAiWriterFactory().isPaid()).isTrue();
    assertThat(Providers.settings(StoryWriter.class).get("openai"))
        .anySatisfy(s -> assertThat(s.key()).isEqualTo("openai.apiKeys"));
  }

  @Test
  void severalKeysFromTheSettingAreRotated() throws Exception {
    wm.stubFor(post("/v1/chat/completions").withHeader("Authorization",
        equalTo("Bearer writer-rot-one")).willReturn(aResponse().withStatus(401)
            .withHeader("Content-Type", "application/json")
            .withBody("{\"error\":{\"message\":\"Incorrect API key provided\","
                + "\"code\":\"invalid_api_key\"}}")));
    wm.stubFor(post("/v1/chat/completions").withHeader("Authorization",
        equalTo("Bearer writer-rot-two")).willReturn(okJson(chat("The Knocking", STORY))));
    OpenAiConfig c = OpenAiConfig.fromSettings(new ProviderSettings(Map.of(
        "openai.baseUrl", wm.baseUrl() + "/v1", "openai.apiKeys",
        "writer-rot-one,writer-rot-two")), Map.of());
    assertThat(c.keyCount()).isEqualTo(2);
    assertThat(c.toString()).doesNotContain("writer-rot");
    OpenAiWriter w = new OpenAiWriter(c, "gpt-4o-mini");
    w.write(REQUEST);
    w.write(REQUEST);
    assertThat(wm.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions"))
        .withHeader("Authorization", equalTo("Bearer writer-rot-one")))).hasSize(1);
    assertThat(wm.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions"))
        .withHeader("Authorization", equalTo("Bearer writer-rot-two")))).hasSize(2);
  }
}
