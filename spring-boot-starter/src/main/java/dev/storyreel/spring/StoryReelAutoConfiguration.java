package dev.storyreel.spring;

import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.InvalidInputException;
import dev.storyreel.core.Preset;
import dev.storyreel.core.ProgressListener;
import dev.storyreel.core.StoryReel;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.spi.ImageProvider;
import dev.storyreel.core.spi.MusicProvider;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.Renderer;
import dev.storyreel.core.spi.SpeechProvider;
import dev.storyreel.core.spi.StoryPlanner;
import dev.storyreel.core.spi.StoryWriter;
import dev.storyreel.core.timeline.MixSettings;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configures one {@link StoryReel} bean from the {@code storyreel.*} properties ({@link
 * StoryReelProperties}), unless the application defines its own {@code StoryReel} bean.
 *
 * <p>Beans it picks up from the context:
 *
 * <ul>
 *   <li>every {@link ProgressListener} bean, in {@link org.springframework.core.annotation.Order}
 *       order, combined into the job's one listener (one that throws does not keep an event from
 *       the others);
 *   <li>a {@link Renderer}, {@link StoryPlanner}, {@link ImageProvider}, {@link SpeechProvider},
 *       {@link MusicProvider} or {@link StoryWriter} bean, if there is one: it wins over the
 *       property that names a provider of that kind (two beans of one kind fail the start);
 *   <li>every {@link StoryReelBuilderCustomizer} bean, applied last.
 * </ul>
 *
 * <p>Without properties or beans it builds what {@code StoryReel.builder().build()} builds: the
 * offline providers (rule-based planner, procedural images and music, FreeTTS) and the FFmpeg
 * renderer, all brought by this starter. A bad property value fails the application's start
 * with a {@link ConfigurationException} whose message names the property, the value and the
 * range accepted.
 */
@AutoConfiguration
@ConditionalOnClass(StoryReel.class)
@EnableConfigurationProperties(StoryReelProperties.class)
public class StoryReelAutoConfiguration {

  /** Created by Spring. */
  public StoryReelAutoConfiguration() {}

  /**
   * The application's {@link StoryReel}: immutable and thread-safe, shared by every job.
   *
   * @param properties the bound {@code storyreel.*} properties
   * @param listeners the {@link ProgressListener} beans
   * @param renderer a {@link Renderer} bean, if any
   * @param planner a {@link StoryPlanner} bean, if any
   * @param images an {@link ImageProvider} bean, if any
   * @param speech a {@link SpeechProvider} bean, if any
   * @param music a {@link MusicProvider} bean, if any
   * @param writer a {@link StoryWriter} bean, if any
   * @param customizers the {@link StoryReelBuilderCustomizer} beans
   * @return the instance
   * @throws ConfigurationException if a property's value is out of range or names no provider
   *     found on the class path; the message names the property and what to set
   */
  @Bean
  @ConditionalOnMissingBean
  public StoryReel storyReel(
      StoryReelProperties properties,
      ObjectProvider<ProgressListener> listeners,
      ObjectProvider<Renderer> renderer,
      ObjectProvider<StoryPlanner> planner,
      ObjectProvider<ImageProvider> images,
      ObjectProvider<SpeechProvider> speech,
      ObjectProvider<MusicProvider> music,
      ObjectProvider<StoryWriter> writer,
      ObjectProvider<StoryReelBuilderCustomizer> customizers) {
    StoryReel.Builder b = StoryReel.builder();
    apply(properties, b);
    b.listener(CompositeProgressListener.of(listeners.orderedStream().collect(Collectors.toList())));
    renderer.ifAvailable(b::renderer);
    planner.ifAvailable(b::planner);
    images.ifAvailable(b::images);
    speech.ifAvailable(b::speech);
    music.ifAvailable(b::music);
    writer.ifAvailable(b::writer);
    customizers.orderedStream().forEach(c -> c.customize(b));
    return b.build();
  }

  /** Copies the properties onto the builder; each value is checked under its property's name. */
  static void apply(StoryReelProperties p, StoryReel.Builder b) {
    VideoFormat size = check("format", p.getFormat(), () -> format(p));
    b.format(p.getFps() == null ? size : check("fps", p.getFps(), () -> size.withFps(p.getFps())));
    optional(p.getVoice(), b::voice);
    b.visualStyle(p.getStyle() == null ? "" : p.getStyle());
    optional(p.getPlanner(), n -> b.planner(n));
    optional(p.getImages(), n -> b.images(n));
    optional(p.getSpeech(), n -> b.speech(n));
    optional(p.getRenderer(), n -> b.renderer(n));
    optional(p.getMusic(), n -> b.music(n));
    optional(p.getEffects(), n -> b.effects(n));
    optional(p.getModerator(), n -> b.moderator(n));
    optional(p.getWriter(), n -> b.writer(n));
    if (p.getPreset() != null && !p.getPreset().isBlank()) {
      b.preset(check("preset", p.getPreset(), () -> Preset.resolve(p.getPreset())));
    }
    b.requireApproval(p.isRequireApproval());
    b.mood(p.getMood());
    check("loudness-lufs", p.getLoudnessLufs(), () -> new MixSettings(p.getLoudnessLufs(),
        MixSettings.DEFAULTS.truePeakDbtp(), p.isStems()));
    b.mix(check("true-peak-dbtp", p.getTruePeakDbtp(),
        () -> new MixSettings(p.getLoudnessLufs(), p.getTruePeakDbtp(), p.isStems())));
    check("music-gain-db", p.getMusicGainDb(), () -> b.musicGainDb(p.getMusicGainDb()));
    check("budget-usd", p.getBudgetUsd(), () -> b.budgetUsd(p.getBudgetUsd()));
    b.seed(p.getSeed());
    optional(p.getWorkDir(), b::workDir);
    b.cache(p.isCache());
    b.overwrite(p.isOverwrite());
    check("max-story-chars", p.getMaxStoryChars(), () -> b.maxStoryChars(p.getMaxStoryChars()));
    check("max-word-chars", p.getMaxWordChars(), () -> b.maxWordChars(p.getMaxWordChars()));
    Map<String, String> settings = p.getSettings();
    b.providerSettings(settings == null || settings.isEmpty()
        ? ProviderSettings.EMPTY
        : check("settings", settings.keySet(), () -> new ProviderSettings(settings)));
  }

  private static VideoFormat format(StoryReelProperties p) {
    return p.getFormat() == null || p.getFormat().isBlank()
        ? VideoFormat.portrait()
        : VideoFormat.parse(p.getFormat());
  }

  private static <T> void optional(T value, Consumer<T> setter) {
    if (value != null) {
      setter.accept(value);
    }
  }

  /** Runs {@code step}; a rejected value becomes a message that names the property. */
  private static <T> T check(String property, Object value, Supplier<T> step) {
    try {
      return step.get();
    } catch (IllegalArgumentException | InvalidInputException e) {
      throw new ConfigurationException("Invalid value '" + value + "' for property "
          + StoryReelProperties.PREFIX + "." + property + ": " + e.getMessage()
          + ". Set " + StoryReelProperties.PREFIX + "." + property
          + " to an accepted value, or remove it to keep the default.", e);
    }
  }
}
