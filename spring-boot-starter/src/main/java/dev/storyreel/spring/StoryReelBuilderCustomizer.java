package dev.storyreel.spring;

import dev.storyreel.core.StoryReel;

/**
 * Adjusts the {@link StoryReel.Builder} that {@link StoryReelAutoConfiguration} fills from the
 * {@code storyreel.*} properties, for what properties cannot say (a retry policy, a price table,
 * ducking, concurrency limits). Declare one or more as beans; they run after the properties and
 * the provider beans are applied, in {@link org.springframework.core.annotation.Order} order, just
 * before {@link StoryReel.Builder#build()}.
 *
 * <pre>{@code
 * @Bean
 * StoryReelBuilderCustomizer retries() {
 *   return builder -> builder.retryPolicy(RetryPolicy.defaults().toBuilder().maxAttempts(5).build());
 * }
 * }</pre>
 *
 * <p>Called once, on the thread that starts the application context.
 */
@FunctionalInterface
public interface StoryReelBuilderCustomizer {

  /**
   * @param builder the builder, already holding the properties' values; never {@code null}
   */
  void customize(StoryReel.Builder builder);
}
