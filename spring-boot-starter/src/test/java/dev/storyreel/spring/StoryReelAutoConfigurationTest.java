package dev.storyreel.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.JobResult;
import dev.storyreel.core.ProgressEvent;
import dev.storyreel.core.Story;
import dev.storyreel.core.StoryReel;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.spi.ImageRequest;
import dev.storyreel.core.timeline.MusicTrack;
import dev.storyreel.core.timeline.Timeline;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class StoryReelAutoConfigurationTest {

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(StoryReelAutoConfiguration.class));

  @TempDir
  Path tmp;

  @Test
  void defaultsGiveTheOfflineProvidersAndTheFfmpegRenderer() {
    runner.run(ctx -> {
      assertThat(ctx).hasNotFailed().hasSingleBean(StoryReel.class);
      StoryReel reel = ctx.getBean(StoryReel.class);
      assertThat(reel.format()).isEqualTo(VideoFormat.portrait());
      assertThat(reel.toString())
          .contains("planner=rules", "images=procedural", "speech=freetts", "renderer=ffmpeg");
    });
  }

  @Test
  void formatAndFpsPropertiesApply() {
    runner.withPropertyValues("storyreel.format=landscape", "storyreel.fps=24").run(ctx ->
        assertThat(ctx.getBean(StoryReel.class).format()).isEqualTo(new VideoFormat(1920, 1080, 24)));
  }

  @Test
  void aUserDefinedStoryReelWins() {
    runner.withUserConfiguration(OwnReel.class).withPropertyValues("storyreel.format=landscape")
        .run(ctx -> {
          assertThat(ctx).hasSingleBean(StoryReel.class);
          assertThat(ctx.getBean(StoryReel.class)).isSameAs(ctx.getBean(OwnReel.class).reel);
          assertThat(ctx.getBean(StoryReel.class).format()).isEqualTo(VideoFormat.square());
        });
  }

  @Test
  void aTinyRenderUsesTheProviderBeansTheMixSeedAndMusicPropertiesAndEveryListener() {
    runner.withUserConfiguration(TestProviders.FakeBeans.class)
        .withPropertyValues("storyreel.format=160x90", "storyreel.music=none", "storyreel.seed=42",
            "storyreel.loudness-lufs=-16", "storyreel.true-peak-dbtp=-2",
            "storyreel.work-dir=" + tmp.resolve("work"))
        .run(ctx -> {
          assertThat(ctx).hasNotFailed();
          Files.createDirectories(tmp.resolve("work"));
          StoryReel reel = ctx.getBean(StoryReel.class);
          assertThat(reel.toString()).contains("planner=test-lines", "images=test-images",
              "speech=test-speech", "renderer=test-renderer");

          JobResult result = reel.render(Story.of("One small fox.\nTwo tall trees."),
              tmp.resolve("out"));

          assertThat(Files.exists(tmp.resolve("out").resolve("manifest.json"))).isTrue();
          Timeline timeline = ctx.getBean(TestProviders.Render.class).last.get();
          assertThat(timeline.format()).isEqualTo(VideoFormat.of(160, 90));
          assertThat(timeline.music()).isEqualTo(MusicTrack.NONE);
          assertThat(timeline.mix().loudnessLufs()).isEqualTo(-16);
          assertThat(timeline.mix().truePeakDbtp()).isEqualTo(-2);
          List<Long> seeds = new ArrayList<>();
          for (ImageRequest r : ctx.getBean(TestProviders.Images.class).requests) {
            seeds.add(r.seed());
          }
          assertThat(seeds).containsExactlyInAnyOrder(42L, 43L);
          // The first listener throws on StoryboardPlanned; the second still gets that event.
          List<ProgressEvent> events = ctx.getBean(TestProviders.Recording.class).events;
          assertThat(events).anyMatch(e -> e instanceof ProgressEvent.StoryboardPlanned p
              && p.segmentCount() == 2);
          assertThat(events).anyMatch(e -> e instanceof ProgressEvent.FramesRendered);
          assertThat(result).isNotNull();
        });
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "storyreel.loudness-lufs=0    | storyreel.loudness-lufs | -70..-5 LUFS",
      "storyreel.true-peak-dbtp=3   | storyreel.true-peak-dbtp | -9..0 dBTP",
      "storyreel.format=721x1280    | storyreel.format        | even",
      "storyreel.format=huge        | storyreel.format        | portrait, landscape, square",
      "storyreel.fps=0              | storyreel.fps           | 1..120",
      "storyreel.budget-usd=-1      | storyreel.budget-usd    | >= 0",
      "storyreel.music-gain-db=3    | storyreel.music-gain-db | -60..0"})
  void aBadPropertyFailsTheStartNamingTheProperty(String property, String name, String range) {
    runner.withPropertyValues(property).run(ctx -> {
      assertThat(ctx).hasFailed();
      Throwable cause = ctx.getStartupFailure();
      while (cause != null && !(cause instanceof ConfigurationException)) {
        cause = cause.getCause();
      }
      assertThat(cause).as("a ConfigurationException in the cause chain").isNotNull();
      assertThat(cause.getMessage()).contains(name, range, "Set " + name);
    });
  }

  @Test
  void anUnknownProviderNameFailsTheStartListingWhatWasFound() {
    runner.withPropertyValues("storyreel.planner=nonesuch").run(ctx -> {
      assertThat(ctx).hasFailed();
      assertThat(ctx.getStartupFailure()).rootCause().hasMessageContaining("nonesuch")
          .hasMessageContaining("rules");
    });
  }

  @Test
  void theAutoConfigurationIsRegisteredForSpringBoot() {
    List<String> candidates = new ArrayList<>();
    ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader())
        .forEach(candidates::add);
    assertThat(candidates).contains(StoryReelAutoConfiguration.class.getName());
  }

  @Test
  void theConfigurationProcessorWroteMetadataForIdeCompletion() throws Exception {
    JsonNode metadata;
    try (InputStream in = getClass().getClassLoader()
        .getResourceAsStream("META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("META-INF/spring-configuration-metadata.json on the class path").isNotNull();
      metadata = new ObjectMapper().readTree(in);
    }
    List<String> names = new ArrayList<>();
    metadata.get("properties").forEach(p -> names.add(p.get("name").asText()));
    assertThat(names).contains("storyreel.format", "storyreel.loudness-lufs",
        "storyreel.true-peak-dbtp", "storyreel.settings", "storyreel.work-dir", "storyreel.seed");
    List<String> hinted = new ArrayList<>();
    metadata.get("hints").forEach(h -> hinted.add(h.get("name").asText()));
    assertThat(hinted).contains("storyreel.format", "storyreel.music");
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnReel {
    final StoryReel reel = StoryReel.builder().format(VideoFormat.square())
        .renderer(new TestProviders.Render()).planner(new TestProviders.Lines())
        .images(new TestProviders.Images()).speech(new TestProviders.Speech()).music("none")
        .build();

    @Bean
    StoryReel storyReel() {
      return reel;
    }
  }
}
