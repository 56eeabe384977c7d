package dev.storyreel.elevenlabs;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.storyreel.core.Providers;
import dev.storyreel.core.spi.Aligner;
import dev.storyreel.core.spi.MusicProvider;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.SoundEffectProvider;
import dev.storyreel.core.spi.SpeechProvider;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * With {@code ELEVENLABS_API_KEY} set (this module's {@code with-elevenlabs-key} surefire
 * execution sets a fake one, sent only to loopback): the factories are available, the key is
 * read from the environment and sent as {@code xi-api-key}, and still a provider chosen without
 * a name is never ElevenLabs, which bills the account.
 */
class KeyFromEnvironmentTest {

  @Test
  void theKeyComesFromTheEnvironmentYetElevenLabsIsUsedOnlyWhenNamed() {
    String key = System.getenv(ElevenLabsConfig.KEY_ENV);
    assumeTrue(key != null, "needs ELEVENLABS_API_KEY set (to a fake value): run by the"
        + " with-elevenlabs-key execution");
    for (Class<?> kind : List.of(SpeechProvider.class, Aligner.class, MusicProvider.class,
        SoundEffectProvider.class)) {
      assertThat(Providers.factories(kind)).filteredOn(f -> f.name().equals("elevenlabs"))
          .singleElement().satisfies(f -> assertThat(f.isAvailable()).isTrue());
    }
    SpeechProvider unnamed = Providers.create(SpeechProvider.class, null, ProviderSettings.EMPTY);
    assertThat(unnamed.name()).isNotEqualTo("elevenlabs");

    WireMockServer wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    wm.start();
    try {
      wm.stubFor(get(urlPathEqualTo("/v1/voices")).willReturn(Answers.json(200,
          Answers.voices())));
      SpeechProvider named = Providers.create(SpeechProvider.class, "elevenlabs",
          ProviderSettings.EMPTY.with("elevenlabs.baseUrl", wm.baseUrl()));
      assertThat(named.voices()).contains("Rachel");
      wm.verify(getRequestedFor(urlPathEqualTo("/v1/voices"))
          .withHeader("xi-api-key", equalTo(key)));
    } finally {
      wm.stop();
    }
  }
}
