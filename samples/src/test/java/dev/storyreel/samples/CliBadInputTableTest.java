package dev.storyreel.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import dev.storyreel.testkit.Fixtures;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * The CLI's exit-code promise, one row per kind of hostile input: exit 2 means bad input and
 * nothing written (the output folder is absent or unchanged, the current directory gained
 * nothing), and no message shows a Java class name.
 */
class CliBadInputTableTest {
  @TempDir Path dir;

  /** Prepares the temporary folder of one row; may create files. */
  @FunctionalInterface
  interface Setup {
    void prepare(Path dir) throws Exception;
  }

  /**
   * One bad input.
   *
   * @param name what is wrong
   * @param setup makes the row's files in the temporary folder (story.txt is made beforehand)
   * @param args the arguments after {@code render}; {@code {story}}, {@code {out}} and {@code
   *     {dir}} are replaced by paths in the temporary folder
   * @param exit the expected exit code
   * @param message a substring of the expected message
   */
  record Row(String name, Setup setup, List<String> args, int exit, String message) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final String STORY = "The lighthouse keeper counted the ships. Then the fog came.";

  private static Row row(String name, String message, String... args) {
    return new Row(name, d -> {}, List.of(args), StoryReelCli.EXIT_BAD_INPUT, message);
  }

  private static Row row(String name, Setup setup, String message, String... args) {
    return new Row(name, setup, List.of(args), StoryReelCli.EXIT_BAD_INPUT, message);
  }

