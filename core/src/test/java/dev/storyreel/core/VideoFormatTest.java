package dev.storyreel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class VideoFormatTest {
  @Test
  void presetsAndParsing() {
    assertThat(VideoFormat.parse("portrait")).isEqualTo(new VideoFormat(1080, 1920, 30));
    assertThat(VideoFormat.parse("LANDSCAPE")).isEqualTo(new VideoFormat(1920, 1080, 30));
    assertThat(VideoFormat.parse("square")).isEqualTo(new VideoFormat(1080, 1080, 30));
    assertThat(VideoFormat.parse("270x480").withFps(12)).isEqualTo(new VideoFormat(270, 480, 12));
    assertThat(VideoFormat.portrait().isPortrait()).isTrue();
  }

  @Test
  void badInputNamesTheProblem() {
    assertThatThrownBy(() -> VideoFormat.parse("cinema"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("cinema")
        .hasMessageContaining("WIDTHxHEIGHT");
    assertThatThrownBy(() -> VideoFormat.portrait().withFps(0))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("fps must be 1..120, was 0");
    assertThatThrownBy(() -> VideoFormat.portrait().withFps(121))
        .hasMessageContaining("was 121");
    assertThatThrownBy(() -> VideoFormat.of(271, 480))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("even");
    assertThatThrownBy(() -> VideoFormat.of(8, 480)).hasMessageContaining("16..7680");
  }
}
