package dev.storyreel.replicate;

import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.RetriableException;
import dev.storyreel.core.Usage;
import dev.storyreel.core.http.SafeDownload;
import dev.storyreel.core.spi.GeneratedImage;
import dev.storyreel.core.spi.ImageProvider;
import dev.storyreel.core.spi.ImageRequest;
import dev.storyreel.core.spi.PendingWork;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.LoggerFactory;

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
  public static final String DEFAULT_BASE_URL = ReplicateOptions.DEFAULT_BASE_URL;
  /** The environment variable the token is read from: {@value}. */
  public static final String TOKEN_ENV = ReplicateOptions.TOKEN_ENV;
  private static final String[] RATIOS =
      {"1:1", "16:9", "21:9", "3:2", "2:3", "4:5", "5:4", "3:4", "4:3", "9:16", "9:21"};

  private final Predictions predictions;
  private final URI baseUrl;
  private final String model;
  private final String outputFormat;
  private final int maxConcurrency;
  private final String hostAndPort;
  private final SafeDownload download = SafeDownload.defaults();

  private ReplicateImageProvider(Builder b) {
    this.predictions = new Predictions(b, "draws images",
        LoggerFactory.getLogger(ReplicateImageProvider.class));
    this.baseUrl = b.baseUrl;
    this.model = b.model;
    this.outputFormat = b.outputFormat;
    this.maxConcurrency = b.maxConcurrency;
    this.hostAndPort = b.hostAndPort();
  }

  /** @return a builder with the defaults (token from {@code REPLICATE_API_TOKEN} if set) */
  public static Builder builder() {
    return new Builder();
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
    return "replicate-images/" + model + "/" + outputFormat + "@" + hostAndPort;
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
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("prompt", request.prompt());
    input.put("aspect_ratio", aspectRatio(request.widthPx(), request.heightPx()));
    input.put("seed", Math.floorMod(request.seed(), 1L << 31));
    input.put("output_format", outputFormat);
    input.put("num_outputs", 1);
    return predictions.run(input, pending, "segment " + request.segmentIndex(), this::read);
  }

  /** One download of the output, decoded under the pixel cap. */
  private GeneratedImage read(URI uri, String predictionId, String ctx) {
    SafeDownload.Download d = download.image("replicate", uri, ctx);
    try {
      BufferedImage img = SafeDownload.decodeImage("replicate", d.bytes(),
          SafeDownload.DEFAULT_MAX_PIXELS, ctx);
      return new GeneratedImage(d.bytes(), d.mediaType(), img.getWidth(), img.getHeight(),
          Usage.images(1));
    } catch (NonRetriableException e) {
      throw new Predictions.BadOutput(e, d.bytes());
    }
  }

  @Override
  public String toString() {
    return "ReplicateImageProvider[" + model + ", " + baseUrl.getHost() + "]";
  }

  /**
   * Builds a {@link ReplicateImageProvider}; not thread-safe. The setters it shares with the
   * other Replicate providers (base URL, token, model, deadline, poll interval, request timeout,
   * download attempts, concurrency, read retry) are described on each; the deadline defaults to
   * 5 minutes here.
   */
  public static final class Builder extends ReplicateOptions<Builder> {
    private String outputFormat = "png";

    private Builder() {
      super(DEFAULT_MODEL, Duration.ofMinutes(5));
    }

    /**
     * @param format {@code png} or {@code jpg}; default {@code png}
     * @return this builder
     * @throws IllegalArgumentException if neither
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
     * @return the provider
     * @throws ConfigurationException if no token is set and the base URL is not local
     */
    public ReplicateImageProvider build() {
      requireToken("ReplicateImageProvider.builder()");
      return new ReplicateImageProvider(this);
    }
  }
}
