package dev.storyreel.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Every kind of bad input ends with exit code 2, a message naming the fix, and nothing written. */
class CliBadInputTest {
  @TempDir Path dir;

  private record Outcome(int code, String err) {}

  private Outcome run(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new StoryReelCli());
    cl.setErr(new PrintWriter(err));
    cl.setOut(new PrintWriter(new StringWriter()));
    int code = cl.execute(args);
    return new Outcome(code, err.toString());
  }

  private Path story(String text) throws Exception {
    return Files.writeString(dir.resolve("story.txt"), text);
  }

  private void assertNothingWritten(Path out) {
    assertThat(out).doesNotExist();
  }

  @Test
  void emptyStory() throws Exception {
    Path out = dir.resolve("out");
    Outcome o = run("render", story(" \n\t\n").toString(), "-o", out.toString(), "--no-progress");
    assertThat(o.code()).isEqualTo(StoryReelCli.EXIT_BAD_INPUT);
    assertThat(o.err()).contains("empty or only whitespace");
    assertNothingWritten(out);
  }

  @Test
  void storyOverTheLimit() throws Exception {
    Path out = dir.resolve("out");
    Outcome o = run("render", story("Once upon a time. ".repeat(10)).toString(), "-o",
        out.toString(), "--max-chars", "50", "--no-progress");
    assertThat(o.code()).isEqualTo(StoryReelCli.EXIT_BAD_INPUT);
    assertThat(o.err()).contains("over the limit of 50").contains("--max-chars");
    assertNothingWritten(out);
  }

  @Test
  void notUtf8() throws Exception {
    Path f = dir.resolve("latin1.txt");
    Files.write(f, "Une histoire \u00e0 Paris.".getBytes(StandardCharsets.ISO_8859_1));
    Path out = dir.resolve("out");
    Outcome o = run("render", f.toString(), "-o", out.toString(), "--no-progress");
    assertThat(o.code()).isEqualTo(StoryReelCli.EXIT_BAD_INPUT);
    assertThat(o.err()).contains("not valid UTF-8").contains("Save it as UTF-8");
    assertNothingWritten(out);
  }

  @Test
  void outputFolderThatCannotBeWritten() throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    Outcome o = run("render", story("A story.").toString(), "-o", file.resolve("out").toString(),
        "--no-progress");
    assertThat(o.code()).isEqualTo(StoryReelCli.EXIT_BAD_INPUT);
    assertThat(o.err()).contains("is a file, not a folder");
    assertThat(Files.readString(file)).isEqualTo("x");
  }

  @Test
  void existingOutputIsKeptWithoutForce() throws Exception {
    Path out = Files.createDirectories(dir.resolve("out"));
    Files.writeString(out.resolve("video.mp4"), "old");
    Files.writeString(out.resolve("manifest.json"), "{\"title\":\"another story\"}");
    Outcome o = run("render", story("A story.").toString(), "-o", out.toString(), "--no-progress");
    assertThat(o.code()).isEqualTo(StoryReelCli.EXIT_BAD_INPUT);
    assertThat(o.err()).contains("Output already exists").contains("--force");
    assertThat(Files.readString(out.resolve("video.mp4"))).isEqualTo("old");
    try (var files = Files.list(out)) {
      assertThat(files).hasSize(2);
    }
  }

  @Test
  void unknownFormatAndFpsOutOfRange() throws Exception {
    Path out = dir.resolve("out");
    Outcome f = run("render", story("A story.").toString(), "-o", out.toString(),
        "--format", "imax", "--no-progress");
    assertThat(f.code()).isEqualTo(StoryReelCli.EXIT_BAD_INPUT);
    assertThat(f.err()).contains("Unknown format 'imax'").contains("portrait, landscape, square");
    Outcome r = run("render", story("A story.").toString(), "-o", out.toString(),
        "--fps", "0", "--no-progress");
    assertThat(r.code()).isEqualTo(StoryReelCli.EXIT_BAD_INPUT);
    assertThat(r.err()).contains("fps must be 1..120, was 0");
    assertNothingWritten(out);
  }

  @Test
  void unknownVoice() throws Exception {
    Path out = dir.resolve("out");
    Outcome o = run("render", story("A story.").toString(), "-o", out.toString(),
        "--voice", "hal9000", "--no-progress");
    assertThat(o.code()).isEqualTo(StoryReelCli.EXIT_BAD_INPUT);
    assertThat(o.err()).contains("Unknown voice 'hal9000' for freetts").contains("kevin16");
    assertNothingWritten(out);
  }

  @Test
  void badS3LocationsAndOptions() throws Exception {
    Outcome bad = run("render", story("A story.").toString(), "--storage", "s3://Bad_Bucket/x",
        "--no-progress");
    assertThat(bad.code()).isEqualTo(StoryReelCli.EXIT_BAD_INPUT);
    assertThat(bad.err()).contains("s3://bucket/prefix");
    Path out = dir.resolve("out");
    Outcome both = run("render", story("A story.").toString(), "-o", out.toString(), "--storage",
        out.toString(), "--no-progress");
    assertThat(both.code()).isEqualTo(StoryReelCli.EXIT_BAD_INPUT);
    assertThat(both.err()).contains("not both");
    Outcome endpointOnly = run("render", story("A story.").toString(), "-o", out.toString(),
        "--s3-endpoint", "http://127.0.0.1:1", "--no-progress");
    assertThat(endpointOnly.code()).isEqualTo(StoryReelCli.EXIT_BAD_INPUT);
    assertThat(endpointOnly.err()).contains("need --storage s3://");
    assertNothingWritten(out);
  }

  @Test
  void missingStoryFile() {
    Outcome o = run("render", dir.resolve("nope.txt").toString(), "--no-progress");
    assertThat(o.code()).isEqualTo(StoryReelCli.EXIT_BAD_INPUT);
    assertThat(o.err()).contains("does not exist");
  }
}
