package dev.storyreel.samples.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storyreel.core.Manifest;
import dev.storyreel.core.internal.AssetCache;
import dev.storyreel.samples.StoryReelCli;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI (offline providers) in a child JVM killed with {@code destroyForcibly} (SIGKILL: no
 * shutdown hook runs) at 20 seeded moments spread over its stages, then run again to the end.
 * Checks: the rerun finishes with a {@code video.mp4} byte-identical to a clean reference run's;
 * every asset whose cache entry was stored before the rerun is a cache hit in the rerun's
 * manifest (nothing stored is made again); and the child's private {@code java.io.tmpdir} holds
 * no {@code storyreel-*} or {@code imageio*} leftovers after the final run.
 *
 * <p>The kill moments are chosen from the stage timings of one measured reference run: JVM
 * start, planning, assets, rendering and publishing each get four kills at seeded offsets.
 */
@Timeout(600)
class KillResumeTest {
  static final long SEED = 7_331L;
  static final int KILLS = 20;
  static final String STORY = "The Kite\n\nA red kite rose over the hill. The wind dropped and"
      + " it fell into the pond.";
  static final List<String> KINDS = List.of("storyboard", "image", "narration", "timings",
      "video");

  @TempDir Path dir;

  record Child(int code, long wallMillis, String log) {}

