package dev.storyreel.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storyreel.core.internal.Json;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a caller of a job sees: task events with their kind and segment as fields, cache hits
 * on a second run, warnings, the manifest's schema, render options and usage, and outputs as
 * locations that can be opened.
 */
@Timeout(60)
class JobEventsAndResultsTest {
  @TempDir Path dir;

  static final String TEXT = "The ferry left at nine. Nobody on the pier waved back at her. "
      + "Then she went below.";

  /** Records every event, from any thread. */
  static final class Recorder implements ProgressListener {
    final List<ProgressEvent> events = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void onEvent(ProgressEvent e) {
      events.add(e);
    }

    <T extends ProgressEvent> List<T> of(Class<T> type) {
      synchronized (events) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
      }
    }
  }

  /** One segment per sentence; the second segment asks for a sound cue at its first word. */
  static final class CuePlanner extends Fakes.Sentences {
    @Override
    public String name() {
      return "cue-sentences";
    }

    @Override
    public Storyboard plan(Story story, VideoFormat format, String visualStyle) {
      Storyboard b = super.plan(story, format, visualStyle);
      List<Segment> segs = new ArrayList<>();
      for (Segment s : b.segments()) {
        segs.add(s.index() == 1
            ? new Segment(s.index(), s.narration(), s.imagePrompt(), null,
                List.of(new SoundCue("door slam", 0)))
            : s);
      }
      return new Storyboard(segs, b.visualStyle());
    }
  }

  Fakes.Images images = new Fakes.Images();
  Fakes.Speech speech = new Fakes.Speech(true);

  private StoryReel reel(ProgressListener listener, Fakes.Sentences planner) {
    return StoryReel.builder()
        .format(new VideoFormat(180, 320, 10))
        .planner(planner)
        .images(images)
        .speech(speech)
        .renderer(new Fakes.Render())
        .listener(listener)
        .retryPolicy(RetryPolicy.builder().initialDelay(Duration.ofMillis(1)).jitter(0).build())
        .workDir(dir.resolve("work"))
        .build();
  }

  private static Set<Integer> segments(List<? extends ProgressEvent> events, TaskKind kind) {
    Set<Integer> out = new TreeSet<>();
    for (ProgressEvent e : events) {
      if (e instanceof ProgressEvent.TaskStarted s && s.kind() == kind) {
        out.add(s.segment().orElse(-1));
      } else if (e instanceof ProgressEvent.TaskSucceeded s && s.kind() == kind) {
        out.add(s.segment().orElse(-1));
      } else if (e instanceof ProgressEvent.CacheHit h && h.kind() == kind) {
        out.add(h.segment().orElse(-1));
      }
    }
    return out;
  }

  @Test
  void taskEventsCarryKindAndSegmentAndMatchTheirIds() {
    Recorder rec = new Recorder();
    reel(rec, new Fakes.Sentences()).render(new Story("Ferry", TEXT), dir.resolve("out"));

    List<ProgressEvent.TaskStarted> started = rec.of(ProgressEvent.TaskStarted.class);
    assertThat(segments(started, TaskKind.IMAGE)).containsExactly(0, 1, 2);
    assertThat(segments(started, TaskKind.SPEECH)).containsExactly(0, 1, 2);
    assertThat(segments(started, TaskKind.STORYBOARD)).containsExactly(-1);
    assertThat(segments(started, TaskKind.RENDER)).containsExactly(-1);
    assertThat(started).noneMatch(s -> s.kind() == TaskKind.OTHER);
    // The fields agree with the ids, so nobody needs to parse "image-002".
    for (ProgressEvent.TaskStarted s : started) {
      if (s.kind() == TaskKind.IMAGE) {
        assertThat(s.taskId()).isEqualTo(String.format("image-%03d", s.segment().getAsInt()));
      }
    }
    List<ProgressEvent.TaskSucceeded> done = rec.of(ProgressEvent.TaskSucceeded.class);
    assertThat(segments(done, TaskKind.SPEECH)).containsExactly(0, 1, 2);
    // Nothing was in the cache on a first run.
    assertThat(rec.of(ProgressEvent.CacheHit.class)).isEmpty();
  }

  @Test
  void aSecondRunReportsACacheHitForEveryAssetAndPaysForNothing() {
    Path out = dir.resolve("out");
    reel(ProgressListener.NONE, new Fakes.Sentences()).render(new Story("Ferry", TEXT), out);
    int imageCalls = images.calls.get();
    int speechCalls = speech.calls.get();

    Recorder rec = new Recorder();
    Fakes.Sentences planner = new Fakes.Sentences();
    JobResult second = reel(rec, planner).render(new Story("Ferry", TEXT), out);

    List<ProgressEvent.CacheHit> hits = rec.of(ProgressEvent.CacheHit.class);
    assertThat(segments(hits, TaskKind.IMAGE)).containsExactly(0, 1, 2);
    assertThat(segments(hits, TaskKind.SPEECH)).containsExactly(0, 1, 2);
    assertThat(segments(hits, TaskKind.STORYBOARD)).containsExactly(-1);
    assertThat(segments(hits, TaskKind.RENDER)).containsExactly(-1);
    assertThat(hits).hasSize(8);
    // Each hit names the key the manifest records.
    Manifest m = second.manifest();
    Set<String> keys = hits.stream().map(ProgressEvent.CacheHit::cacheKey)
        .collect(Collectors.toSet());
    assertThat(keys).contains(m.storyboardCache().key(), m.videoCache().key(),
        m.segments().get(1).imageCache().key(), m.segments().get(2).audioCache().key());
    // The tasks still run (and are reported), but no provider was called.
    assertThat(images.calls.get()).isEqualTo(imageCalls);
    assertThat(speech.calls.get()).isEqualTo(speechCalls);
    assertThat(planner.calls.get()).isZero();
  }

  @Test
  void outputsAreLocalFilesThatExist() throws Exception {
    JobResult r = reel(ProgressListener.NONE, new Fakes.Sentences())
        .render(new Story("Ferry", TEXT), dir.resolve("out"));
    for (OutputLocation o : List.of(r.video(), r.captionsSrt(), r.captionsVtt(), r.thumbnail(),
        r.manifestFile())) {
      assertThat(o.uri().getScheme()).isEqualTo("file");
      assertThat(o.path()).isPresent();
      assertThat(o.path().get()).isRegularFile().hasSize(o.ref().sizeBytes());
      assertThat(o.presignedUrl()).isEmpty();
    }
    assertThat(r.video().path().get()).isEqualTo(dir.resolve("out").resolve("video.mp4"));
    assertThat(r.captionsSrt().key()).isEqualTo("captions.srt");
    assertThat(Files.readString(r.captionsVtt().path().get())).startsWith("WEBVTT");
    assertThat(r.stems()).isEmpty();
    // The old accessors still answer.
    assertThat(r.srt()).isEqualTo(r.captionsSrt().ref());
    @SuppressWarnings("deprecation")
    java.net.URI old = r.videoLocation();
    assertThat(old).isEqualTo(r.video().uri());
  }

  @Test
  void theManifestHasItsSchemaRenderOptionsAndWarnings() throws Exception {
    Recorder rec = new Recorder();
    JobResult r = reel(rec, new CuePlanner()).render(new Story("Ferry", TEXT), dir.resolve("out"));
    Manifest m = r.manifest();
    assertThat(m.schemaVersion()).isEqualTo(Manifest.SCHEMA_VERSION).isEqualTo(2);
    assertThat(m.renderOptions()).isEqualTo(Map.of("fingerprint", "fake-renderer"));
    assertThat(m.warnings()).hasSize(1);
    assertThat(m.warnings().get(0)).contains("door slam").contains("segment 1")
        .contains("--sfx");
    // The same warning was sent to the listener when it was found.
    assertThat(rec.of(ProgressEvent.Warning.class)).extracting(ProgressEvent.Warning::message)
        .containsExactlyElementsOf(m.warnings());

    Manifest stored = Manifest.read(Files.newInputStream(r.manifestFile().path().get()));
    assertThat(stored.schemaVersion()).isEqualTo(2);
    assertThat(stored.renderOptions()).isEqualTo(m.renderOptions());
    assertThat(stored.warnings()).isEqualTo(m.warnings());
    assertThat(stored.withoutRunFacts()).isEqualTo(m.withoutRunFacts());
    assertThat(m.withoutRunFacts().warnings()).isEqualTo(m.warnings());
  }

  @Test
  void aPlannerNobodyBillsForRecordsNoUsage() throws Exception {
    JobResult r = reel(ProgressListener.NONE, new Fakes.Sentences())
        .render(new Story("Ferry", TEXT), dir.resolve("out"));
    assertThat(r.manifest().planUsage()).isNull();
    assertThat(r.manifest().totalUsage().inputTokens()).isZero();
    assertThat(r.manifest().totalUsage().outputTokens()).isZero();
    String json = Files.readString(r.manifestFile().path().get());
    assertThat(json).doesNotContain("planUsage");
  }

  @Test
  void aManifestWithoutASchemaVersionReadsAsVersion1() throws Exception {
    JobResult r = reel(ProgressListener.NONE, new Fakes.Sentences())
        .render(new Story("Ferry", TEXT), dir.resolve("out"));
    var tree = (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(
        r.manifestFile().path().get().toFile());
    tree.remove(List.of("schemaVersion", "renderOptions", "warnings"));
    Manifest old = Manifest.read(new ByteArrayInputStream(
        Json.MAPPER.writeValueAsString(tree).getBytes(StandardCharsets.UTF_8)));
    assertThat(old.schemaVersion()).isEqualTo(1);
    assertThat(old.renderOptions()).isEmpty();
    assertThat(old.warnings()).isEmpty();
    assertThat(old.segments()).hasSize(3);
  }

  @Test
  void taskEventsOfAGraphWithoutMetadataSayOther() {
    ProgressEvent.TaskStarted s = new ProgressEvent.TaskStarted("x", "cpu", 1);
    assertThat(s.kind()).isEqualTo(TaskKind.OTHER);
    assertThat(s.segment()).isEqualTo(OptionalInt.empty());
  }
}
