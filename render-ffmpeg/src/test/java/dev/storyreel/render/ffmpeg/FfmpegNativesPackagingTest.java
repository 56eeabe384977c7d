package dev.storyreel.render.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.Test;

/**
 * How the natives are packaged: this module depends on the LGPL natives, its tests add the
 * {@code -gpl} ones, and with both on the classpath {@link FfmpegNatives} must pick the GPL
 * build. Also keeps {@link FfmpegNatives#FFMPEG_VERSION} (used in error messages) equal to the
 * version the pom resolves.
 */
class FfmpegNativesPackagingTest {

  @Test
  void theVersionInErrorMessagesIsTheOneOnTheClasspath() throws IOException {
    Properties props = new Properties();
    try (InputStream in =
        Loader.class.getClassLoader()
            .getResourceAsStream("META-INF/maven/org.bytedeco/ffmpeg/pom.properties")) {
      assertThat(in).as("org.bytedeco:ffmpeg on the test classpath").isNotNull();
      props.load(in);
    }
    assertThat(FfmpegNatives.FFMPEG_VERSION).isEqualTo(props.getProperty("version"));
  }

  @Test
  void bothBuildsAreOnTheTestClasspathAndTheGplOneWins() {
    String platform = Loader.getPlatform();
    ClassLoader cl = FfmpegNatives.class.getClassLoader();
    assertThat(cl.getResource("org/bytedeco/ffmpeg/" + platform + "/"))
        .as("LGPL natives (the module's compile dependency)")
        .isNotNull();
    assertThat(FfmpegNatives.gplNativesOnClasspath()).isTrue();

    FfmpegNatives.prepare();

    assertThat(System.getProperty(FfmpegNatives.EXTENSION_PROPERTY)).isEqualTo("-gpl");
    assertThat(FfmpegNatives.hasEncoder("libx264")).isTrue();
  }

  @Test
  void errorMessagesNameBothBuildsForThisPlatform() {
    String platform = Loader.getPlatform();
    assertThat(FfmpegNatives.lgplDependency())
        .isEqualTo("org.bytedeco:ffmpeg:" + FfmpegNatives.FFMPEG_VERSION + ":" + platform);
    assertThat(FfmpegNatives.gplDependency())
        .isEqualTo("org.bytedeco:ffmpeg:" + FfmpegNatives.FFMPEG_VERSION + ":" + platform + "-gpl");
  }
}
