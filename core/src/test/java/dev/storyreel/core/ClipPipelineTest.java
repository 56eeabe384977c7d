package dev.storyreel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.storyreel.core.spi.ClipProvider;
import dev.storyreel.core.spi.ClipRequest;
import dev.storyreel.core.spi.GeneratedClip;
import dev.storyreel.core.spi.PendingWork;
import dev.storyreel.core.spi.VideoInfo;
import dev.storyreel.core.timeline.ClipFit;
import dev.storyreel.core.timeline.Timeline;
import dev.storyreel.core.timeline.VisualClip;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clip tasks in the pipeline with a fake clip provider and a renderer whose probe reads the fake
 * clips' header: what is asked for, cached, budgeted, resumed, refused and recorded.
 */
@Timeout(60)
class ClipPipelineTest {
  @TempDir Path dir;

  static final String TEXT = "The ferry left at nine. Nobody on the pier waved back at her. "
      + "Then she went below.";
  static final Story STORY = new Story("Ferry", TEXT);

  /**
   * A fake MP4: a {@code ftyp} box, then the clip's length in milliseconds and the segment; the
   * word {@code BROKEN} makes the probe refuse it.
   */
  static byte[] fakeMp4(long millis, int segment, boolean broken) {
    ByteBuffer b = ByteBuffer.allocate(40);
    b.putInt(24).put("ftypisom".getBytes(StandardCharsets.US_ASCII));
    b.position(24);
    b.putLong(millis).putInt(segment);
    if (broken) {
      b.put("BRKN".getBytes(StandardCharsets.US_ASCII));
    }
    return b.array();
  }

  /** Counts calls; a clip lasts {@code millis}; a recorded note is resumed without paying. */
  static class Clips implements ClipProvider {
    final AtomicInteger paid = new AtomicInteger();
    final List<ClipRequest> requests = new CopyOnWriteArrayList<>();
    long millis = 1000;
    boolean broken;

    @Override
    public String name() {
      return "fake-clips";
    }

    @Override
    public String model() {
      return "v1";
    }

    @Override
    public GeneratedClip generate(ClipRequest r) {
      return generate(r, PendingWork.inMemory());
    }

    @Override
    public GeneratedClip generate(ClipRequest r, PendingWork pending) {
      requests.add(r);
      if (pending.recorded().isEmpty()) {
        paid.incrementAndGet();
        pending.record("pred-" + r.segmentIndex());
        afterPaying(r);
      }
      return new GeneratedClip(fakeMp4(millis, r.segmentIndex(), broken), "video/mp4",
          Usage.images(1));
    }

    /** Where a test makes the call fail after the vendor accepted (and billed) it. */
    void afterPaying(ClipRequest r) {}
  }

  /** The fake renderer, with a probe that reads {@link #fakeMp4}'s header. */
  static class Render extends Fakes.Render {
    @Override
    public VideoInfo probeVideo(Path file) {
      byte[] b;
      try {
        b = Files.readAllBytes(file);
      } catch (IOException e) {
        throw new InvalidInputException("cannot read " + file, e);
      }
      if (b.length < 36 || b[4] != 'f' || b[36] == 'B') {
        throw new InvalidInputException("The video " + file + " decodes to no picture.");
      }
      long millis = ByteBuffer.wrap(b, 24, 8).getLong();
      return new VideoInfo(64, 96, 16, Duration.ofMillis(millis), millis * 16 / 1000, false);
    }
  }

  Fakes.Images images = new Fakes.Images();
  Fakes.Speech speech = new Fakes.Speech(true);
  Render renderer = new Render();
  Clips clips = new Clips();

  StoryReel.Builder reel() {
    return StoryReel.builder()
        .format(new VideoFormat(180, 320, 10))
        .planner(new Fakes.Sentences())
        .images(images)
        .speech(speech)
        .renderer(renderer)
        .clipProvider(clips)
        .retryPolicy(RetryPolicy.builder().initialDelay(Duration.ofMillis(1)).jitter(0).build())
        .workDir(dir.resolve("work"));
  }

  void fresh() {
    images = new Fakes.Images();
    speech = new Fakes.Speech(true);
    renderer = new Render();
    clips = new Clips();
  }

