package dev.storyreel.replicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.storyreel.core.http.ClipChecks;
import dev.storyreel.core.spi.ClipRequest;
import dev.storyreel.core.spi.GeneratedClip;
import dev.storyreel.testkit.Fixtures;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Calls the live API with the default image-to-video model (about $0.05, about a minute);
 * skipped unless {@code REPLICATE_API_TOKEN} is set.
 */
class ReplicateClipLiveIT {

  @Test
  void theDefaultModelMakesAnMp4FromAStill() {
    assumeTrue(System.getenv(ReplicateImageProvider.TOKEN_ENV) != null,
        "REPLICATE_API_TOKEN not set");
    GeneratedClip clip = ReplicateClipProvider.builder().build().generate(new ClipRequest(0,
        Fixtures.png(480, 832), "image/png", "a calm blue sea under a clear sky",
        "slow push-in", Duration.ofSeconds(5), 480, 832, 1));
    assertThat(ClipChecks.sniffVideo(clip.bytes())).isEqualTo("video/mp4");
    assertThat(clip.mediaType()).isEqualTo("video/mp4");
  }
}
