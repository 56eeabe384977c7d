package dev.storyreel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.storyreel.core.timeline.Timeline;
import dev.storyreel.core.spi.SpeechRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class StoryReelTest {
  @TempDir Path dir;

  private static final String TEXT =
      "The ferry left at nine. Nobody on the pier waved back at her. "
          + "She counted the lights on the far shore, one by one, until the fog took them all. "
          + "Then she went below.";

  private final Fakes.Images images = new Fakes.Images();
  private final Fakes.Speech speech = new Fakes.Speech(true);
  private final Fakes.Render renderer = new Fakes.Render();

  private StoryReel.Builder reel() {
    return StoryReel.builder()
        .format(new VideoFormat(270, 480, 12))
        .images(images)
        .speech(speech)
        .renderer(renderer)
        // short segments so the test story gets several
        .planner(new Fakes.Sentences())
        .retryPolicy(RetryPolicy.builder().initialDelay(Duration.ofMillis(1)).jitter(0).build())
        .workDir(dir.resolve("work"));
  }

  @Test
  void rendersAllOutputsWithAConsistentTimeline() throws Exception {
    List<ProgressEvent> events = new CopyOnWriteArrayList<>();
    Path out = dir.resolve("out");
    JobResult r = reel().listener(events::add).build().render(new Story("Ferry", TEXT), out);

    for (String k : StoryReel.OUTPUT_KEYS) {
      assertThat(out.resolve(k)).isRegularFile();
    }
    Manifest m;
    try (var in = Files.newInputStream(out.resolve("manifest.json"))) {
      m = Manifest.read(in);
    }
    assertThat(m).isEqualTo(r.manifest());
    assertThat(m.segments()).hasSizeGreaterThan(1);
    assertThat(images.calls.get()).isEqualTo(m.segments().size());
    assertThat(speech.calls.get()).isEqualTo(m.segments().size());

    Timeline req = renderer.last.get();
    long prevEnd = 0;
    for (Manifest.SegmentEntry s : m.segments()) {
      // Segment i lasts exactly as long as its own narration clip: words * 250 ms + 100 ms.
      int words = s.narration().split("\\s+").length;
      assertThat(s.startMillis()).isEqualTo(prevEnd);
      assertThat(s.endMillis() - s.startMillis()).isEqualTo(words * 250L + 100);
      assertThat(s.startFrame()).isEqualTo((s.startMillis() * 12 + 999) / 1000);
      assertThat(s.words()).hasSize(words);
      long prevWord = s.startMillis();
      for (Manifest.WordEntry w : s.words()) {
        assertThat(w.startMillis()).isGreaterThanOrEqualTo(prevWord);
        assertThat(w.endMillis()).isBetween(w.startMillis(), s.endMillis());
        prevWord = w.startMillis();
      }
      assertThat(s.image().key()).isEqualTo(String.format("assets/segment-%03d.png", s.index()));
      assertThat(out.resolve(s.audio().key())).isRegularFile();
      prevEnd = s.endMillis();
    }
    assertThat(m.video().durationMillis()).isEqualTo(prevEnd);
    assertThat(req.duration().toMillis()).isEqualTo(prevEnd);
    assertThat(m.video().frameCount()).isEqualTo((prevEnd * 12 + 999) / 1000);

    String srt = Files.readString(out.resolve("captions.srt"));
    String lastTimes = srt.lines().filter(l -> l.contains(" --> ")).reduce((a, b) -> b).orElseThrow();
    assertThat(lastTimes).endsWith(Captions.timestamp(Duration.ofMillis(prevEnd), ','));
    assertThat(Files.readString(out.resolve("captions.vtt"))).startsWith("WEBVTT");

    assertThat(events.stream().filter(e -> e instanceof ProgressEvent.JobStateChanged)
        .map(e -> ((ProgressEvent.JobStateChanged) e).state()))
        .containsExactly(JobState.PLANNING, JobState.GENERATING_ASSETS, JobState.RENDERING,
            JobState.PUBLISHING, JobState.COMPLETED);
    assertThat(events).contains(new ProgressEvent.StoryboardPlanned(m.segments().size()));
    try (Stream<Path> work = Files.list(dir.resolve("work"))) {
      assertThat(work).as("temporary video removed").isEmpty();
    }
  }

  @Test
  void aStoryOverTheLimitFailsBeforeAnythingIsWritten() {
    Path out = dir.resolve("out");
    assertThatThrownBy(() -> reel().maxStoryChars(20).build().render(new Story("t", TEXT), out))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("over the limit of 20")
        .hasMessageContaining("--max-chars");
    assertThat(out).doesNotExist();
    assertThat(images.calls.get() + speech.calls.get()).isZero();
  }

  @Test
  void aFinishedOutputOfOtherInputsIsKeptUnlessOverwriteIsOn() throws Exception {
    Path out = Files.createDirectories(dir.resolve("out"));
    Files.writeString(out.resolve("video.mp4"), "precious");
    Files.writeString(out.resolve("manifest.json"), "{\"title\":\"another story\"}");
    assertThatThrownBy(() -> reel().build().render(new Story("t", TEXT), out))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("Output already exists")
        .hasMessageContaining("--force");
    assertThat(Files.readString(out.resolve("video.mp4"))).isEqualTo("precious");
    assertThat(images.calls.get()).isZero();

    reel().overwrite(true).build().render(new Story("t", TEXT), out);
    assertThat(Files.readString(out.resolve("video.mp4"))).isNotEqualTo("precious");
  }

  @Test
  void aNonRetriableFailureFailsTheJobAndWritesNoFinalOutput() {
    Path out = dir.resolve("out");
    Fakes.Speech broken = new Fakes.Speech(true) {
      @Override
      public Narration synthesize(SpeechRequest r) {
        calls.incrementAndGet();
        throw new NonRetriableException("voice refused segment " + r.segmentIndex());
      }
    };
    List<ProgressEvent> events = new CopyOnWriteArrayList<>();
    assertThatThrownBy(() -> reel().speech(broken).listener(events::add).build()
        .render(new Story("t", TEXT), out))
        .isInstanceOf(NonRetriableException.class)
        .hasMessageContaining("voice refused");
    for (String k : StoryReel.OUTPUT_KEYS) {
      assertThat(out.resolve(k)).doesNotExist();
    }
    assertThat(events).contains(new ProgressEvent.JobStateChanged(JobState.FAILED));
    assertThat(events).noneMatch(e -> e instanceof ProgressEvent.TaskRetrying);
    assertThat(broken.calls.get()).as("fail-fast: no retry, siblings cancelled").isLessThanOrEqualTo(2);
  }

  @Test
  void aRetriableFailureIsRetriedAndTheJobCompletes() throws Exception {
    // Not named "calls": that would resolve to the inherited counter, which super also bumps.
    AtomicInteger segmentZeroAttempts = new AtomicInteger();
    Fakes.Speech flaky = new Fakes.Speech(true) {
      @Override
      public Narration synthesize(SpeechRequest r) {
        if (r.segmentIndex() == 0 && segmentZeroAttempts.incrementAndGet() == 1) {
          throw new RetriableException("HTTP 503 from the voice service");
        }
        return super.synthesize(r);
      }
    };
    List<ProgressEvent> events = new CopyOnWriteArrayList<>();
    JobResult r = reel().speech(flaky).listener(events::add).build()
        .render(new Story("t", TEXT), dir.resolve("out"));
    assertThat(r.manifest().segments()).isNotEmpty();
    assertThat(events).filteredOn(e -> e instanceof ProgressEvent.TaskRetrying).hasSize(1);
    assertThat(segmentZeroAttempts.get()).isEqualTo(2);
  }

  @Test
  void cancellingStopsTheJobAndWritesNoFinalOutput() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    Fakes.Speech slow = new Fakes.Speech(true) {
      @Override
      public Narration synthesize(SpeechRequest r) {
        entered.countDown();
        try {
          Thread.sleep(60_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new CancellationException("interrupted");
        }
        return super.synthesize(r);
      }
    };
    Path out = dir.resolve("out");
    Job job = reel().speech(slow).build().submit(new Story("t", TEXT), new LocalStorage(out));
    assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue();
    job.cancel();
    assertThatThrownBy(() -> job.result().get(20, TimeUnit.SECONDS))
        .hasCauseInstanceOf(CancellationException.class);
    assertThat(job.state()).isEqualTo(JobState.CANCELLED);
    for (String k : StoryReel.OUTPUT_KEYS) {
      assertThat(out.resolve(k)).doesNotExist();
    }
  }

  @Test
  void aThrowingListenerCannotBreakTheRun() {
    AtomicInteger seen = new AtomicInteger();
    JobResult r = reel().listener(e -> {
      seen.incrementAndGet();
      throw new IllegalStateException("listener bug");
    }).build().render(new Story("t", TEXT), dir.resolve("out"));
    assertThat(r.video().ref().sizeBytes()).isPositive();
    assertThat(seen.get()).isGreaterThan(5);
  }

  @Test
  void aProviderThatBreaksTheOneTimingPerWordContractIsAClearError() {
    Fakes.Speech sloppy = new Fakes.Speech(true) {
      @Override
      public Narration synthesize(SpeechRequest r) {
        Narration n = super.synthesize(r);
        return new Narration(n.audio(), n.words().subList(0, 1));
      }
    };
    assertThatThrownBy(() -> reel().speech(sloppy).build()
        .render(new Story("t", TEXT), dir.resolve("out")))
        .isInstanceOf(NonRetriableException.class)
        .hasMessageContaining("fake-speech returned 1 word timings for")
        .hasMessageContaining("one timing per whitespace-separated word");
  }

  @Test
  void narrationsWithoutTimingsAreAligned() {
    JobResult r = reel().speech(new Fakes.Speech(false)).build()
        .render(new Story("t", TEXT), dir.resolve("out"));
    Manifest.SegmentEntry s0 = r.manifest().segments().get(0);
    assertThat(s0.alignerProvider()).isEqualTo(new Manifest.ProviderInfo("estimate",
        "proportional-to-letters"));
    assertThat(s0.words()).hasSize(s0.narration().split("\\s+").length);
    assertThat(s0.words().get(s0.words().size() - 1).endMillis()).isEqualTo(s0.endMillis());
  }

  @Test
  void aCallerWokenByTheResultReadsTheFinalState() throws Exception {
    for (int run = 0; run < 5; run++) {
      Job job = reel().build().submit(new Story("t", TEXT),
          new LocalStorage(dir.resolve("state-" + run)));
      job.result().get(60, TimeUnit.SECONDS);
      // No wait in between: the state is set before the result completes.
      assertThat(job.state()).isEqualTo(JobState.COMPLETED);
    }
  }
}
