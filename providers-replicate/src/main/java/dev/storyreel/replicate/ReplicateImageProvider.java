package dev.storyreel.replicate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.ContentRefusedException;
import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.Redactor;
import dev.storyreel.core.RetriableException;
import dev.storyreel.core.RetryPolicy;
import dev.storyreel.core.StoryReelException;
import dev.storyreel.core.Usage;
import dev.storyreel.core.http.HttpTransport;
import dev.storyreel.core.http.SafeDownload;
import dev.storyreel.core.spi.GeneratedImage;
import dev.storyreel.core.spi.ImageProvider;
import dev.storyreel.core.spi.ImageRequest;
import dev.storyreel.core.spi.PendingWork;
import dev.storyreel.replicate.internal.Prediction;
import java.awt.image.BufferedImage;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

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
 * <p>Never pays twice: creating a prediction is paid, so the create call is retried only when
 * the server surely made nothing (429, 503, connection refused), and never again once it answered
 * with an id. The id is recorded in the caller's {@link PendingWork} at once; polls (free GETs)
 * and downloads are retried in-process, and a later call with the same note resumes the recorded
 * prediction rather than creating another. See {@link #generate(ImageRequest, PendingWork)}.
 *
 * <p>{@code ReplicateImageProvider.builder().model("black-forest-labs/flux-dev").build()
 * .generate(new ImageRequest(0, "a red door", 1080, 1920, 42))}
 *
 * <p>Immutable and thread-safe; one instance may serve many calls at once.
 */
public final class ReplicateImageProvider implements ImageProvider {
  /** The default model: {@value}. */
  public static final String DEFAULT_MODEL = "black-forest-labs/flux-schnell";
  /** The default base URL: {@value}. */
  public static final String DEFAULT_BASE_URL = "https://api.replicate.com/v1";
  /** The environment variable the token is read from. */
  public static final String TOKEN_ENV = "REPLICATE_API_TOKEN";
  private static final System.Logger LOG =
      System.getLogger(ReplicateImageProvider.class.getName());
  /** Replicate ids are base32 in lower case; anything else would be spliced into a path. */
  private static final Pattern VALID_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
  private static final String[] RATIOS =
      {"1:1", "16:9", "21:9", "3:2", "2:3", "4:5", "5:4", "3:4", "4:3", "9:16", "9:21"};

  private final HttpTransport http;
  private final URI baseUrl;
  private final String model;
  private final String outputFormat;
  private final Duration deadline;
  private final Duration pollInterval;
  private final int maxConcurrency;
  private final int downloadAttempts;
  private final RetryPolicy readRetry;
  private final SafeDownload download = SafeDownload.defaults();

  private ReplicateImageProvider(Builder b) {
    this.baseUrl = b.baseUrl;
    this.model = b.model;
    this.outputFormat = b.outputFormat;
    this.deadline = b.deadline;
    this.pollInterval = b.pollInterval;
    this.maxConcurrency = b.maxConcurrency;
    this.downloadAttempts = b.downloadAttempts;
    this.readRetry = b.readRetry;
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
   * Draws one picture with a fresh in-memory note: the same as {@code generate(request,
   * PendingWork.inMemory())}. Within this call a prediction is created at most once; a caller
   * that wants a retried call to resume the prediction instead of paying again uses {@link
   * #generate(ImageRequest, PendingWork)} with the same note.
   *
   * @param request what to draw; never {@code null}
   * @return the image; never {@code null}
   * @throws NonRetriableException as {@link #generate(ImageRequest, PendingWork)}
   * @throws RetriableException as {@link #generate(ImageRequest, PendingWork)}
   */
  @Override
  public GeneratedImage generate(ImageRequest request) {
    return generate(request, PendingWork.inMemory());
  }

  /**
   * Draws one picture, paying for at most one prediction per call and resuming the prediction
   * an earlier call recorded in {@code pending}.
   *
   * <ol>
   *   <li>If {@code pending} holds a prediction id, {@code GET /predictions/{id}}: a prediction
   *       that is running is polled, one that succeeded is downloaded. If Replicate no longer
   *       holds it (404, or {@code data_removed}), or its output file is gone (404/410: Replicate
   *       deletes API outputs after an hour), the note is cleared and a new prediction is
   *       created: the only case that pays again, logged at {@code INFO}.
   *   <li>Otherwise a prediction is created (paid) and its id recorded in {@code pending} at once,
   *       before anything else can fail.
   *   <li>Polls are free GETs: 5xx, 429, resets, timeouts, an HTML page or malformed JSON are
   *       retried in-process with the read retry policy's backoff until the deadline.
   *   <li>The output is downloaded and decoded; 5xx, resets, timeouts and an undecodable file are
   *       retried in-process up to {@link Builder#downloadAttempts} times.
   * </ol>
   *
   * <p>The deadline counts from the start of this call. The note is cleared only when the
   * recorded work is gone for good: the prediction failed or was cancelled, was cancelled at
   * the deadline, has no output, its output cannot be decoded, or Replicate no longer holds
   * it. A successful call leaves it for the caller to clear once the image is stored.
   *
   * @param request what to draw; never {@code null}
   * @param pending this asset's note of a paid prediction; never {@code null}
   * @return the image; never {@code null}
   * @throws NonRetriableException if the prediction failed or was cancelled (with Replicate's
   *     error, credentials masked), ran past the deadline (it is then cancelled), or its output is
   *     not a usable image; or if creating it failed in a way that may have been billed
   * @throws RetriableException on 429/503/refused connections when creating; when polls kept
   *     failing until the deadline or the download kept failing (the note is kept: the next call
   *     with it resumes the prediction without paying again); when Replicate lost a prediction
   *     created in this call (the note is cleared: the next call creates one)
   */
  @Override
  public GeneratedImage generate(ImageRequest request, PendingWork pending) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(pending, "pending");
    Call call = new Call(request, "segment " + request.segmentIndex(),
        System.nanoTime() + deadline.toNanos());
    Prediction.Response p = resume(pending, call);
    if (p != null) {
      p = awaitTerminal(p, pending, call);
      GeneratedImage img = deliver(p, pending, call, false);
      if (img != null) {
        return img;
      }
    }
    p = awaitTerminal(create(pending, call), pending, call);
    return deliver(p, pending, call, true);
  }

  /** @return the recorded prediction, or {@code null} if there is none to resume */
  private Prediction.Response resume(PendingWork pending, Call call) {
    Optional<String> recorded = pending.recorded();
    if (recorded.isEmpty()) {
      return null;
    }
    String id = recorded.get();
    if (!VALID_ID.matcher(id).matches()) {
      pending.clear();
      LOG.log(Level.WARNING, () -> Redactor.redact("replicate (" + call.ctx() + "): the recorded"
          + " prediction id is not a Replicate id; it was dropped and a new prediction is"
          + " created."));
      return null;
    }
    Optional<Prediction.Response> p = fetch(id, call);
    if (p.isEmpty()) {
      pending.clear();
      LOG.log(Level.INFO, () -> Redactor.redact("replicate (" + call.ctx() + "): prediction "
          + id + " from an earlier attempt is no longer held by Replicate (404); creating a new"
          + " one, which is billed again."));
      return null;
    }
    LOG.log(Level.DEBUG, () -> Redactor.redact("replicate (" + call.ctx() + "): resuming"
        + " prediction " + id + " (" + p.get().status() + ") instead of creating a new one."));
    return p.get();
  }

  /** Creates (and pays for) one prediction and records its id before anything else. */
  private Prediction.Response create(PendingWork pending, Call call) {
    ImageRequest request = call.request();
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
          Prediction.Response.class, wait, true, call.ctx());
    } else {
      p = http.postJson("/models/" + model + "/predictions", new Prediction.Request(null, input),
          Prediction.Response.class, wait, true, call.ctx());
    }
    if (p.id() == null || !VALID_ID.matcher(p.id()).matches()) {
      throw new NonRetriableException("replicate (" + call.ctx() + "): the created prediction"
          + " has no usable id, so it cannot be followed; check the base URL points at"
          + " Replicate's API.");
    }
    pending.record(p.id());
    return p;
  }

  /** Polls until the prediction is terminal; cancels it past the deadline. */
  private Prediction.Response awaitTerminal(Prediction.Response first, PendingWork pending,
      Call call) {
    Prediction.Response p = first;
    String id = first.id();
    while (!p.isTerminal()) {
      long leftNanos = call.deadlineAtNanos() - System.nanoTime();
      if (leftNanos <= 0) {
        cancel(id, call.ctx());
        pending.clear();
        throw new NonRetriableException("replicate (" + call.ctx() + "): prediction " + id
            + " was still " + p.status() + " after " + deadline.toSeconds() + " s; it was"
            + " cancelled. Not retried (Replicate bills the time used). Raise the deadline"
            + " (replicate.deadlineSeconds) or try a faster model.");
      }
      HttpTransport.sleep(shorter(pollInterval, leftNanos));
      Optional<Prediction.Response> next = fetch(id, call);
      if (next.isEmpty()) {
        pending.clear();
        throw new RetriableException("replicate (" + call.ctx() + "): Replicate no longer knows"
            + " prediction " + id + " (HTTP 404 while polling); the next attempt creates a new"
            + " one.");
      }
      p = next.get();
    }
    return p;
  }

  /**
   * GETs a prediction, retrying transient failures (5xx, 429, resets, timeouts, HTML, malformed
   * JSON) in-process with backoff until the deadline.
   *
   * @return the prediction, or empty if Replicate answers 404
   * @throws RetriableException if it could not be read before the deadline
   */
  private Optional<Prediction.Response> fetch(String id, Call call) {
    for (int failures = 1; ; failures++) {
      StoryReelException failure;
      try {
        return pollOnce(id, call);
      } catch (TransientRead e) {
        failure = e.failure;
      }
      long leftNanos = call.deadlineAtNanos() - System.nanoTime();
      if (leftNanos <= 0) {
        throw new RetriableException("replicate (" + call.ctx() + "): prediction " + id
            + " could not be read before the deadline (" + failures + " tries; last: "
            + failure.getMessage() + "). The prediction is kept: the next attempt resumes it"
            + " without paying again.", failure, retryAfter(failure));
      }
      HttpTransport.sleep(shorter(readRetry.delayAfter(failures, retryAfter(failure)),
          leftNanos));
    }
  }

  private Optional<Prediction.Response> pollOnce(String id, Call call) {
    HttpTransport.Response r;
    try {
      r = http.send("GET", "/predictions/" + id, null, null, Map.of(), false, call.ctx());
    } catch (RetriableException e) {
      throw new TransientRead(e);
    } catch (NonRetriableException e) {
      if (httpStatus(e) == 404) {
        return Optional.empty();
      }
      throw e; // 401, 403, ...: a setting is wrong; the note is kept for a rerun
    }
    Prediction.Response p;
    try {
      p = r.json(Prediction.Response.class);
    } catch (StoryReelException e) {
      // An HTML page or broken JSON on a GET is a proxy's or a load balancer's hiccup; the
      // GET changes nothing, so asking again is free and safe.
      throw new TransientRead(e);
    }
    if (p.status() == null) {
      throw new TransientRead(new RetriableException("replicate GET /predictions/" + id + " ("
          + call.ctx() + ") answered without a status."));
    }
    return Optional.of(p);
  }

  /**
   * Checks the verdict and downloads the output.
   *
   * @param createdHere whether this call created the prediction; if not, an output that is gone
   *     makes this return {@code null} (the note cleared) so that the caller creates a new one
   * @return the image, or {@code null} as above
   */
  private GeneratedImage deliver(Prediction.Response p, PendingWork pending, Call call,
      boolean createdHere) {
    String ctx = call.ctx();
    if (!p.succeeded()) {
      pending.clear();
      String message = "replicate (" + ctx + "): prediction " + p.id() + " "
          + p.status() + (p.error() != null ? ": " + vendorText(p.error()) : "")
          + ". Not retried: Replicate refused this input. Check the prompt and the model's"
          + " inputs.";
      if (isNsfwRefusal(p.error())) {
        throw new ContentRefusedException(message, "replicate", 0);
      }
      throw new NonRetriableException(message, null, "replicate", 0);
    }
    if (p.outputRemoved() && !createdHere) {
      return gone(p.id(), pending, call, "Replicate has deleted its output");
    }
    String url = firstUrl(p.output());
    URI uri;
    try {
      uri = url == null ? null : URI.create(url);
    } catch (IllegalArgumentException e) {
      uri = null;
    }
    if (uri == null) {
      pending.clear();
      throw new NonRetriableException("replicate (" + ctx + "): prediction " + p.id()
          + " succeeded without a usable output URL; check that the model draws images.");
    }
    StoryReelException last = null;
    byte[] lastUndecodable = null;
    for (int attempt = 1; attempt <= downloadAttempts; attempt++) {
      if (attempt > 1) {
        // A file host's long Retry-After is left to the task graph, which honours it.
        Duration wait = readRetry.delayAfter(attempt - 1, retryAfter(last));
        HttpTransport.sleep(wait.compareTo(readRetry.maxDelay()) > 0 ? readRetry.maxDelay() : wait);
      }
      SafeDownload.Download d;
      try {
        d = download.image("replicate", uri, ctx);
      } catch (RetriableException e) {
        last = e;
        continue;
      } catch (NonRetriableException e) {
        int status = httpStatus(e);
        if (status != 404 && status != 410) {
          throw e; // not an image, over the cap, not https: the note is kept for a rerun
        }
        if (!createdHere) {
          return gone(p.id(), pending, call, "its output file is gone (HTTP " + status + ")");
        }
        last = e; // a fresh file can take a moment to reach the file host
        continue;
      }
      try {
        BufferedImage img = SafeDownload.decodeImage("replicate", d.bytes(),
            SafeDownload.DEFAULT_MAX_PIXELS, ctx);
        return new GeneratedImage(d.bytes(), d.mediaType(), img.getWidth(), img.getHeight(),
            Usage.images(1));
      } catch (NonRetriableException e) {
        if (Arrays.equals(lastUndecodable, d.bytes())) {
          // The same bytes twice: the file itself is bad, downloading it again cannot help.
          pending.clear();
          throw new NonRetriableException(e.getMessage() + " The same file was downloaded twice;"
              + " prediction " + p.id() + " is dropped, and running the job again creates a new"
              + " one.", e);
        }
        lastUndecodable = d.bytes();
        last = e;
      }
    }
    throw new RetriableException("replicate (" + ctx + "): the output of prediction " + p.id()
        + " could not be downloaded in " + downloadAttempts + " tries (last: "
        + last.getMessage() + "). The prediction is kept: the next attempt downloads it again"
        + " without paying for a new one.", last, retryAfter(last));
  }

  private static GeneratedImage gone(String id, PendingWork pending, Call call, String why) {
    pending.clear();
    LOG.log(Level.INFO, () -> Redactor.redact("replicate (" + call.ctx() + "): prediction " + id
        + " from an earlier attempt succeeded, but " + why + "; creating a new one, which is"
        + " billed again."));
    return null;
  }

  private void cancel(String id, String ctx) {
    try {
      http.send("POST", "/predictions/" + id + "/cancel", null, null, Map.of(), false, ctx);
    } catch (StoryReelException e) {
      // Best effort: Replicate also cancels at its own deadline.
      LOG.log(Level.DEBUG, () -> Redactor.redact("replicate: cancelling " + id + " failed: "
          + e.getMessage()));
    }
  }

  /**
   * @return the HTTP status a failure carries ({@link StoryReelException#httpStatus()}), or 0 if
   *     it was not an HTTP answer
   */
  private static int httpStatus(StoryReelException e) {
    return e.httpStatus().orElse(0);
  }

  /**
   * Whether a failed prediction's error is the model's safety checker ("NSFW content detected",
   * flux and SDXL models' wording), as opposed to a bad input.
   */
  static boolean isNsfwRefusal(String error) {
    return error != null && error.toLowerCase(Locale.ROOT).contains("nsfw");
  }

  private static Duration retryAfter(StoryReelException e) {
    return e instanceof RetriableException r ? r.retryAfter() : null;
  }

  private static Duration shorter(Duration d, long leftNanos) {
    return d.toNanos() <= leftNanos ? d : Duration.ofNanos(leftNanos);
  }

  /** A vendor's free text, on one line, at most 500 characters, credentials masked. */
  private static String vendorText(String s) {
    String one = s.replaceAll("\\s+", " ").strip();
    return Redactor.redact(one.length() > 500 ? one.substring(0, 500) + "..." : one);
  }

  /** One call of {@link #generate(ImageRequest, PendingWork)}. */
  private record Call(ImageRequest request, String ctx, long deadlineAtNanos) {}

  /** A read that may succeed if repeated; carries the failure for the final message. */
  private static final class TransientRead extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient StoryReelException failure;

    TransientRead(StoryReelException failure) {
      super(null, null, false, false);
      this.failure = failure;
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
    private int downloadAttempts = 5;
    private RetryPolicy readRetry = RetryPolicy.defaults();

    private Builder() {}

    /**
     * @param url the API base URL, {@code http(s)://host/...} without user info; default
     *     {@value #DEFAULT_BASE_URL}
     * @return this builder
     * @throws IllegalArgumentException if it is not such a URL
     */
    public Builder baseUrl(String url) {
      URI u = URI.create(url.strip());
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if (u.getHost() == null || u.getRawUserInfo() != null
          || !(scheme.equals("https") || scheme.equals("http"))) {
        throw new IllegalArgumentException(
            "replicate base URL must be http(s)://host/... without user info");
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
     * @param d how long one call may wait for its prediction (counted from the start of {@code
     *     generate}) before the prediction is cancelled; positive; default 5 minutes
     * @return this builder
     * @throws IllegalArgumentException if zero or negative
     */
    public Builder deadline(Duration d) {
      this.deadline = positive(d, "deadline");
      return this;
    }

    /**
     * @param d the wait between polls of a running prediction; positive; default 1 s
     * @return this builder
     * @throws IllegalArgumentException if zero or negative
     */
    public Builder pollInterval(Duration d) {
      this.pollInterval = positive(d, "pollInterval");
      return this;
    }

    /**
     * @param d how long one HTTP call may take; positive; default 90 s (sync mode waits up to
     *     60 s)
     * @return this builder
     * @throws IllegalArgumentException if zero or negative
     */
    public Builder requestTimeout(Duration d) {
      this.requestTimeout = positive(d, "requestTimeout");
      return this;
    }

    /**
     * @param n how many times one call downloads a prediction's output before it gives up with
     *     a {@link RetriableException} (keeping the prediction for the next call), 1..20;
     *     default 5
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder downloadAttempts(int n) {
      if (n < 1 || n > 20) {
        throw new IllegalArgumentException("downloadAttempts must be 1..20, was " + n);
      }
      this.downloadAttempts = n;
      return this;
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + d);
      }
      return d;
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
     * @param policy the backoff between in-process retries of failed polls (until the deadline)
     *     and failed downloads (up to {@link #downloadAttempts}); default {@link
     *     RetryPolicy#defaults()}
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
