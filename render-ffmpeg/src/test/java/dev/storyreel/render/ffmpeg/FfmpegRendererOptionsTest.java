package dev.storyreel.render.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The settings the manifest records as {@code renderOptions}; no native code is loaded. */
class FfmpegRendererOptionsTest {
  @Test
  void optionsNameCrfOrBitrateAndTheTransition() {
    FfmpegRenderer crf = FfmpegRenderer.builder().crf(20).build();
    assertThat(crf.options()).containsEntry("crf", "20").containsEntry("preset", "veryfast")
        .doesNotContainKey("videoBitrateKbps").containsKeys("codec", "transition",
            "transitionMillis", "audioBitrateKbps", "audioSampleRateHz");

    FfmpegRenderer rate = FfmpegRenderer.builder().videoBitrateKbps(2500).build();
    assertThat(rate.options()).containsEntry("videoBitrateKbps", "2500").doesNotContainKey("crf");
    assertThat(rate.options()).isNotEqualTo(crf.options());
  }
}
