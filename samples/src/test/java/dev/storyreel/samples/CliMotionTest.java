package dev.storyreel.samples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.storyreel.testkit.VideoFixtures;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code storyreel render --background --title --watermark}, offline, and its bad input. */
class CliMotionTest {
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

  private Path story() throws Exception {
    return Files.writeString(dir.resolve("story.txt"),
        "The Lighthouse\n\nThe keeper climbed the stairs. The lamp was cold.");
  }

  @Test
  void aStoryRendersOverABackgroundVideoWithATitleCardAndAWatermark() throws Exception {
    Path bg = VideoFixtures.mp4(dir.resolve("gameplay.mp4"), 90, 160, 24, 36, 0.2f, true);
    BufferedImage logo = new BufferedImage(32, 16, BufferedImage.TYPE_INT_ARGB);
    logo.setRGB(0, 0, Color.WHITE.getRGB());
    Path png = dir.resolve("logo.png");
    ImageIO.write(logo, "png", png.toFile());
    Path out = dir.resolve("out");
    Outcome o = run("render", story().toString(), "-o", out.toString(),
        "--music", "none", "--format", "160x284", "--fps", "10", "--background", bg.toString(),
        "--background-dim", "0.3", "--background-gain", "-12", "--title", "--end-card", "The end",
        "--watermark", png.toString(), "--watermark-corner", "top-left");
    assertThat(o.code()).as(o.err()).isZero();
    assertThat(out.resolve("video.mp4")).isNotEmptyFile();
    // Progress counts the narrations only: no still is made over a background.
    assertThat(o.err()).containsPattern("planned (\\d+) segments: \\1 assets to make");
    JsonNode m = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
    JsonNode opts = m.get("renderOptions");
    assertThat(opts.get("background").asText()).isEqualTo("gameplay.mp4");
    assertThat(opts.get("backgroundSha256").asText()).isEqualTo(HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(bg))));
    assertThat(opts.get("backgroundDim").asText()).isEqualTo("0.3");
    assertThat(opts.get("titleCard").asText()).startsWith("'The Lighthouse' 0..3000ms");
    assertThat(opts.get("endCard").asText()).startsWith("'The end'");
    assertThat(opts.get("watermark").asText()).startsWith("top-left");
    // Over a background no still is made: no image task, no image in the manifest or assets.
    for (JsonNode seg : m.get("segments")) {
      assertThat(seg.get("image") == null || seg.get("image").isNull())
          .as("segment %s's image", seg.get("index")).isTrue();
    }
    try (var files = Files.list(out.resolve("assets"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.endsWith(".png") || n.endsWith(".jpg"));
    }
  }

  @Test
  void aBackgroundThatIsNotAVideoIsBadInputAndNothingIsWritten() throws Exception {
    Path fake = Files.writeString(dir.resolve("clip.mp4"), "this is not a video");
    Path out = dir.resolve("out");
    Outcome o = run("render", story().toString(), "-o", out.toString(), "--no-progress",
        "--background", fake.toString());
    assertThat(o.code()).isEqualTo(StoryReelCli.EXIT_BAD_INPUT);
    assertThat(o.err()).contains("clip.mp4").contains("not a video").doesNotContain("Exception");
    assertThat(out).doesNotExist();

    Path audioOnly = dir.resolve("missing.mp4");
    Outcome missing = run("render", story().toString(), "-o", out.toString(), "--no-progress",
        "--background", audioOnly.toString());
    assertThat(missing.code()).isEqualTo(StoryReelCli.EXIT_BAD_INPUT);
    assertThat(missing.err()).contains("--background").contains("missing.mp4");
    assertThat(out).doesNotExist();
  }

  @Test
  void aWatermarkThatIsNotAnImageIsBadInputAndNothingIsWritten() throws Exception {
    Path notImage = Files.writeString(dir.resolve("logo.png"), "not a picture");
    Path out = dir.resolve("out");
    Outcome o = run("render", story().toString(), "-o", out.toString(), "--no-progress",
        "--watermark", notImage.toString());
    assertThat(o.code()).isEqualTo(StoryReelCli.EXIT_BAD_INPUT);
    assertThat(o.err()).contains("--watermark").contains("logo.png").contains("not an image");
    assertThat(out).doesNotExist();
  }
}
