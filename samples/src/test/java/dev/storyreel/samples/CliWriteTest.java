package dev.storyreel.samples;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.storyreel.core.Manifest;
import dev.storyreel.core.Preset;
import dev.storyreel.testkit.ContractValidator;
import dev.storyreel.testkit.Fixtures;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code storyreel write "IDEA" --genre horror --render} against a WireMock-served
 * OpenAI-compatible writer, with the offline providers for the rest; and key rotation through a
 * whole job. Every request body is checked against OpenAI's contract.
 */
class CliWriteTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String IDEA = "a lighthouse keeper hears knocking from below";
  static final String TITLE = "The Knocking";
  static final String STORY = "The keeper climbed down with his lamp. Something knocked again,"
      + " three times, from under the stones. He knocked back once. The knocking stopped, and"
      + " then, very softly, it answered with his own name.";
  static WireMockServer wm;
  @TempDir Path dir;

  @BeforeAll
  static void start() {
    wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    wm.start();
  }

  @AfterAll
  static void stop() {
    Fixtures.validateAll(wm, ContractValidator.OPENAI, "/v1");
    wm.stop();
  }

  @BeforeEach
  void reset() {
    Fixtures.validateAll(wm, ContractValidator.OPENAI, "/v1");
    wm.resetAll();
  }

  record Outcome(int code, String out, String err) {}

  static Outcome cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = StoryReelCli.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Outcome(code, out.toString(), err.toString());
  }

  static String chat(Object content) throws Exception {
    ObjectNode r = JSON.createObjectNode();
    r.put("id", "chatcmpl-1").put("object", "chat.completion").put("created", 1)
        .put("model", "gpt-4o-mini");
    ObjectNode c = r.putArray("choices").addObject();
    c.put("index", 0).put("finish_reason", "stop");
    c.putObject("message").put("role", "assistant").put("content",
        JSON.writeValueAsString(content));
    r.putObject("usage").put("prompt_tokens", 100).put("completion_tokens", 80)
        .put("total_tokens", 180);
    return JSON.writeValueAsString(r);
  }

  static ResponseDefinitionBuilder json(String body) {
    return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
        .withBody(body);
  }

  static ObjectNode story() {
    return JSON.createObjectNode().put("title", TITLE).put("story", STORY);
  }

  /** A storyboard of the story file's words (its title line included). */
  static ObjectNode storyboard() {
    ObjectNode plan = JSON.createObjectNode();
    plan.put("visualStyle", "ink").put("characterSheet", "").put("mood", "dread");
    var segs = plan.putArray("segments");
    ObjectNode a = segs.addObject();
    a.put("narration", TITLE + " The keeper climbed down with his lamp. Something knocked"
        + " again, three times, from under the stones.").put("imagePrompt", "a stair").putNull(
            "mood");
    a.putArray("soundCues");
    ObjectNode b = segs.addObject();
    b.put("narration", "He knocked back once. The knocking stopped, and then, very softly, it"
        + " answered with his own name.").put("imagePrompt", "a hatch").putNull("mood");
    b.putArray("soundCues");
    return plan;
  }

  static Manifest manifest(Path out) throws Exception {
    try (InputStream in = Files.newInputStream(out.resolve("manifest.json"))) {
      return Manifest.read(in);
    }
  }

  static List<String> render(String... more) {
    List<String> a = new ArrayList<>(List.of("--", "--format", "180x320", "--fps", "10",
        "--no-progress"));
    a.addAll(List.of(more));
    return a;
  }

  static String[] args(List<String> head, List<String> tail) {
    List<String> a = new ArrayList<>(head);
    a.addAll(tail);
    return a.toArray(String[]::new);
  }

  @Test
  void writeHorrorAndRenderItWithTheOfflineProviders() throws Exception {
    wm.stubFor(post("/v1/chat/completions").willReturn(json(chat(story()))));
    Path out = dir.resolve("lighthouse");
    Outcome o = cli(args(List.of("write", IDEA, "--genre", "horror", "--words", "40",
        "--writer", "openai", "--openai-base-url", wm.baseUrl() + "/v1", "-o", out.toString(),
        "--render"), render()));

    assertThat(o.code()).as("stderr: %s", o.err()).isZero();
    assertThat(o.out()).contains("Wrote \"" + TITLE + "\"");
    assertThat(Files.readString(out.resolve("story.txt")))
        .isEqualTo(TITLE + "\n\n" + STORY + "\n");
    assertThat(out.resolve("video.mp4")).isNotEmptyFile();
    Manifest m = manifest(out);
    assertThat(m.title()).isEqualTo(TITLE);
    assertThat(m.writtenFrom().idea()).isEqualTo(IDEA);
    assertThat(m.writtenFrom().genre()).isEqualTo("horror");
    assertThat(m.writtenFrom().targetWords()).isEqualTo(40);
    assertThat(m.writtenFrom().writer().provider()).isEqualTo("openai");
    assertThat(m.writtenFrom().usage().inputTokens()).isEqualTo(100);
    // The horror preset's look and sound, on the offline providers.
    Preset horror = Preset.named("horror");
    assertThat(m.visualStyle()).isEqualTo(horror.visualStyle());
    assertThat(m.segments()).allSatisfy(s -> assertThat(s.voice()).isEqualTo("kevin16"));
    assertThat(m.soundtrack().beds()).isNotEmpty()
        .allSatisfy(b -> assertThat(b.mood()).isEqualTo("dread"));
    assertThat(m.planner().provider()).isEqualTo("rules");
    // The writer was asked once, with the genre and its guidance.
    assertThat(wm.getAllServeEvents()).hasSize(1);
    String sent = wm.getAllServeEvents().get(0).getRequest().getBodyAsString();
    assertThat(sent).contains("Genre: horror").contains("build dread slowly")
        .contains("about 40 words").contains(IDEA);

    // Again: the story comes from the cache, nothing is paid, the output is reproduced.
    Outcome again = cli(args(List.of("write", IDEA, "--genre", "horror", "--words", "40",
        "--writer", "openai", "--openai-base-url", wm.baseUrl() + "/v1", "-o", out.toString(),
        "--render"), render()));
    assertThat(again.code()).as("stderr: %s", again.err()).isZero();
    assertThat(again.out()).contains("from the cache (nothing paid)");
    assertThat(wm.getAllServeEvents()).hasSize(1);
  }

  @Test
  void explicitFlagsWinOverTheGenrePreset() throws Exception {
    Path story = dir.resolve("story.txt");
    Files.writeString(story, TITLE + "\n\n" + STORY + "\n");
    Path out = dir.resolve("explicit");
    Outcome o = cli("render", story.toString(), "-o", out.toString(), "--genre", "horror",
        "--style", "pencil sketch", "--mood", "calm", "--voice", "kevin16", "--format",
        "180x320", "--fps", "10", "--no-progress");
    assertThat(o.code()).as("stderr: %s", o.err()).isZero();
    Manifest m = manifest(out);
    assertThat(m.visualStyle()).isEqualTo("pencil sketch");
    assertThat(m.soundtrack().beds()).allSatisfy(b -> assertThat(b.mood()).isEqualTo("calm"));
    assertThat(m.writtenFrom()).isNull();
  }

  @Test
  void withoutAWriterTheCommandSaysWhichToNameAndPaysNothing() {
    Outcome o = cli("write", IDEA, "-o", dir.resolve("none").toString());
    assertThat(o.code()).isEqualTo(StoryReelCli.EXIT_BAD_INPUT);
    assertThat(o.err()).contains("--writer openai").contains("no offline writer")
        .doesNotContain("Exception");
    assertThat(wm.getAllServeEvents()).isEmpty();
  }

  @Test
  void anUnknownGenreListsTheKnownOnes() {
    Outcome o = cli("write", IDEA, "--genre", "horrror", "--writer", "openai",
        "--openai-base-url", wm.baseUrl() + "/v1", "-o", dir.resolve("g").toString());
    assertThat(o.code()).isEqualTo(StoryReelCli.EXIT_BAD_INPUT);
    assertThat(o.err()).contains("Unknown preset 'horrror'").contains(Preset.SHIPPED_NAMES);
    assertThat(wm.getAllServeEvents()).isEmpty();
  }

  @Test
  void withThreeKeysOneRateLimitedAndOneRevokedTheJobCompletesOnTheThird() throws Exception {
    String k1 = "cli-rotation-key-one";
    String k2 = "cli-rotation-key-two";
    String k3 = "cli-rotation-key-three";
    wm.stubFor(post("/v1/chat/completions").withHeader("Authorization", equalTo("Bearer " + k1))
        .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "60")
            .withHeader("Content-Type", "application/json")
            .withBody("{\"error\":{\"message\":\"Rate limit reached for requests\","
                + "\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}")));
    wm.stubFor(post("/v1/chat/completions").withHeader("Authorization", equalTo("Bearer " + k2))
        .willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/json")
            .withBody("{\"error\":{\"message\":\"Incorrect API key provided: " + k2 + "\","
                + "\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}")));
    wm.stubFor(post("/v1/chat/completions").withHeader("Authorization", equalTo("Bearer " + k3))
        .withRequestBody(containing("\"name\":\"story\"")).willReturn(json(chat(story()))));
    wm.stubFor(post("/v1/chat/completions").withHeader("Authorization", equalTo("Bearer " + k3))
        .withRequestBody(containing("\"name\":\"storyboard\""))
        .willReturn(json(chat(storyboard()))));
    Path out = dir.resolve("rotated");

    Outcome o = cli(args(List.of("write", IDEA, "--words", "40", "--writer", "openai",
        "--openai-base-url", wm.baseUrl() + "/v1", "--set", "openai.apiKeys=" + k1 + "," + k2
            + "," + k3, "-o", out.toString(), "--render"),
        render("--planner", "openai", "--music", "none")));

    assertThat(o.code()).as("stderr: %s", o.err()).isZero();
    var chats = postRequestedFor(urlEqualTo("/v1/chat/completions"));
    assertThat(wm.findAll(chats.withHeader("Authorization", equalTo("Bearer " + k3))))
        .as("the writer and the planner both ran on key 3").hasSize(2);
    assertThat(wm.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions"))
        .withHeader("Authorization", equalTo("Bearer " + k1))))
        .as("key 1 rests for its Retry-After").hasSize(1);
    // The journal, oldest first: nothing goes to key 2 after its 401.
    List<String> order = new ArrayList<>();
    wm.getAllServeEvents().forEach(e -> order.add(0, e.getRequest().getHeader("Authorization")));
    int revokedAt = order.indexOf("Bearer " + k2);
    assertThat(revokedAt).isNotNegative();
    assertThat(order.subList(revokedAt + 1, order.size())).doesNotContain("Bearer " + k2);
    assertThat(order).containsExactly("Bearer " + k1, "Bearer " + k2, "Bearer " + k3,
        "Bearer " + k3);

    Manifest m = manifest(out);
    assertThat(m.writtenFrom().usage().keyPosition()).isEqualTo(3);
    assertThat(m.planUsage().keyPosition()).isEqualTo(3);
    String manifestJson = Files.readString(out.resolve("manifest.json"));
    for (String k : List.of(k1, k2, k3)) {
      assertThat(manifestJson).doesNotContain(k);
      assertThat(o.out()).doesNotContain(k);
      assertThat(o.err()).doesNotContain(k);
    }
  }

  @Test
  void theProvidersTableListsTheWriterAsPaid() {
    Outcome o = cli("providers");
    assertThat(o.code()).isZero();
    assertThat(o.out()).containsPattern("(?m)^openai\\s+writer\\s.*\\s+paid$");
  }

  @Test
  void aMisspeltSettingIsRefusedBeforeTheWriterIsPaid() {
    Outcome o = cli("write", IDEA, "--writer", "openai", "--openai-base-url",
        wm.baseUrl() + "/v1", "--set", "openai.modle.writer=gpt-4o", "-o",
        dir.resolve("typo").toString());
    assertThat(o.code()).isEqualTo(StoryReelCli.EXIT_BAD_INPUT);
    assertThat(o.err()).contains("Unknown setting 'openai.modle.writer'")
        .contains("openai.model.writer");
    assertThat(wm.getAllServeEvents()).isEmpty();
  }
}
