package dev.storyreel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.storyreel.core.spi.ImageRequest;
import dev.storyreel.core.spi.SpeechRequest;
import dev.storyreel.core.spi.StoryPlanner;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The asset cache on local storage: hits, misses, resuming, and what needs {@code overwrite}. */
@Timeout(60)
class CacheResumeTest {
  @TempDir Path dir;

  static final String TEXT =
      "The ferry left at nine. Nobody on the pier waved back at her. "
          + "She counted the lights on the far shore, one by one, until the fog took them all. "
          + "Then she went below.";

  /** Counts plan calls. */
  static final class Planner implements StoryPlanner {
    final AtomicInteger calls = new AtomicInteger();
    private final Fakes.Sentences rules = new Fakes.Sentences();

    @Override
    public String name() {
      return "counting-rules";
    }

    @Override
    public String model() {
      return "v1";
    }

    @Override
    public Storyboard plan(Story story, VideoFormat format, String visualStyle) {
      calls.incrementAndGet();
      return rules.plan(story, format, visualStyle);
    }
  }

  Planner planner = new Planner();
  Fakes.Images images = new Fakes.Images();
  Fakes.Speech speech = new Fakes.Speech(true);
  Fakes.Render renderer = new Fakes.Render();

  private StoryReel.Builder reel() {
    return StoryReel.builder()
        .format(new VideoFormat(180, 320, 10))
        .planner(planner)
        .images(images)
        .speech(speech)
        .renderer(renderer)
        .concurrency("image", 1)
        .concurrency("speech", 1)
        .retryPolicy(RetryPolicy.builder().initialDelay(Duration.ofMillis(1)).jitter(0).build())
        .workDir(dir.resolve("work"));
  }

  private void fresh() {
    planner = new Planner();
    images = new Fakes.Images();
    speech = new Fakes.Speech(true);
    renderer = new Fakes.Render();
  }

  private static long entries(Path out, String kind) throws Exception {
    Path d = out.resolve("cache").resolve(kind);
    if (!Files.isDirectory(d)) {
      return 0;
    }
    try (var s = Files.walk(d)) {
      return s.filter(p -> p.toString().endsWith(".json")).count();
    }
  }

  @Test
  void anInterruptedRunResumesWithoutRepeatingAPaidCall() throws Exception {
    Path reference = dir.resolve("reference");
    Manifest uninterrupted = reel().build().render(new Story("Ferry", TEXT), reference).manifest();
    int segments = uninterrupted.segments().size();
    assertThat(segments).isGreaterThan(2);

    fresh();
    Path out = dir.resolve("out");
    AtomicInteger speechCalls = new AtomicInteger();
    Fakes.Speech dying = new Fakes.Speech(true) {
      @Override
      public Narration synthesize(SpeechRequest r) {
        if (speechCalls.incrementAndGet() == 3) {
          throw new NonRetriableException("simulated crash");
        }
        return super.synthesize(r);
      }
    };
    assertThatThrownBy(() -> reel().speech(dying).build().render(new Story("Ferry", TEXT), out))
        .hasMessageContaining("simulated crash");
    assertThat(out.resolve("manifest.json")).doesNotExist();
    long storedImages = entries(out, "image");
    long storedNarrations = entries(out, "narration");
    assertThat(storedNarrations).isEqualTo(2);
    assertThat(entries(out, "storyboard")).isEqualTo(1);

    fresh();
    JobResult resumed = reel().build().render(new Story("Ferry", TEXT), out);
    assertThat(planner.calls.get()).isZero();
    assertThat(images.calls.get()).isEqualTo(segments - storedImages);
    assertThat(speech.calls.get()).isEqualTo(segments - storedNarrations);
    Manifest m = resumed.manifest();
    assertThat(m.storyboardCache().hit()).isTrue();
    assertThat(m.segments().stream().filter(s -> s.imageCache().hit()).count()).isEqualTo(storedImages);
    assertThat(m.segments().stream().filter(s -> s.audioCache().hit()).count())
        .isEqualTo(storedNarrations);
    assertThat(m.videoCache().hit()).isFalse();
    assertThat(m.withoutRunFacts()).isEqualTo(uninterrupted.withoutRunFacts());
    try (InputStream in = Files.newInputStream(out.resolve("manifest.json"))) {
      assertThat(Manifest.read(in)).isEqualTo(m);
    }

    // A finished output with the same inputs runs again without --force: everything is a hit.
    fresh();
    Manifest again = reel().build().render(new Story("Ferry", TEXT), out).manifest();
    assertThat(planner.calls.get() + images.calls.get() + speech.calls.get()).isZero();
    assertThat(renderer.last.get()).as("the video came from the cache").isNull();
    assertThat(again.videoCache().hit()).isTrue();
    assertThat(again.withoutRunFacts()).isEqualTo(uninterrupted.withoutRunFacts());
  }