  /** The usual arguments with more options. */
  private static String[] std(String... more) {
    List<String> a = new ArrayList<>(List.of("{story}", "-o", "{out}", "--no-progress"));
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  private static Setup storyText(String text) {
    return d -> Files.writeString(d.resolve("story.txt"), text);
  }

  static Stream<Row> rows() {
    return Stream.of(
        // the story
        row("empty story", storyText(""), "empty or only whitespace", std()),
        row("whitespace story", storyText(" \n\t \n"), "empty or only whitespace", std()),
        row("story over the character limit", storyText("Once upon a time. ".repeat(10)),
            "over the limit of 50", std("--max-chars", "50")),
        row("story over the byte limit", storyText("x".repeat(300)),
            "more than 44 bytes", std("--max-chars", "10")),
        row("a 3 GiB story", d -> {
          try (RandomAccessFile f = new RandomAccessFile(d.resolve("story.txt").toFile(), "rw")) {
            f.setLength(3L << 30); // sparse
          }
        }, "over the limit of 50000 characters", std()),
        row("/dev/zero as the story", "not a regular file",
            "/dev/zero", "-o", "{out}", "--no-progress"),
        row("a FIFO as the story", d -> mkfifo(d.resolve("story.fifo")), "not a regular file",
            "{dir}/story.fifo", "-o", "{out}", "--no-progress"),
        // A folder is a batch of its .txt stories; one without any is bad input.
        row("a folder without stories", d -> Files.createDirectories(d.resolve("folder")),
            "holds no .txt story", "{dir}/folder", "-o", "{out}", "--no-progress"),
        row("a missing story", "does not exist", "{dir}/nope.txt", "-o", "{out}",
            "--no-progress"),
        row("a story that is not UTF-8", d -> Files.write(d.resolve("story.txt"),
            "Une histoire \u00e0 Paris.".getBytes(StandardCharsets.ISO_8859_1)),
            "not valid UTF-8", std()),
        // Several stories are a batch; the same one twice would share an output folder.
        row("the same story twice", "would both go to the output folder",
            "{story}", "{story}", "-o", "{out}", "--no-progress"),
        row("--max-chars 0", "--max-chars must be 1..10000000, was 0", std("--max-chars", "0")),
        row("--max-chars too large", "was 20000000", std("--max-chars", "20000000")),
        // the output
        row("-o empty", "-o was given an empty folder name", "{story}", "-o", "",
            "--no-progress"),
        row("-o blank", "-o was given an empty folder name", "{story}", "-o", "   ",
            "--no-progress"),
        row("--storage empty", "--storage was given an empty location", "{story}", "--storage",
            "", "--no-progress"),
        row("--storage ftp://", "ftp://, which is not supported", "{story}", "--storage",
            "ftp://h/x", "--no-progress"),
        row("--storage http://", "http://, which is not supported", "{story}", "--storage",
            "http://x", "--no-progress"),
        row("--storage gs://", "s3://bucket/prefix", "{story}", "--storage", "gs://b/x",
            "--no-progress"),
        row("--storage file:// with a host", "not a local file URI", "{story}", "--storage",
            "file://host/x", "--no-progress"),
        row("--storage s3:// with a bad bucket", "s3://bucket/prefix", "{story}", "--storage",
            "s3://Bad_Bucket/x", "--no-progress"),
        row("-o and --storage", "not both", std("--storage", "{dir}/other")),
        row("--s3-endpoint without s3 storage", "need --storage s3://",
            std("--s3-endpoint", "http://127.0.0.1:1")),
        row("--s3-region without s3 storage", "need --storage s3://", std("--s3-region", "x")),
        row("manifest.json is a folder", d -> Files.createDirectories(
            d.resolve("out/manifest.json")), "is a folder, but StoryReel writes the file", std()),
        row("video.mp4 is a folder", d -> Files.createDirectories(d.resolve("out/video.mp4")),
            "video.mp4 is a folder", std()),
        row("cache is a file", d -> {
          Files.createDirectories(d.resolve("out"));
          Files.writeString(d.resolve("out/cache"), "x");
        }, "is a file, but StoryReel keeps its cache folder", std()),
        row("output inside a file", d -> Files.writeString(d.resolve("a-file"), "x"),
            "is a file, not a folder", "{story}", "-o", "{dir}/a-file/out", "--no-progress"),
        row("finished output of another story", d -> {
          Files.createDirectories(d.resolve("out"));
          Files.writeString(d.resolve("out/video.mp4"), "old");
          Files.writeString(d.resolve("out/manifest.json"), "{\"title\":\"another story\"}");
        }, "Output already exists", std()),
        // format and renderer
        row("--format bogus", "Unknown format 'bogus'", std("--format", "bogus")),
        row("--format 0x0", "width must be 16..7680 pixels, was 0", std("--format", "0x0")),
        row("--fps 0", "fps must be 1..120, was 0", std("--fps", "0")),
        row("--fps 121", "fps must be 1..120, was 121", std("--fps", "121")),
        row("--fps not a number", "'abc' is not an int", std("--fps", "abc")),
        row("--workers -1", "--workers -1 is not allowed", std("--workers", "-1")),
        row("--crf -1", "--crf -1 is not allowed", std("--crf", "-1")),
        row("--crf 52", "--crf 52 is not allowed", std("--crf", "52")),
        row("--crf 0", "lossless", std("--crf", "0")),
        row("--codec vp9", "'vp9'", std("--codec", "vp9")),
        row("--codec with odd characters", "--codec lib-x264 is not allowed",
            std("--codec", "lib-x264")),
        row("--preset warp", "--preset warp is not allowed", std("--preset", "warp")),
        row("--bitrate 0", "--bitrate must be 100..200000", std("--bitrate", "0")),
        row("--crf and --bitrate", "either --crf or --bitrate", std("--crf", "20", "--bitrate",
            "500")),
        row("--gop -1", "--gop -1 is not allowed", std("--gop", "-1")),
        row("--transition wipe", "crossfade or cut", std("--transition", "wipe")),
        row("--transition-ms -5", "--transition-ms -5 is not allowed",
            std("--transition-ms", "-5")),
        row("--transition-ms 2001", "--transition-ms 2001 is not allowed",
            std("--transition-ms", "2001")),
        row("--seed not a number", "'notanumber' is not a long", std("--seed", "notanumber")),
        // --set
        row("--set without =", "KEY=VALUE", std("--set", "nokey")),
        row("--set unknown key", "Unknown setting 'unknown.key'",
            std("--set", "unknown.key=1")),
        row("--set unknown key lists the known ones", "Known settings: ",
            std("--set", "unknown.key=1")),
        row("--set misspelt concurrency", "Did you mean 'openai.maxConcurrency'?",
            std("--set", "openai.concurrency=0")),
        row("--set misspelt deadline", "Did you mean 'replicate.deadlineSeconds'?",
            std("--set", "replicate.deadlinSeconds=30")),
        row("--set negative deadline", "replicate.deadlineSeconds='-3' is not allowed",
            std("--set", "replicate.deadlineSeconds=-3")),
        row("--set deadline names the range", "a whole number 1..86400",
            std("--set", "replicate.deadlineSeconds=-3")),
        row("--set zero concurrency", "openai.maxConcurrency='0' is not allowed",
            std("--set", "openai.maxConcurrency=0")),
        row("--set concurrency not a number", "a whole number 1..64",
            std("--set", "replicate.maxConcurrency=lots")),
        row("--set fractional timeout", "openai.timeoutSeconds='1.5'",
            std("--set", "openai.timeoutSeconds=1.5")),
        row("--set words per minute out of range", "60..400",
            std("--set", "wordsPerMinute=10")),
        row("--set output format", "one of png, jpg", std("--set", "replicate.outputFormat=gif")),
        row("--set speech format", "one of wav, pcm", std("--set", "openai.speech.format=mp3")),
        row("--set a renderer key", "configures with its own options", std("--set", "crf=10")),
        row("--set a bad base URL option", "openai.baseUrl",
            std("--set", "openai.baseUrx=http://localhost:1/v1")),
        // money
        row("--budget-usd -1", "--budget-usd must be 0 or more", std("--budget-usd", "-1")),
        row("--budget-usd not a number", "'lots' is not a number",
            std("--budget-usd", "lots")),
        row("--s3-endpoint not a URL", "is not an http(s)://host[:port] URL",
            "{story}", "--storage", "s3://bucket/x", "--s3-endpoint", "ftp://h", "--no-progress"),
        row("--price-table missing", "does not exist", std("--price-table", "{dir}/no.props")),
        row("--price-table malformed", d -> Files.writeString(d.resolve("p.props"),
            "not-a-price = 3\n"), "bad key 'not-a-price'", std("--price-table", "{dir}/p.props")),
        row("--price-table a folder", "is not a regular file", std("--price-table", "{dir}")),
        // providers
        row("--planner nosuch", "No StoryPlanner named 'nosuch'", std("--planner", "nosuch")),
        row("--images nosuch", "No ImageProvider named 'nosuch'", std("--images", "nosuch")),
        row("--speech nosuch", "No SpeechProvider named 'nosuch'", std("--speech", "nosuch")),
        row("--aligner nosuch", "No Aligner named 'nosuch'", std("--aligner", "nosuch")),
        row("--moderator nosuch", "No Moderator named 'nosuch'", std("--moderator", "nosuch")),
        row("--voice nosuch", "Unknown voice 'nosuch' for freetts", std("--voice", "nosuch")),
        // the soundtrack
        row("--music a PNG renamed .mp3", d -> Files.write(d.resolve("song.mp3"),
            Fixtures.png(16, 16)), "song.mp3", std("--music", "{dir}/song.mp3")),
        row("--music a PNG renamed .mp3 says it is no audio", d -> Files.write(
            d.resolve("song.mp3"), Fixtures.png(16, 16)), "has no audio stream",
            std("--music", "{dir}/song.mp3")),
        row("--music a truncated WAV", d -> SoundFixtures.truncate(
            SoundFixtures.chord(d.resolve("cut.wav"), 4.0), 0.4), "cut.wav",
            std("--music", "{dir}/cut.wav")),
        row("--music a truncated WAV says so", d -> SoundFixtures.truncate(
            SoundFixtures.chord(d.resolve("cut.wav"), 4.0), 0.4), "truncated",
            std("--music", "{dir}/cut.wav")),
        row("--music a folder of dread only, --mood calm", CliBadInputTableTest::dreadOnly,
            "fits the mood 'calm'", std("--music", "{dir}/music", "--mood", "calm")),
        row("--music a folder of dread only lists dread-1.wav", CliBadInputTableTest::dreadOnly,
            "dread-1.wav (dread)", std("--music", "{dir}/music", "--mood", "calm")),
        row("--music a folder of dread only lists dread-2.wav", CliBadInputTableTest::dreadOnly,
            "dread-2.wav (dread)", std("--music", "{dir}/music", "--mood", "calm")),
        row("--music /no/such/path", "--music /no/such/path: no such file or folder",
            std("--music", "/no/such/path")),
        row("--music /no/such/path lists the providers", "known: none, ",
            std("--music", "/no/such/path")),
        row("--loudness -4", "--loudness must be -70..-5 LUFS, was -4", std("--loudness", "-4")),
        row("--loudness -71", "--loudness must be -70..-5 LUFS, was -71",
            std("--loudness", "-71")),
        row("--loudness not a number", "'loud' is not a double", std("--loudness", "loud")),
        row("--true-peak 1", "--true-peak must be -9..0 dBTP, was 1", std("--true-peak", "1")),
        row("--duck-db 41", "--duck-db must be 0..40 dB, was 41", std("--duck-db", "41")),
        row("--duck-db -1", "--duck-db must be 0..40 dB, was -1", std("--duck-db", "-1")),
        row("--music-gain 3", "--music-gain must be -60..0 dB, was 3",
            std("--music-gain", "3")),
        row("--mood cheerful", "Unknown mood 'cheerful'. Known moods: dread, calm, tension,"
            + " wonder, sorrow", std("--mood", "cheerful")),
        row("--sfx a file", d -> SoundFixtures.burst(d.resolve("door-creak.wav"), 0.3),
            "is not a folder", std("--sfx", "{dir}/door-creak.wav")),
        row("--sfx a missing folder", "no-sfx: no such folder", std("--sfx", "{dir}/no-sfx")));
  }

  /** A music folder whose files are all tagged dread. */
  private static void dreadOnly(Path d) throws Exception {
    Path music = Files.createDirectories(d.resolve("music"));
    SoundFixtures.chord(music.resolve("dread-1.wav"), 1.5);
    SoundFixtures.chord(music.resolve("dread-2.wav"), 1.5);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  @Timeout(value = 120, unit = TimeUnit.SECONDS) // guards against a hang (a FIFO), not a speed check
  void badInputIsRefusedAndNothingIsWritten(Row row) throws Exception {
    Files.writeString(dir.resolve("story.txt"), STORY);
    row.setup().prepare(dir);
    Path out = dir.resolve("out");
    Map<String, String> outBefore = snapshot(out);
    Map<String, String> dirBefore = snapshot(dir);
    Path cwd = Path.of("").toAbsolutePath();
    TreeSet<String> cwdBefore = names(cwd);

    Outcome o = run(row.args().stream().map(a -> a.replace("{story}",
        dir.resolve("story.txt").toString()).replace("{out}", out.toString())
        .replace("{dir}", dir.toString())).toArray(String[]::new));

    assertThat(o.code()).as("exit code; stderr: %s", o.err()).isEqualTo(row.exit());
    assertThat(o.err()).contains(row.message());
    assertThat(o.err()).doesNotContainPattern("\\b(java|javax|dev|picocli)\\.[\\w.]*(Exception|Error)");
    assertThat(o.err()).doesNotContain("\tat ");
    if (row.exit() == StoryReelCli.EXIT_BAD_INPUT) {
      assertThat(snapshot(out)).as("output folder").isEqualTo(outBefore);
      assertThat(snapshot(dir)).as("temporary folder").isEqualTo(dirBefore);
      assertThat(names(cwd)).as("current directory").isEqualTo(cwdBefore);
    }
  }

  @Test
  void anOutputThatCannotBeWrittenIsRefused() throws Exception {
    Path ro = Files.createDirectories(dir.resolve("read-only"));
    Assumptions.assumeTrue(ro.toFile().setWritable(false, false), "cannot chmod here");
    try {
      Assumptions.assumeFalse(Files.isWritable(ro), "running as root: permissions do not apply");
      Files.writeString(dir.resolve("story.txt"), STORY);
      Outcome o = run("render", dir.resolve("story.txt").toString(), "-o",
          ro.resolve("out").toString(), "--no-progress");
      assertThat(o.code()).isEqualTo(StoryReelCli.EXIT_BAD_INPUT);
      assertThat(o.err()).contains("cannot be written");
      assertThat(ro.resolve("out")).doesNotExist();
    } finally {
      ro.toFile().setWritable(true, false);
    }
  }

  @Test
  void aFailureAfterWorkSaysWhatWasKeptAndThatRerunningResumes() throws Exception {
    Files.writeString(dir.resolve("story.txt"), STORY);
    Path out = dir.resolve("out");
    // A file where the image cache folder goes: the storyboard is stored, the first image is not.
    Files.createDirectories(out.resolve("cache"));
    Files.writeString(out.resolve("cache/image"), "in the way");
    Outcome o = run("render", dir.resolve("story.txt").toString(), "-o", out.toString(),
        "--no-progress");
    assertThat(o.code()).as(o.err()).isEqualTo(StoryReelCli.EXIT_FAILED);
    long stored;
    try (Stream<Path> files = Files.walk(out.resolve("cache"))) {
      stored = files.filter(p -> p.toString().endsWith(".json")).count();
    }
    assertThat(stored).isPositive();
    assertThat(o.err())
        .contains("storyreel: failed: ")
        .contains(stored + (stored == 1 ? " asset is" : " assets are") + " stored in "
            + out.resolve("cache"))
        .contains("run the same command again to resume without paying for them again")
        .doesNotContainPattern("\\b(java|javax|dev)\\.[\\w.]*(Exception|Error)");
  }

  @Test
  void userMessagesNeverShowAClassName() {
    assertThat(StoryReelCli.userMessage(new IllegalStateException(
        "reading x: java.nio.file.NoSuchFileException: /tmp/x"))).isEqualTo("reading x: /tmp/x");
    assertThat(StoryReelCli.userMessage(new NullPointerException()))
        .contains("unexpected internal error").doesNotContain("NullPointer");
    assertThat(StoryReelCli.userMessage(new OutOfMemoryError())).contains("-Xmx");
  }

  @Test
  void suggestsTheNearestKnownKeyOnlyWhenItIsNear() {
    List<String> known = List.of("openai.maxConcurrency", "replicate.deadlineSeconds", "voice");
    assertThat(StoryReelCli.Render.closest("openai.concurrency", known))
        .isEqualTo("openai.maxConcurrency");
    assertThat(StoryReelCli.Render.closest("VOICE", known)).isEqualTo("voice");
    assertThat(StoryReelCli.Render.closest("unknown.key", known)).isNull();
    assertThat(StoryReelCli.Render.levenshtein("kitten", "sitting")).isEqualTo(3);
  }

  private record Outcome(int code, String err) {}

  private static Outcome run(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new StoryReelCli());
    cl.setErr(new PrintWriter(err));
    cl.setOut(new PrintWriter(new StringWriter()));
    List<String> all = new ArrayList<>();
    if (args.length == 0 || !args[0].equals("render")) {
      all.add("render");
    }
    all.addAll(List.of(args));
    int code = cl.execute(all.toArray(String[]::new));
    return new Outcome(code, err.toString());
  }

  private static void mkfifo(Path p) throws Exception {
    Process proc;
    try {
      proc = new ProcessBuilder("mkfifo", p.toString()).redirectErrorStream(true).start();
    } catch (IOException e) {
      Assumptions.abort("mkfifo is not available: " + e.getMessage());
      return;
    }
    Assumptions.assumeTrue(proc.waitFor() == 0 && Files.exists(p), "mkfifo failed");
  }

  /** Every path under {@code root} with its type, size and modification time; empty if absent. */
  private static Map<String, String> snapshot(Path root) throws IOException {
    Map<String, String> m = new TreeMap<>();
    if (!Files.exists(root)) {
      return m;
    }
    try (Stream<Path> s = Files.walk(root)) {
      s.forEach(p -> {
        try {
          BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class,
              java.nio.file.LinkOption.NOFOLLOW_LINKS);
          m.put(root.relativize(p).toString(), (a.isDirectory() ? "d" : a.isOther() ? "o" : "f")
              + " " + a.size() + " " + a.lastModifiedTime().toMillis());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
    return m;
  }

  private static TreeSet<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString())
          .collect(java.util.stream.Collectors.toCollection(TreeSet::new));
    }
  }
}
