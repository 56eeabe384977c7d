package dev.storyreel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.storyreel.core.spi.ImageSource;
import dev.storyreel.core.spi.RenderResult;
import dev.storyreel.core.spi.VideoInfo;
import dev.storyreel.core.spi.VideoSource;
import dev.storyreel.core.timeline.BackgroundVideo;
import dev.storyreel.core.timeline.Overlay;
import dev.storyreel.core.timeline.Timeline;
import dev.storyreel.core.timeline.TitleCard;
import dev.storyreel.core.timeline.VisualClip;
import dev.storyreel.core.timeline.Watermark;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline half of issue 10: a background video and overlays set on the builder reach the
 * timeline, no still is made under a background, bad files are refused before anything is paid,
 * and the video's cache key covers them.
 */
class MotionPipelineTest {
  @TempDir Path dir;

  private static final VideoFormat SMALL = new VideoFormat(64, 112, 10);

  /** A renderer that records the timeline and "probes" by file content. */
  static final class ProbingRender extends Fakes.Render {
    final AtomicInteger probes = new AtomicInteger();
    final AtomicInteger renders = new AtomicInteger();

    @Override
    public VideoInfo probeVideo(Path file) {
      probes.incrementAndGet();
      try {
        if (!Files.readString(file).startsWith("VIDEO")) {
          throw new InvalidInputException("The file " + file + " is not a video.");
        }
      } catch (IOException e) {
        throw new InvalidInputException("cannot read " + file);
      }
      return new VideoInfo(64, 64, 10, Duration.ofSeconds(1), 10, false);
    }

    @Override
    public RenderResult render(Timeline request, Path output,
        ProgressListener listener) {
      renders.incrementAndGet();
      return super.render(request, output, listener);
    }
  }

  private StoryReel.Builder reel(Fakes.Images images, ProbingRender renderer, Path bg) {
    return StoryReel.builder().format(SMALL).planner(new Fakes.Sentences()).images(images)
        .speech(new Fakes.Speech(true)).renderer(renderer).workDir(dir.resolve("work"))
        .background(bg == null ? null : BackgroundVideo.of(VideoSource.of(bg)));
  }

  private static final Story STORY = new Story("The Lighthouse",
      "The keeper climbed. The lamp was cold. The sea was loud.");

  @Test
  void aBackgroundReplacesTheStillsAndTheOverlaysArePlacedOnTheVideosLength() throws Exception {
    Path bg = Files.writeString(dir.resolve("bg.mp4"), "VIDEO one");
    Fakes.Images images = new Fakes.Images();
    ProbingRender r = new ProbingRender();
    TitleCard end = new TitleCard("The end", Duration.ZERO, Duration.ofSeconds(2), "SansSerif",
        40, -1, 0, Duration.ofMillis(200));
    Watermark mark = new Watermark(ImageSource.of(new BufferedImage(8, 8,
        BufferedImage.TYPE_INT_ARGB)), Duration.ZERO, Duration.ofDays(1),
        Watermark.Corner.TOP_LEFT, 0.5, 0.1, 4);
    JobResult result = reel(images, r, bg).titleCard(TitleCard.title(STORY.title()))
        .endCard(end).watermark(mark).build().render(STORY, dir.resolve("out"));

    Timeline t = r.last.get();
    assertThat(images.calls.get()).as("no still is made over a background").isZero();
    assertThat(t.background()).isNotNull();
    assertThat(t.visual()).allMatch(VisualClip::showsBackground);
    List<Overlay> o = t.overlays();
    assertThat(o).hasSize(3);
    assertThat(((TitleCard) o.get(0)).text()).isEqualTo("The Lighthouse");
    assertThat(o.get(1).end()).as("the end card ends with the video").isEqualTo(t.duration());
    assertThat(o.get(1).start()).isEqualTo(t.duration().minus(Duration.ofSeconds(2)));
    assertThat(o.get(2).end()).isEqualTo(t.duration());
    assertThat(result.manifest().segments()).allMatch(s -> s.image() == null);
    assertThat(result.manifest().renderOptions()).containsKeys("background",
        "backgroundSha256", "titleCard", "endCard", "watermark");
  }

