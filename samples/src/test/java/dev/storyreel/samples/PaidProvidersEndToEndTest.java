package dev.storyreel.samples;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.storyreel.core.Manifest;
import dev.storyreel.core.Words;
import dev.storyreel.testkit.ContractValidator;
import dev.storyreel.testkit.Fixtures;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A story rendered end to end through the CLI with every asset from WireMock-served OpenAI
 * (planner, speech, aligner, moderation) and Replicate (images) responses shaped as the
 * contracts say; every request body is validated against the vendors' documents.
 */
class PaidProvidersEndToEndTest {
  static final String STORY = "The Lamp\n\nA small lamp glowed in the window.\n"
      + "Outside, the snow kept falling.";
  static final ObjectMapper JSON = new ObjectMapper();
  static WireMockServer wm;
  @TempDir static Path dir;

  @BeforeAll
  static void serve() throws Exception {
    wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    wm.start();
    ObjectNode plan = JSON.createObjectNode();
    plan.put("visualStyle", "warm gouache").put("characterSheet", "");
    var segs = plan.putArray("segments");
    segs.addObject().put("narration", "The Lamp A small lamp glowed in the window.")
        .put("imagePrompt", "a lamp in a window at night");
    segs.addObject().put("narration", "Outside, the snow kept falling.")
        .put("imagePrompt", "snow falling on a quiet street");
    ObjectNode chat = JSON.createObjectNode();
    chat.put("id", "c1").put("object", "chat.completion").put("created", 1).put("model", "m");
    ObjectNode c = chat.putArray("choices").addObject();
    c.put("index", 0).put("finish_reason", "stop");
    c.putObject("message").put("role", "assistant").put("content", plan.toString());
    chat.putObject("usage").put("prompt_tokens", 300).put("completion_tokens", 150)
        .put("total_tokens", 450);
    wm.stubFor(post("/v1/chat/completions").willReturn(json(chat.toString())));
    wm.stubFor(post("/v1/moderations").willReturn(json("{\"id\":\"m\",\"model\":\"m\","
        + "\"results\":[" + String.join(",", java.util.Collections.nCopies(4,
            "{\"flagged\":false,\"categories\":{\"violence\":false}}")) + "]}")));
    wm.stubFor(post("/v1/audio/speech").willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "audio/wav")
        .withBody(Fixtures.tone(1200, 24000).toWav())));
    wm.stubFor(post("/v1/audio/transcriptions").willReturn(json("{\"language\":\"english\","
        + "\"duration\":1.2,\"text\":\"a small lamp\",\"words\":[{\"word\":\"a\",\"start\":0.2,"
        + "\"end\":0.3},{\"word\":\"small\",\"start\":0.3,\"end\":0.6},{\"word\":\"lamp\","
        + "\"start\":0.6,\"end\":0.9}]}")));
    wm.stubFor(post(urlMatching("/replicate/v1/models/.*/predictions")).willReturn(
        aResponse().withStatus(201).withHeader("Content-Type", "application/json")
            .withBody("{\"id\":\"p1\",\"status\":\"succeeded\",\"output\":[\"" + wm.baseUrl()
                + "/files/out.png\"],\"urls\":{}}")));
    wm.stubFor(get("/files/out.png").willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "image/png").withBody(Fixtures.png(90, 160))));
  }

  static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
    return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
        .withBody(body);
  }

  @AfterAll
  static void stop() {
    Fixtures.validateAll(wm, ContractValidator.OPENAI, "/v1");
    Fixtures.validateAll(wm, ContractValidator.REPLICATE, "/replicate/v1");
    wm.stop();
  }

  static int cli(StringWriter err, String... args) throws Exception {
    CommandLine cl = new CommandLine(new StoryReelCli());
    cl.setOut(new PrintWriter(new StringWriter()));
    cl.setErr(new PrintWriter(err));
    return cl.execute(args);
  }

  static String[] args(Path out, String... more) throws Exception {
    Path story = dir.resolve("lamp.txt");
    Files.writeString(story, STORY);
    List<String> a = new java.util.ArrayList<>(List.of("render", story.toString(), "-o",
        out.toString(), "--format", "180x320", "--fps", "10", "--no-progress",
        "--planner", "openai", "--images", "replicate", "--speech", "openai",
        "--aligner", "openai", "--moderator", "openai",
        "--openai-base-url", wm.baseUrl() + "/v1",
        "--replicate-base-url", wm.baseUrl() + "/replicate/v1"));
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  @Test
  void rendersWithEveryAssetFromTheVendorsAndRecordsUsageAndCost() throws Exception {
    Path out = dir.resolve("paid");
    StringWriter err = new StringWriter();
    assertThat(cli(err, args(out, "--budget-usd", "1"))).as("stderr: %s", err).isZero();
    Manifest m;
    try (InputStream in = Files.newInputStream(out.resolve("manifest.json"))) {
      m = Manifest.read(in);
    }
    assertThat(m.planner().provider()).isEqualTo("openai");
    assertThat(m.moderator().provider()).isEqualTo("openai");
    assertThat(m.segments()).hasSize(2);
    assertThat(m.segments().get(0).narration())
        .isEqualTo("The Lamp\n\nA small lamp glowed in the window.");
    assertThat(m.segments()).allSatisfy(s -> {
      assertThat(s.imageProvider().provider()).isEqualTo("replicate");
      assertThat(s.alignerProvider().provider()).isEqualTo("openai");
      assertThat(s.imageUsage().images()).isEqualTo(1);
      assertThat(s.imageUsage().estimatedCostUsd()).isEqualByComparingTo("0.003");
      assertThat(s.speechUsage().characters()).isEqualTo(s.narration().length());
      assertThat(s.alignerUsage().audioMillis()).isEqualTo(1200);
      assertThat(s.words()).extracting(Manifest.WordEntry::word)
          .containsExactlyElementsOf(Words.split(s.narration()));
    });
    assertThat(m.planUsage().inputTokens()).isEqualTo(300);
    assertThat(m.totalUsage().estimatedCostUsd()).isGreaterThan(new java.math.BigDecimal(
        "0.006"));
    assertThat(m.budgetUsd()).isEqualByComparingTo("1");
    assertThat(out.resolve("video.mp4")).isRegularFile();
    assertThat(Files.readString(out.resolve("manifest.json"))).doesNotContain("Bearer");
  }

  @Test
  void aBudgetTooSmallStopsBeforeAnyImageIsPaidForAndWritesNoOutput() throws Exception {
    Path out = dir.resolve("poor");
    StringWriter err = new StringWriter();
    int before = wm.findAll(postRequestedFor(urlMatching("/replicate/.*"))).size();
    assertThat(cli(err, args(out, "--budget-usd", "0.002"))).isEqualTo(StoryReelCli.EXIT_FAILED);
    assertThat(err.toString()).contains("Budget exceeded").contains("--budget-usd");
    assertThat(wm.findAll(postRequestedFor(urlMatching("/replicate/.*")))).hasSize(before);
    for (String k : dev.storyreel.core.StoryReel.OUTPUT_KEYS) {
      assertThat(out.resolve(k)).doesNotExist();
    }
  }

  @Test
  void aFlaggedPromptStopsTheJobNamingSegmentAndCategory() throws Exception {
    WireMockServer w = wm;
    var stub = w.stubFor(post("/v1/moderations").atPriority(1).willReturn(json(
        "{\"id\":\"m\",\"model\":\"m\",\"results\":[{\"flagged\":false,\"categories\":{}},"
            + "{\"flagged\":false,\"categories\":{}},{\"flagged\":false,\"categories\":{}},"
            + "{\"flagged\":true,\"categories\":{\"violence\":true}}]}")));
    try {
      Path out = dir.resolve("flagged");
      StringWriter err = new StringWriter();
      assertThat(cli(err, args(out))).isEqualTo(StoryReelCli.EXIT_FAILED);
      assertThat(err.toString()).contains("segment 1").contains("image prompt")
          .contains("violence");
      assertThat(out.resolve("manifest.json")).doesNotExist();
    } finally {
      w.removeStub(stub);
    }
    assertThat(Map.of()).isEmpty();
  }
}
