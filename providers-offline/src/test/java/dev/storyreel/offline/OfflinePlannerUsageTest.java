package dev.storyreel.offline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storyreel.core.JobResult;
import dev.storyreel.core.Manifest;
import dev.storyreel.core.ProgressListener;
import dev.storyreel.core.Story;
import dev.storyreel.core.StoryReel;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.spi.RenderResult;
import dev.storyreel.core.spi.Renderer;
import dev.storyreel.core.timeline.Timeline;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The rule-based planner is not an LLM: a job planned by it records no token usage. */
@Timeout(120)
class OfflinePlannerUsageTest {
  @TempDir Path dir;

  /** Writes a placeholder file; the real renderer lives in render-ffmpeg. */
  static final class PlaceholderRenderer implements Renderer {
    @Override
    public String name() {
      return "placeholder";
    }

    @Override
    public RenderResult render(Timeline t, Path output, ProgressListener listener) {
      try {
        Files.write(output, new byte[] {0, 0, 0, 24, 'f', 't', 'y', 'p'});
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new RenderResult(t.frameCount(),
          Duration.ofNanos(t.frameCount() * 1_000_000_000L / t.format().fps()), "h264",
          "placeholder", "aac", new BufferedImage(t.format().widthPx(), t.format().heightPx(),
              BufferedImage.TYPE_INT_RGB));
    }
  }

  @Test
  void theRuleBasedPlannersManifestHasNoTokenUsage() throws Exception {
    JobResult r = StoryReel.builder()
        .format(new VideoFormat(180, 320, 10))
        .planner(new RuleBasedPlanner())
        .images(new ProceduralImageProvider())
        .speech(new FreeTtsSpeechProvider())
        .renderer(new PlaceholderRenderer())
        .workDir(dir.resolve("work"))
        .build()
        .render(new Story("Ferry", "The ferry left at nine. Then she went below."),
            dir.resolve("out"));

    Manifest m = r.manifest();
    assertThat(m.planner().provider()).isEqualTo("rules");
    assertThat(m.planUsage()).isNull();
    assertThat(m.totalUsage().inputTokens()).isZero();
    assertThat(m.totalUsage().outputTokens()).isZero();
    assertThat(Files.readString(r.manifestFile().path().orElseThrow()))
        .doesNotContain("planUsage");
  }
}
