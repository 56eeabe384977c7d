package dev.storyreel.elevenlabs;

import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.RetryPolicy;
import dev.storyreel.core.http.HttpTransport;
import dev.storyreel.core.http.SafeDownload;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How to reach the ElevenLabs API: base URL, key, timeouts, concurrency and the PCM format asked
 * for. Shared by every provider of this module.
 *
 * <p>The key comes from {@link Builder#apiKey(String)}, the setting {@code elevenlabs.apiKey},
 * or the environment variable {@value #KEY_ENV}, in that order, and is sent as the {@code
 * xi-api-key} header to the base URL's host only. It is required unless the base URL is on a
 * loopback address (a test server). It is never logged, never in messages (it is registered
 * with {@link dev.storyreel.core.Redactor}), and never in {@link #toString()} or a provider's
 * {@code fingerprint()}.
 *
 * <p>Audio is always asked for as raw PCM ({@code output_format=pcm_<rate>}: signed 16-bit
 * little-endian mono), so that nothing in this module needs an MP3 decoder. The default, {@code
 * pcm_24000}, is open to every subscription tier; ElevenLabs reserves {@code pcm_44100} for its
 * Pro tier and above.
 *
 * <p>Immutable and thread-safe. {@code ElevenLabsConfig.builder().apiKey(key).build()}.
 */
public final class ElevenLabsConfig {
  /** The default base URL: {@value}. */
  public static final String DEFAULT_BASE_URL = "https://api.elevenlabs.io";
  /** The environment variable the key is read from: {@value}. */
  public static final String KEY_ENV = "ELEVENLABS_API_KEY";
  /** The header the key is sent in: {@value}. */
  public static final String KEY_HEADER = "xi-api-key";
  /** The PCM sample rates the API offers as {@code pcm_<rate>}, in Hz. */
  public static final List<Integer> PCM_RATES_HZ = List.of(8000, 16000, 22050, 24000, 44100,
      48000);
  /** The sample rate asked for by default: {@value} Hz. */
  public static final int DEFAULT_PCM_RATE_HZ = 24_000;

  private final URI baseUrl;
  private final String apiKey;
  private final Duration requestTimeout;
  private final int maxConcurrency;
  private final int pcmRateHz;
  private final RetryPolicy readRetry;
  private final HttpTransport transport;

  private ElevenLabsConfig(Builder b) {
    this.baseUrl = b.baseUrl;
    this.apiKey = b.apiKey;
    this.requestTimeout = b.requestTimeout;
    this.maxConcurrency = b.maxConcurrency;
    this.pcmRateHz = b.pcmRateHz;
    this.readRetry = b.readRetry;
    HttpTransport.Builder t = HttpTransport.builder("elevenlabs", baseUrl)
        .requestTimeout(requestTimeout).readRetry(readRetry);
    if (apiKey != null) {
      t.header(KEY_HEADER, apiKey); // registers the key with the Redactor
    }
    this.transport = t.build();
  }

  /** @return a builder with the defaults (key from {@value #KEY_ENV} if set) */
  public static Builder builder() {
    return new Builder().apiKey(envKey());
  }

  /** @return the key in {@value #KEY_ENV}, or {@code null}; never throws */
  static String envKey() {
    try {
      String k = System.getenv(KEY_ENV);
      return k == null || k.isBlank() ? null : k;
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** @return a builder holding this configuration's values */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.baseUrl = baseUrl;
    b.apiKey = apiKey;
    b.requestTimeout = requestTimeout;
    b.maxConcurrency = maxConcurrency;
    b.pcmRateHz = pcmRateHz;
    b.readRetry = readRetry;
    return b;
  }

  /** @return the base URL, for example {@code https://api.elevenlabs.io} */
  public URI baseUrl() {
    return baseUrl;
  }

  /** @return whether a key is set (the key itself is never exposed) */
  public boolean hasKey() {
    return apiKey != null;
  }

  /** @return how many calls of one provider may run at once, 1..64 */
  public int maxConcurrency() {
    return maxConcurrency;
  }

  /** @return the PCM sample rate asked for, in Hz, one of {@link #PCM_RATES_HZ} */
  public int pcmRateHz() {
    return pcmRateHz;
  }

  /** @return the {@code output_format} query value, for example {@code pcm_24000} */
  public String outputFormat() {
    return "pcm_" + pcmRateHz;
  }

  /** @return the shared HTTP transport for this configuration */
  public HttpTransport transport() {
    return transport;
  }

  /** @return the base URL's scheme, host, port and path, for fingerprints */
  public String endpoint() {
    return baseUrl.getScheme() + "://" + baseUrl.getHost()
        + (baseUrl.getPort() > 0 ? ":" + baseUrl.getPort() : "") + baseUrl.getRawPath();
  }

  @Override
  public String toString() {
    return "ElevenLabsConfig[" + endpoint() + ", " + outputFormat()
        + (apiKey != null ? ", key set" : ", no key") + "]";
  }

  /** Builds an {@link ElevenLabsConfig}; not thread-safe. */
  public static final class Builder {
    private URI baseUrl = URI.create(DEFAULT_BASE_URL);
    private String apiKey;
    private Duration requestTimeout = Duration.ofSeconds(180);
    private int maxConcurrency = 2;
    private int pcmRateHz = DEFAULT_PCM_RATE_HZ;
    private RetryPolicy readRetry = RetryPolicy.defaults();

    private Builder() {}

    /**
     * @param url the API's base URL, {@code http(s)://host[:port]}, without {@code /v1}; default
     *     {@value ElevenLabsConfig#DEFAULT_BASE_URL}
     * @return this builder
     * @throws IllegalArgumentException if it is not an http(s) URL or holds user info
     */
    public Builder baseUrl(String url) {
      URI u = URI.create(Objects.requireNonNull(url, "url").strip());
      if (u.getHost() == null || !("https".equals(u.getScheme()) || "http".equals(u.getScheme()))
          || u.getUserInfo() != null) {
        throw new IllegalArgumentException("elevenlabs base URL must be http(s)://host[:port],"
            + " without user info, for example " + DEFAULT_BASE_URL);
      }
      String s = u.toString();
      this.baseUrl = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
      return this;
    }

    /**
     * @param key the API key, or {@code null} for none; sent as {@code xi-api-key}
     * @return this builder
     */
    public Builder apiKey(String key) {
      this.apiKey = key == null || key.isBlank() ? null : key.strip();
      return this;
    }

    /**
     * @param d how long one call may take; positive; default 180 s (a long music bed takes
     *     minutes)
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder requestTimeout(Duration d) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("requestTimeout must be positive, was " + d);
      }
      this.requestTimeout = d;
      return this;
    }

    /**
     * @param n how many calls of one provider may run at once, 1..64; default 2 (the
     *     concurrency of ElevenLabs' smaller plans)
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxConcurrency(int n) {
      if (n < 1 || n > 64) {
        throw new IllegalArgumentException("maxConcurrency must be 1..64, was " + n);
      }
      this.maxConcurrency = n;
      return this;
    }

    /**
     * @param rateHz the PCM sample rate asked for, one of {@link ElevenLabsConfig#PCM_RATES_HZ};
     *     default 24000
     * @return this builder
     * @throws IllegalArgumentException if the API does not offer it
     */
    public Builder pcmRateHz(int rateHz) {
      if (!PCM_RATES_HZ.contains(rateHz)) {
        throw new IllegalArgumentException("pcmRateHz must be one of " + PCM_RATES_HZ + ", was "
            + rateHz);
      }
      this.pcmRateHz = rateHz;
      return this;
    }

    /**
     * @param policy how free reads ({@code GET /v1/voices}) are retried in-process; default
     *     {@link RetryPolicy#defaults()}
     * @return this builder
     */
    public Builder readRetry(RetryPolicy policy) {
      this.readRetry = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * @return the configuration
     * @throws ConfigurationException if no key is set and the base URL is not local
     */
    public ElevenLabsConfig build() {
      if (apiKey == null && !SafeDownload.isLoopback(baseUrl.getHost())) {
        throw new ConfigurationException("ElevenLabs needs an API key: set the environment"
            + " variable " + KEY_ENV + ", or --set elevenlabs.apiKey=... (never shown).");
      }
      return new ElevenLabsConfig(this);
    }
  }
}