  @Test
  void clipsAreMadeForTheChosenSegmentsFromTheirStillsAndRecordedWithTheirFit() throws Exception {
    Path out = dir.resolve("out");
    JobResult r = reel().clips(ClipSelection.of(Set.of(0, 2))).build().render(STORY, out);
    assertThat(clips.paid.get()).isEqualTo(2);
    assertThat(images.calls.get()).isEqualTo(3);
    Manifest m = r.manifest();
    for (ClipRequest req : clips.requests) {
      Manifest.SegmentEntry s = m.segments().get(req.segmentIndex());
      // the still the clip starts from is the segment's stored image
      assertThat(req.image()).isEqualTo(Files.readAllBytes(out.resolve(s.image().key())));
      assertThat(req.prompt()).isEqualTo(s.imagePrompt());
      // the clip is asked for as long as the segment's narration
      assertThat(req.duration().toMillis()).isEqualTo(s.endMillis() - s.startMillis());
    }
    Timeline t = renderer.last.get();
    assertThat(t.visual()).extracting(VisualClip::isClip).containsExactly(true, false, true);
    for (int i : new int[] {0, 2}) {
      VisualClip v = t.visual().get(i);
      Manifest.SegmentEntry s = m.segments().get(i);
      assertThat(s.clip()).isNotNull();
      // 1 s clips: the 1.35 s and 1.1 s segments slow them (within 1.5x)
      assertThat(s.clip().fit()).isEqualTo(ClipFit.resolve(Duration.ofSeconds(1),
          v.end().minus(v.start())).id()).isEqualTo(v.fit().id());
      assertThat(s.clip().source()).isEqualTo("fake-clips");
      assertThat(s.clip().clipMillis()).isEqualTo(1000);
      assertThat(s.clip().cache().hit()).isFalse();
      assertThat(s.clip().usage().images()).isEqualTo(1);
      assertThat(out.resolve(s.clip().clip().key())).exists()
          .hasBinaryContent(fakeMp4(1000, i, false));
      // the cut stays on the narration boundary: the clip keeps the segment's interval
      assertThat(v.start().toMillis()).isEqualTo(s.startMillis());
      assertThat(v.end().toMillis()).isEqualTo(s.endMillis());
      assertThat(v.image()).as("the still is kept for the thumbnail").isNotNull();
      assertThat(v.video().file()).hasBinaryContent(fakeMp4(1000, i, false));
    }
    assertThat(m.segments().get(1).clip()).isNull();
    assertThat(t.visual().get(1).image()).isNotNull();
  }

  @Test
  void aSecondRunPaysNothingAndAForcedFitIsUsed() throws Exception {
    Path out = dir.resolve("out");
    reel().clips(ClipSelection.all()).build().render(STORY, out);
    assertThat(clips.paid.get()).isEqualTo(3);
    fresh();
    Manifest again = reel().clips(ClipSelection.all()).overwrite(true).build().render(STORY, out)
        .manifest();
    assertThat(clips.requests).isEmpty();
    assertThat(images.calls.get() + speech.calls.get()).isZero();
    assertThat(again.segments()).allMatch(s -> s.clip().cache().hit());
    assertThat(again.videoCache().hit()).isTrue();

    // another fit renders again (the video key covers the fit) but pays for nothing
    fresh();
    Manifest held = reel().clips(ClipSelection.all()).clipFit(ClipFit.HOLD).overwrite(true)
        .build().render(STORY, out).manifest();
    assertThat(clips.requests).isEmpty();
    assertThat(held.segments()).allMatch(s -> s.clip().fit().equals("hold"));
    assertThat(held.videoCache().hit()).isFalse();
  }

