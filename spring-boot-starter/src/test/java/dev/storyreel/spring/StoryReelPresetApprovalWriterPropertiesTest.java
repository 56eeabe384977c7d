package dev.storyreel.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.Job;
import dev.storyreel.core.JobState;
import dev.storyreel.core.LocalStorage;
import dev.storyreel.core.Manifest;
import dev.storyreel.core.Preset;
import dev.storyreel.core.Story;
import dev.storyreel.core.StoryReel;
import dev.storyreel.core.Usage;
import dev.storyreel.core.spi.GeneratedStory;
import dev.storyreel.core.spi.StoryWriter;
import dev.storyreel.core.spi.WriteRequest;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** {@code storyreel.preset}, {@code storyreel.require-approval} and {@code storyreel.writer}. */
class StoryReelPresetApprovalWriterPropertiesTest {

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(StoryReelAutoConfiguration.class))
      .withUserConfiguration(TestProviders.FakeBeans.class);

  @TempDir
  Path tmp;

  private String[] tiny(String... more) {
    List<String> all = new ArrayList<>(List.of("storyreel.format=160x90", "storyreel.music=none",
        "storyreel.work-dir=" + tmp.resolve("work")));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  private static Throwable configurationCause(Throwable t) {
    while (t != null && !(t instanceof ConfigurationException)) {
      t = t.getCause();
    }
    return t;
  }

  @Test
  void aPresetGivesItsStyleUnlessTheStylePropertyIsSet() throws Exception {
    Files.createDirectories(tmp.resolve("work"));
    runner.withPropertyValues(tiny("storyreel.preset=horror")).run(ctx -> {
      assertThat(ctx).hasNotFailed();
      Manifest m = ctx.getBean(StoryReel.class)
          .render(Story.of("One small fox.\nTwo tall trees."), tmp.resolve("a")).manifest();
      assertThat(m.visualStyle()).isEqualTo(Preset.named("horror").visualStyle());
    });
    runner.withPropertyValues(tiny("storyreel.preset=horror", "storyreel.style=pencil sketch"))
        .run(ctx -> {
          Manifest m = ctx.getBean(StoryReel.class)
              .render(Story.of("One small fox.\nTwo tall trees."), tmp.resolve("b")).manifest();
          assertThat(m.visualStyle()).isEqualTo("pencil sketch");
        });
  }

  @Test
  void anUnknownPresetFailsTheStartNamingThePropertyAndTheKnownPresets() {
    runner.withPropertyValues("storyreel.preset=splatter").run(ctx -> {
      assertThat(ctx).hasFailed();
      Throwable cause = configurationCause(ctx.getStartupFailure());
      assertThat(cause).as("a ConfigurationException in the cause chain").isNotNull();
      assertThat(cause.getMessage()).contains("storyreel.preset", "splatter", "horror",
          "Set storyreel.preset");
    });
  }

  @Test
  void withApprovalRequiredASubmittedJobWaitsAndARejectedOneMakesNothing() throws Exception {
    Files.createDirectories(tmp.resolve("work"));
    runner.withPropertyValues(tiny("storyreel.require-approval=true")).run(ctx -> {
      assertThat(ctx).hasNotFailed();
      Job job = ctx.getBean(StoryReel.class).submit(Story.of("One small fox.\nTwo tall trees."),
          new LocalStorage(tmp.resolve("out")));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (job.state() != JobState.AWAITING_APPROVAL && !job.state().isTerminal()
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(job.state()).isEqualTo(JobState.AWAITING_APPROVAL);
      assertThat(job.plan()).isPresent();
      job.reject();
      assertThat(job.result()).failsWithin(60, TimeUnit.SECONDS);
      assertThat(job.state()).isEqualTo(JobState.CANCELLED);
      assertThat(ctx.getBean(TestProviders.Images.class).requests)
          .as("no paid image was asked for").isEmpty();
      assertThat(tmp.resolve("out").resolve("video.mp4")).doesNotExist();
    });
  }

  @Test
  void withoutTheApprovalPropertyAJobNeedsNoApproval() throws Exception {
    Files.createDirectories(tmp.resolve("work"));
    runner.withPropertyValues(tiny()).run(ctx -> {
      Job job = ctx.getBean(StoryReel.class).submit(Story.of("One small fox."),
          new LocalStorage(tmp.resolve("out")));
      assertThat(job.result()).succeedsWithin(60, TimeUnit.SECONDS);
      assertThatThrownBy(job::approve).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("not submitted with approval required");
      assertThat(ctx.getBean(TestProviders.Images.class).requests).isNotEmpty();
    });
  }

  @Test
  void aWriterBeanIsTheReelsWriterAndAnUnknownWriterNameFailsTheStart() {
    runner.withUserConfiguration(WriterBean.class).run(ctx -> {
      assertThat(ctx).hasNotFailed();
      assertThat(ctx.getBean(StoryReel.class).writer()).containsSame(
          ctx.getBean(StoryWriter.class));
    });
    runner.run(ctx -> assertThat(ctx.getBean(StoryReel.class).writer()).isEmpty());
    runner.withPropertyValues("storyreel.writer=nonesuch").run(ctx -> {
      assertThat(ctx).hasFailed();
      assertThat(ctx.getStartupFailure()).rootCause().hasMessageContaining("nonesuch");
    });
  }

  @Test
  void theNewPropertiesAreInTheIdeMetadata() throws Exception {
    JsonNode metadata;
    try (InputStream in = getClass().getClassLoader()
        .getResourceAsStream("META-INF/spring-configuration-metadata.json")) {
      assertThat(in).isNotNull();
      metadata = new ObjectMapper().readTree(in);
    }
    List<String> names = new ArrayList<>();
    metadata.get("properties").forEach(p -> names.add(p.get("name").asText()));
    assertThat(names).contains("storyreel.preset", "storyreel.require-approval",
        "storyreel.writer");
    List<String> presets = new ArrayList<>();
    metadata.get("hints").forEach(h -> {
      if (h.get("name").asText().equals("storyreel.preset")) {
        h.get("values").forEach(v -> presets.add(v.get("value").asText()));
      }
    });
    assertThat(presets).containsExactlyInAnyOrderElementsOf(Preset.SHIPPED);
  }

  @Configuration(proxyBeanMethods = false)
  static class WriterBean {
    @Bean
    StoryWriter writer() {
      return new StoryWriter() {
        @Override
        public String name() {
          return "test-writer";
        }

        @Override
        public String model() {
          return "v1";
        }

        @Override
        public GeneratedStory write(WriteRequest request) {
          return new GeneratedStory(new Story("A title", "Some words."), Usage.NONE);
        }
      };
    }
  }
}
