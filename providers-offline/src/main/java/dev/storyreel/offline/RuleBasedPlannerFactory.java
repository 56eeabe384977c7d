package dev.storyreel.offline;

import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.Mood;
import dev.storyreel.core.spi.ProviderFactory;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.SettingSpec;
import dev.storyreel.core.spi.StoryPlanner;
import java.util.Arrays;
import java.util.List;

/**
 * Discovers {@link RuleBasedPlanner} as {@code rules}, priority 1 (the offline fallback).
 * Settings: {@code wordsPerMinute} (default 165) and {@value #MOOD} (the story's mood for its
 * music: dread, calm, tension, wonder or sorrow; default: read from the style, see {@link
 * RuleBasedPlanner#moodOf(String)}, else calm).
 */
public final class RuleBasedPlannerFactory implements ProviderFactory<StoryPlanner> {

  /** Creates the factory; {@link java.util.ServiceLoader} calls this. */
  public RuleBasedPlannerFactory() {}

  /** @return {@link StoryPlanner} */
  @Override
  public Class<StoryPlanner> type() {
    return StoryPlanner.class;
  }

  /** @return {@code rules} */
  @Override
  public String name() {
    return "rules";
  }

  /** @return 1: the offline fallback */
  @Override
  public int priority() {
    return 1;
  }

  /** The setting naming the story's mood, {@value}; the CLI's {@code --mood} sets it. */
  public static final String MOOD = "rules.mood";

  private static final SettingSpec MOOD_SPEC = SettingSpec.oneOf(MOOD,
      "the story's mood for its music (default: read from the style, else calm)",
      Arrays.stream(Mood.values()).map(Mood::id).toArray(String[]::new));

  private static final SettingSpec WORDS_PER_MINUTE = SettingSpec.integer("wordsPerMinute",
      "narration speed the planner assumes, in words per minute", 60, 400);

  /** The setting of the shortest segment, in seconds ({@value}); a genre preset's pacing. */
  public static final String MIN_SEGMENT_SECONDS = "rules.minSegmentSeconds";
  /** The setting of the longest segment, in seconds ({@value}); a genre preset's pacing. */
  public static final String MAX_SEGMENT_SECONDS = "rules.maxSegmentSeconds";

  private static final SettingSpec MIN_SPEC = SettingSpec.decimal(MIN_SEGMENT_SECONDS,
      "the length a segment should reach before it is closed, in seconds (default 8)", 1, 60);
  private static final SettingSpec MAX_SPEC = SettingSpec.decimal(MAX_SEGMENT_SECONDS,
      "the length a segment should not pass, in seconds (default 15)", 1, 60);

  /**
   * @return {@code wordsPerMinute}, 60..400, {@value #MOOD}, one of the moods, and {@value
   *     #MIN_SEGMENT_SECONDS} and {@value #MAX_SEGMENT_SECONDS}, 1..60
   */
  @Override
  public List<SettingSpec> settings() {
    return List.of(WORDS_PER_MINUTE, MOOD_SPEC, MIN_SPEC, MAX_SPEC);
  }

  /**
   * @throws dev.storyreel.core.ConfigurationException if {@code wordsPerMinute} is not a whole
   *     number 60..400 or {@value #MOOD} is not a mood
   */
  @Override
  public StoryPlanner create(ProviderSettings settings) {
    int wpm = settings.get(WORDS_PER_MINUTE.key()).map(WORDS_PER_MINUTE::parseInt)
        .orElse(RuleBasedPlanner.DEFAULT_WORDS_PER_MINUTE);
    Mood mood = settings.get(MOOD).filter(v -> !v.isBlank())
        .map(v -> Mood.parse(MOOD_SPEC.check(v))).orElse(null);
    double min = settings.get(MIN_SEGMENT_SECONDS).map(MIN_SPEC::parseDouble).orElse(8.0);
    double max = settings.get(MAX_SEGMENT_SECONDS).map(MAX_SPEC::parseDouble)
        .orElse(Math.max(15.0, min));
    if (max < min) {
      throw new ConfigurationException(MAX_SEGMENT_SECONDS + " (" + max
          + ") must be at least " + MIN_SEGMENT_SECONDS + " (" + min + ").");
    }
    return new RuleBasedPlanner(wpm, min, max, mood);
  }
}
