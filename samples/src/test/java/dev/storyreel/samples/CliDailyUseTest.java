package dev.storyreel.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storyreel.core.JobState;
import dev.storyreel.core.ProgressEvent;
import dev.storyreel.core.RetriableException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI's daily-use commands and options, run in-process. */
class CliDailyUseTest {
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

  private Path story(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }

  // 1. providers

  @Test
  void providersListsEveryFactoryWithKindModuleAvailabilityAndPrice() {
    Outcome o = run("providers");
    assertThat(o.code()).isZero();
    String[] lines = o.out().split("\\R");
    assertThat(lines[0]).startsWith("NAME").contains("KIND", "MODULE", "AVAILABLE", "PAID");
    assertThat(o.out()).containsPattern("(?m)^procedural\\s+images\\s+\\S.*\\s+yes\\s+free$")
        .containsPattern("(?m)^freetts\\s+speech\\s.*\\s+yes\\s+free$")
        .containsPattern("(?m)^rules\\s+planner\\s")
        .containsPattern("(?m)^openai\\s+images\\s.*\\s+paid$")
        .containsPattern("(?m)^replicate\\s+music\\s.*\\s+paid$")
        .containsPattern("(?m)^ffmpeg\\s+renderer\\s");
    List<ProvidersCommand.Row> rows = ProvidersCommand.rows();
    assertThat(rows).filteredOn(r -> !r.available()).allSatisfy(r ->
        assertThat(r.why()).isNotBlank());
    assertThat(rows).filteredOn(r -> r.name().equals("openai") && !r.available())
        .allSatisfy(r -> assertThat(r.why()).contains("OPENAI_API_KEY"));
    assertThat(rows).allSatisfy(r -> assertThat(r.module()).isNotBlank().isNotEqualTo("unknown"));
  }

  // 2. voices

  @Test
  void voicesOfFreeTts() {
    Outcome o = run("voices", "--speech", "freetts");
    assertThat(o.code()).isZero();
    assertThat(o.out()).contains("language en-US").contains("  kevin16");
  }

  @Test
  void voicesOfAnUnknownProviderIsBadInput() {
    Outcome o = run("voices", "--speech", "no-such-tts");
    assertThat(o.code()).isEqualTo(StoryReelCli.EXIT_BAD_INPUT);
    assertThat(o.err()).contains("no-such-tts").doesNotContain("Exception");
  }

  // 3. batch

  @Test
  void metricsArePrintedAfterTheSummary() throws Exception {
    Path s = story("cat.txt", "The cat sat by the fire. It slept.");
    Path out = dir.resolve("m");
    Outcome o = run("render", s.toString(), "-o", out.toString(), "--no-progress", "--music",
        "none", "--format", "160x284", "--fps", "10", "--metrics");
    assertThat(o.code()).as(o.err()).isZero();
    assertThat(o.out()).contains("  metrics")
        .containsPattern("storyreel\\.calls\\s+\\{kind=image,outcome=success\\}\\s+\\d+")
        .containsPattern("storyreel\\.stage\\s+\\{stage=rendering\\}\\s+1 x");
    Outcome again = run("render", s.toString(), "-o", out.toString(), "--no-progress", "--music",
        "none", "--format", "160x284", "--fps", "10", "--metrics");
    assertThat(again.out()).containsPattern("\\{kind=image,outcome=cache_hit\\}\\s+\\d+");
  }

  @Test
  void batchGoesOnAfterAFailureAndEndsWithATable() throws Exception {
    Path good = story("good.txt", "The cat sat by the fire.");
    Path bad = story("bad.txt", "  \n");
    Path out = dir.resolve("videos");
    Outcome o = run("render", bad.toString(), good.toString(), "-o", out.toString(),
        "--no-progress", "--music", "none", "--format", "160x284", "--fps", "10");
    assertThat(o.code()).as(o.err()).isEqualTo(StoryReelCli.EXIT_FAILED);
    assertThat(out.resolve("good").resolve("video.mp4")).isRegularFile();
    assertThat(out.resolve("bad")).doesNotExist();
    assertThat(o.err()).contains("empty or only whitespace");
    assertThat(o.out()).containsPattern("(?m)^STORY\\s+STATUS\\s+VIDEO\\s+TIME\\s+OUTPUT$")
        .containsPattern("(?m)^\\S*bad\\.txt\\s+bad input\\s+-\\s")
        .containsPattern("(?m)^\\S*good\\.txt\\s+done\\s+\\d+\\.\\d s\\s+\\d+\\.\\d s\\s+\\S*good$")
        .contains("1 of 2 stories rendered.");
  }

