package dev.storyreel.spring;

import dev.storyreel.core.ConfigurationException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a {@link ConfigurationException} that stopped the application's start (a bad {@code
 * storyreel.*} value, a provider name not found) into Spring Boot's "APPLICATION FAILED TO
 * START" report: StoryReel's own message as the description, and what to do as the action,
 * instead of a stack trace. Registered in {@code META-INF/spring.factories}; stateless and
 * thread-safe.
 */
public class StoryReelFailureAnalyzer extends AbstractFailureAnalyzer<ConfigurationException> {

  /** Created by Spring Boot. */
  public StoryReelFailureAnalyzer() {}

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, ConfigurationException cause) {
    return new FailureAnalysis("StoryReel could not be configured: " + cause.getMessage(),
        "Correct the storyreel.* property named above (application.properties, application.yml"
            + " or the environment), or add the provider module it names; without"
            + " storyreel.* properties the offline defaults are used.",
        cause);
  }
}
