package dev.storyreel.elevenlabs;

import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.Redactor;
import dev.storyreel.core.RetryPolicy;
import dev.storyreel.core.http.HttpTransport;
import dev.storyreel.core.http.KeyPool;
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
 * <p><b>Several keys.</b> {@link Builder#apiKeys(List)}, the setting {@code elevenlabs.apiKeys}
 * ({@code k1,k2}) or the environment variable {@value #KEYS_ENV} (in that order, and before the
 * single key) give several keys, rotated through a {@link KeyPool} shared by every provider
 * with the same keys and base URL, each sent as {@code xi-api-key}: a key that answers 429 (a
 * rate limit, or ElevenLabs' {@code quota_exceeded}, which it sends with 401 or 429) rests while
 * the others carry the load; one that answers 401 for any other reason is not used again in the
 * run (a warning names its position, never its value); each key carries at most {@code
 * elevenlabs.maxConcurrencyPerKey} calls at once. The manifest records which key position made
 * each asset, never the key. A job fails only when no key is left.
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
  /** The environment variable several comma-separated keys are read from: {@value}. */
  public static final String KEYS_ENV = "ELEVENLABS_API_KEYS";
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
  private final List<String> apiKeys;
  private final int maxConcurrencyPerKey;
  private final KeyPool keyPool;
  private final HttpTransport transport;

  private ElevenLabsConfig(Builder b) {
    this.baseUrl = b.baseUrl;
    this.apiKey = b.apiKey;
    this.requestTimeout = b.requestTimeout;
    this.maxConcurrency = b.maxConcurrency;
    this.pcmRateHz = b.pcmRateHz;
    this.readRetry = b.readRetry;
    this.apiKeys = b.apiKeys;
    this.maxConcurrencyPerKey = b.maxConcurrencyPerKey;
    // One pool for every provider with these keys: a key revoked for one is dead for all.
    this.keyPool = apiKeys.size() > 1 ? KeyPool.shared("elevenlabs", baseUrl.toString(),
        apiKeys, maxConcurrencyPerKey) : null;
    HttpTransport.Builder t = HttpTransport.builder("elevenlabs", baseUrl)
        .requestTimeout(requestTimeout).readRetry(readRetry);
    if (keyPool != null) {
      t.keyPool(keyPool).keyHeader(KEY_HEADER, "");
    } else if (apiKey != null) {
      t.header(KEY_HEADER, apiKey); // registers the key with the Redactor
    }
    this.transport = t.build();
  }

  /**
   * @return a builder with the defaults (the key from {@value #KEY_ENV} if set; the factories,
   *     not this builder, also read {@value #KEYS_ENV})
   */
  public static Builder builder() {
    return new Builder().apiKey(env(KEY_ENV));
  }

  /** @return the variable's value, or {@code null}; never throws */
  private static String env(String name) {
    try {
      return System.getenv(name);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * @return the key in {@value #KEY_ENV}, else the first of {@value #KEYS_ENV}, or {@code
   *     null}; never throws
   */
  static String envKey() {
    String k = env(KEY_ENV);
    if (k != null && !k.isBlank()) {
      return k;
    }
    List<String> keys = KeyPool.parse(env(KEYS_ENV));
    return keys.isEmpty() ? null : keys.get(0);
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
    b.apiKeys = apiKeys;
    b.maxConcurrencyPerKey = maxConcurrencyPerKey;
    return b;
  }

  /** @return the base URL, for example {@code https://api.elevenlabs.io} */
  public URI baseUrl() {
    return baseUrl;
  }

  /** @return whether a key is set (the key itself is never exposed) */
  public boolean hasKey() {
    return apiKey != null || keyPool != null;
  }

  /** @return how many keys are rotated: 0 or 1 for a single key (no rotation), else 2 or more */
  public int keyCount() {
    return keyPool == null ? (apiKey == null ? 0 : 1) : keyPool.size();
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
        + (keyPool != null ? ", " + keyPool.size() + " keys"
            : apiKey != null ? ", key set" : ", no key") + "]";
  }

  /** Builds an {@link ElevenLabsConfig}; not thread-safe. */
  public static final class Builder {
    private URI baseUrl = URI.create(DEFAULT_BASE_URL);
    private String apiKey;
    private Duration requestTimeout = Duration.ofSeconds(180);
    private int maxConcurrency = 2;
    private int pcmRateHz = DEFAULT_PCM_RATE_HZ;
    private RetryPolicy readRetry = RetryPolicy.defaults();
    private List<String> apiKeys = List.of();
    private int maxConcurrencyPerKey;

    private Builder() {}

    /**
     * Several keys, rotated (see the class comment). One key here is the same as {@link
     * #apiKey(String)}; with two or more, the single key is not used.
     *
     * @param keys the keys in order (positions count from 1); never {@code null}; an empty list
     *     leaves the keys as they are
     * @return this builder
     */
    public Builder apiKeys(List<String> keys) {
      List<String> k = List.copyOf(Objects.requireNonNull(keys, "keys"));
      if (k.size() == 1) {
        apiKey(k.get(0));
        this.apiKeys = List.of();
      } else if (k.size() > 1) {
        this.apiKeys = k;
        k.forEach(Redactor::register);
      }
      return this;
    }

    /**
     * @param n how many calls one rotated key may carry at once, 1..64; default: no per-key
     *     limit (the provider's {@link #maxConcurrency(int)} still applies)
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxConcurrencyPerKey(int n) {
      if (n < 1 || n > 64) {
        throw new IllegalArgumentException("maxConcurrencyPerKey must be 1..64, was " + n);
      }
      this.maxConcurrencyPerKey = n;
      return this;
    }

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
     * @throws ConfigurationException if no key is set and the base URL is not local, or the
     *     keys are blank or repeated (named by position)
     */
    public ElevenLabsConfig build() {
      if (apiKey == null && apiKeys.isEmpty() && !SafeDownload.isLoopback(baseUrl.getHost())) {
        throw new ConfigurationException("ElevenLabs needs an API key: set the environment"
            + " variable " + KEY_ENV + " (or " + KEYS_ENV + "=k1,k2 for several), or --set"
            + " elevenlabs.apiKey=... (never shown).");
      }
      return new ElevenLabsConfig(this);
    }
  }
}
