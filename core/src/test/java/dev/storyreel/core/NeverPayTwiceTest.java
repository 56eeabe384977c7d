package dev.storyreel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.storyreel.core.spi.Aligner;
import dev.storyreel.core.spi.GeneratedImage;
import dev.storyreel.core.spi.ImageProvider;
import dev.storyreel.core.spi.ImageRequest;
import dev.storyreel.core.spi.PendingWork;
import dev.storyreel.core.timeline.Timeline;
import dev.storyreel.core.spi.RenderResult;
import dev.storyreel.core.spi.SpeechRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A paid answer, once received, is stored before the job can fail: siblings of a failed task
 * finish, {@code cache(false)} never pays twice within a run, recorded paid work is resumed, a
 * cached asset that fails its check is made again, and a job leaves no temporary files.
 */
@Timeout(60)
class NeverPayTwiceTest {
  @TempDir Path dir;

  static final String TEXT =
      "The ferry left at nine. Nobody on the pier waved back at her. "
          + "She counted the lights on the far shore, one by one, until the fog took them all. "
          + "Then she went below.";
  static final Story STORY = new Story("Ferry", TEXT);

  private StoryReel.Builder reel() {
    return StoryReel.builder()
        .format(new VideoFormat(180, 320, 10))
        .planner(new CacheResumeTest.Planner())
        .images(new Fakes.Images())
        .speech(new Fakes.Speech(true))
        .renderer(new Fakes.Render())
        .retryPolicy(RetryPolicy.builder().initialDelay(Duration.ofMillis(1)).jitter(0).build())
        .workDir(dir.resolve("work"));
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
  void imagesInFlightWhenSpeechFailsAreStoredAndNotPaidForAgain() throws Exception {
    CountDownLatch speechFailed = new CountDownLatch(1);
    AtomicInteger imageCalls = new AtomicInteger();
    ImageProvider slow = new Fakes.Images() {
      @Override
      public GeneratedImage generate(ImageRequest r) {
        imageCalls.incrementAndGet();
        try {
          // Still "waiting for the vendor" when the sibling fails, and a little after.
          speechFailed.await(20, TimeUnit.SECONDS);
          Thread.sleep(300);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.util.concurrent.CancellationException("interrupted");
        }
        return super.generate(r);
      }

      @Override
      public int maxConcurrency() {
        return 16;
      }
    };
    Fakes.Speech failing = new Fakes.Speech(true) {
      @Override
      public Narration synthesize(SpeechRequest r) {
        if (r.segmentIndex() == 1) {
          speechFailed.countDown();
          throw new NonRetriableException("simulated 502 on a paid call");
        }
        return super.synthesize(r);
      }
    };
    Path out = dir.resolve("out");
    assertThatThrownBy(() -> reel().images(slow).speech(failing).concurrency("speech", 1)
        .build().render(STORY, out)).hasMessageContaining("simulated 502");
    int segments = imageCalls.get();
    assertThat(segments).isGreaterThan(2);
    // Every image the "vendor" answered was stored although a sibling failed meanwhile.
    assertThat(entries(out, "image")).isEqualTo(segments);

    Fakes.Images again = new Fakes.Images();
    reel().images(again).build().render(STORY, out);
    assertThat(again.calls.get()).as("images paid for again").isZero();
  }

  /** An aligner that fails once per segment with a transient error. */
  static final class FlakyAligner implements Aligner {
    final Set<Integer> failedOnce = ConcurrentHashMap.newKeySet();

    @Override
    public String name() {
      return "flaky-aligner";
    }

    @Override
    public String model() {
      return "v1";
    }

    @Override
    public List<WordTiming> align(int segmentIndex, String text, PcmAudio audio) {
      if (failedOnce.add(segmentIndex)) {
        throw new RetriableException("simulated 503 from the aligner");
      }
      String[] words = text.strip().split("\\s+");
      List<WordTiming> t = new ArrayList<>();
      for (int i = 0; i < words.length; i++) {
        t.add(new WordTiming(words[i], Duration.ofMillis(250L * i),
            Duration.ofMillis(250L * i + 200)));
      }
      return t;
    }
  }

  @Test
  void withoutCacheReadsATransientAlignerFaultDoesNotPayForSpeechTwice() throws Exception {
    Fakes.Speech untimed = new Fakes.Speech(false);
    FlakyAligner aligner = new FlakyAligner();
    Path out = dir.resolve("out");
    reel().build().render(STORY, out); // an earlier run's entries, which cache(false) ignores

    Manifest m = reel().speech(untimed).aligner(aligner).cache(false).overwrite(true).build()
        .render(STORY, out).manifest();
    int segments = m.segments().size();
    assertThat(aligner.failedOnce).hasSize(segments); // every segment's task was retried once
    assertThat(untimed.calls.get()).as("narrations paid for").isEqualTo(segments);
  }

  /** A provider whose vendor work outlives a call: it records an id, then may fail. */
  static final class ResumingImages extends Fakes.Images {
    final AtomicInteger created = new AtomicInteger();
    final AtomicInteger resumed = new AtomicInteger();
    volatile boolean failAfterCreating = true;
    volatile boolean failWithCrash;

    @Override
    public GeneratedImage generate(ImageRequest r, PendingWork pending) {
      if (pending.recorded().isPresent()) {
        resumed.incrementAndGet();
        return generate(r);
      }
      pending.record("pred-" + r.segmentIndex() + "-" + created.incrementAndGet());
      if (failWithCrash) {
        throw new NonRetriableException("simulated crash after the prediction was created");
      }
      if (failAfterCreating) {
        throw new RetriableException("simulated download failure");
      }
      return generate(r);
    }
  }

  @Test
  void recordedPaidWorkIsResumedByTheRetryAndByTheNextRun() throws Exception {
    ResumingImages images = new ResumingImages();
    Path out = dir.resolve("out");
    Manifest m = reel().images(images).build().render(STORY, out).manifest();
    int segments = m.segments().size();
    assertThat(images.created.get()).as("predictions created").isEqualTo(segments);
    assertThat(images.resumed.get()).as("retries that resumed").isEqualTo(segments);
    assertThat(entries(out, "pending")).as("notes left after success").isZero();

    // A run that dies after creating: the next run resumes instead of creating again.
    ResumingImages crashing = new ResumingImages();
    crashing.failWithCrash = true;
    Path out2 = dir.resolve("out2");
    assertThatThrownBy(() -> reel().images(crashing).concurrency("image", 1).build()
        .render(STORY, out2)).hasMessageContaining("simulated crash");
    assertThat(crashing.created.get()).isEqualTo(1);
    assertThat(entries(out2, "pending")).isEqualTo(1);
    ResumingImages next = new ResumingImages();
    next.failAfterCreating = false;
    reel().images(next).build().render(STORY, out2);
    assertThat(next.resumed.get()).isEqualTo(1);
    assertThat(next.created.get()).isEqualTo(segments - 1);
  }

  @Test
  void aCachedNarrationThatFailsItsCheckIsMadeAgain() throws Exception {
    // 3 s of silence after every narration: implausible under the default bounds (4 s of
    // silence at most) only once the bounds are tightened.
    Fakes.Speech padded = new Fakes.Speech(true) {
      @Override
      public Narration synthesize(SpeechRequest r) {
        Narration n = super.synthesize(r);
        byte[] pcm = n.audio().samples();
        ByteBuffer b = ByteBuffer.allocate(pcm.length + 16000 * 2 * 3)
            .order(ByteOrder.LITTLE_ENDIAN);
        b.put(pcm);
        return new Narration(new PcmAudio(b.array(), 16000, 1), n.words());
      }
    };
    Path out = dir.resolve("out");
    Manifest first = reel().speech(padded).build().render(STORY, out).manifest();
    int segments = first.segments().size();
    assertThat(padded.calls.get()).isEqualTo(segments);

    Fakes.Speech plain = new Fakes.Speech(true) {
      @Override
      public String name() {
        return padded.name(); // same fingerprint: the same cache keys
      }
    };
    NarrationBounds strict = NarrationBounds.defaults().toBuilder()
        .maxSilence(Duration.ofSeconds(2)).build();
    Manifest second = reel().speech(plain).narrationBounds(strict).build()
        .render(STORY, out).manifest();
    assertThat(plain.calls.get()).as("narrations made again").isEqualTo(segments);
    assertThat(second.segments()).allSatisfy(s -> assertThat(s.audioCache().hit()).isFalse());
  }

  @Test
  void aReplacedLongerStoryLeavesNoStaleSegmentAssets() throws Exception {
    Path out = dir.resolve("out");
    int long1 = reel().build().render(STORY, out).manifest().segments().size();
    Story shorter = new Story("Pier", "Nobody waved. The fog came in.");
    int short1 = reel().overwrite(true).build().render(shorter, out).manifest().segments().size();
    assertThat(short1).isLessThan(long1);
    try (var files = Files.list(out.resolve("assets"))) {
      List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
      assertThat(names).hasSize(2 * short1);
      assertThat(names).allMatch(n -> Integer.parseInt(n.substring(8, 11)) < short1, "current");
    }
    // The cache keeps what was paid for: the old story renders again from it.
    Fakes.Images images = new Fakes.Images();
    reel().images(images).overwrite(true).build().render(STORY, out);
    assertThat(images.calls.get()).isZero();
  }

  @Test
  void theJobsTemporaryFolderIsRemovedOnExitAndWhatAKilledRunLeftIsRemovedAtTheNextStart()
      throws Exception {
    AtomicReference<Path> tempOfJob = new AtomicReference<>();
    Fakes.Render recording = new Fakes.Render() {
      @Override
      public RenderResult render(Timeline request, Path output, ProgressListener l) {
        tempOfJob.set(output.getParent());
        return super.render(request, output, l);
      }
    };
    Path out = dir.resolve("out");
    reel().renderer(recording).build().render(STORY, out);
    Path temp = tempOfJob.get();
    assertThat(temp.getParent()).isEqualTo(dir.resolve("work"));
    assertThat(temp).doesNotExist();

    // What a kill -9 leaves: a partial video in the job's folder.
    Files.createDirectories(temp);
    Files.write(temp.resolve("storyreel-123.mp4"), new byte[100]);
    AtomicReference<Boolean> leftoverSeen = new AtomicReference<>();
    Fakes.Render checking = new Fakes.Render() {
      @Override
      public RenderResult render(Timeline request, Path output, ProgressListener l) {
        leftoverSeen.set(Files.exists(output.getParent().resolve("storyreel-123.mp4")));
        return super.render(request, output, l);
      }
    };
    reel().renderer(checking).overwrite(true).cache(false).build().render(STORY, out);
    assertThat(leftoverSeen.get()).as("leftover still there during the next run").isFalse();
    assertThat(temp).doesNotExist();
  }
}