  @Test
  void changingOneSegmentRegeneratesOnlyThatSegment() throws Exception {
    Path out = dir.resolve("out");
    Manifest before = reel().build().render(new Story("Ferry", TEXT), out).manifest();
    int segments = before.segments().size();
    assertThat(images.calls.get()).isEqualTo(segments);

    String changed = TEXT.replace("Nobody on the pier waved back", "Nobody on the quay waved back");
    fresh();
    assertThatThrownBy(() -> reel().build().render(new Story("Ferry", changed), out))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("--force");
    assertThat(planner.calls.get() + images.calls.get() + speech.calls.get()).isZero();

    Manifest after = reel().overwrite(true).build().render(new Story("Ferry", changed), out)
        .manifest();
    assertThat(after.segments()).hasSize(segments);
    assertThat(planner.calls.get()).isEqualTo(1);
    assertThat(images.calls.get()).isEqualTo(1);
    assertThat(speech.calls.get()).isEqualTo(1);
    List<Manifest.SegmentEntry> missed =
        after.segments().stream().filter(s -> !s.imageCache().hit()).toList();
    assertThat(missed).hasSize(1);
    assertThat(missed.get(0).narration()).contains("quay");
    assertThat(after.videoCache().hit()).isFalse();
  }

  @Test
  void noCacheMakesEverythingAgain() throws Exception {
    Path out = dir.resolve("out");
    Manifest first = reel().build().render(new Story("Ferry", TEXT), out).manifest();
    fresh();
    Manifest second = reel().cache(false).build().render(new Story("Ferry", TEXT), out).manifest();
    assertThat(images.calls.get()).isEqualTo(first.segments().size());
    assertThat(speech.calls.get()).isEqualTo(first.segments().size());
    assertThat(planner.calls.get()).isEqualTo(1);
    assertThat(second.segments()).allMatch(s -> !s.imageCache().hit() && !s.audioCache().hit());
    assertThat(second.videoCache().hit()).isFalse();
  }

  @Test
  void narrationsWithoutTimingsCacheTheAlignersTimingsToo() throws Exception {
    Path out = dir.resolve("out");
    AtomicInteger aligned = new AtomicInteger();
    dev.storyreel.core.spi.Aligner counting = new dev.storyreel.core.spi.Aligner() {
      final dev.storyreel.core.internal.ProportionalAligner inner =
          new dev.storyreel.core.internal.ProportionalAligner();

      @Override
      public String name() {
        return "counting-aligner";
      }

      @Override
      public String model() {
        return inner.model();
      }

      @Override
      public List<WordTiming> align(int segmentIndex, String text, PcmAudio audio) {
        aligned.incrementAndGet();
        return inner.align(segmentIndex, text, audio);
      }
    };
    Manifest m = reel().speech(new Fakes.Speech(false)).aligner(counting).build()
        .render(new Story("Ferry", TEXT), out).manifest();
    assertThat(aligned.get()).isEqualTo(m.segments().size());
    assertThat(m.segments()).allMatch(s -> s.timingsCache() != null && !s.timingsCache().hit());
    Manifest again = reel().speech(new Fakes.Speech(false)).aligner(counting).build()
        .render(new Story("Ferry", TEXT), out).manifest();
    assertThat(aligned.get()).isEqualTo(m.segments().size());
    assertThat(again.segments()).allMatch(s -> s.timingsCache().hit());
  }

  @Test
  void aCorruptCacheBlobIsMadeAgain() throws Exception {
    Path out = dir.resolve("out");
    reel().build().render(new Story("Ferry", TEXT), out);
    Path blob;
    try (var s = Files.walk(out.resolve("cache/image"))) {
      blob = s.filter(p -> p.toString().endsWith(".png")).findFirst().orElseThrow();
    }
    Files.write(blob, new byte[] {1, 2, 3});
    Files.delete(out.resolve("manifest.json"));
    fresh();
    Manifest m = reel().build().render(new Story("Ferry", TEXT), out).manifest();
    assertThat(images.calls.get()).isEqualTo(1);
    assertThat(m.segments().stream().filter(s -> !s.imageCache().hit()).count()).isEqualTo(1);
  }
}
