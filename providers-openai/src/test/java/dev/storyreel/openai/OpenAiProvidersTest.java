package dev.storyreel.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.Mood;
import dev.storyreel.core.Narration;
import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.RetriableException;
import dev.storyreel.core.SoundCue;
import dev.storyreel.core.Story;
import dev.storyreel.core.StoryReelException;
import dev.storyreel.core.Storyboard;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.WordTiming;
import dev.storyreel.core.Words;
import dev.storyreel.core.spi.GeneratedImage;
import dev.storyreel.core.spi.ImageRequest;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.SpeechRequest;
import dev.storyreel.testkit.ContractValidator;
import dev.storyreel.testkit.Fixtures;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every OpenAI provider against WireMock, with every request body checked against {@code
 * openai-openapi.yaml} after each test.
 */
class OpenAiProvidersTest {
  static final String KEY = "test-SECRET-credential-not-a-real-key";
  static final String STORY = "The Door\n\nMara found a red door in the hedge. She knocked twice."
      + "\nNobody answered, so she went in.";
  static final ObjectMapper JSON = new ObjectMapper();
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
        .organization("org-1").project("proj-1").requestTimeout(Duration.ofMillis(1500)).build();
  }

  @AfterEach
  void everyRequestFollowsTheContract() {
    Fixtures.validateAll(wm, ContractValidator.OPENAI, "/v1");
  }

  static String chat(Object plan) throws Exception {
    ObjectNode r = JSON.createObjectNode();
    r.put("id", "chatcmpl-1").put("object", "chat.completion").put("created", 1)
        .put("model", "gpt-4o-mini");
    ObjectNode c = r.putArray("choices").addObject();
    c.put("index", 0).put("finish_reason", "stop");
    c.putObject("message").put("role", "assistant")
        .put("content", plan instanceof String s ? s : JSON.writeValueAsString(plan));
    r.putObject("usage").put("prompt_tokens", 120).put("completion_tokens", 80)
        .put("total_tokens", 200);
    return JSON.writeValueAsString(r);
  }

  static Map<String, Object> plan(String... narrations) {
    List<Map<String, String>> segs = new java.util.ArrayList<>();
    for (String n : narrations) {
      segs.add(Map.of("narration", n, "imagePrompt", "scene of " + n.split(" ")[0]));
    }
    return Map.of("visualStyle", "soft watercolour", "characterSheet",
        "Mara: girl of ten, red coat", "segments", segs);
  }

  // ---------------------------------------------------------------- planner

  @Test
  void plannerKeepsTheAuthorsTextAndPutsStyleAndCharactersInEveryPrompt() throws Exception {
    wm.stubFor(post("/v1/chat/completions").willReturn(okJson(chat(plan(
        "The Door Mara found a red door in the hedge.",
        "She knocked twice. Nobody answered, so she went in.")))));
    Storyboard b = new OpenAiPlanner(config, "gpt-4o-mini")
        .plan(Story.of(STORY), VideoFormat.portrait(), "");
    assertThat(b.segments()).hasSize(2);
    assertThat(b.segments().get(0).narration())
        .isEqualTo("The Door\n\nMara found a red door in the hedge.");
    assertThat(b.segments().get(1).narration())
        .isEqualTo("She knocked twice.\nNobody answered, so she went in.");
    assertThat(b.segments()).allSatisfy(s -> assertThat(s.imagePrompt())
        .contains("Mara: girl of ten, red coat").contains("soft watercolour"));
    assertThat(b.visualStyle()).isEqualTo("soft watercolour");
    assertThat(b.usage().inputTokens()).isEqualTo(120);
    assertThat(b.usage().outputTokens()).isEqualTo(80);
    wm.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
        .withHeader("Authorization", equalTo("Bearer " + KEY))
        .withHeader("OpenAI-Organization", equalTo("org-1"))
        .withHeader("OpenAI-Project", equalTo("proj-1")));
    var sent = JSON.readTree(wm.getAllServeEvents().get(0).getRequest().getBody());
    assertThat(sent.at("/response_format/type").asText()).isEqualTo("json_schema");
    assertThat(sent.at("/response_format/json_schema/strict").asBoolean()).isTrue();
  }

  @Test
  void plannerAsksOnceMoreWithTheErrorWhenTheModelChangesTheStory() throws Exception {
    wm.stubFor(post("/v1/chat/completions").inScenario("repair").whenScenarioStateIs("Started")
        .willReturn(okJson(chat(plan("The Door Mara found a blue door in the hedge.",
            "She knocked twice. Nobody answered, so she went in."))))
        .willSetStateTo("second"));
    wm.stubFor(post("/v1/chat/completions").inScenario("repair").whenScenarioStateIs("second")
        .willReturn(okJson(chat(plan("The Door Mara found a red door in the hedge. She knocked"
            + " twice. Nobody answered, so she went in.")))));
    Storyboard b = new OpenAiPlanner(config, "gpt-4o-mini")
        .plan(Story.of(STORY), VideoFormat.portrait(), "ink");
    assertThat(b.segments()).hasSize(1);
    assertThat(b.visualStyle()).isEqualTo("ink");
    assertThat(b.usage().inputTokens()).isEqualTo(240);
    String second = wm.getAllServeEvents().get(0).getRequest().getBodyAsString();
    assertThat(second).contains("'blue'").contains("'red'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"not json at all", "{\"segments\": []}",
      "{\"visualStyle\":\"x\",\"characterSheet\":\"\",\"segments\":[{\"narration\":\"The Door\","
          + "\"imagePrompt\":\"a door\"}]}"})
  void plannerFailsClearlyWhenTheOutputIsBadTwice(String content) throws Exception {
    wm.stubFor(post("/v1/chat/completions").willReturn(okJson(chat(content))));
    assertThatThrownBy(() -> new OpenAiPlanner(config, "gpt-4o-mini")
        .plan(Story.of(STORY), VideoFormat.portrait(), ""))
        .isInstanceOf(NonRetriableException.class)
        .hasMessageContaining("unusable twice");
    assertThat(wm.getAllServeEvents()).hasSize(2);
  }

  /** A plan with a story mood and, per segment, a mood and sound cues. */
  static Map<String, Object> moodyPlan(String storyMood, List<Map<String, Object>> segments) {
    Map<String, Object> p = new java.util.LinkedHashMap<>();
    p.put("visualStyle", "soft watercolour");
    p.put("characterSheet", "");
    p.put("mood", storyMood);
    p.put("segments", segments);
    return p;
  }

  static Map<String, Object> segment(String narration, String mood,
      List<Map<String, Object>> cues) {
    Map<String, Object> s = new java.util.LinkedHashMap<>();
    s.put("narration", narration);
    s.put("imagePrompt", "scene of " + narration.split(" ")[0]);
    s.put("mood", mood);
    s.put("soundCues", cues);
    return s;
  }

  static Map<String, Object> cue(String description, Object word) {
    Map<String, Object> c = new java.util.LinkedHashMap<>();
    c.put("description", description);
    c.put("word", word);
    return c;
  }

  /** Runs {@code r} collecting the planner's log lines. */
  static List<String> plannerLog(Runnable r) {
    List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
    Handler h = new Handler() {
      @Override
      public void publish(LogRecord rec) {
        logged.add(rec.getLevel() + " " + rec.getMessage());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger log = Logger.getLogger(OpenAiPlanner.class.getName());
    log.addHandler(h);
    try {
      r.run();
    } finally {
      log.removeHandler(h);
    }
    return logged;
  }

  @Test
  void plannerMapsTheStoryMoodSegmentMoodsAndSoundCues() throws Exception {
    wm.stubFor(post("/v1/chat/completions").willReturn(okJson(chat(moodyPlan("dread", List.of(
        segment("The Door Mara found a red door in the hedge.", "Tension",
            List.of(cue("leaves rustle", 0), cue("a door creaks", 6))),
        segment("She knocked twice. Nobody answered, so she went in.", null,
            List.of(cue("two knocks", 1)))))))));
    Storyboard b = new OpenAiPlanner(config, "gpt-4o-mini")
        .plan(Story.of(STORY), VideoFormat.portrait(), "");
    assertThat(b.mood()).isEqualTo(Mood.DREAD);
    assertThat(b.segments().get(0).mood()).as("ids in any case").isEqualTo(Mood.TENSION);
    assertThat(b.segments().get(0).soundCues()).containsExactly(
        new SoundCue("leaves rustle", 0), new SoundCue("a door creaks", 6));
    assertThat(b.segments().get(1).mood()).as("null: the story's mood").isNull();
    assertThat(b.segments().get(1).soundCues()).containsExactly(new SoundCue("two knocks", 1));

    // the schema sent asks for them, strictly: every property required, moods as an enum
    var schema = JSON.readTree(wm.getAllServeEvents().get(0).getRequest().getBody())
        .at("/response_format/json_schema/schema");
    List<String> ids = java.util.Arrays.stream(Mood.values()).map(Mood::id).toList();
    assertThat(schema.at("/properties/mood/enum")).extracting(n -> n.asText())
        .containsExactlyElementsOf(ids);
    assertThat(schema.at("/required")).extracting(n -> n.asText()).contains("mood");
    var seg = schema.at("/properties/segments/items");
    assertThat(seg.at("/required")).extracting(n -> n.asText())
        .contains("mood", "soundCues");
    assertThat(seg.at("/properties/mood/enum")).hasSize(ids.size() + 1)
        .anySatisfy(n -> assertThat(n.isNull()).isTrue());
    assertThat(seg.at("/properties/soundCues/items/required")).extracting(n -> n.asText())
        .containsExactly("description", "word");
    String system = JSON.readTree(wm.getAllServeEvents().get(0).getRequest().getBody())
        .at("/messages/0/content").asText();
    assertThat(system).contains(String.join(", ", ids)).contains("soundCues");
  }

  @Test
  void plannerIgnoresAnUnknownMoodAndDropsCuesOutsideTheirSegment() throws Exception {
    wm.stubFor(post("/v1/chat/completions").willReturn(okJson(chat(moodyPlan("spooky", List.of(
        segment("The Door Mara found a red door in the hedge.", "jolly",
            List.of(cue("a door creaks", 9), cue("wind", 8), cue("  ", 1))),
        segment("She knocked twice. Nobody answered, so she went in.", "sorrow",
            List.of(cue("footsteps", -1), cue("a latch", null)))))))));
    Storyboard[] b = new Storyboard[1];
    List<String> log = plannerLog(() -> b[0] = new OpenAiPlanner(config, "gpt-4o-mini")
        .plan(Story.of(STORY), VideoFormat.portrait(), ""));
    assertThat(b[0].mood()).isNull();
    assertThat(b[0].segments().get(0).mood()).isNull();
    assertThat(b[0].segments().get(1).mood()).isEqualTo(Mood.SORROW);
    // segment 0 has 10 words (0..9): 9 is the last one and kept, 8 too
    assertThat(b[0].segments().get(0).soundCues()).containsExactly(
        new SoundCue("a door creaks", 9), new SoundCue("wind", 8));
    assertThat(b[0].segments().get(1).soundCues()).isEmpty();
    assertThat(wm.getAllServeEvents()).as("nothing asked again").hasSize(1);
    assertThat(log).anySatisfy(l -> assertThat(l).startsWith("WARNING").contains("'spooky'")
        .contains("the story"));
    assertThat(log).anySatisfy(l -> assertThat(l).contains("'jolly'").contains("segment 0"));
    assertThat(log).anySatisfy(l -> assertThat(l).contains("'footsteps'").contains("word -1")
        .contains("dropped"));
    assertThat(log).anySatisfy(l -> assertThat(l).contains("'a latch'").contains("dropped"));
    assertThat(log).anySatisfy(l -> assertThat(l).contains("no description"));
  }

  @Test
  void aCueJustPastTheLastWordIsDropped() throws Exception {
    wm.stubFor(post("/v1/chat/completions").willReturn(okJson(chat(moodyPlan("calm", List.of(
        segment("The Door Mara found a red door in the hedge. She knocked twice. Nobody"
            + " answered, so she went in.", null, List.of(cue("a door closes", 18),
            cue("a door shuts", 19)))))))));
    Storyboard b = new OpenAiPlanner(config, "gpt-4o-mini")
        .plan(Story.of(STORY), VideoFormat.portrait(), "");
    assertThat(b.mood()).isEqualTo(Mood.CALM);
    assertThat(b.segments().get(0).soundCues()).containsExactly(
        new SoundCue("a door closes", 18));
  }

  // ---------------------------------------------------------------- images

  static String images(byte[] png) throws Exception {
    ObjectNode r = JSON.createObjectNode();
    r.put("created", 1);
    r.putArray("data").addObject().put("b64_json", Base64.getEncoder().encodeToString(png));
    r.putObject("usage").put("input_tokens", 50).put("output_tokens", 4000)
        .put("total_tokens", 4050).putObject("input_tokens_details").put("text_tokens", 50)
        .put("image_tokens", 0);
    return JSON.writeValueAsString(r);
  }

  @Test
  void imagesAreDecodedAndSizedFromTheFormat() throws Exception {
    wm.stubFor(post("/v1/images/generations").willReturn(okJson(images(Fixtures.png(64, 96)))));
    GeneratedImage img = new OpenAiImageProvider(config, "gpt-image-1", null)
        .generate(new ImageRequest(3, "a red door", 1080, 1920, 7));
    assertThat(img.widthPx()).isEqualTo(64);
    assertThat(img.mediaType()).isEqualTo("image/png");
    assertThat(img.usage().images()).isEqualTo(1);
    assertThat(img.usage().outputTokens()).isEqualTo(4000);
    var sent = JSON.readTree(wm.getAllServeEvents().get(0).getRequest().getBody());
    assertThat(sent.get("size").asText()).isEqualTo("1024x1536");
    assertThat(sent.get("output_format").asText()).isEqualTo("png");
    assertThat(sent.has("response_format")).isFalse();
  }

  @Test
  void dalle3AsksForBase64AndItsOwnSizes() throws Exception {
    wm.stubFor(post("/v1/images/generations").willReturn(okJson(images(Fixtures.png(8, 8)))));
    new OpenAiImageProvider(config, "dall-e-3", "hd")
        .generate(new ImageRequest(0, "a red door", 1920, 1080, 7));
    var sent = JSON.readTree(wm.getAllServeEvents().get(0).getRequest().getBody());
    assertThat(sent.get("size").asText()).isEqualTo("1792x1024");
    assertThat(sent.get("response_format").asText()).isEqualTo("b64_json");
    assertThat(sent.get("quality").asText()).isEqualTo("hd");
  }

  @Test
  void aTruncatedImageIsRefused() throws Exception {
    byte[] png = Fixtures.png(64, 64);
    wm.stubFor(post("/v1/images/generations").willReturn(okJson(images(
        java.util.Arrays.copyOf(png, png.length / 2)))));
    assertThatThrownBy(() -> new OpenAiImageProvider(config, "gpt-image-1", null)
        .generate(new ImageRequest(2, "a red door", 64, 64, 7)))
        .isInstanceOf(NonRetriableException.class).hasMessageContaining("segment 2");
  }

  /** What each failure of a paid call (an image) becomes. */
  @ParameterizedTest
  @ValueSource(strings = {"400", "401", "404", "429", "500", "503", "timeout", "reset",
      "malformed", "html"})
  void everyFailureOfAPaidCallEndsInTheDocumentedRetryOrAClearError(String failure) {
    wm.stubFor(post("/v1/images/generations").willReturn(failure(failure)));
    Throwable t = catchThrowable(() -> new OpenAiImageProvider(config, "gpt-image-1", null)
        .generate(new ImageRequest(4, "a red door", 64, 64, 7)));
    assertThat(t).isInstanceOf(StoryReelException.class);
    assertThat(t.getMessage()).contains("openai").doesNotContain(KEY).doesNotContain("SECRET");
    boolean retriable = failure.equals("429") || failure.equals("503");
    assertThat(((StoryReelException) t).isRetriable()).as(failure + ": " + t.getMessage())
        .isEqualTo(retriable);
    if (failure.equals("429")) {
      assertThat(((RetriableException) t).retryAfter()).isEqualTo(Duration.ofSeconds(7));
    }
    if (failure.matches("\\d+")) {
      assertThat(t.getMessage()).contains("HTTP " + failure).contains("/v1/images/generations")
          .contains("segment 4");
    }
    if (failure.equals("500") || failure.equals("timeout") || failure.equals("reset")) {
      assertThat(t.getMessage()).contains("never pays twice", "billed");
    }
  }

  /** The same failures on a free call (moderation) are retried where transient. */
  @ParameterizedTest
  @ValueSource(strings = {"400", "401", "404", "429", "500", "503", "timeout", "reset",
      "malformed", "html"})
  void freeCallsRetryEveryTransientFailure(String failure) {
    wm.stubFor(post("/v1/moderations").willReturn(failure(failure)));
    Throwable t = catchThrowable(() -> new OpenAiModerator(config, "omni-moderation-latest")
        .moderate(List.of("hello")));
    assertThat(t).isInstanceOf(StoryReelException.class);
    boolean retriable = List.of("429", "500", "503", "timeout", "reset", "malformed", "html")
        .contains(failure);
    assertThat(((StoryReelException) t).isRetriable()).as(failure + ": " + t.getMessage())
        .isEqualTo(retriable);
    assertThat(t.getMessage()).doesNotContain(KEY);
  }

  static ResponseDefinitionBuilder failure(String f) {
    String err = "{\"error\":{\"message\":\"Incorrect API key provided: " + KEY
        + ". You can find your API key at https://platform.openai.com.\",\"type\":"
        + "\"invalid_request_error\",\"code\":null}}";
    return switch (f) {
      case "429" -> aResponse().withStatus(429).withHeader("Retry-After", "7")
          .withHeader("Content-Type", "application/json")
          .withBody("{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\"}}");
      case "timeout" -> okJson("{}").withFixedDelay(3000);
      case "reset" -> aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER);
      case "malformed" -> okJson("{\"data\": [ {\"b64_json\": ");
      case "html" -> aResponse().withStatus(200).withHeader("Content-Type", "text/html")
          .withBody("<html><body>Welcome to the captive portal</body></html>");
      default -> aResponse().withStatus(Integer.parseInt(f))
          .withHeader("Content-Type", "application/json").withBody(err);
    };
  }

  // ---------------------------------------------------------------- speech

  @Test
  void speechReadsWavAndAsksTheAlignerForTimings() {
    byte[] wav = Fixtures.tone(500, 24000).toWav();
    wm.stubFor(post("/v1/audio/speech").willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "audio/wav").withBody(wav)));
    Narration n = new OpenAiSpeechProvider(config, "gpt-4o-mini-tts", "alloy", "wav",
        "calm storyteller").synthesize(new SpeechRequest(0, "Hello there.", "nova"));
    assertThat(n.audio().duration()).isEqualTo(Duration.ofMillis(500));
    assertThat(n.words()).isEmpty();
    assertThat(n.usage().characters()).isEqualTo(12);
    String body = wm.getAllServeEvents().get(0).getRequest().getBodyAsString();
    assertThat(body).contains("\"voice\":\"nova\"", "\"response_format\":\"wav\"",
        "\"instructions\":\"calm storyteller\"");
  }

  @Test
  void speechReadsRawPcmAt24kHz() {
    byte[] pcm = Fixtures.tone(250, 24000).samples();
    wm.stubFor(post("/v1/audio/speech").willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "audio/pcm").withBody(pcm)));
    Narration n = new OpenAiSpeechProvider(config, "tts-1", "alloy", "pcm", "ignored")
        .synthesize(new SpeechRequest(0, "Hello.", null));
    assertThat(n.audio().sampleRateHz()).isEqualTo(24000);
    assertThat(n.audio().duration()).isEqualTo(Duration.ofMillis(250));
    assertThat(wm.getAllServeEvents().get(0).getRequest().getBodyAsString())
        .doesNotContain("instructions");
  }

  @Test
  void speechThatIsNotAudioIsRefused() {
    // A corrupt asset under an audio type: retriable, since asking again may give a good one.
    wm.stubFor(post("/v1/audio/speech").willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "audio/wav").withBody("<html>oops</html>")));
    assertThatThrownBy(() -> new OpenAiSpeechProvider(config, "tts-1", "alloy", "wav", null)
        .synthesize(new SpeechRequest(1, "Hello.", null)))
        .isInstanceOf(RetriableException.class).hasMessageContaining("not a WAV");
    // Text where audio was expected may be a billed answer in another shape: not retried.
    wm.stubFor(post("/v1/audio/speech").willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "text/plain").withBody("echo " + KEY)));
    assertThatThrownBy(() -> new OpenAiSpeechProvider(config, "tts-1", "alloy", "wav", null)
        .synthesize(new SpeechRequest(1, "Hello.", null)))
        .isInstanceOf(NonRetriableException.class).hasMessageNotContaining(KEY);
  }

  // ---------------------------------------------------------------- aligner

  @Test
  void theAlignerGivesTheAuthorsWordsTheTranscriptsTimes() throws Exception {
    ObjectNode r = JSON.createObjectNode();
    r.put("language", "english").put("duration", 2.0).put("text", "she knocked 2 times");
    ArrayNode w = r.putArray("words");
    w.addObject().put("word", "She").put("start", 0.1).put("end", 0.4);
    w.addObject().put("word", "knocked").put("start", 0.5).put("end", 0.9);
    w.addObject().put("word", "2").put("start", 1.0).put("end", 1.2);
    w.addObject().put("word", "times").put("start", 1.2).put("end", 1.6);
    r.putObject("usage").put("type", "duration").put("seconds", 2);
    wm.stubFor(post("/v1/audio/transcriptions").willReturn(okJson(r.toString())));
    String text = "“She knocked twice,” said Mara.";
    List<WordTiming> t = new OpenAiAligner(config, "whisper-1")
        .align(0, text, Fixtures.tone(2000, 16000));
    assertThat(t).extracting(WordTiming::word).containsExactlyElementsOf(Words.split(text));
    assertThat(t.get(0).start()).isEqualTo(Duration.ofMillis(100));
    assertThat(t.get(1).start()).isEqualTo(Duration.ofMillis(500));
    assertThat(t.get(4).end()).isLessThanOrEqualTo(Duration.ofSeconds(2));
    for (int i = 1; i < t.size(); i++) {
      assertThat(t.get(i).start()).isGreaterThanOrEqualTo(t.get(i - 1).start());
    }
    var req = wm.getAllServeEvents().get(0).getRequest();
    assertThat(req.getPart("response_format").getBody().asString()).isEqualTo("verbose_json");
    assertThat(req.getPart("timestamp_granularities[]").getBody().asString()).isEqualTo("word");
  }

  // ---------------------------------------------------------------- moderation

  @Test
  void moderationReturnsTheFlaggedCategories() {
    wm.stubFor(post("/v1/moderations").willReturn(okJson("{\"id\":\"modr-1\",\"model\":"
        + "\"omni-moderation-latest\",\"results\":[{\"flagged\":false,\"categories\":"
        + "{\"violence\":false}},{\"flagged\":true,\"categories\":{\"violence\":true,"
        + "\"harassment\":false}}]}")));
    assertThat(new OpenAiModerator(config, "omni-moderation-latest")
        .moderate(List.of("a calm text", "a violent text")))
        .containsExactly(List.of(), List.of("violence"));
  }

  @Test
  void theContractCheckCatchesDrift() {
    String speech = ContractValidator.postBody("/audio/speech", "application/json");
    ContractValidator.validate(ContractValidator.OPENAI, speech,
        "{\"model\":\"tts-1\",\"input\":\"x\",\"voice\":\"alloy\"}".getBytes());
    assertThatThrownBy(() -> ContractValidator.validate(ContractValidator.OPENAI, speech,
        "{\"model\":\"tts-1\",\"input\":\"x\",\"voice\":\"alloy\",\"response_format\":\"ogg\"}"
            .getBytes())).isInstanceOf(AssertionError.class).hasMessageContaining("response_format");
    assertThatThrownBy(() -> ContractValidator.validate(ContractValidator.OPENAI, speech,
        "{\"model\":\"tts-1\",\"text\":\"x\",\"voice\":\"alloy\"}".getBytes()))
        .isInstanceOf(AssertionError.class);
  }

  // ---------------------------------------------------------------- keys and factories

  @Test
  void theKeyNeverAppearsInLogsMessagesOrDescriptions() {
    List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
    Handler h = new Handler() {
      @Override
      public void publish(LogRecord r) {
        logged.add(r.getMessage() + " " + r.getThrown());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger root = Logger.getLogger("");
    Level old = root.getLevel();
    root.setLevel(Level.ALL);
    root.addHandler(h);
    try {
      wm.stubFor(post("/v1/audio/speech").willReturn(failure("401")));
      Throwable t = catchThrowable(() -> new OpenAiSpeechProvider(config, "tts-1", "alloy",
          "wav", null).synthesize(new SpeechRequest(0, "Hi.", null)));
      assertThat(t).isInstanceOf(NonRetriableException.class).hasMessageContaining("HTTP 401");
      Supplier<String> all = () -> t.getMessage() + config + logged
          + new OpenAiSpeechProvider(config, "tts-1", "alloy", "wav", null).fingerprint()
          + ProviderSettings.EMPTY.with("openai.apiKey", KEY);
      assertThat(all.get()).doesNotContain(KEY).doesNotContain("SECRET");
    } finally {
      root.removeHandler(h);
      root.setLevel(old);
    }
  }

  @Test
  void factoriesNeedAKeyExceptForLocalServers() {
    ProviderSettings remote = ProviderSettings.EMPTY.with("openai.baseUrl",
        "https://api.example.com/v1");
    if (System.getenv(OpenAiConfig.KEY_ENV) == null) {
      assertThat(new OpenAiImageProviderFactory().isAvailable()).isFalse();
      assertThatThrownBy(() -> new OpenAiImageProviderFactory().create(remote))
          .isInstanceOf(ConfigurationException.class).hasMessageContaining("OPENAI_API_KEY");
    }
    ProviderSettings local = ProviderSettings.EMPTY
        .with("openai.baseUrl", "http://localhost:11434/v1")
        .with("openai.model.speech", "kokoro").with("replicate.model", "ignored/other");
    var speech = new OpenAiSpeechProviderFactory().create(local);
    assertThat(speech.model()).isEqualTo("kokoro");
    assertThat(speech.fingerprint()).contains("localhost:11434").contains("kokoro");
    assertThat(new OpenAiPlannerFactory().create(remote.with("openai.apiKey", KEY)).fingerprint())
        .doesNotContain(KEY).contains("api.example.com");
  }
}
