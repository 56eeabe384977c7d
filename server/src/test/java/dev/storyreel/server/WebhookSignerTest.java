package dev.storyreel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WebhookSignerTest {
  @Test
  void reproducesTheStandardWebhooksTestVector() {
    // The specification's published example: a receiver's library must accept what we send.
    assertThat(WebhookSigner.sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
        "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  }

  @Test
  void aChangedBodyIdOrTimestampChangesTheSignature() {
    String secret = WebhookSigner.newSecret();
    String s = WebhookSigner.sign(secret, "msg_1", 10, "{}".getBytes(StandardCharsets.UTF_8));
    assertThat(WebhookSigner.sign(secret, "msg_2", 10, "{}".getBytes(StandardCharsets.UTF_8)))
        .isNotEqualTo(s);
    assertThat(WebhookSigner.sign(secret, "msg_1", 11, "{}".getBytes(StandardCharsets.UTF_8)))
        .isNotEqualTo(s);
    assertThat(WebhookSigner.sign(secret, "msg_1", 10, "{ }".getBytes(StandardCharsets.UTF_8)))
        .isNotEqualTo(s);
  }

  @Test
  void aBadSecretIsRefusedWithoutQuotingIt() {
    assertThatThrownBy(() -> WebhookSigner.decodeSecret("whsec_not*base64"))
        .hasMessageContaining("base64").hasMessageNotContaining("not*base64");
    assertThatThrownBy(() -> WebhookSigner.decodeSecret("whsec_c2hvcnQ="))
        .hasMessageContaining("at least 16 bytes");
  }
}
