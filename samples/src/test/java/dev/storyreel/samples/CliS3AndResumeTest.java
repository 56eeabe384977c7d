package dev.storyreel.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storyreel.core.Manifest;
import dev.storyreel.core.internal.AssetCache;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The CLI against S3 (in-process s3proxy) and a CLI run killed with {@code kill -9} and started
 * again. Offline providers, 180x320 at 10 fps, to stay quick.
 */
@Timeout(180)
class CliS3AndResumeTest {
  private static final String STORY = "The Lighthouse\n\n"
      + "The keeper climbed the stairs at dusk. The lamp had not turned for three nights. "
      + "Below, the sea kept its slow count against the rocks. He wound the clockwork by hand, "
      + "and the beam swung out across the water. Far off, a small boat turned toward home.";

  @TempDir Path dir;

  private record Outcome(int code, String out, String err) {}

  private static Outcome cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new StoryReelCli());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Outcome(code, out.toString(), err.toString());
  }

  private Path story() throws Exception {
    return Files.writeString(dir.resolve("lighthouse.txt"), STORY);
  }

  private static long countVideoFrames(Path mp4) throws Exception {
    try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(mp4.toFile())) {
      g.start();
      assertThat(g.getVideoCodec()).isEqualTo(avcodec.AV_CODEC_ID_H264);
      assertThat(g.getImageWidth()).isEqualTo(180);
      long frames = 0;
      Frame f;
      while ((f = g.grabImage()) != null) {
        if (f.image != null) {
          frames++;
        }
      }
      g.stop();
      return frames;
    }
  }

  @Test
  void rendersToS3AndTheVideoDownloadsThroughItsPresignedUrlAndPlays() throws Exception {
    S3ProxyServer.createBucket("cli-videos");
    // The SDK's default chain reads these; test values only.
    System.setProperty("aws.accessKeyId", S3ProxyServer.ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", S3ProxyServer.SECRET_KEY);
    Outcome o = cli("render", story().toString(), "--storage", "s3://cli-videos/stories/lighthouse",
        "--s3-endpoint", S3ProxyServer.endpoint().toString(), "--s3-path-style",
        "--s3-region", "us-east-1", "--format", "180x320", "--fps", "10", "--no-progress");
    assertThat(o.code()).as("stderr: %s", o.err()).isZero();
    assertThat(o.out()).contains("s3://cli-videos/stories/lighthouse/video.mp4")
        .contains("presigned URLs");
    Matcher m = Pattern.compile("video\\.mp4\\s+(http\\S+)").matcher(o.out());
    assertThat(m.find()).as(o.out()).isTrue();
    HttpResponse<Path> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(m.group(1))).build(),
        HttpResponse.BodyHandlers.ofFile(dir.resolve("downloaded.mp4")));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(countVideoFrames(r.body())).isPositive();

    // Again, unchanged: no --force needed, everything from the cache.
    Outcome again = cli("render", story().toString(), "--storage",
        "s3://cli-videos/stories/lighthouse", "--s3-endpoint",
        S3ProxyServer.endpoint().toString(), "--s3-path-style", "--s3-region", "us-east-1",
        "--format", "180x320", "--fps", "10", "--no-progress");
    assertThat(again.code()).as("stderr: %s", again.err()).isZero();
    assertThat(again.out()).containsPattern("cache +(\\d+) of \\1 segment assets reused, video reused");
  }

  @Test
  void aCliRunKilledWithKill9AndStartedAgainRepeatsNoProviderCall() throws Exception {
    Path out = dir.resolve("out");
    Path storyFile = story();
    List<String> args = List.of("render", storyFile.toString(), "-o", out.toString(),
        "--format", "180x320", "--fps", "10", "--no-progress");
    List<String> cmd = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"),
        StoryReelCli.class.getName()));
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve("child.log").toFile()).start();
    Path narrations = out.resolve("cache/narration");
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (entries(narrations).isEmpty() && p.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
    } finally {
      p.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
      p.waitFor(20, TimeUnit.SECONDS);
    }
    assertThat(out.resolve("manifest.json")).as("killed before it finished; log: %s",
        Files.readString(dir.resolve("child.log"))).doesNotExist();
    Set<String> before = new HashSet<>();
    for (String kind : List.of("storyboard", "image", "narration", "timings")) {
      before.addAll(entries(out.resolve("cache").resolve(kind)));
    }
    assertThat(before).isNotEmpty();

    Outcome o = cli(args.toArray(String[]::new));
    assertThat(o.code()).as("stderr: %s", o.err()).isZero();
    Manifest m;
    try (InputStream in = Files.newInputStream(out.resolve("manifest.json"))) {
      m = Manifest.read(in);
    }
    assertThat(m.storyboardCache().hit()).isEqualTo(before.contains(
        AssetCache.entryKey("storyboard", m.storyboardCache().key())));
    int hits = 0;
    for (Manifest.SegmentEntry s : m.segments()) {
      boolean imageStored = before.contains(AssetCache.entryKey("image", s.imageCache().key()));
      boolean audioStored = before.contains(AssetCache.entryKey("narration", s.audioCache().key()));
      assertThat(s.imageCache().hit()).as("segment %d image", s.index()).isEqualTo(imageStored);
      assertThat(s.audioCache().hit()).as("segment %d narration", s.index()).isEqualTo(audioStored);
      hits += (imageStored ? 1 : 0) + (audioStored ? 1 : 0);
    }
    assertThat(hits).isPositive();
    assertThat(countVideoFrames(out.resolve("video.mp4"))).isEqualTo(m.video().frameCount());
  }

  /** Entry keys ({@code cache/<kind>/hh/<key>.json}) under a kind's folder. */
  private static Set<String> entries(Path kindDir) throws Exception {
    Set<String> out = new HashSet<>();
    if (!Files.isDirectory(kindDir)) {
      return out;
    }
    Path root = kindDir.getParent().getParent();
    try (Stream<Path> s = Files.walk(kindDir)) {
      s.filter(f -> f.getFileName().toString().endsWith(".json")
              && !f.getFileName().toString().startsWith("."))
          .forEach(f -> out.add(root.relativize(f).toString()));
    }
    return out;
  }
}
