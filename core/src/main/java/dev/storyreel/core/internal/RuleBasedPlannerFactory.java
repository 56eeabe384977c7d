package dev.storyreel.core.internal;

import dev.storyreel.core.spi.ProviderFactory;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.StoryPlanner;

/**
 * Discovers {@link RuleBasedPlanner} as {@code rules}, priority 1 (the offline fallback).
 * Setting: {@code wordsPerMinute} (default 165).
 */
public final class RuleBasedPlannerFactory implements ProviderFactory<StoryPlanner> {
  @Override
  public Class<StoryPlanner> type() {
    return StoryPlanner.class;
  }

  @Override
  public String name() {
    return "rules";
  }

  @Override
  public int priority() {
    return 1;
  }

  @Override
  public StoryPlanner create(ProviderSettings settings) {
    int wpm = settings.get("wordsPerMinute").map(Integer::parseInt)
        .orElse(RuleBasedPlanner.DEFAULT_WORDS_PER_MINUTE);
    return new RuleBasedPlanner(wpm, 8.0, 15.0);
  }
}
