package dev.storyreel.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storyreel.core.spi.ProviderSettings;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Credentials of any shape stay out of messages once they are configured. */
class RedactorTest {

  @Test
  void aRegisteredCredentialOfAnyShapeIsMaskedInEveryStoryReelException() {
    String key = "local.cred+7Hq2/wX9"; // no vendor shape at all
    assertThat(new NonRetriableException("echo: " + key).getMessage()).contains(key);
    Redactor.register(key);
    assertThat(new NonRetriableException("echo: " + key).getMessage())
        .isEqualTo("echo: " + Redactor.MASK);
    assertThat(new RetriableException("x" + key + "y").getMessage()).doesNotContain(key);
    String b64 = Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    assertThat(Redactor.redact("header was " + b64)).doesNotContain(b64);
    assertThat(Redactor.redact("url-encoded local.cred%2B7Hq2%2FwX9")).doesNotContain("7Hq2");
  }

  @Test
  void secretSettingsAreRegisteredAndOrdinarySettingsAreNot() {
    new ProviderSettings(Map.of("acme.apiKey", "acme-secret-0042", "acme.model", "pictura-9"));
    assertThat(Redactor.redact("acme-secret-0042 drew it with pictura-9"))
        .isEqualTo(Redactor.MASK + " drew it with pictura-9");
  }

  @Test
  void vendorKeyShapesAreMaskedUnregisteredAndShortValuesAreNotRegistered() {
    assertThat(Redactor.redact("bad key sk-proj-abcDEF123 and r8_zzzzzz, Bearer abc.def"))
        .doesNotContain("abcDEF123").doesNotContain("r8_zzzzzz").doesNotContain("abc.def");
    Redactor.register("abc");
    assertThat(Redactor.redact("abcdef")).isEqualTo("abcdef");
    assertThat(Redactor.redact(null)).isNull();
    assertThat(Redactor.containsSecret("sk-proj-abcDEF123")).isTrue();
    assertThat(Redactor.containsSecret("nothing here")).isFalse();
  }
}
