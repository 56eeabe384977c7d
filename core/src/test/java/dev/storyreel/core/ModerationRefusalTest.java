package dev.storyreel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.storyreel.core.spi.Moderator;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A flagged text is a {@link ContentRefusedException} naming the moderator; never retried. */
class ModerationRefusalTest {

  @Test
  void aFlaggedSegmentFailsTheJobWithATypedRefusal(@TempDir Path dir) {
    Fakes.Images images = new Fakes.Images();
    Moderator flagsAll = new Moderator() {
      @Override
      public String name() {
        return "strict";
      }

      @Override
      public String model() {
        return "test";
      }

      @Override
      public List<List<String>> moderate(List<String> texts) {
        return texts.stream().map(t -> List.of("violence")).toList();
      }
    };
    StoryReel reel = StoryReel.builder().format(new VideoFormat(180, 320, 10))
        .planner(new Fakes.Sentences()).images(images)
        .speech(new Fakes.Speech(true)).renderer(new Fakes.Render()).moderator(flagsAll)
        .workDir(dir.resolve("work")).build();

    Throwable t = catchThrowable(() ->
        reel.render(new Story("Pier", "The ferry left at nine."), dir.resolve("out")));

    assertThat(t).isInstanceOf(ContentRefusedException.class)
        .hasMessageContaining("Moderation by strict (test) flagged segment 0's narration")
        .hasMessageContaining("violence");
    ContentRefusedException e = (ContentRefusedException) t;
    assertThat(e.isRetriable()).isFalse();
    assertThat(e.provider()).contains("strict");
    assertThat(e.httpStatus()).isEmpty();
    assertThat(images.calls.get()).isZero();
  }
}
