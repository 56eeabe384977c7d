package dev.storyreel.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.InvalidInputException;
import dev.storyreel.core.ProgressListener;
import dev.storyreel.core.Providers;
import dev.storyreel.core.Story;
import dev.storyreel.core.StoryReel;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.spi.ImageProvider;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.RenderResult;
import dev.storyreel.core.spi.Renderer;
import dev.storyreel.core.spi.SpeechProvider;
import dev.storyreel.core.spi.StoryPlanner;
import dev.storyreel.core.timeline.Timeline;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The offline providers as a job finds them: discovery by name and by priority, and the checks
 * a job makes with the FreeTTS voice before any work (moved here from core's StoryPrecheckTest,
 * which now uses a fake English voice).
 */
@Timeout(60)
class OfflineProvidersTest {
  @TempDir Path dir;

  /** Never asked to render: every job here is refused first. */
  private static final Renderer NONE = new Renderer() {
    @Override
    public String name() {
      return "none";
    }

    @Override
    public RenderResult render(Timeline t, Path output, ProgressListener l) {
      throw new AssertionError("not rendering");
    }
  };

  @Test
  void findsTheOfflinePlannerByNameAndByPriority() {
    assertThat(Providers.create(StoryPlanner.class, "rules", ProviderSettings.EMPTY).name())
        .isEqualTo("rules");
    assertThat(Providers.create(StoryPlanner.class, null, ProviderSettings.EMPTY).name())
        .isEqualTo("rules");
    assertThat(Providers.create(ImageProvider.class, null, ProviderSettings.EMPTY).name())
        .isEqualTo("procedural");
    assertThat(Providers.create(SpeechProvider.class, null, ProviderSettings.EMPTY).name())
        .isEqualTo("freetts");
  }

  @Test
  void unknownNameListsWhatWasFoundAndTheModuleToAdd() {
    assertThatThrownBy(() -> Providers.create(StoryPlanner.class, "openai", ProviderSettings.EMPTY))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("No StoryPlanner named 'openai'")
        .hasMessageContaining("Found: rules")
        .hasMessageContaining("dev.storyreel:storyreel-providers-openai");
  }

  @Test
  void aBuilderWithNoProvidersGetsTheOfflineOnes() {
    assertThat(StoryReel.builder().renderer(NONE).build().toString())
        .contains("planner=rules", "images=procedural", "speech=freetts");
  }

  private StoryReel.Builder reel() {
    return StoryReel.builder()
        .format(new VideoFormat(270, 480, 12))
        .renderer(NONE)
        .workDir(dir.resolve("work"));
  }

  @Test
  void anEmojiOnlyStoryIsRefusedNamingTheVoiceAndItsLanguage() {
    Path out = dir.resolve("out");
    assertThatThrownBy(
            () -> reel().speech(new FreeTtsSpeechProvider()).build()
                .render(new Story("t", "\uD83C\uDF89\uD83C\uDF89 \uD83D\uDE80 \u2764\uFE0F"), out))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("no word that voice kevin16 of speech provider freetts can speak")
        .hasMessageContaining("English (United States)")
        .hasMessageContaining("--speech");
    assertThat(out).doesNotExist();
  }

  @Test
  void aCjkStoryIsRefusedForTheChosenVoice() {
    Path out = dir.resolve("out");
    assertThatThrownBy(
            () -> reel().speech(new FreeTtsSpeechProvider()).voice("kevin").build()
                .render(new Story("t", "从前有一座山。\n山里有一座庙。"), out))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("voice kevin of speech provider freetts")
        .hasMessageContaining("从前有一座山。");
    assertThat(out).doesNotExist();
  }

  @Test
  void anUnknownVoiceIsReportedBeforeWhatItCouldSpeak() {
    Path out = dir.resolve("out");
    assertThatThrownBy(
            () -> reel().speech(new FreeTtsSpeechProvider()).voice("alan").build()
                .render(new Story("t", "从前有一座山。"), out))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("Unknown voice 'alan' for freetts");
    assertThat(out).doesNotExist();
  }
}
