package dev.storyreel.render.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storyreel.core.PcmAudio;
import dev.storyreel.core.ProgressEvent;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.spi.ImageSource;
import dev.storyreel.core.timeline.Timeline;
import dev.storyreel.core.timeline.VisualClip;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The renderer loads each segment's picture when it gets to the segment, not all of them up
 * front, so a long video does not hold every decoded picture.
 */
class LazyImagesTest {

  private static final int SEGMENTS = 16;
  private static final int FPS = 10;

  @TempDir Path dir;

  /** Counts loads and records how far the render had got when the picture was first loaded. */
  private static final class Counting implements ImageSource {
    final int index;
    final AtomicLong progress;
    final AtomicInteger loads = new AtomicInteger();
    volatile long framesDoneAtFirstLoad = -1;

    Counting(int index, AtomicLong progress) {
      this.index = index;
      this.progress = progress;
    }

    @Override
    public BufferedImage load() {
      if (loads.getAndIncrement() == 0) {
        framesDoneAtFirstLoad = progress.get();
      }
      // A new image on every call, as a source that decodes from storage returns.
      return Fixtures.solid(Fixtures.COLOURS[index % 3], 90, 160);
    }
  }

  @Test
  void picturesAreLoadedWhenTheRenderGetsToTheirSegmentAndAtMostTwice() throws Exception {
    AtomicLong framesDone = new AtomicLong();
    List<Counting> sources = new ArrayList<>();
    List<VisualClip> segments = new ArrayList<>();
    PcmAudio audio = null;
    Duration start = Duration.ZERO;
    for (int i = 0; i < SEGMENTS; i++) {
      PcmAudio part = Fixtures.sine(1000, 16_000, 1);
      audio = audio == null ? part : audio.concat(part);
      Duration end = start.plus(part.duration());
      Counting c = new Counting(i, framesDone);
      sources.add(c);
      segments.add(new VisualClip(i, c, start, end));
      start = end;
    }
    Timeline request =
        Timeline.of(new VideoFormat(64, 112, FPS), audio, segments, List.of());
    assertThat(sources).as("building the request loads nothing").allMatch(c -> c.loads.get() == 0);

    FfmpegRenderer.builder().workers(2).build().render(request, dir.resolve("lazy.mp4"),
        e -> {
          if (e instanceof ProgressEvent.FramesRendered f) {
            framesDone.set(f.framesDone());
          }
        });

    for (Counting c : sources) {
      assertThat(c.loads.get()).as("loads of segment %d", c.index).isBetween(1, 2);
    }
    // Progress comes once per second of video (= once per segment here). A renderer that loaded
    // every picture before encoding would have loaded them all at 0 frames done; a lazy one
    // loads segment i once the render is within a couple of segments of it.
    for (int i = 4; i < SEGMENTS; i++) {
      assertThat(sources.get(i).framesDoneAtFirstLoad)
          .as("frames done when segment %d was first loaded", i)
          .isGreaterThanOrEqualTo(request.startFrame(i - 3));
    }
  }
}
