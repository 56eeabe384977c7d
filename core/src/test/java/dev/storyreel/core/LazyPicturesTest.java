package dev.storyreel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.storyreel.core.timeline.Timeline;
import dev.storyreel.core.timeline.VisualClip;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The render request's pictures are read back from the job's storage when the renderer asks. */
@Timeout(60)
class LazyPicturesTest {
  @TempDir Path dir;

  private static final String TEXT =
      "The ferry left at nine. Nobody on the pier waved back at her. "
          + "She counted the lights on the far shore, one by one, until the fog took them all. "
          + "Then she went below.";

  @Test
  void segmentPicturesAreReadFromStorageOnEachLoadAndAMissingOneNamesSegmentAndKey()
      throws Exception {
    Fakes.Render renderer = new Fakes.Render();
    Path out = dir.resolve("out");
    StoryReel.builder()
        .format(new VideoFormat(270, 480, 12))
        .images(new Fakes.Images())
        .speech(new Fakes.Speech(true))
        .renderer(renderer)
        .planner(new Fakes.Sentences())
        .retryPolicy(RetryPolicy.builder().initialDelay(Duration.ofMillis(1)).jitter(0).build())
        .workDir(dir.resolve("work"))
        .build()
        .render(new Story("Ferry", TEXT), out);
    Timeline req = renderer.last.get();
    assertThat(req.visual()).hasSizeGreaterThan(1);

    for (VisualClip s : req.visual()) {
      BufferedImage a = s.loadImage();
      BufferedImage b = s.loadImage();
      // Decoded afresh on each load (nothing held), with the provider's pixels each time.
      assertThat(a).isNotSameAs(b);
      Color expected = Color.getHSBColor(s.segment() * 0.27f, 0.8f, 0.8f);
      assertThat(a.getRGB(a.getWidth() / 2, a.getHeight() / 2) & 0xFFFFFF)
          .isEqualTo(expected.getRGB() & 0xFFFFFF)
          .isEqualTo(b.getRGB(b.getWidth() / 2, b.getHeight() / 2) & 0xFFFFFF);
    }

    Files.delete(out.resolve("assets/segment-001.png"));
    assertThatThrownBy(() -> req.visual().get(1).loadImage())
        .isInstanceOf(StoryReelException.class)
        .hasMessageContaining("Segment 1")
        .hasMessageContaining("assets/segment-001.png");

    Files.write(out.resolve("assets/segment-001.png"), new byte[] {1, 2, 3});
    assertThatThrownBy(() -> req.visual().get(1).loadImage())
        .isInstanceOf(StoryReelException.class)
        .hasMessageContaining("Segment 1")
        .hasMessageContaining("assets/segment-001.png")
        .hasMessageContaining("cannot be decoded");
  }
}