  @Test
  void theEstimateAndTheBudgetCountTheClips() {
    PriceTable prices = PriceTable.defaults().with("fake-clips/v1",
        PriceTable.Price.perImage("0.50"));
    StoryReel r = reel().priceTable(prices).clips(ClipSelection.of(Set.of(1, 2))).build();
    Plan plan = Plan.of(STORY, new Fakes.Sentences().plan(STORY, VideoFormat.portrait(), ""));
    CostEstimate e = r.estimate(plan, null);
    assertThat(e.items().stream().filter(i -> i.kind() == TaskKind.CLIP))
        .extracting(CostEstimate.Item::segment).containsExactly(1, 2);
    assertThat(e.toProduceUsd()).isEqualByComparingTo("1.00");

    StoryReel tight = reel().priceTable(prices).budgetUsd(new BigDecimal("0.75"))
        .clips(ClipSelection.of(Set.of(1, 2))).build();
    assertThatThrownBy(() -> tight.render(STORY, dir.resolve("b")))
        .isInstanceOf(BudgetExceededException.class);
    assertThat(clips.requests).isEmpty();
    assertThat(images.calls.get()).isZero();
  }

  @Test
  void clipIndexesOutOfRangeAreRefusedBeforeAnyPaidCall() {
    assertThatThrownBy(() -> reel().clips(ClipSelection.of(Set.of(1, 7))).build()
        .render(STORY, dir.resolve("o")))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("[7]")
        .hasMessageContaining("indexes 0..2");
    assertThat(images.calls.get() + speech.calls.get() + clips.requests.size()).isZero();

    Plan plan = Plan.of(STORY, new Fakes.Sentences().plan(STORY, VideoFormat.portrait(), ""));
    StoryReel r = reel().clips(ClipSelection.of(Set.of(3))).build();
    assertThatThrownBy(() -> r.produce(plan, new LocalStorage(dir.resolve("p"))))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("[3]");
    assertThat(dir.resolve("p")).doesNotExist();
  }

  @Test
  void clipsWithoutAClipProviderAreAConfigurationError() {
    Plan plan = Plan.of(STORY, new Fakes.Sentences().plan(STORY, VideoFormat.portrait(), ""));
    Plan withClip = plan.withShot(plan.shots().get(1).withClip(true));
    StoryReel r = StoryReel.builder().planner(new Fakes.Sentences()).images(images)
        .speech(speech).renderer(renderer).workDir(dir.resolve("work")).build();
    assertThatThrownBy(() -> r.produce(withClip, new LocalStorage(dir.resolve("c"))))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("no clip provider");
  }

  @Test
  void aJobStoppedAfterThePredictionWasPaidResumesItWithoutPayingAgain() throws Exception {
    Path out = dir.resolve("out");
    clips = new Clips() {
      @Override
      void afterPaying(ClipRequest r) {
        throw new NonRetriableException("simulated crash after the vendor accepted segment "
            + r.segmentIndex());
      }
    };
    assertThatThrownBy(() -> reel().clips(ClipSelection.of(Set.of(1))).build()
        .render(STORY, out)).hasMessageContaining("simulated crash");
    assertThat(clips.paid.get()).isEqualTo(1);
    fresh();
    Manifest m = reel().clips(ClipSelection.of(Set.of(1))).build().render(STORY, out).manifest();
    assertThat(clips.paid.get()).as("the recorded prediction is resumed").isZero();
    assertThat(clips.requests).hasSize(1);
    assertThat(m.segments().get(1).clip()).isNotNull();
  }

