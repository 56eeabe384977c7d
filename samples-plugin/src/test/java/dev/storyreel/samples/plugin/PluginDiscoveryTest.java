package dev.storyreel.samples.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.Providers;
import dev.storyreel.core.StoryReel;
import dev.storyreel.core.spi.ImageProvider;
import dev.storyreel.core.spi.ImageRequest;
import dev.storyreel.core.spi.ProviderSettings;
import org.junit.jupiter.api.Test;

/** The sample plugin is found through the same ServiceLoader path StoryReel uses. */
class PluginDiscoveryTest {

  @Test
  void providersFindsThePluginByName() {
    ImageProvider p = Providers.create(ImageProvider.class, "gradient",
        ProviderSettings.EMPTY.with("gradient.saturation", "0.2").with("openai.apiKey", "x"));
    assertThat(p).isInstanceOf(GradientImageProvider.class);
    assertThat(p.fingerprint()).isEqualTo("gradient/gradient-v1/s=0.2");
    var img = p.generate(new ImageRequest(0, "a red door", 32, 48, 1));
    assertThat(img.widthPx()).isEqualTo(32);
    assertThat(img.mediaType()).isEqualTo("image/png");
  }

  @Test
  void theBuilderUsesItByNameAndTheOfflineDefaultWithoutAName() {
    dev.storyreel.core.spi.Renderer none = new dev.storyreel.core.spi.Renderer() {
      @Override
      public String name() {
        return "none";
      }

      @Override
      public dev.storyreel.core.spi.RenderResult render(dev.storyreel.core.timeline.Timeline r,
          java.nio.file.Path out, dev.storyreel.core.ProgressListener l) {
        throw new AssertionError("not rendering");
      }
    };
    assertThat(StoryReel.builder().renderer(none).images("gradient").build().toString())
        .contains("images=gradient");
    // priority 0: never picked over the offline default unless named
    assertThat(StoryReel.builder().renderer(none).build().toString())
        .contains("images=procedural");
  }

  @Test
  void aBadSettingIsAConfigurationError() {
    assertThatThrownBy(() -> Providers.create(ImageProvider.class, "gradient",
        ProviderSettings.EMPTY.with("gradient.saturation", "2")))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("gradient.saturation");
  }
}
