package dev.storyreel.openai;

import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.RetryPolicy;
import dev.storyreel.core.Redactor;
import dev.storyreel.core.http.HttpTransport;
import dev.storyreel.core.http.KeyPool;
import dev.storyreel.core.http.SafeDownload;
import dev.storyreel.core.spi.ProviderSettings;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How to reach an OpenAI API or an OpenAI-compatible server (Ollama, vLLM, LM Studio, LocalAI):
 * base URL, key, optional organization and project headers, timeouts and concurrency. Shared by
 * every provider of this module.
 *
 * <p>The key comes from {@link Builder#apiKey(String)}, the setting {@code openai.apiKey}, or the
 * environment variable {@code OPENAI_API_KEY}, in that order. It is required for {@code
 * api.openai.com} and any non-local server; for a base URL on a loopback address (a local
 * compatible server) it is optional. The key is never logged, never in messages, and never in
 * {@link #toString()} or a provider's {@code fingerprint()}.
 *
 * <p><b>Several keys.</b> {@link Builder#apiKeys(List)}, the setting {@code openai.apiKeys}
 * ({@code k1,k2}) or the environment variable {@code OPENAI_API_KEYS} (in that order, and before
 * the single key) give several keys, which are rotated through a {@link KeyPool}: a key that
 * answers 429 rests while the others carry the load, one that answers 401 is not used again in
 * the run (a warning names its position), and each key carries at most {@code
 * openai.maxConcurrencyPerKey} calls at once. The manifest records which key position made each
 * asset, never the key.
 *
 * <p>Settings read (all optional, others ignored): {@code openai.baseUrl}, {@code
 * openai.apiKey}, {@code openai.apiKeys}, {@code openai.organization}, {@code openai.project},
 * {@code openai.timeoutSeconds}, {@code openai.maxConcurrency}, {@code
 * openai.maxConcurrencyPerKey}.
 *
 * <p>Immutable and thread-safe. {@code
 * OpenAiConfig.builder().baseUrl("http://localhost:11434/v1").build()} drives Ollama.
 */
public final class OpenAiConfig {
  /** The default base URL: {@value}. */
  public static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";
  /** The environment variable the key is read from. */
  public static final String KEY_ENV = "OPENAI_API_KEY";
  /** The environment variable several comma-separated keys are read from. */
  public static final String KEYS_ENV = "OPENAI_API_KEYS";

  private final URI baseUrl;
  private final String apiKey;
  private final String organization;
  private final String project;
  private final Duration requestTimeout;
  private final int maxConcurrency;
  private final RetryPolicy readRetry;
  private final KeyPool keyPool;
  private final HttpTransport transport;

  private OpenAiConfig(Builder b) {
    this.baseUrl = b.baseUrl;
    this.apiKey = b.apiKey;
    this.organization = b.organization;
    this.project = b.project;
    this.requestTimeout = b.requestTimeout;
    this.maxConcurrency = b.maxConcurrency;
    this.readRetry = b.readRetry;
    // One pool for every provider with these keys: a key revoked for one is dead for all.
    this.keyPool = b.apiKeys.size() > 1
        ? KeyPool.shared("openai", baseUrl.toString(), b.apiKeys, b.maxConcurrencyPerKey) : null;
    HttpTransport.Builder t = HttpTransport.builder("openai", baseUrl).bearer(apiKey)
        .keyPool(keyPool).requestTimeout(requestTimeout).readRetry(readRetry);
    if (organization != null) {
      t.header("OpenAI-Organization", organization);
    }
    if (project != null) {
      t.header("OpenAI-Project", project);
    }
    this.transport = t.build();
  }

  /** @return a builder with the defaults (key from {@code OPENAI_API_KEY} if set) */
  public static Builder builder() {
    return new Builder().apiKey(System.getenv(KEY_ENV));
  }

  /**
   * Reads the {@code openai.*} settings, falling back to the environment for the key.
   *
   * @param settings shared settings; keys of other providers are ignored
   * @param env the environment, for example {@code System.getenv()}
   * @return the configuration
   * @throws ConfigurationException if a value is malformed, or no key is set for a remote server
   */
  public static OpenAiConfig fromSettings(ProviderSettings settings, Map<String, String> env) {
    Builder b = new Builder().apiKey(settings.get("openai.apiKey").orElse(env.get(KEY_ENV)));
    List<String> keys = KeyPool.parse(settings.get("openai.apiKeys").orElse(env.get(KEYS_ENV)));
    if (!keys.isEmpty()) {
      b.apiKeys(keys);
    }
    try {
      settings.get("openai.maxConcurrencyPerKey").ifPresent(
          v -> b.maxConcurrencyPerKey(Integer.parseInt(v.strip())));
      settings.get("openai.baseUrl").ifPresent(b::baseUrl);
      settings.get("openai.organization").ifPresent(b::organization);
      settings.get("openai.project").ifPresent(b::project);
      settings.get("openai.timeoutSeconds").ifPresent(
          v -> b.requestTimeout(Duration.ofSeconds(Long.parseLong(v.strip()))));
      settings.get("openai.maxConcurrency").ifPresent(
          v -> b.maxConcurrency(Integer.parseInt(v.strip())));
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("openai settings: " + e.getMessage(), e);
    }
    return b.build();
  }

  /** @return the base URL, for example {@code https://api.openai.com/v1} */
  public URI baseUrl() {
    return baseUrl;
  }

  /** @return whether a key is set (the key itself is never exposed) */
  public boolean hasKey() {
    return apiKey != null;
  }

  /** @return how many keys are rotated: 0 or 1 for a single key (no rotation), else 2 or more */
  public int keyCount() {
    return keyPool == null ? (apiKey == null ? 0 : 1) : keyPool.size();
  }

  /** @return whether the base URL is a local (loopback) server, where a key is optional */
  public boolean isLocal() {
    return SafeDownload.isLoopback(baseUrl.getHost());
  }

  /** @return how many calls of one provider may run at once, 1..64 */
  public int maxConcurrency() {
    return maxConcurrency;
  }

  /** @return the shared HTTP transport for this configuration */
  public HttpTransport transport() {
    return transport;
  }

  /** @return the base URL's scheme, host and port, for fingerprints */
  public String endpoint() {
    return baseUrl.getScheme() + "://" + baseUrl.getHost()
        + (baseUrl.getPort() > 0 ? ":" + baseUrl.getPort() : "") + baseUrl.getRawPath();
  }

  @Override
  public String toString() {
    return "OpenAiConfig[" + endpoint() + (keyPool != null ? ", " + keyPool.size() + " keys"
        : apiKey != null ? ", key set" : ", no key")
        + (organization != null ? ", organization set" : "")
        + (project != null ? ", project set" : "") + "]";
  }

  /** Builds an {@link OpenAiConfig}; not thread-safe. */
  public static final class Builder {
    private URI baseUrl = URI.create(DEFAULT_BASE_URL);
    private String apiKey;
    private String organization;
    private String project;
    private Duration requestTimeout = Duration.ofSeconds(120);
    private int maxConcurrency = 4;
    private RetryPolicy readRetry = RetryPolicy.defaults();
    private List<String> apiKeys = List.of();
    private int maxConcurrencyPerKey;

    private Builder() {}

    /**
     * Several keys, rotated (see the class comment). One key here is the same as {@link
     * #apiKey(String)}; with two or more, the single key is not used.
     *
     * @param keys the keys in order (positions count from 1); never {@code null}; an empty list
     *     turns rotation off
     * @return this builder
     */
    public Builder apiKeys(List<String> keys) {
      List<String> k = List.copyOf(Objects.requireNonNull(keys, "keys"));
      if (k.size() == 1) {
        apiKey(k.get(0));
        this.apiKeys = List.of();
      } else {
        this.apiKeys = k;
        k.forEach(Redactor::register);
      }
      return this;
    }

    /**
     * @param n how many calls one rotated key may carry at once, 1..64; default: no per-key
     *     limit (the provider's {@link #maxConcurrency(int)} still applies)
     * @return this builder
     */
    public Builder maxConcurrencyPerKey(int n) {
      if (n < 1 || n > 64) {
        throw new IllegalArgumentException("maxConcurrencyPerKey must be 1..64, was " + n);
      }
      this.maxConcurrencyPerKey = n;
      return this;
    }

    /**
     * @param url the API's base URL, {@code http(s)://host[:port]/v1}
     * @return this builder
     * @throws IllegalArgumentException if it is not an http(s) URL
     */
    public Builder baseUrl(String url) {
      URI u = URI.create(Objects.requireNonNull(url, "url").strip());
      if (u.getHost() == null || !("https".equals(u.getScheme()) || "http".equals(u.getScheme()))) {
        throw new IllegalArgumentException("openai base URL must be http(s)://host/..., was "
            + u.getScheme() + "://" + u.getHost());
      }
      this.baseUrl = u;
      return this;
    }

    /**
     * @param key the API key, or {@code null} to read none
     * @return this builder
     */
    public Builder apiKey(String key) {
      this.apiKey = key == null || key.isBlank() ? null : key.strip();
      return this;
    }

    /**
     * @param org sent as {@code OpenAI-Organization}, or {@code null}
     * @return this builder
     */
    public Builder organization(String org) {
      this.organization = org == null || org.isBlank() ? null : org.strip();
      return this;
    }

    /**
     * @param project sent as {@code OpenAI-Project}, or {@code null}
     * @return this builder
     */
    public Builder project(String project) {
      this.project = project == null || project.isBlank() ? null : project.strip();
      return this;
    }

    /**
     * @param d how long one call may take; default 120 s
     * @return this builder
     */
    public Builder requestTimeout(Duration d) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("requestTimeout must be positive, was " + d);
      }
      this.requestTimeout = d;
      return this;
    }

    /**
     * @param n how many calls of one provider may run at once, 1..64; default 4
     * @return this builder
     */
    public Builder maxConcurrency(int n) {
      if (n < 1 || n > 64) {
        throw new IllegalArgumentException("maxConcurrency must be 1..64, was " + n);
      }
      this.maxConcurrency = n;
      return this;
    }

    /**
     * @param policy how idempotent reads are retried in-process; default {@link
     *     RetryPolicy#defaults()}
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
    public OpenAiConfig build() {
      if (apiKey == null && apiKeys.isEmpty() && !SafeDownload.isLoopback(baseUrl.getHost())) {
        throw new ConfigurationException("No OpenAI API key: set the environment variable "
            + KEY_ENV + " (or " + KEYS_ENV + "=k1,k2 for several), or pass it with OpenAiConfig.builder().apiKey(...) or the setting"
            + " openai.apiKey. (A local OpenAI-compatible server on localhost needs none.)");
      }
      return new OpenAiConfig(this);
    }
  }
}
