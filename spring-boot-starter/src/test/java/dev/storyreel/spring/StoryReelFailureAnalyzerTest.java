package dev.storyreel.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.UrlResource;
import org.springframework.core.io.support.PropertiesLoaderUtils;

class StoryReelFailureAnalyzerTest {

  @Test
  void aBadPropertyIsReportedWithItsNameAndWhatToDoWithoutAClassName() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(StoryReelAutoConfiguration.class))
        .withPropertyValues("storyreel.loudness-lufs=0")
        .run(ctx -> {
          FailureAnalysis analysis = new StoryReelFailureAnalyzer().analyze(ctx.getStartupFailure());
          assertThat(analysis).isNotNull();
          assertThat(analysis.getDescription())
              .contains("storyreel.loudness-lufs", "-70..-5 LUFS")
              .doesNotContain("Exception");
          assertThat(analysis.getAction()).contains("storyreel.* property");
        });
  }

  @Test
  void otherFailuresAreLeftToSpringBoot() {
    assertThat(new StoryReelFailureAnalyzer().analyze(new IllegalStateException("x"))).isNull();
  }

  @Test
  void theAnalyzerIsRegisteredInSpringFactories() throws Exception {
    List<String> analyzers = new ArrayList<>();
    Enumeration<URL> files = getClass().getClassLoader().getResources("META-INF/spring.factories");
    for (URL url : Collections.list(files)) {
      Properties p = PropertiesLoaderUtils.loadProperties(new UrlResource(url));
      String names = p.getProperty(FailureAnalyzer.class.getName(), "");
      for (String name : names.split(",")) {
        analyzers.add(name.strip());
      }
    }
    assertThat(analyzers).contains(StoryReelFailureAnalyzer.class.getName());
  }
}
