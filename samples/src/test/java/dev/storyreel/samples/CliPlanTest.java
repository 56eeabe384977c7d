package dev.storyreel.samples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.storyreel.core.Manifest;
import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code storyreel plan} -> edit -> {@code storyreel render --storyboard}, offline. */
class CliPlanTest {
  private static final String STORY = "The Lamp\n\nA small lamp glowed in the window."
      + " The fox watched it from the hill. At dawn the lamp went out.";

  @TempDir Path dir;

  private record Outcome(int code, String out, String err) {}

  private Outcome run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = StoryReelCli.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Outcome(code, out.toString(), err.toString());
  }

  private static final String[] SMALL =
      {"--no-progress", "--music", "none", "--format", "160x284", "--fps", "10"};

  private String[] args(String... first) {
    return Stream.concat(Stream.of(first), Stream.of(SMALL)).toArray(String[]::new);
  }

  @Test
  void planEditThenRenderTheStoryboard() throws Exception {
    Path story = Files.writeString(dir.resolve("lamp.txt"), STORY);
    Path out = dir.resolve("lamp");

    Outcome planned = run(args("plan", story.toString(), "-o", out.toString()));
    assertThat(planned.code()).as(planned.err()).isZero();
    Path json = out.resolve("storyboard.json");
    Path png = out.resolve("storyboard.png");
    assertThat(json).isRegularFile();
    BufferedImage sheet = ImageIO.read(png.toFile());
    assertThat(sheet.getWidth()).isGreaterThan(300);
    assertThat(planned.out()).contains("Estimated cost of making the video: $0")
        .containsPattern("(?m)^images\\s+procedural \\(\\S+\\)\\s+\\d+\\s+\\$0$")
        .containsPattern("(?m)^narration\\s+freetts \\(\\S+\\)\\s+\\d+\\s+\\$0$")
        .contains("storyreel render --storyboard " + json);
    assertThat(out.resolve("video.mp4")).doesNotExist();

    ObjectMapper m = new ObjectMapper();
    ObjectNode root = (ObjectNode) m.readTree(json.toFile());
    ObjectNode first = (ObjectNode) root.get("segments").get(0);
    first.put("imagePrompt", "a red lamp in a dark window, woodcut");
    first.put("clip", false);
    Files.write(json, m.writeValueAsBytes(root));

    Outcome rendered = run(args("render", "--storyboard", json.toString()));
    assertThat(rendered.code()).as(rendered.err()).isZero();
    assertThat(rendered.out()).contains("Estimated cost of making the video: $0");
    assertThat(out.resolve("video.mp4")).isRegularFile();
    Manifest manifest;
    try (InputStream in = Files.newInputStream(out.resolve("manifest.json"))) {
      manifest = Manifest.read(in);
    }
    assertThat(manifest.segments().get(0).imagePrompt())
        .isEqualTo("a red lamp in a dark window, woodcut");
    assertThat(manifest.segments()).hasSize(root.get("segments").size());
  }

  @Test
  void aMissingStoryboardIsBadInputAndWritesNothing() {
    Path out = dir.resolve("out");
    Outcome o = run(args("render", "--storyboard", dir.resolve("nope/storyboard.json").toString(),
        "-o", out.toString()));
    assertThat(o.code()).isEqualTo(StoryReelCli.EXIT_BAD_INPUT);
    assertThat(o.err()).contains("no such file").contains("storyreel plan")
        .doesNotContain("Exception");
    assertThat(out).doesNotExist();
  }

  @Test
  void malformedJsonIsBadInputNamingTheLineAndWritesNothing() throws Exception {
    Path plan = Files.createDirectories(dir.resolve("p"));
    Path json = Files.writeString(plan.resolve("storyboard.json"),
        "{\"formatVersion\": 1,\n \"segments\": [\n");
    Outcome o = run(args("render", "--storyboard", json.toString()));
    assertThat(o.code()).isEqualTo(StoryReelCli.EXIT_BAD_INPUT);
    assertThat(o.err()).contains("not valid JSON").contains("line ")
        .doesNotContain("Exception").doesNotContain("jackson");
    try (Stream<Path> files = Files.list(plan)) {
      assertThat(files).containsExactly(json);
    }
  }

  @Test
  void anEditedNarrationIsBadInputNamingTheSegmentAndWritesNothing() throws Exception {
    Path story = Files.writeString(dir.resolve("lamp.txt"), STORY);
    Path out = dir.resolve("lamp");
    assertThat(run(args("plan", story.toString(), "-o", out.toString())).code()).isZero();
    Path json = out.resolve("storyboard.json");
    ObjectMapper m = new ObjectMapper();
    ObjectNode root = (ObjectNode) m.readTree(json.toFile());
    ObjectNode last = (ObjectNode) root.get("segments").get(root.get("segments").size() - 1);
    last.put("narration", last.get("narration").asText().replace("dawn", "dusk"));
    Files.write(json, m.writeValueAsBytes(root));
    long before;
    try (Stream<Path> files = Files.walk(out)) {
      before = files.count();
    }

    Outcome o = run(args("render", "--storyboard", json.toString()));
    assertThat(o.code()).isEqualTo(StoryReelCli.EXIT_BAD_INPUT);
    assertThat(o.err()).containsPattern("segments\\[\\d+]\\.narration")
        .contains("\"dawn\"").contains("\"dusk\"").contains("plan again");
    assertThat(out.resolve("video.mp4")).doesNotExist();
    try (Stream<Path> files = Files.walk(out)) {
      assertThat(files.count()).isEqualTo(before);
    }
  }

  @Test
  void aStoryAndAStoryboardTogetherOrNeitherAreBadInput() throws Exception {
    Path story = Files.writeString(dir.resolve("lamp.txt"), STORY);
    Outcome both = run(args("render", story.toString(), "--storyboard",
        dir.resolve("storyboard.json").toString()));
    assertThat(both.code()).isEqualTo(StoryReelCli.EXIT_BAD_INPUT);
    assertThat(both.err()).contains("not both");

    Outcome neither = run(args("render"));
    assertThat(neither.code()).isEqualTo(StoryReelCli.EXIT_BAD_INPUT);
    assertThat(neither.err()).contains("--storyboard");

    Outcome planNone = run(args("plan"));
    assertThat(planNone.code()).isEqualTo(StoryReelCli.EXIT_BAD_INPUT);
    assertThat(planNone.err()).contains("Give the STORY to plan");
  }
  @Test
  void anEstimateOverTheBudgetIsPrintedByPlanAndRefusedByRenderBeforeAnythingIsMade()
      throws Exception {
    Path story = Files.writeString(dir.resolve("lamp.txt"), STORY);
    Path prices = Files.writeString(dir.resolve("prices.properties"),
        "procedural/procedural-v1.usdPerImage=0.25\n");
    Path out = dir.resolve("lamp");
    Outcome planned = run(args("plan", story.toString(), "-o", out.toString(), "--price-table",
        prices.toString()));
    assertThat(planned.code()).as(planned.err()).isZero();
    int segments = new ObjectMapper().readTree(out.resolve("storyboard.json").toFile())
        .get("segments").size();
    String cost = new java.math.BigDecimal("0.25").multiply(java.math.BigDecimal.valueOf(segments))
        .stripTrailingZeros().toPlainString();
    assertThat(planned.out()).contains("Estimated cost of making the video: $" + cost);

    Outcome o = run(args("render", "--storyboard", out.resolve("storyboard.json").toString(),
        "--price-table", prices.toString(), "--budget-usd", "0.1"));
    assertThat(o.code()).isEqualTo(StoryReelCli.EXIT_BAD_INPUT);
    assertThat(o.err()).contains("~$" + cost).contains("budget of $0.1")
        .contains("--budget-usd");
    assertThat(out.resolve("assets")).doesNotExist();
    assertThat(out.resolve("video.mp4")).doesNotExist();
  }
}
