package dev.storyreel.samples;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.storyreel.core.Manifest;
import dev.storyreel.core.Plan;
import dev.storyreel.core.Story;
import dev.storyreel.core.timeline.ClipFit;
import dev.storyreel.testkit.ContractValidator;
import dev.storyreel.testkit.Fixtures;
import dev.storyreel.testkit.VideoFixtures;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code storyreel render --clips 1,3} against a WireMock-served Replicate whose image-to-video
 * model answers with a real MP4 (made with javacv): the clips are asked for once each, stored,
 * in the manifest with the fit policy used, the video's frame count is exact and its cuts fall
 * on the narration boundaries; a second run pays nothing. Every request is checked against
 * Replicate's contract.
 */
class CliClipsTest {
  static final String STORY = "The Keeper\n\nThe keeper climbed the stairs at dusk. "
      + "The lamp was cold. He struck a match and waited. "
      + "Far out, a ship turned toward the light. Nobody on board knew his name.";
  static final String CREATE = "/replicate/v1/models/wan-video/wan-2.2-i2v-fast/predictions";
  static final ObjectMapper JSON = new ObjectMapper();
  static WireMockServer wm;
  static byte[] mp4;
  @TempDir static Path dir;

  @BeforeAll
  static void serve() throws Exception {
    wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    wm.start();
    // 1.5 s at 16 fps, the default model's rate
    mp4 = Files.readAllBytes(VideoFixtures.mp4(dir.resolve("served.mp4"), 96, 160, 16, 24));
    wm.stubFor(post(CREATE).willReturn(aResponse().withStatus(201)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"id\":\"p1\",\"status\":\"succeeded\",\"output\":\"" + wm.baseUrl()
            + "/files/clip.mp4\",\"urls\":{}}")));
    wm.stubFor(get("/files/clip.mp4").willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "video/mp4").withBody(mp4)));
  }

  @AfterAll
  static void stop() {
    Fixtures.validateAll(wm, ContractValidator.REPLICATE, "/replicate/v1");
    wm.stop();
  }

  static int cli(StringWriter err, String... args) {
    CommandLine cl = new CommandLine(new StoryReelCli());
    cl.setOut(new PrintWriter(new StringWriter()));
    cl.setErr(new PrintWriter(err));
    return cl.execute(args);
  }

  /** A storyboard of four short segments, one sentence each (the planner would make one). */
  static Path storyboard() {
    Path file = dir.resolve("storyboard.json");
    if (!Files.exists(file)) {
      String[] sentences = {"The keeper climbed the stairs at dusk.",
          "The lamp was cold.", "He struck a match and waited.",
          "Far out, a ship turned toward the light.", "Nobody on board knew his name."};
      List<Plan.Shot> shots = new ArrayList<>();
      for (int i = 0; i < sentences.length; i++) {
        shots.add(new Plan.Shot(i, sentences[i], "a lighthouse, " + sentences[i], null,
            List.of(), false));
      }
      new Plan(new Story("The Keeper", STORY.substring(STORY.indexOf("The keeper"))), "", null,
          shots, null, null).write(file);
    }
    return file;
  }

  static String[] args(Path out, String... more) throws Exception {
    return args(storyboard(), out, more);
  }

  static String[] args(Path storyboard, Path out, String... more) throws Exception {
    List<String> a = new ArrayList<>(List.of("render", "--storyboard", storyboard.toString(),
        "-o", out.toString(),
        "--format", "180x320", "--fps", "10", "--no-progress", "--music", "none",
        "--replicate-base-url", wm.baseUrl() + "/replicate/v1"));
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  static Manifest manifest(Path out) throws Exception {
    try (InputStream in = Files.newInputStream(out.resolve("manifest.json"))) {
      return Manifest.read(in);
    }
  }

  @Test
  void clipsForTwoSegmentsAreMadeOnceStoredAndCutOnTheNarration() throws Exception {
    Path out = dir.resolve("out");
    StringWriter err = new StringWriter();
    int before = wm.findAll(postRequestedFor(urlEqualTo(CREATE))).size();
    assertThat(cli(err, args(out, "--clips", "1,3"))).as("stderr: %s", err).isZero();
    assertThat(wm.findAll(postRequestedFor(urlEqualTo(CREATE)))).hasSize(before + 2);
    Manifest m = manifest(out);
    assertThat(m.segments()).hasSize(5);
    for (Manifest.SegmentEntry s : m.segments()) {
      if (s.index() == 1 || s.index() == 3) {
        Manifest.ClipEntry c = s.clip();
        assertThat(c).as("segment %d", s.index()).isNotNull();
        assertThat(c.source()).isEqualTo("replicate");
        assertThat(c.provider().model()).isEqualTo("wan-video/wan-2.2-i2v-fast");
        assertThat(c.clipMillis()).isEqualTo(1500);
        assertThat(c.fit()).isEqualTo(ClipFit.resolve(Duration.ofMillis(1500),
            Duration.ofMillis(s.endMillis() - s.startMillis())).id());
        assertThat(c.usage().images()).isEqualTo(1);
        assertThat(out.resolve(c.clip().key())).hasBinaryContent(mp4);
      } else {
        assertThat(s.clip()).as("segment %d keeps its still", s.index()).isNull();
      }
    }
    // Frame count exact and cuts on the narration boundaries, to the frame.
    long expected = 0;
    for (Manifest.SegmentEntry s : m.segments()) {
      assertThat(s.startFrame()).isEqualTo(expected);
      assertThat((double) s.startFrame()).isCloseTo(s.startMillis() * 10 / 1000.0,
          org.assertj.core.data.Offset.offset(1.0));
      expected = s.endFrame();
    }
    assertThat(m.video().frameCount()).isEqualTo(expected);
    assertThat(VideoFixtures.decodedFrames(out.resolve("video.mp4"))).isEqualTo(expected);

    // The same command again: everything from the cache, no prediction paid again.
    int paid = wm.findAll(postRequestedFor(urlEqualTo(CREATE))).size();
    StringWriter err2 = new StringWriter();
    assertThat(cli(err2, args(out, "--clips", "1,3"))).as("stderr: %s", err2).isZero();
    assertThat(wm.findAll(postRequestedFor(urlEqualTo(CREATE)))).hasSize(paid);
    assertThat(manifest(out).segments().get(1).clip().cache().hit()).isTrue();
  }

  @Test
  void clipIndexesOutOfRangeAndABadFitAreBadInputAndPayNothing() throws Exception {
    int before = wm.findAll(postRequestedFor(urlEqualTo(CREATE))).size();
    StringWriter err = new StringWriter();
    Path out = dir.resolve("range");
    assertThat(cli(err, args(out, "--clips", "2,40"))).isEqualTo(StoryReelCli.EXIT_BAD_INPUT);
    assertThat(err.toString()).contains("[40]").contains("indexes 0..4")
        .contains("Nothing was paid for");
    assertThat(out.resolve("cache")).doesNotExist();
    StringWriter err2 = new StringWriter();
    assertThat(cli(err2, args(dir.resolve("fit"), "--clips", "1", "--clip-fit", "wobble")))
        .isEqualTo(StoryReelCli.EXIT_BAD_INPUT);
    assertThat(err2.toString()).contains("--clip-fit").contains("ping-pong");
    assertThat(wm.findAll(postRequestedFor(urlEqualTo(CREATE)))).hasSize(before);
    assertThat(dir.resolve("fit").resolve("manifest.json")).doesNotExist();
  }

  @Test
  void aStoryboardsOwnStillIsUsedAsItIsAndABadMediaFileIsBadInput() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("mine"));
    Plan plan = Plan.read(storyboard());
    byte[] png = Fixtures.png(90, 160);
    Files.createDirectories(folder.resolve("footage"));
    Files.write(folder.resolve("footage/still.png"), png);
    Files.writeString(folder.resolve("footage/notes.mp4"), "not a video at all");
    Path good = folder.resolve("good.json");
    plan.withShot(plan.shots().get(2).withMedia(Path.of("footage/still.png"))).write(good);
    Path out = dir.resolve("mine-out");
    StringWriter err = new StringWriter();
    assertThat(cli(err, args(good, out))).as("stderr: %s", err).isZero();
    Manifest.SegmentEntry s = manifest(out).segments().get(2);
    assertThat(s.imageProvider()).as("no provider drew it").isNull();
    assertThat(out.resolve(s.image().key())).hasBinaryContent(png);

    Path bad = folder.resolve("bad.json");
    plan.withShot(plan.shots().get(1).withMedia(Path.of("footage/notes.mp4"))).write(bad);
    StringWriter err2 = new StringWriter();
    Path badOut = dir.resolve("bad-out");
    assertThat(cli(err2, args(bad, badOut))).isEqualTo(StoryReelCli.EXIT_BAD_INPUT);
    assertThat(err2.toString()).contains("segments[1].media").contains("notes.mp4");
    assertThat(badOut.resolve("cache")).doesNotExist();
  }

  @Test
  void planWritesTheClipShotsAndEstimatesThemWithoutPayingAnything() throws Exception {
    int before = wm.findAll(postRequestedFor(urlEqualTo(CREATE))).size();
    Path story = Files.writeString(dir.resolve("short.txt"), "The lamp was cold. He waited.");
    Path out = dir.resolve("planned");
    StringWriter err = new StringWriter();
    assertThat(cli(err, "plan", story.toString(), "-o", out.toString(), "--format", "180x320",
        "--clips", "all", "--replicate-base-url", wm.baseUrl() + "/replicate/v1"))
        .as("stderr: %s", err).isZero();
    Plan plan = Plan.read(out.resolve("storyboard.json"));
    assertThat(plan.shots()).allMatch(Plan.Shot::clip);
    assertThat(plan.estimate().items().stream()
        .filter(i -> i.kind() == dev.storyreel.core.TaskKind.CLIP).count())
        .isEqualTo(plan.shots().size());
    assertThat(plan.estimate().toProduceUsd()).isGreaterThanOrEqualTo(
        new java.math.BigDecimal("0.05").multiply(java.math.BigDecimal.valueOf(
            plan.shots().size())));
    assertThat(wm.findAll(postRequestedFor(urlEqualTo(CREATE)))).hasSize(before);
  }
}
