package dev.storyreel.replicate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.RetryPolicy;
import dev.storyreel.core.StoryReelException;
import dev.storyreel.core.Usage;
import dev.storyreel.core.http.HttpTransport;
import dev.storyreel.core.http.SafeDownload;
import dev.storyreel.core.spi.GeneratedImage;
import dev.storyreel.core.spi.ImageProvider;
import dev.storyreel.core.spi.ImageRequest;
import dev.storyreel.replicate.internal.Prediction;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Draws images with a Replicate model, by default {@code black-forest-labs/flux-schnell}; also
 * {@code flux-dev}, {@code flux-1.1-pro} or any image model named {@code owner/name} (an official
 * model) or {@code owner/name:version}.
 *
 * <p>Flow (https://replicate.com/docs/topics/predictions/create-a-prediction): {@code POST
 * /v1/models/{owner}/{name}/predictions} with {@code Prefer: wait=60} (sync mode), which usually
 * answers with the finished prediction; otherwise {@code GET /v1/predictions/{id}} is polled until
 * it is {@code succeeded}, {@code failed} or {@code canceled}. Past the deadline the prediction
 * is cancelled with {@code POST /v1/predictions/{id}/cancel} and the call fails. The output URL
 * is downloaded with {@link SafeDownload} and decoded under a pixel cap.
 *
 * <p>Input sent: {@code prompt}, {@code aspect_ratio} (closest of Flux's ratios to the frame),
 * {@code seed} (the request's seed, reduced to 0..2^31-1), {@code output_format} ({@code png} by
 * default; WebP has no decoder in the JDK), {@code num_outputs} 1.
 *
 * <p>Retries: creating a prediction is paid, so it is retried only when the server surely made
 * nothing (429, 503, connection refused); polls are free GETs and are retried in-process.
 * Thread-safe.
 */
public final class ReplicateImageProvider implements ImageProvider {
  /** The default model: {@value}. */
  public static final String DEFAULT_MODEL = "black-forest-labs/flux-schnell";
  /** The default base URL: {@value}. */
  public static final String DEFAULT_BASE_URL = "https://api.replicate.com/v1";
  /** The environment variable the token is read from. */
  public static final String TOKEN_ENV = "REPLICATE_API_TOKEN";
  private static final String[] RATIOS =
      {"1:1", "16:9", "21:9", "3:2", "2:3", "4:5", "5:4", "3:4", "4:3", "9:16", "9:21"};

  private final HttpTransport http;
  private final URI baseUrl;
  private final String model;
  private final String outputFormat;
  private final Duration deadline;
  private final Duration pollInterval;
  private final int maxConcurrency;
  private final SafeDownload download = SafeDownload.defaults();

  private ReplicateImageProvider(Builder b) {
    this.baseUrl = b.baseUrl;
    this.model = b.model;
    this.outputFormat = b.outputFormat;
    this.deadline = b.deadline;
    this.pollInterval = b.pollInterval;
    this.maxConcurrency = b.maxConcurrency;
    this.http = HttpTransport.builder("replicate", baseUrl).bearer(b.token)
        .requestTimeout(b.requestTimeout).readRetry(b.readRetry).build();
  }

  /** @return a builder with the defaults (token from {@code REPLICATE_API_TOKEN} if set) */
  public static Builder builder() {
    return new Builder().apiToken(System.getenv(TOKEN_ENV));
  }

  @Override
  public String name() {
    return "replicate";
  }

  @Override
  public String model() {
    return model;
  }

  @Override
  public int maxConcurrency() {
    return maxConcurrency;
  }

  /** @return model, output format and base URL; never the token */
  @Override
  public String fingerprint() {
    return "replicate-images/" + model + "/" + outputFormat + "@" + baseUrl.getHost()
        + (baseUrl.getPort() > 0 ? ":" + baseUrl.getPort() : "");
  }

  /**
   * @param widthPx wanted width
   * @param heightPx wanted height
   * @return the Flux aspect ratio closest to that shape, for example {@code 9:16}
   */
  public static String aspectRatio(int widthPx, int heightPx) {
    double want = Math.log((double) widthPx / heightPx);
    String best = "1:1";
    double bestDiff = Double.MAX_VALUE;
    for (String r : RATIOS) {
      String[] p = r.split(":");
      double diff = Math.abs(Math.log(Double.parseDouble(p[0]) / Double.parseDouble(p[1])) - want);
      if (diff < bestDiff) {
        bestDiff = diff;
        best = r;
      }
    }
    return best;
  }

  /**
   * @throws NonRetriableException if the prediction failed, was cancelled, ran past the deadline
   *     (it is then cancelled), or its output is not a usable image
   * @throws dev.storyreel.core.RetriableException on 429/503/refused connections when creating
   */
  @Override
  public GeneratedImage generate(ImageRequest request) {
    String ctx = "segment " + request.segmentIndex();
    long started = System.nanoTime();
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("prompt", request.prompt());
    input.put("aspect_ratio", aspectRatio(request.widthPx(), request.heightPx()));
    input.put("seed", Math.floorMod(request.seed(), 1L << 31));
    input.put("output_format", outputFormat);
    input.put("num_outputs", 1);
    int colon = model.indexOf(':');
    Prediction.Response p;
    Map<String, String> wait = Map.of("Prefer", "wait=60");
    if (colon > 0) {
      p = http.postJson("/predictions", new Prediction.Request(model.substring(colon + 1), input),
          Prediction.Response.class, wait, true, ctx);
    } else {
      p = http.postJson("/models/" + model + "/predictions", new Prediction.Request(null, input),
          Prediction.Response.class, wait, true, ctx);
    }
    if (p.id() == null || p.id().isBlank()) {
      throw new NonRetriableException("replicate (" + ctx + "): the prediction has no id.");
    }
    while (!p.isTerminal()) {
      if (System.nanoTime() - started > deadline.toNanos()) {
        cancel(p.id(), ctx);
        throw new NonRetriableException("replicate (" + ctx + "): prediction " + p.id()
            + " was still " + p.status() + " after " + deadline.toSeconds() + " s; it was"
            + " cancelled. Not retried (Replicate bills the time used). Raise the deadline"
            + " (replicate.deadlineSeconds) or try a faster model.");
      }
      HttpTransport.sleep(pollInterval);
      p = http.getJson("/predictions/" + p.id(), Prediction.Response.class, ctx);
    }
    if (!"succeeded".equals(p.status())) {
      throw new NonRetriableException("replicate (" + ctx + "): prediction " + p.id() + " "
          + p.status() + (p.error() != null ? ": " + p.error() : "")
          + ". Check the prompt and the model's inputs.");
    }
    String url = firstUrl(p.output());
    if (url == null) {
      throw new NonRetriableException("replicate (" + ctx + "): prediction " + p.id()
          + " succeeded without an output URL.");
    }
    SafeDownload.Download d;
    try {
      d = download.image("replicate", URI.create(url), ctx);
    } catch (IllegalArgumentException e) {
      throw new NonRetriableException("replicate (" + ctx + "): bad output URL", e);
    }
    BufferedImage img = SafeDownload.decodeImage("replicate", d.bytes(),
        SafeDownload.DEFAULT_MAX_PIXELS, ctx);
    return new GeneratedImage(d.bytes(), d.mediaType(), img.getWidth(), img.getHeight(),
        Usage.images(1));
  }

  private void cancel(String id, String ctx) {
    try {
      http.send("POST", "/predictions/" + id + "/cancel", null, null, Map.of(), false, ctx);
    } catch (StoryReelException e) {
      // Best effort: Replicate also cancels at its own deadline.
    }
  }

  private static String firstUrl(JsonNode out) {
    if (out == null || out.isNull()) {
      return null;
    }
    if (out.isTextual()) {
      return out.asText();
    }
    if (out.isArray() && out.size() > 0 && out.get(0).isTextual()) {
      return out.get(0).asText();
    }
    return null;
  }

  @Override
  public String toString() {
    return "ReplicateImageProvider[" + model + ", " + baseUrl.getHost() + "]";
  }

  /** Builds a {@link ReplicateImageProvider}; not thread-safe. */
  public static final class Builder {
    private URI baseUrl = URI.create(DEFAULT_BASE_URL);
    private String token;
    private String model = DEFAULT_MODEL;
    private String outputFormat = "png";
    private Duration deadline = Duration.ofMinutes(5);
    private Duration pollInterval = Duration.ofSeconds(1);
    private Duration requestTimeout = Duration.ofSeconds(90);
    private int maxConcurrency = 4;
    private RetryPolicy readRetry = RetryPolicy.defaults();

    private Builder() {}

    /**
     * @param url the API base URL; default {@value #DEFAULT_BASE_URL}
     * @return this builder
     */
    public Builder baseUrl(String url) {
      URI u = URI.create(url.strip());
      if (u.getHost() == null) {
        throw new IllegalArgumentException("replicate base URL must be http(s)://host/...");
      }
      this.baseUrl = u;
      return this;
    }

    /**
     * @param token the API token, or {@code null}
     * @return this builder
     */
    public Builder apiToken(String token) {
      this.token = token == null || token.isBlank() ? null : token.strip();
      return this;
    }

    /**
     * @param model {@code owner/name} or {@code owner/name:version}
     * @return this builder
     */
    public Builder model(String model) {
      if (!model.matches("[\\w.-]+/[\\w.-]+(:[0-9a-f]+)?")) {
        throw new IllegalArgumentException("replicate model must be owner/name[:version], was "
            + model);
      }
      this.model = model;
      return this;
    }

    /**
     * @param format {@code png} or {@code jpg}; default {@code png}
     * @return this builder
     */
    public Builder outputFormat(String format) {
      if (!format.equals("png") && !format.equals("jpg")) {
        throw new IllegalArgumentException("replicate output format must be png or jpg, was "
            + format);
      }
      this.outputFormat = format;
      return this;
    }

    /**
     * @param d how long a prediction may take before it is cancelled; default 5 minutes
     * @return this builder
     */
    public Builder deadline(Duration d) {
      this.deadline = Objects.requireNonNull(d, "deadline");
      return this;
    }

    /**
     * @param d the wait between polls; default 1 s
     * @return this builder
     */
    public Builder pollInterval(Duration d) {
      this.pollInterval = Objects.requireNonNull(d, "pollInterval");
      return this;
    }

    /**
     * @param d how long one HTTP call may take; default 90 s (sync mode waits up to 60 s)
     * @return this builder
     */
    public Builder requestTimeout(Duration d) {
      this.requestTimeout = Objects.requireNonNull(d, "requestTimeout");
      return this;
    }

    /**
     * @param n how many predictions may run at once, 1..64; default 4
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
     * @param policy how polls are retried in-process
     * @return this builder
     */
    public Builder readRetry(RetryPolicy policy) {
      this.readRetry = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * @return the provider
     * @throws ConfigurationException if no token is set and the base URL is not local
     */
    public ReplicateImageProvider build() {
      if (token == null && !SafeDownload.isLoopback(baseUrl.getHost())) {
        throw new ConfigurationException("No Replicate API token: set the environment variable "
            + TOKEN_ENV + ", or pass it with ReplicateImageProvider.builder().apiToken(...) or"
            + " the setting replicate.apiToken.");
      }
      return new ReplicateImageProvider(this);
    }
  }
}