  @Test
  void batchOfAFolderWhereEveryStoryIsBadExitsTwo() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("stories"));
    Files.writeString(folder.resolve("one.txt"), "");
    Files.writeString(folder.resolve("two.txt"), " ");
    Files.writeString(folder.resolve("notes.md"), "not a story");
    Path out = dir.resolve("videos");
    Outcome o = run("render", folder.toString(), "-o", out.toString(), "--no-progress");
    assertThat(o.code()).isEqualTo(StoryReelCli.EXIT_BAD_INPUT);
    assertThat(o.out()).contains("one.txt").contains("two.txt").doesNotContain("notes.md")
        .contains("0 of 2 stories rendered.");
    assertThat(out).doesNotExist();
  }

  @Test
  void batchExitCodes() {
    var ok = new StoryReelCli.Render.StoryOutcome(Path.of("a"), 0, null, Duration.ZERO, null);
    var bad = new StoryReelCli.Render.StoryOutcome(Path.of("b"), 2, null, Duration.ZERO, null);
    var failed = new StoryReelCli.Render.StoryOutcome(Path.of("c"), 1, null, Duration.ZERO, null);
    assertThat(StoryReelCli.Render.batchExitCode(List.of(ok, ok))).isZero();
    assertThat(StoryReelCli.Render.batchExitCode(List.of(bad, bad))).isEqualTo(2);
    assertThat(StoryReelCli.Render.batchExitCode(List.of(ok, bad))).isEqualTo(1);
    assertThat(StoryReelCli.Render.batchExitCode(List.of(failed, bad))).isEqualTo(1);
  }

  @Test
  void twoStoriesWithTheSameNameAreRefused() throws Exception {
    Path a = Files.createDirectories(dir.resolve("a"));
    Path b = Files.createDirectories(dir.resolve("b"));
    Outcome o = run("render", Files.writeString(a.resolve("x.txt"), "A.").toString(),
        Files.writeString(b.resolve("x.txt"), "B.").toString(), "--no-progress");
    assertThat(o.code()).isEqualTo(StoryReelCli.EXIT_BAD_INPUT);
    assertThat(o.err()).contains("would both go to the output folder x");
  }

  // 4. --spec

  @Test
  void specFileValuesApplyAndTheCommandLineWins() throws Exception {
    Path empty = story("story.txt", " ");
    Path spec = Files.writeString(dir.resolve("spec.json"), "{\"format\": \"bogus\"}");
    Path out = dir.resolve("out");
    Outcome fromSpec = run("render", empty.toString(), "--spec", spec.toString(), "-o",
        out.toString(), "--no-progress");
    assertThat(fromSpec.code()).isEqualTo(2);
    assertThat(fromSpec.err()).contains("Unknown format 'bogus'");
    Outcome cliWins = run("render", empty.toString(), "--spec", spec.toString(), "--format",
        "landscape", "-o", out.toString(), "--no-progress");
    assertThat(cliWins.code()).isEqualTo(2);
    assertThat(cliWins.err()).doesNotContain("bogus").contains("empty or only whitespace");
    assertThat(out).doesNotExist();
  }

  @Test
  void yamlSpecWithSetMapIsChecked() throws Exception {
    Path s = story("story.txt", "A cat.");
    Path spec = Files.writeString(dir.resolve("spec.yaml"),
        "music: none\nno-progress: true\nset:\n  rules.moood: calm\n");
    Outcome o = run("render", s.toString(), "--spec", spec.toString(), "-o",
        dir.resolve("out").toString());
    assertThat(o.code()).isEqualTo(2);
    assertThat(o.err()).contains("Unknown setting 'rules.moood'").contains("Did you mean");
  }

  @Test
  void unknownSpecKeyExitsTwoWithASuggestion() throws Exception {
    Path s = story("story.txt", "A cat.");
    Path spec = Files.writeString(dir.resolve("spec.yaml"), "formt: landscape\n");
    Outcome o = run("render", s.toString(), "--spec", spec.toString(), "-o",
        dir.resolve("out").toString());
    assertThat(o.code()).isEqualTo(2);
    assertThat(o.err()).contains("unknown option 'formt'").contains("Did you mean 'format'?");
    assertThat(dir.resolve("out")).doesNotExist();
  }

  @Test
  void brokenSpecFileSaysWhere() throws Exception {
    Path s = story("story.txt", "A cat.");
    Path spec = Files.writeString(dir.resolve("spec.json"), "{\"format\": ");
    Outcome o = run("render", s.toString(), "--spec", spec.toString());
    assertThat(o.code()).isEqualTo(2);
    assertThat(o.err()).contains("is not valid JSON or YAML").doesNotContain("Exception");
  }

  // 5. suggestions

  @Test
  void mistypedOptionGetsDidYouMean() throws Exception {
    Outcome o = run("render", story("story.txt", "A.").toString(), "--formt", "square");
    assertThat(o.code()).isEqualTo(2);
    assertThat(o.err()).contains("Unknown option").contains("'--formt'").contains("Did you mean: --format")
        .contains("storyreel render --help");
  }

  // 6. help

  @Test
  void helpIsGroupedWithExamplesAndExitCodes() {
    Outcome o = run("render", "--help");
    assertThat(o.code()).isZero();
    String h = o.out();
    int output = h.indexOf("\nOutput:");
    int rendering = h.indexOf("\nRendering:");
    int other = h.indexOf("\nOther:");
    assertThat(output).isPositive();
    assertThat(List.of("\nStory:", "\nProviders:", "\nSoundtrack:", "\nBudget:"))
        .allSatisfy(g -> assertThat(h).contains(g));
    assertThat(h.indexOf("--storage", output)).isBetween(output, rendering);
    assertThat(h.indexOf("--transition-ms", rendering)).isBetween(rendering, other);
    assertThat(h.indexOf("--spec=FILE", other)).isGreaterThan(other);
    assertThat(h.indexOf("--format", output)).isGreaterThan(rendering);
    assertThat(h).contains("Exit codes:").contains("130").contains("Examples:")
        .contains("storyreel render stories/").contains("command line, then from --spec FILE");
  }

  // 7. progress

  @Test
  void assetsCountOnlyImagesAndNarrationsAndPlainLinesOffTerminal() {
    StringWriter log = new StringWriter();
    Progress p = new Progress(true, false, new PrintWriter(log));
    p.onEvent(new ProgressEvent.JobStateChanged(JobState.PLANNING));
    p.onEvent(new ProgressEvent.StoryboardPlanned(2));
    p.onEvent(new ProgressEvent.JobStateChanged(JobState.GENERATING_ASSETS));
    for (String id : List.of("moderation", "image-000", "speech-000", "music-000", "image-001",
        "speech-001", "sfx-000-00")) {
      p.onEvent(new ProgressEvent.TaskSucceeded(id, 1, Duration.ZERO));
    }
    assertThat(p.assetsDone()).isEqualTo(4);
    p.onEvent(new ProgressEvent.JobStateChanged(JobState.PUBLISHING));
    p.close();
    assertThat(log.toString()).contains("planning\n").contains("planned 2 segments")
        .contains("image for segment 1 done (3/4)").contains("narration for segment 1 done (4/4)")
        .contains("publishing\n").doesNotContain("5/4").doesNotContain("[");
  }

  @Test
  void retryLineNamesTheTaskTheWaitAndTheReason() {
    var e = new RetriableException("server busy", null, Duration.ofSeconds(2), "openai", 503);
    assertThat(Progress.retryLine(
        new ProgressEvent.TaskRetrying("image-003", 1, Duration.ofSeconds(2), e)))
        .isEqualTo("image for segment 3: retrying in 2 s (HTTP 503)");
    assertThat(Progress.retryLine(new ProgressEvent.TaskRetrying("speech-010", 2,
        Duration.ofMillis(1500), new RetriableException("connection reset"))))
        .isEqualTo("narration for segment 10: retrying in 1.5 s (connection reset)");
  }

  @Test
  void retryLinesArePrintedOnATerminalToo() {
    StringWriter log = new StringWriter();
    Progress p = new Progress(true, true, new PrintWriter(log));
    p.onEvent(new ProgressEvent.TaskRetrying("image-002", 1, Duration.ofSeconds(4),
        new RetriableException("slow down", null, Duration.ofSeconds(4), "replicate", 429)));
    p.close();
    assertThat(log.toString()).contains("image for segment 2: retrying in 4 s (HTTP 429)");
  }

  // 8. Ctrl-C

  @Test
  void interruptedLineSaysHowToResume() {
    assertThat(StoryReelCli.interruptedLine()).isEqualTo("storyreel: interrupted; run the same"
        + " command again to resume (nothing stored is paid for again)");
  }
}