  @Test
  void aBadBackgroundIsRefusedBeforeAnythingIsPaidOrWritten() throws Exception {
    Path bad = Files.writeString(dir.resolve("notes.mp4"), "just text");
    Fakes.Images images = new Fakes.Images();
    ProbingRender r = new ProbingRender();
    Path out = dir.resolve("out");
    assertThatThrownBy(() -> reel(images, r, bad).build().render(STORY, out))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("notes.mp4");
    assertThat(r.probes.get()).isEqualTo(1);
    assertThat(images.calls.get()).isZero();
    assertThat(r.renders.get()).isZero();
    assertThat(out).doesNotExist();

    Path missing = dir.resolve("missing.mp4");
    assertThatThrownBy(() -> reel(images, r, missing).build().render(STORY, out))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("missing.mp4")
        .hasMessageContaining("does not exist");
  }

  @Test
  void aWatermarkThatIsNotAnImageIsRefusedBeforeAnythingIsPaid() {
    Fakes.Images images = new Fakes.Images();
    ProbingRender r = new ProbingRender();
    Watermark broken = new Watermark(() -> {
      throw new IllegalArgumentException("not a PNG");
    }, Duration.ZERO, Duration.ofDays(1), Watermark.Corner.TOP_LEFT, 1, 0.1, 0);
    Path out = dir.resolve("out");
    assertThatThrownBy(() -> reel(images, r, null).watermark(broken).build().render(STORY, out))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("watermark");
    assertThat(images.calls.get()).isZero();
    assertThat(out).doesNotExist();
  }

  @Test
  void anotherBackgroundFileOrSettingRendersAgain() throws Exception {
    Path a = Files.writeString(dir.resolve("a.mp4"), "VIDEO a");
    Path b = Files.writeString(dir.resolve("b.mp4"), "VIDEO b");
    ProbingRender r = new ProbingRender();
    Path out = dir.resolve("out");
    reel(new Fakes.Images(), r, a).build().render(STORY, out);
    reel(new Fakes.Images(), r, a).overwrite(true).build().render(STORY, out);
    assertThat(r.renders.get()).as("same background: the cached video").isEqualTo(1);
    reel(new Fakes.Images(), r, b).overwrite(true).build().render(STORY, out);
    assertThat(r.renders.get()).as("another file").isEqualTo(2);
    reel(new Fakes.Images(), r, b).overwrite(true)
        .background(new BackgroundVideo(VideoSource.of(b), Duration.ZERO, 4, 0.5,
            Double.NEGATIVE_INFINITY)).build().render(STORY, out);
    assertThat(r.renders.get()).as("other blur and dim").isEqualTo(3);
    reel(new Fakes.Images(), r, b).overwrite(true)
        .background(new BackgroundVideo(VideoSource.of(b), Duration.ZERO, 4, 0.5,
            Double.NEGATIVE_INFINITY)).titleCard(TitleCard.title("New")).build()
        .render(STORY, out);
    assertThat(r.renders.get()).as("a title card").isEqualTo(4);
  }

  @Test
  void overABackgroundOnlyTheClipSegmentsMakeAStillAndKeepTheirPicture() throws Exception {
    Path bg = Files.write(dir.resolve("bg.mp4"), ClipPipelineTest.fakeMp4(4000, 9, false));
    Fakes.Images images = new Fakes.Images();
    ClipPipelineTest.Render renderer = new ClipPipelineTest.Render();
    ClipPipelineTest.Clips clips = new ClipPipelineTest.Clips();
    StoryReel reel = StoryReel.builder().format(new VideoFormat(180, 320, 10))
        .planner(new Fakes.Sentences()).images(images).speech(new Fakes.Speech(true))
        .renderer(renderer).clipProvider(clips).clips(ClipSelection.of(Set.of(1)))
        .workDir(dir.resolve("work")).background(BackgroundVideo.of(VideoSource.of(bg)))
        .build();
    JobResult r = reel.render(STORY, dir.resolve("out"));
    assertThat(images.calls.get()).as("the clip's first frame only").isEqualTo(1);
    assertThat(clips.paid.get()).isEqualTo(1);
    Timeline t = renderer.last.get();
    assertThat(t.visual()).extracting(VisualClip::showsBackground)
        .containsExactly(true, false, true);
    assertThat(t.visual().get(1).isClip()).isTrue();
    assertThat(r.manifest().segments().get(1).image()).isNotNull();
    assertThat(r.manifest().segments().get(0).image()).isNull();
  }
}
