package dev.storyreel.render.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.spi.ProviderFactory;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.Renderer;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class FfmpegRendererFactoryTest {

  @Test
  void isFoundByServiceLoaderAndAvailable() {
    @SuppressWarnings("rawtypes")
    ServiceLoader<ProviderFactory> loader = ServiceLoader.load(ProviderFactory.class);
    ProviderFactory<?> found =
        loader.stream()
            .map(ServiceLoader.Provider::get)
            .filter(f -> f.name().equals("ffmpeg"))
            .findFirst()
            .orElseThrow();
    assertThat(found).isInstanceOf(FfmpegRendererFactory.class);
    assertThat(found.type()).isEqualTo(Renderer.class);
    assertThat(found.priority()).isEqualTo(5);
    assertThat(found.isAvailable()).isTrue();
  }

  @Test
  void createsRenderersFromSettings() {
    FfmpegRendererFactory factory = new FfmpegRendererFactory();
    assertThat(factory.create(ProviderSettings.EMPTY)).isInstanceOf(FfmpegRenderer.class);

    FfmpegRenderer r =
        (FfmpegRenderer)
            factory.create(
                new ProviderSettings(
                    Map.of(
                        "preset", "fast", "crf", "20", "codec", "libopenh264", "captions",
                        "FALSE")));
    assertThat(r.preset()).isEqualTo("fast");
    assertThat(r.crf()).isEqualTo(20);
    assertThat(r.videoCodec()).isEqualTo("libopenh264");
    assertThat(r.captions()).isFalse();
    assertThat(r.name()).isEqualTo("ffmpeg");
    // keys meant for other providers (the same settings go to every factory) are ignored
    FfmpegRenderer shared =
        (FfmpegRenderer) factory.create(ProviderSettings.EMPTY.with("voice", "kevin16"));
    assertThat(shared.preset()).isEqualTo("veryfast");
  }

  @Test
  void badSettingsAreConfigurationErrorsNamingKeyAndValue() {
    FfmpegRendererFactory factory = new FfmpegRendererFactory();
    assertThatThrownBy(() -> factory.create(ProviderSettings.EMPTY.with("crf", "99")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("crf")
        .hasMessageContaining("99");
    assertThatThrownBy(() -> factory.create(ProviderSettings.EMPTY.with("crf", "high")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("high");
    assertThatThrownBy(() -> factory.create(ProviderSettings.EMPTY.with("captions", "yes")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("yes");
    assertThatThrownBy(() -> factory.create(ProviderSettings.EMPTY.with("codec", "libx999")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("libx999")
        .hasMessageContaining("linux-x86_64-gpl");
  }

  @Test
  void theGplNativesAreLoadedAndHaveLibx264() {
    assertThat(FfmpegNatives.gplNativesOnClasspath()).isTrue();
    FfmpegNatives.prepare();
    // Nothing in this build sets the property, so the renderer chose -gpl itself.
    assertThat(System.getProperty(FfmpegNatives.EXTENSION_PROPERTY)).isEqualTo("-gpl");
    assertThat(FfmpegNatives.hasEncoder("libx264")).isTrue();
    assertThat(FfmpegNatives.hasEncoder("libopenh264")).isTrue();
    assertThat(FfmpegNatives.resolveEncoder("auto")).isEqualTo("libx264");
    assertThat(FfmpegNatives.availableH264Encoders()).contains("libx264", "libopenh264");
  }
}
