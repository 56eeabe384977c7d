package dev.storyreel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.storyreel.core.InvalidInputException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class WebhookUrlPolicyTest {
  private final WebhookUrlPolicy strict = new WebhookUrlPolicy(false, false);

  @ParameterizedTest
  @ValueSource(strings = {"https://127.0.0.1/hook", "https://[::1]/hook", "https://10.1.2.3/x",
      "https://172.16.0.9/x", "https://192.168.1.1/x", "https://169.254.169.254/latest/meta-data",
      "https://[fe80::1]/x", "https://[fd00::5]/x", "https://100.64.0.1/x", "https://0.0.0.0/x",
      "https://[::ffff:10.0.0.1]/x", "https://224.0.0.1/x"})
  void refusesAddressesThatAreNotPublic(String url) {
    assertThatThrownBy(() -> strict.check(url)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("webhookUrl").hasMessageContaining("public");
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://93.184.215.14/hook", "ftp://93.184.215.14/x",
      "https://user:pw@93.184.215.14/x", "/relative", "https:///nohost"})
  void refusesOtherSchemesUserInfoAndRelativeUrls(String url) {
    assertThatThrownBy(() -> strict.check(url)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("webhookUrl").hasMessageNotContaining("pw@");
  }

  @Test
  void acceptsAPublicHttpsAddress() {
    assertThat(strict.check("https://93.184.215.14/hook").getHost()).isEqualTo("93.184.215.14");
  }

  @Test
  void loopbackAndPlainHttpOnLoopbackOnlyWhenConfigured() {
    WebhookUrlPolicy tests = new WebhookUrlPolicy(true, false);
    assertThat(tests.check("http://127.0.0.1:9000/hook").getPort()).isEqualTo(9000);
    assertThatThrownBy(() -> tests.check("http://93.184.215.14/hook"))
        .hasMessageContaining("https");
    assertThatThrownBy(() -> tests.check("https://10.0.0.1/hook"))
        .hasMessageContaining("private");
    assertThat(new WebhookUrlPolicy(false, true).check("https://10.0.0.1/hook").getHost())
        .isEqualTo("10.0.0.1");
  }
}
