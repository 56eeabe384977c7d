package dev.storyreel.replicate;

import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.RetryPolicy;
import dev.storyreel.core.http.KeyPool;
import dev.storyreel.core.http.SafeDownload;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The settings every Replicate provider's builder has: base URL, token, model, deadline, poll
 * interval, request timeout, download attempts, concurrency and the read retry policy. The
 * providers' public {@code Builder}s extend it; not thread-safe.
 *
 * @param <B> the concrete builder, returned by every setter
 */
abstract class ReplicateOptions<B extends ReplicateOptions<B>> {
  /** The default base URL. */
  static final String DEFAULT_BASE_URL = "https://api.replicate.com/v1";
  /** The environment variable the token is read from. */
  static final String TOKEN_ENV = "REPLICATE_API_TOKEN";
  /** The environment variable several comma-separated tokens are read from. */
  static final String TOKENS_ENV = "REPLICATE_API_TOKENS";

  URI baseUrl = URI.create(DEFAULT_BASE_URL);
  String token;
  /** Several tokens, rotated through a {@link KeyPool}; empty for one token. */
  List<String> tokens = List.of();
  String model;
  Duration deadline;
  Duration pollInterval = Duration.ofSeconds(1);
  Duration requestTimeout = Duration.ofSeconds(90);
  int maxConcurrency = 4;
  int downloadAttempts = 5;
  RetryPolicy readRetry = RetryPolicy.defaults();

  ReplicateOptions(String model, Duration deadline) {
    this.model = model;
    this.deadline = deadline;
    this.token = System.getenv(TOKEN_ENV);
    if (token != null && token.isBlank()) {
      token = null;
    }
    apiTokens(KeyPool.parse(System.getenv(TOKENS_ENV)));
  }

  /**
   * Several tokens, rotated: a token answered 429 rests while the others carry the load, one
   * answered 401 is not used again in the run (a warning names its position, never its value);
   * a prediction is polled with the token that created it. One token here is the same as {@link
   * #apiToken(String)}.
   *
   * @param tokens the tokens in order (positions count from 1); never {@code null}; default:
   *     the environment variable {@code REPLICATE_API_TOKENS} ({@code t1,t2})
   * @return this builder
   */
  public B apiTokens(List<String> tokens) {
    List<String> t = List.copyOf(Objects.requireNonNull(tokens, "tokens"));
    if (t.size() == 1) {
      apiToken(t.get(0));
      this.tokens = List.of();
    } else {
      this.tokens = t;
    }
    return self();
  }

  /** @return the pool of the rotated tokens, or {@code null} for one token */
  KeyPool tokenPool() {
    return tokens.size() > 1 ? KeyPool.shared("replicate", baseUrl.toString(), tokens, 0) : null;
  }

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }

  /**
   * @param url the API base URL, {@code http(s)://host/...} without user info; default {@code
   *     https://api.replicate.com/v1}
   * @return this builder
   * @throws IllegalArgumentException if it is not such a URL
   */
  public B baseUrl(String url) {
    URI u = URI.create(url.strip());
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (u.getHost() == null || u.getRawUserInfo() != null
        || !(scheme.equals("https") || scheme.equals("http"))) {
      throw new IllegalArgumentException(
          "replicate base URL must be http(s)://host/... without user info");
    }
    this.baseUrl = u;
    return self();
  }

  /**
   * @param token the API token, or {@code null}; default: the environment variable {@code
   *     REPLICATE_API_TOKEN}
   * @return this builder
   */
  public B apiToken(String token) {
    this.token = token == null || token.isBlank() ? null : token.strip();
    return self();
  }

  /**
   * @param model {@code owner/name} (an official model, run through {@code
   *     /models/{owner}/{name}/predictions}) or {@code owner/name:version} (run through {@code
   *     /predictions} with that version id)
   * @return this builder
   * @throws IllegalArgumentException if it is neither
   */
  public B model(String model) {
    if (!model.matches("[\\w.-]+/[\\w.-]+(:[0-9a-f]+)?")) {
      throw new IllegalArgumentException("replicate model must be owner/name[:version], was "
          + model);
    }
    this.model = model;
    return self();
  }

  /**
   * @param d how long one call may wait for its prediction (counted from the start of the call)
   *     before the prediction is cancelled; positive; the default is the provider's
   * @return this builder
   * @throws IllegalArgumentException if zero or negative
   */
  public B deadline(Duration d) {
    this.deadline = positive(d, "deadline");
    return self();
  }

  /**
   * @param d the wait between polls of a running prediction; positive; default 1 s
   * @return this builder
   * @throws IllegalArgumentException if zero or negative
   */
  public B pollInterval(Duration d) {
    this.pollInterval = positive(d, "pollInterval");
    return self();
  }

  /**
   * @param d how long one HTTP call may take; positive; default 90 s (sync mode waits up to
   *     60 s)
   * @return this builder
   * @throws IllegalArgumentException if zero or negative
   */
  public B requestTimeout(Duration d) {
    this.requestTimeout = positive(d, "requestTimeout");
    return self();
  }

  /**
   * @param n how many times one call downloads a prediction's output before it gives up with
   *     a {@link dev.storyreel.core.RetriableException} (keeping the prediction for the next
   *     call), 1..20; default 5
   * @return this builder
   * @throws IllegalArgumentException if out of range
   */
  public B downloadAttempts(int n) {
    if (n < 1 || n > 20) {
      throw new IllegalArgumentException("downloadAttempts must be 1..20, was " + n);
    }
    this.downloadAttempts = n;
    return self();
  }

  /**
   * @param n how many predictions may run at once, 1..64; default 4
   * @return this builder
   * @throws IllegalArgumentException if out of range
   */
  public B maxConcurrency(int n) {
    if (n < 1 || n > 64) {
      throw new IllegalArgumentException("maxConcurrency must be 1..64, was " + n);
    }
    this.maxConcurrency = n;
    return self();
  }

  /**
   * @param policy the backoff between in-process retries of failed polls (until the deadline)
   *     and failed downloads (up to {@link #downloadAttempts}); default {@link
   *     RetryPolicy#defaults()}
   * @return this builder
   */
  public B readRetry(RetryPolicy policy) {
    this.readRetry = Objects.requireNonNull(policy, "policy");
    return self();
  }

  /**
   * @param builderName how the builder is reached, for the message, for example {@code
   *     ReplicateImageProvider.builder()}
   * @throws ConfigurationException if no token is set and the base URL is not local
   */
  void requireToken(String builderName) {
    if (token == null && tokens.isEmpty() && !SafeDownload.isLoopback(baseUrl.getHost())) {
      throw new ConfigurationException("No Replicate API token: set the environment variable "
          + TOKEN_ENV + ", or pass it with " + builderName + ".apiToken(...) or the setting"
          + " replicate.apiToken.");
    }
  }

  /** @return {@code host} or {@code host:port} of the base URL, for fingerprints */
  String hostAndPort() {
    return baseUrl.getHost() + (baseUrl.getPort() > 0 ? ":" + baseUrl.getPort() : "");
  }

  private static Duration positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
    return d;
  }
}
