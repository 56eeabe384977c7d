package dev.storyreel.samples;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.storyreel.core.Manifest;
import dev.storyreel.core.Words;
import dev.storyreel.testkit.Fixtures;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The CLI with ElevenLabs (WireMock): {@code providers} lists its four kinds, {@code voices
 * --speech elevenlabs} lists the account's voices, and {@code render --speech elevenlabs --music
 * elevenlabs --sfx elevenlabs} makes a video whose word timings come from the speech itself.
 */
class CliElevenLabsTest {
  static final String KEY = "test-only-fake-credential-0042";
  static final String STORY = "The Lamp\n\nA small lamp glowed in the window.";
  static final ObjectMapper JSON = new ObjectMapper();
  static WireMockServer wm;
  @TempDir static Path dir;

  @BeforeAll
  static void serve() {
    wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    wm.start();
    ObjectNode tts = JSON.createObjectNode();
    tts.put("audio_base64", Base64.getEncoder().encodeToString(
        Fixtures.tone(2600, 24_000).samples()));
    ObjectNode a = tts.putObject("alignment");
    ArrayNode c = a.putArray("characters");
    ArrayNode s = a.putArray("character_start_times_seconds");
    ArrayNode e = a.putArray("character_end_times_seconds");
    for (int i = 0; i < STORY.length(); i++) {
      c.add(String.valueOf(STORY.charAt(i)));
      s.add(i * 0.05);
      e.add((i + 1) * 0.05);
    }
    wm.stubFor(post(urlPathMatching("/v1/text-to-speech/.*/with-timestamps"))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
            .withBody(tts.toString())));
    wm.stubFor(post(urlPathEqualTo("/v1/music")).willReturn(aResponse().withStatus(200)
        .withBody(Fixtures.tone(10_000, 24_000).samples())));
    wm.stubFor(get(urlPathEqualTo("/v1/voices")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"voices\":[{\"voice_id\":\"21m00Tcm4TlvDq8ikWAM\",\"name\":\"Rachel\","
            + "\"category\":\"premade\",\"labels\":{},\"available_for_tiers\":[],"
            + "\"high_quality_base_model_ids\":[]}]}")));
  }

  @AfterAll
  static void stop() {
    wm.stop();
  }

  static int cli(StringWriter out, StringWriter err, String... args) {
    CommandLine cl = new CommandLine(new StoryReelCli());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    return cl.execute(args);
  }

  static List<String> sets() {
    return List.of("--set", "elevenlabs.baseUrl=" + wm.baseUrl(), "--set",
        "elevenlabs.apiKey=" + KEY);
  }

  @Test
  void providersListsElevenLabsForSpeechAlignerMusicAndEffects() {
    StringWriter out = new StringWriter();
    assertThat(cli(out, new StringWriter(), "providers")).isZero();
    List<String> rows = out.toString().lines().filter(l -> l.contains("elevenlabs")).toList();
    assertThat(rows).hasSize(4);
    assertThat(String.join("\n", rows)).contains("speech").contains("aligner").contains("music")
        .contains("sfx").contains("paid");
  }

  @Test
  void voicesListsTheAccountsVoices() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> a = new ArrayList<>(List.of("voices", "--speech", "elevenlabs"));
    a.addAll(sets());
    assertThat(cli(out, err, a.toArray(String[]::new))).as("stderr: %s", err).isZero();
    assertThat(out.toString()).contains("Rachel").contains("21m00Tcm4TlvDq8ikWAM");
  }

  @Test
  void aRejectedKeyInVoicesIsAClearMessageWithoutTheKeyOrAClassName() {
    var stub = wm.stubFor(get(urlPathEqualTo("/v1/voices")).atPriority(1).willReturn(
        aResponse().withStatus(401).withHeader("Content-Type", "application/json")
            .withBody("{\"detail\":{\"status\":\"invalid_api_key\",\"message\":\"Invalid API"
                + " key\"}}")));
    try {
      StringWriter err = new StringWriter();
      List<String> a = new ArrayList<>(List.of("voices", "--speech", "elevenlabs"));
      a.addAll(sets());
      assertThat(cli(new StringWriter(), err, a.toArray(String[]::new)))
          .isEqualTo(StoryReelCli.EXIT_BAD_INPUT);
      assertThat(err.toString()).contains("HTTP 401").contains("Invalid API key")
          .doesNotContain(KEY).doesNotContain("Exception");
    } finally {
      wm.removeStub(stub);
    }
  }

  @Test
  void rendersWithElevenLabsSpeechAndMusicAndTakesTheWordTimingsFromTheSpeech()
      throws Exception {
    Path story = dir.resolve("lamp.txt");
    Files.writeString(story, STORY);
    Path out = dir.resolve("out");
    List<String> a = new ArrayList<>(List.of("render", story.toString(), "-o", out.toString(),
        "--format", "180x320", "--fps", "10", "--no-progress", "--speech", "elevenlabs",
        "--music", "elevenlabs", "--sfx", "elevenlabs"));
    a.addAll(sets());
    StringWriter err = new StringWriter();
    assertThat(cli(new StringWriter(), err, a.toArray(String[]::new))).as("stderr: %s", err)
        .isZero();
    Manifest m;
    try (InputStream in = Files.newInputStream(out.resolve("manifest.json"))) {
      m = Manifest.read(in);
    }
    assertThat(m.segments()).allSatisfy(s -> {
      assertThat(s.speechProvider().provider()).isEqualTo("elevenlabs");
      assertThat(s.alignerProvider()).isNull();
      assertThat(s.words()).extracting(Manifest.WordEntry::word)
          .containsExactlyElementsOf(Words.split(s.narration()));
    });
    assertThat(m.soundtrack().music().provider()).isEqualTo("elevenlabs");
    assertThat(out.resolve("video.mp4")).isRegularFile();
    assertThat(Files.readString(out.resolve("manifest.json"))).doesNotContain(KEY);
    wm.verify(postRequestedFor(urlPathEqualTo("/v1/music")));
  }
}
