package dev.storyreel.server;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The job server's settings. Immutable; build with {@link #builder()} or read the environment
 * with {@link #fromEnvironment(Map)}.
 *
 * <p>{@code ServerConfig c = ServerConfig.builder().apiKey(key).dataDir(Path.of("data")).build();}
 *
 * @param host the address to listen on, for example {@code 127.0.0.1} or {@code 0.0.0.0}
 * @param port the TCP port, 0 for an ephemeral one, else 1..65535
 * @param jdbcUrl the job store, for example {@code jdbc:h2:file:/var/storyreel/jobs}
 * @param jdbcUser the database user, may be empty
 * @param jdbcPassword the database password, may be empty; never logged
 * @param storageRoot the folder under which each job's outputs live ({@code <root>/<job id>/})
 * @param apiKey the bearer token every route but {@code /health} and {@code /} requires; at
 *     least 16 characters; never logged or returned
 * @param webhookSecret the Standard Webhooks secret, {@code whsec_<base64>}; never logged
 * @param workers how many jobs run at once, 1..64; others wait as {@code QUEUED}
 * @param maxBodyBytes the largest request body accepted, in bytes, 1 KiB..64 MiB
 * @param allowLoopbackWebhooks whether webhook URLs may be plain {@code http} on a loopback
 *     address (for tests and local receivers)
 * @param allowPrivateWebhooks whether webhook URLs may resolve to private, link-local or other
 *     non-public addresses
 * @param webhookMaxAttempts how many times a webhook is tried before it is given up, 1..20
 * @param webhookInitialBackoff the wait after the first failed attempt; doubled after each
 * @param webhookTimeout the limit on one attempt (connect plus response)
 * @param s3Storage where the jobs' outputs go instead of {@code storageRoot}: {@code
 *     s3://bucket/prefix} (each job under {@code prefix/<id>/out}, outputs served as presigned
 *     URLs; credentials from the AWS SDK's default chain), or {@code null} for local storage.
 *     The plans stay under {@code storageRoot}.
 * @param s3Endpoint an S3-compatible store's endpoint, or {@code null} for AWS
 * @param s3Region the region, or {@code null} for the SDK's default
 * @param s3PathStyle whether to address the bucket in the path (MinIO and most S3-compatible
 *     stores)
 */
public record ServerConfig(String host, int port, String jdbcUrl, String jdbcUser,
    String jdbcPassword, Path storageRoot, String apiKey, String webhookSecret, int workers,
    long maxBodyBytes, boolean allowLoopbackWebhooks, boolean allowPrivateWebhooks,
    int webhookMaxAttempts, Duration webhookInitialBackoff, Duration webhookTimeout,
    @Nullable String s3Storage, @Nullable URI s3Endpoint, @Nullable String s3Region,
    boolean s3PathStyle) {

  /** The smallest API key accepted, in characters. */
  public static final int MIN_API_KEY_CHARS = 16;

  /**
   * Validates every setting.
   *
   * @throws IllegalArgumentException naming the setting and the bad value (never a secret)
   */
  public ServerConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    Objects.requireNonNull(jdbcUser, "jdbcUser");
    Objects.requireNonNull(jdbcPassword, "jdbcPassword");
    Objects.requireNonNull(storageRoot, "storageRoot");
    Objects.requireNonNull(apiKey, "apiKey");
    Objects.requireNonNull(webhookSecret, "webhookSecret");
    Objects.requireNonNull(webhookInitialBackoff, "webhookInitialBackoff");
    Objects.requireNonNull(webhookTimeout, "webhookTimeout");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, was " + port);
    }
    if (!jdbcUrl.startsWith("jdbc:")) {
      throw new IllegalArgumentException("jdbcUrl must start with jdbc:, for example"
          + " jdbc:h2:file:./storyreel-data/jobs");
    }
    if (apiKey.length() < MIN_API_KEY_CHARS) {
      throw new IllegalArgumentException("the API key (STORYREEL_API_KEY) must be at least "
          + MIN_API_KEY_CHARS + " characters, was " + apiKey.length()
          + "; generate one, for example with: openssl rand -hex 24");
    }
    WebhookSigner.decodeSecret(webhookSecret);
    if (workers < 1 || workers > 64) {
      throw new IllegalArgumentException("workers must be 1..64, was " + workers);
    }
    if (maxBodyBytes < 1024 || maxBodyBytes > 64L << 20) {
      throw new IllegalArgumentException("maxBodyBytes must be 1024..67108864, was "
          + maxBodyBytes);
    }
    if (webhookMaxAttempts < 1 || webhookMaxAttempts > 20) {
      throw new IllegalArgumentException("webhookMaxAttempts must be 1..20, was "
          + webhookMaxAttempts);
    }
    if (webhookInitialBackoff.isNegative() || webhookInitialBackoff.isZero()) {
      throw new IllegalArgumentException("webhookInitialBackoff must be positive, was "
          + webhookInitialBackoff);
    }
    if (s3Storage != null && !s3Storage.startsWith("s3://")) {
      throw new IllegalArgumentException("STORYREEL_STORAGE must be s3://bucket/prefix (or unset"
          + " for local storage under the data folder)");
    }
    if (webhookTimeout.isNegative() || webhookTimeout.isZero()) {
      throw new IllegalArgumentException("webhookTimeout must be positive, was "
          + webhookTimeout);
    }
  }

  /** @return a builder with the embedded defaults (H2 and local storage under {@code ./storyreel-data}) */
  public static Builder builder() {
    return new Builder();
  }

  /** @return a builder holding these settings */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.host = host;
    b.port = port;
    b.jdbcUrl = jdbcUrl;
    b.jdbcUser = jdbcUser;
    b.jdbcPassword = jdbcPassword;
    b.storageRoot = storageRoot;
    b.apiKey = apiKey;
    b.webhookSecret = webhookSecret;
    b.workers = workers;
    b.maxBodyBytes = maxBodyBytes;
    b.allowLoopbackWebhooks = allowLoopbackWebhooks;
    b.allowPrivateWebhooks = allowPrivateWebhooks;
    b.webhookMaxAttempts = webhookMaxAttempts;
    b.webhookInitialBackoff = webhookInitialBackoff;
    b.webhookTimeout = webhookTimeout;
    b.s3Storage = s3Storage;
    b.s3Endpoint = s3Endpoint;
    b.s3Region = s3Region;
    b.s3PathStyle = s3PathStyle;
    return b;
  }

  /**
   * Reads the settings from environment variables: {@code STORYREEL_API_KEY} (required), {@code
   * STORYREEL_DATA} (default {@code ./storyreel-data}: the H2 file and the jobs' outputs), {@code
   * STORYREEL_HOST} (default {@code 127.0.0.1}), {@code STORYREEL_PORT} (8080), {@code
   * STORYREEL_JDBC_URL}, {@code STORYREEL_JDBC_USER}, {@code STORYREEL_JDBC_PASSWORD}, {@code
   * STORYREEL_WEBHOOK_SECRET} (default: made once and kept in {@code
   * <data>/webhook-secret}), {@code STORYREEL_WORKERS} (2), {@code STORYREEL_MAX_BODY_BYTES}
   * (1 MiB).
   *
   * @param env the environment, for example {@code System.getenv()}
   * @return the builder, with the webhook secret still unset when none is given
   * @throws IllegalArgumentException if a number does not parse, naming the variable
   */
  public static Builder fromEnvironment(Map<String, String> env) {
    Builder b = builder();
    Path data = Path.of(env.getOrDefault("STORYREEL_DATA", "storyreel-data"));
    b.dataDir(data);
    b.host(env.getOrDefault("STORYREEL_HOST", b.host));
    b.port(intVar(env, "STORYREEL_PORT", 8080));
    if (env.containsKey("STORYREEL_JDBC_URL")) {
      b.jdbcUrl(env.get("STORYREEL_JDBC_URL"));
    }
    b.jdbcUser = env.getOrDefault("STORYREEL_JDBC_USER", b.jdbcUser);
    b.jdbcPassword = env.getOrDefault("STORYREEL_JDBC_PASSWORD", b.jdbcPassword);
    b.apiKey = env.getOrDefault("STORYREEL_API_KEY", "");
    if (env.containsKey("STORYREEL_WEBHOOK_SECRET")) {
      b.webhookSecret(env.get("STORYREEL_WEBHOOK_SECRET"));
    }
    b.workers(intVar(env, "STORYREEL_WORKERS", b.workers));
    b.maxBodyBytes(intVar(env, "STORYREEL_MAX_BODY_BYTES", (int) b.maxBodyBytes));
    if (env.get("STORYREEL_STORAGE") != null && !env.get("STORYREEL_STORAGE").isBlank()) {
      b.s3Storage(env.get("STORYREEL_STORAGE").strip(),
          env.get("STORYREEL_S3_ENDPOINT") == null ? null
              : URI.create(env.get("STORYREEL_S3_ENDPOINT").strip()),
          env.get("STORYREEL_S3_REGION"),
          Boolean.parseBoolean(env.getOrDefault("STORYREEL_S3_PATH_STYLE", "false")));
    }
    return b;
  }

  private static int intVar(Map<String, String> env, String name, int dflt) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      return dflt;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, was \"" + v + "\"");
    }
  }

  @Override
  public String toString() {
    return "ServerConfig[" + host + ":" + port + ", " + jdbcUrl + ", storage " + storageRoot
        + (s3Storage == null ? "" : ", outputs " + s3Storage) + ", workers " + workers + "]";
  }

  /** Builds a {@link ServerConfig}; not thread-safe. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port = 8080;
    private String jdbcUrl = "jdbc:h2:file:" + Path.of("storyreel-data", "jobs").toAbsolutePath();
    private String jdbcUser = "";
    private String jdbcPassword = "";
    private Path storageRoot = Path.of("storyreel-data", "outputs").toAbsolutePath();
    private String apiKey = "";
    private String webhookSecret;
    private int workers = 2;
    private long maxBodyBytes = 1L << 20;
    private boolean allowLoopbackWebhooks;
    private boolean allowPrivateWebhooks;
    private int webhookMaxAttempts = 6;
    private Duration webhookInitialBackoff = Duration.ofSeconds(2);
    private Duration webhookTimeout = Duration.ofSeconds(10);
    private @Nullable String s3Storage;
    private @Nullable URI s3Endpoint;
    private @Nullable String s3Region;
    private boolean s3PathStyle;

    private Builder() {}

    /**
     * Puts the jobs' outputs on S3 instead of local storage.
     *
     * @param url {@code s3://bucket/prefix}
     * @param endpoint an S3-compatible endpoint, or {@code null} for AWS
     * @param region the region, or {@code null} for the SDK's default
     * @param pathStyle path-style addressing
     * @return this builder
     */
    public Builder s3Storage(String url, @Nullable URI endpoint, @Nullable String region,
        boolean pathStyle) {
      this.s3Storage = Objects.requireNonNull(url, "url");
      this.s3Endpoint = endpoint;
      this.s3Region = region;
      this.s3PathStyle = pathStyle;
      return this;
    }

    /**
     * Puts the H2 database ({@code <dir>/jobs.mv.db}) and the outputs ({@code <dir>/outputs})
     * under one folder.
     *
     * @param dir the folder; created at start if missing
     * @return this builder
     */
    public Builder dataDir(Path dir) {
      Path abs = dir.toAbsolutePath();
      this.jdbcUrl = "jdbc:h2:file:" + abs.resolve("jobs");
      this.storageRoot = abs.resolve("outputs");
      return this;
    }

    /** @param host the listening address @return this builder */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** @param port 0 (ephemeral) or 1..65535 @return this builder */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** @param url a JDBC URL @return this builder */
    public Builder jdbcUrl(String url) {
      this.jdbcUrl = Objects.requireNonNull(url, "url");
      return this;
    }

    /** @param root the outputs' folder @return this builder */
    public Builder storageRoot(Path root) {
      this.storageRoot = root.toAbsolutePath();
      return this;
    }

    /** @param key the bearer token, at least 16 characters @return this builder */
    public Builder apiKey(String key) {
      this.apiKey = Objects.requireNonNull(key, "key");
      return this;
    }

    /** @param secret {@code whsec_<base64>} @return this builder */
    public Builder webhookSecret(String secret) {
      this.webhookSecret = Objects.requireNonNull(secret, "secret");
      return this;
    }

    /** @return whether a webhook secret was set */
    public boolean hasWebhookSecret() {
      return webhookSecret != null;
    }

    /** @return the folder the outputs go to (the default secret file sits beside it) */
    public Path storageRoot() {
      return storageRoot;
    }

    /** @param n jobs run at once, 1..64 @return this builder */
    public Builder workers(int n) {
      this.workers = n;
      return this;
    }

    /** @param bytes the body size cap @return this builder */
    public Builder maxBodyBytes(long bytes) {
      this.maxBodyBytes = bytes;
      return this;
    }

    /** @param allow plain-http loopback webhook URLs (tests) @return this builder */
    public Builder allowLoopbackWebhooks(boolean allow) {
      this.allowLoopbackWebhooks = allow;
      return this;
    }

    /** @param allow webhook URLs on private networks @return this builder */
    public Builder allowPrivateWebhooks(boolean allow) {
      this.allowPrivateWebhooks = allow;
      return this;
    }

    /** @param n attempts per webhook, 1..20 @return this builder */
    public Builder webhookMaxAttempts(int n) {
      this.webhookMaxAttempts = n;
      return this;
    }

    /** @param d the first retry's delay, doubled after each @return this builder */
    public Builder webhookInitialBackoff(Duration d) {
      this.webhookInitialBackoff = Objects.requireNonNull(d, "d");
      return this;
    }

    /** @param d one attempt's limit @return this builder */
    public Builder webhookTimeout(Duration d) {
      this.webhookTimeout = Objects.requireNonNull(d, "d");
      return this;
    }

    /**
     * @return the settings; a missing webhook secret is made at random for this instance
     * @throws IllegalArgumentException if a setting is out of range
     */
    public ServerConfig build() {
      String secret = webhookSecret != null ? webhookSecret : WebhookSigner.newSecret();
      return new ServerConfig(host, port, jdbcUrl, jdbcUser, jdbcPassword, storageRoot, apiKey,
          secret, workers, maxBodyBytes, allowLoopbackWebhooks, allowPrivateWebhooks,
          webhookMaxAttempts, webhookInitialBackoff, webhookTimeout, s3Storage, s3Endpoint,
          s3Region, s3PathStyle);
    }
  }
}