  @Test
  void aClipThatDecodesToNothingFailsClearlyAfterItWasStored() throws Exception {
    Path out = dir.resolve("out");
    clips.broken = true;
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> reel()
        .clips(ClipSelection.of(Set.of(2))).build().render(STORY, out));
    assertThat(t).isInstanceOf(NonRetriableException.class)
        .hasMessageContaining("Segment 2").hasMessageContaining("not usable")
        .hasMessageContaining("decodes to no picture").hasMessageContaining("billed again");
    assertThat(clips.paid.get()).as("not retried: a retry would pay again").isEqualTo(1);
    // the paid answer was stored before it was probed
    try (var s = Files.walk(out.resolve("cache/clip"))) {
      assertThat(s.filter(p -> p.toString().endsWith(".mp4")).count()).isEqualTo(1);
    }
    try (var s = Files.walk(out.resolve("cache/clip"))) {
      assertThat(s.filter(p -> p.toString().endsWith(".json")).count())
          .as("its entry was dropped").isZero();
    }
  }

  @Test
  void theUsersOwnStillAndClipMakeNoCallAndAreCheckedFirst() throws Exception {
    Path still = dir.resolve("mine.png");
    byte[] png = Files.readAllBytes(writePng(still));
    Path video = Files.write(dir.resolve("mine.mp4"), fakeMp4(2500, 9, false));
    Plan plan = Plan.of(STORY, new Fakes.Sentences().plan(STORY, VideoFormat.portrait(), ""));
    Plan mine = plan.withShot(plan.shots().get(0).withMedia(still))
        .withShot(plan.shots().get(2).withMedia(video).withClip(true));
    Path out = dir.resolve("out");
    Manifest m = reel().build().produce(mine, new LocalStorage(out)).result().join().manifest();
    assertThat(images.calls.get()).as("only segment 1 is drawn").isEqualTo(1);
    assertThat(clips.requests).as("the user's clip is no clip call").isEmpty();
    assertThat(out.resolve(m.segments().get(0).image().key())).hasBinaryContent(png);
    assertThat(m.segments().get(0).clip()).isNull();
    assertThat(m.segments().get(0).imageProvider()).isNull();
    Manifest.ClipEntry c = m.segments().get(2).clip();
    assertThat(c.source()).isEqualTo("user");
    assertThat(c.provider()).isNull();
    assertThat(c.clipMillis()).isEqualTo(2500);
    assertThat(out.resolve(c.clip().key())).hasBinaryContent(fakeMp4(2500, 9, false));
    VisualClip v = renderer.last.get().visual().get(2);
    assertThat(v.isClip()).isTrue();
    assertThat(v.image()).isNull();
    assertThat(c.fit()).isEqualTo(v.fit().id());

    Plan missing = plan.withShot(plan.shots().get(1).withMedia(dir.resolve("nope.mp4")));
    assertThatThrownBy(() -> reel().build().produce(missing, new LocalStorage(dir.resolve("x"))))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("segments[1].media")
        .hasMessageContaining("does not exist");
    Path broken = Files.write(dir.resolve("broken.mp4"), fakeMp4(1000, 1, true));
    Plan bad = plan.withShot(plan.shots().get(1).withMedia(broken));
    assertThatThrownBy(() -> reel().build().produce(bad, new LocalStorage(dir.resolve("y"))))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("segments[1].media")
        .hasMessageContaining("decodes to no picture");
    Path cutPng = Files.write(dir.resolve("cut.png"), java.util.Arrays.copyOf(png, 40));
    Plan badStill = plan.withShot(plan.shots().get(1).withMedia(cutPng));
    assertThatThrownBy(() -> reel().build().produce(badStill,
        new LocalStorage(dir.resolve("z")))).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("segments[1].media").hasMessageContaining("does not decode");
    assertThat(images.calls.get()).isEqualTo(1);
    assertThat(dir.resolve("x")).doesNotExist();
  }

  @Test
  void mediaIsAnOptionalFieldOfThePlanJsonReadRelativeToItsFolder() throws Exception {
    Plan plan = Plan.of(STORY, new Fakes.Sentences().plan(STORY, VideoFormat.portrait(), ""));
    String old = new String(plan.toJson(), StandardCharsets.UTF_8);
    assertThat(old).doesNotContain("\"media\"");
    Path folder = Files.createDirectories(dir.resolve("plans"));
    Plan withMedia = plan.withShot(plan.shots().get(1).withMedia(Path.of("footage/a.mp4")));
    Path file = folder.resolve("storyboard.json");
    withMedia.write(file);
    Plan read = Plan.read(file);
    assertThat(read.shots().get(1).media()).isEqualTo(folder.resolve("footage/a.mp4"));
    assertThat(read.shots().get(0).media()).isNull();
    // a plan written before media existed still reads
    assertThat(Plan.fromJson(old.getBytes(StandardCharsets.UTF_8)).shots())
        .allMatch(s -> s.media() == null);
  }

  @Test
  void theSelectionReadsTheCliForm() {
    assertThat(ClipSelection.parse("1, 4,7").indexes()).containsExactly(1, 4, 7);
    assertThat(ClipSelection.parse("all").everySegment()).isTrue();
    assertThat(ClipSelection.parse("none").resolve(3, Set.of(2))).containsExactly(2);
    assertThat(ClipSelection.all().resolve(3, Set.of())).containsExactly(0, 1, 2);
    assertThatThrownBy(() -> ClipSelection.parse("1,x")).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'x'");
    assertThatThrownBy(() -> ClipSelection.parse("-1")).isInstanceOf(InvalidInputException.class);
    assertThat(ClipSelection.parse("3,1").toString()).isEqualTo("1,3");
  }

  private static Path writePng(Path file) throws IOException {
    java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(90, 160,
        java.awt.image.BufferedImage.TYPE_INT_RGB);
    javax.imageio.ImageIO.write(img, "png", file.toFile());
    return file;
  }

  /** A storage with no local files: {@link #locate} names a remote object. */
  static final class RemoteLike implements dev.storyreel.core.spi.Storage {
    final LocalStorage inner;

    RemoteLike(Path root) {
      inner = new LocalStorage(root);
    }

    @Override
    public AssetRef put(String key, byte[] bytes, String mediaType) {
      return inner.put(key, bytes, mediaType);
    }

    @Override
    public AssetRef put(String key, Path file, String mediaType) {
      return inner.put(key, file, mediaType);
    }

    @Override
    public java.util.Optional<AssetRef> head(String key) {
      return inner.head(key);
    }

    @Override
    public java.io.InputStream open(String key) {
      return inner.open(key);
    }

    @Override
    public List<String> list(String prefix) {
      return inner.list(prefix);
    }

    @Override
    public void delete(String key) {
      inner.delete(key);
    }

    @Override
    public java.net.URI locate(String key) {
      return java.net.URI.create("remote://bucket/" + key);
    }
  }

  @Test
  void aStorageWithoutLocalFilesHandsTheRendererALocalCopyOfTheClip() throws Exception {
    List<byte[]> seen = new CopyOnWriteArrayList<>();
    List<Path> files = new CopyOnWriteArrayList<>();
    renderer = new Render() {
      @Override
      public dev.storyreel.core.spi.RenderResult render(Timeline t, Path output,
          ProgressListener l) {
        try {
          Path f = t.visual().get(1).video().file();
          files.add(f);
          seen.add(Files.readAllBytes(f));
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        return super.render(t, output, l);
      }
    };
    reel().clips(ClipSelection.of(Set.of(1))).build()
        .submit(STORY, new RemoteLike(dir.resolve("remote"))).result().join();
    assertThat(seen).hasSize(1);
    assertThat(seen.get(0)).isEqualTo(fakeMp4(1000, 1, false));
    assertThat(files.get(0).startsWith(dir.resolve("work")))
        .as("a copy in the job's temporary folder: %s", files.get(0)).isTrue();
    assertThat(files.get(0)).as("removed when the job ends").doesNotExist();
  }

  @Test
  void withTheJobsFitTheRenderStreamsAndTheClipsSourceWaitsUntilItIsStored() throws Exception {
    java.util.concurrent.CountDownLatch rendering = new java.util.concurrent.CountDownLatch(1);
    clips = new Clips() {
      @Override
      void afterPaying(ClipRequest r) {
        try {
          if (!rendering.await(20, java.util.concurrent.TimeUnit.SECONDS)) {
            throw new NonRetriableException("the render did not start before the clip");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.util.concurrent.CancellationException("interrupted");
        }
      }
    };
    List<byte[]> seen = new CopyOnWriteArrayList<>();
    renderer = new Render() {
      @Override
      public dev.storyreel.core.spi.RenderResult render(Timeline t, Path output,
          ProgressListener l) {
        rendering.countDown();
        try {
          seen.add(Files.readAllBytes(t.visual().get(1).video().file()));
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        return super.render(t, output, l);
      }
    };
    Manifest m = reel().clips(ClipSelection.of(Set.of(1))).clipFit(ClipFit.TRIM).build()
        .render(STORY, dir.resolve("s")).manifest();
    assertThat(seen).hasSize(1);
    assertThat(seen.get(0)).isEqualTo(fakeMp4(1000, 1, false));
    assertThat(m.segments().get(1).clip().fit()).isEqualTo("trim");
    assertThat(m.segments().get(1).clip().clipMillis()).isEqualTo(1000);
  }
}
