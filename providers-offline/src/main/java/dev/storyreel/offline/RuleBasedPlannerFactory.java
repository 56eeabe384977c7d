package dev.storyreel.offline;

import dev.storyreel.core.spi.ProviderFactory;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.SettingSpec;
import dev.storyreel.core.spi.StoryPlanner;
import java.util.List;

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

  private static final SettingSpec WORDS_PER_MINUTE = SettingSpec.integer("wordsPerMinute",
      "narration speed the planner assumes, in words per minute", 60, 400);

  /** @return {@code wordsPerMinute}, 60..400 */
  @Override
  public List<SettingSpec> settings() {
    return List.of(WORDS_PER_MINUTE);
  }

  /**
   * @throws dev.storyreel.core.ConfigurationException if {@code wordsPerMinute} is not a whole
   *     number 60..400
   */
  @Override
  public StoryPlanner create(ProviderSettings settings) {
    int wpm = settings.get(WORDS_PER_MINUTE.key()).map(WORDS_PER_MINUTE::parseInt)
        .orElse(RuleBasedPlanner.DEFAULT_WORDS_PER_MINUTE);
    return new RuleBasedPlanner(wpm, 8.0, 15.0);
  }
}
