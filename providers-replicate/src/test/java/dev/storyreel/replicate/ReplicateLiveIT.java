package dev.storyreel.replicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.storyreel.core.spi.ImageRequest;
import org.junit.jupiter.api.Test;

/** Calls the live API (about $0.003); skipped unless {@code REPLICATE_API_TOKEN} is set. */
class ReplicateLiveIT {

  @Test
  void fluxSchnellDrawsAnImage() {
    assumeTrue(System.getenv(ReplicateImageProvider.TOKEN_ENV) != null,
        "REPLICATE_API_TOKEN not set");
    var img = ReplicateImageProvider.builder().build()
        .generate(new ImageRequest(0, "a red door in a green hedge", 1080, 1920, 1));
    assertThat(img.heightPx()).isGreaterThan(img.widthPx());
  }
}