  private Child child(Path story, Path out, Path tmp, long killAfterMillis) throws Exception {
    Files.createDirectories(tmp);
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djava.io.tmpdir=" + tmp, "-Djava.awt.headless=true", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), StoryReelCli.class.getName(),
        "render", story.toString(), "-o", out.toString(), "--format", "144x256", "--fps", "10",
        "--no-progress", "--transition", "cut"));
    Path log = Files.createTempFile(dir, "child", ".log");
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
        .start();
    boolean done;
    if (killAfterMillis >= 0) {
      done = p.waitFor(killAfterMillis, TimeUnit.MILLISECONDS);
      if (!done) {
        p.destroyForcibly(); // SIGKILL
        p.waitFor(20, TimeUnit.SECONDS);
      }
    } else {
      done = p.waitFor(120, TimeUnit.SECONDS);
      if (!done) {
        p.destroyForcibly();
        p.waitFor(20, TimeUnit.SECONDS);
      }
    }
    long wall = (System.nanoTime() - t0) / 1_000_000;
    return new Child(done ? p.exitValue() : -9, wall, Files.readString(log));
  }

  private static Manifest manifest(Path out) throws Exception {
    try (InputStream in = Files.newInputStream(out.resolve("manifest.json"))) {
      return Manifest.read(in);
    }
  }

  private static String sha256(Path f) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(
        Files.readAllBytes(f)));
  }

  /** Entry keys ({@code cache/<kind>/hh/<key>.json}) stored under the output. */
  private static Set<String> entries(Path out) throws Exception {
    Set<String> keys = new HashSet<>();
    for (String kind : KINDS) {
      Path kindDir = out.resolve("cache").resolve(kind);
      if (!Files.isDirectory(kindDir)) {
        continue;
      }
      try (Stream<Path> s = Files.walk(kindDir)) {
        s.filter(f -> f.getFileName().toString().endsWith(".json")
                && !f.getFileName().toString().startsWith("."))
            .forEach(f -> keys.add(out.relativize(f).toString()));
      }
    }
    return keys;
  }

  private static List<String> leftovers(Path tmp) throws Exception {
    try (Stream<Path> s = Files.walk(tmp)) {
      return s.filter(f -> !f.equals(tmp))
          .map(f -> tmp.relativize(f).toString())
          .filter(n -> n.startsWith("storyreel-") || n.startsWith("imageio")
              || n.endsWith(".mp4") || n.endsWith(".tmp"))
          .sorted().toList();
    }
  }

  @Test
  void twentyKillsAcrossAllStagesResumeToTheSameVideoWithoutRemakingStoredAssets()
      throws Exception {
    Path story = Files.writeString(dir.resolve("kite.txt"), STORY);
    Path refOut = dir.resolve("reference");
    Child ref = child(story, refOut, dir.resolve("tmp-ref"), -1);
    assertThat(ref.code()).as("reference run: %s", ref.log()).isZero();
    String refSha = sha256(refOut.resolve("video.mp4"));
    Manifest.StageTimings st = manifest(refOut).stages();
    long startup = Math.max(0, ref.wallMillis() - st.totalMillis());
    // Stage windows in ms from the child's start: [from, to).
    long[][] windows = {
        {0, startup},
        {startup, startup + st.planningMillis()},
        {startup + st.planningMillis(), startup + st.planningMillis() + st.assetsMillis()},
        {startup + st.planningMillis() + st.assetsMillis(),
            startup + st.planningMillis() + st.assetsMillis() + st.renderingMillis()},
        {startup + st.planningMillis() + st.assetsMillis() + st.renderingMillis(),
            ref.wallMillis()}};
    String[] names = {"start", "planning", "assets", "rendering", "publishing"};
    System.out.printf(Locale.ROOT, "KILL-RESUME reference: wall %d ms, startup %d, planning %d,"
            + " assets %d, rendering %d, publishing %d%n", ref.wallMillis(), startup,
        st.planningMillis(), st.assetsMillis(), st.renderingMillis(), st.publishingMillis());

    Random rnd = new Random(SEED);
    List<Callable<Trial>> trials = new ArrayList<>();
    for (int i = 0; i < KILLS; i++) {
      int stage = i % names.length;
      long from = windows[stage][0];
      long to = Math.max(from + 1, windows[stage][1]);
      long at = from + (long) (rnd.nextDouble() * (to - from));
      int n = i;
      trials.add(() -> trial(story, n, at, names[stage]));
    }
    // Two at a time: the trials are independent (own output, own tmpdir) and mostly wait on
    // child JVMs.
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<Trial> done = new ArrayList<>();
    try {
      for (Future<Trial> f : pool.invokeAll(trials)) {
        done.add(f.get());
      }
    } finally {
      pool.shutdownNow();
    }
    SoftAssertions soft = new SoftAssertions();
    int differentVideos = 0;
    int remade = 0;
    int storedBefore = 0;
    int dirtyTmp = 0;
    int finishedBeforeKill = 0;
    int failedReruns = 0;
    for (Trial t : done) {
      finishedBeforeKill += t.finishedBeforeKill() ? 1 : 0;
      storedBefore += t.storedBefore();
      if (t.rerunFailure() != null) {
        failedReruns++;
        soft.fail(t.what() + ": the rerun failed: " + t.rerunFailure());
        continue;
      }
      remade += t.notHits().size();
      soft.assertThat(t.notHits()).as("%s: stored but made again", t.what()).isEmpty();
      if (!t.videoSha().equals(refSha)) {
        differentVideos++;
      }
      soft.assertThat(t.videoSha()).as("%s: video.mp4 SHA-256", t.what()).isEqualTo(refSha);
      if (!t.leftovers().isEmpty()) {
        dirtyTmp++;
      }
      soft.assertThat(t.leftovers()).as("%s: left in java.io.tmpdir", t.what()).isEmpty();
    }
    List<String> refLeft = leftovers(dir.resolve("tmp-ref"));
    System.out.printf(Locale.ROOT, "KILL-RESUME seed=%d kills=%d finishedBeforeKill=%d"
            + " failedReruns=%d entriesStoredBeforeReruns=%d storedButRemade=%d"
            + " videosDifferentFromReference=%d tmpdirsWithLeftovers=%d"
            + " referenceRunLeftovers=%d%n", SEED, KILLS, finishedBeforeKill, failedReruns,
        storedBefore, remade, differentVideos, dirtyTmp, refLeft.size());
    soft.assertThat(refLeft).as("left in java.io.tmpdir by the clean reference run").isEmpty();
    soft.assertAll();
  }

  record Trial(String what, boolean finishedBeforeKill, int storedBefore, String rerunFailure,
      List<String> notHits, String videoSha, List<String> leftovers) {}

  /** One kill at {@code at} ms into a fresh output, then a rerun to the end. */
  private Trial trial(Path story, int i, long at, String stage) throws Exception {
    Path out = dir.resolve("kill-" + i);
    Path tmp = dir.resolve("tmp-" + i);
    Child killed = child(story, out, tmp, at);
    Set<String> before = entries(out);
    String what = String.format(Locale.ROOT, "kill %d at %d ms (%s), %d entries stored", i, at,
        stage, before.size());
    Child rerun = child(story, out, tmp, -1);
    if (rerun.code() != 0) {
      return new Trial(what, killed.code() != -9, before.size(),
          "exit " + rerun.code() + ": " + rerun.log(), List.of(), "", List.of());
    }
    Manifest m = manifest(out);
    List<String> notHits = new ArrayList<>();
    check(before, "storyboard", m.storyboardCache(), "storyboard", notHits);
    check(before, "video", m.videoCache(), "video", notHits);
    for (Manifest.SegmentEntry s : m.segments()) {
      check(before, "image", s.imageCache(), "segment " + s.index() + " image", notHits);
      check(before, "narration", s.audioCache(), "segment " + s.index() + " narration", notHits);
      check(before, "timings", s.timingsCache(), "segment " + s.index() + " timings", notHits);
    }
    return new Trial(what, killed.code() != -9, before.size(), null, notHits,
        sha256(out.resolve("video.mp4")), leftovers(tmp));
  }

  private static void check(Set<String> before, String kind, Manifest.CacheUse use, String what,
      List<String> notHits) {
    if (use != null && before.contains(AssetCache.entryKey(kind, use.key())) && !use.hit()) {
      notHits.add(what);
    }
  }
}
