package dev.storyreel.replicate;

import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.RetriableException;
import dev.storyreel.core.Usage;
import dev.storyreel.core.http.ClipChecks;
import dev.storyreel.core.http.SafeDownload;
import dev.storyreel.core.spi.ClipProvider;
import dev.storyreel.core.spi.ClipRequest;
import dev.storyreel.core.spi.GeneratedClip;
import dev.storyreel.core.spi.PendingWork;
import java.net.URI;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.LoggerFactory;

/**
 * Sets a segment's still in motion with a Replicate image-to-video model, by default {@value
 * #DEFAULT_MODEL} (Wan 2.2 image-to-video, PrunaAI's fast build: an official model, a 480p clip
 * of 81..121 frames at 16 fps in about a minute, the cheapest of Replicate's image-to-video
 * collection at the time of writing); any image-to-video model can be named {@code owner/name}
 * or {@code owner/name:version}.
 *
 * <p>Flow: the predictions API exactly as {@link ReplicateImageProvider} uses it (sync mode with
 * {@code Prefer: wait=60}, then polling; the prediction id recorded in the caller's {@link
 * PendingWork} at once, so a resumed job polls it instead of paying again; cancelled past the
 * deadline, 10 minutes by default). The output URL is downloaded with {@link
 * SafeDownload#video}: https only (http to loopback for tests), a 64 MiB cap, the {@code ftyp}
 * magic; a model that answers with an image instead of a video is a non-retriable error. The
 * pipeline then stores the clip (it is paid for) and decodes it with the renderer before use.
 *
 * <p>Input sent, by the model's own input names ({@link #input(String, ClipRequest)}); the still
 * goes as a {@code data:} URI, the prompt is the image prompt followed by the motion hint:
 *
 * <table>
 *   <caption>Inputs by model</caption>
 *   <tr><th>model</th><th>inputs</th></tr>
 *   <tr><td>{@code wan-video/wan-2.2-i2v-fast} (default)</td><td>{@code image}, {@code prompt},
 *       {@code num_frames} (the narration at 16 fps, 81..121), {@code frames_per_second} 16,
 *       {@code resolution} {@code 480p}, {@code go_fast} true, {@code seed}</td></tr>
 *   <tr><td>{@code wan-video/wan-2.5-i2v}, {@code wan-video/wan-2.5-i2v-fast}</td><td>{@code
 *       image}, {@code prompt}, {@code duration} 5 or 10, {@code resolution} {@code 480p},
 *       {@code seed}</td></tr>
 *   <tr><td>{@code kwaivgi/kling-v2.1}, {@code kwaivgi/kling-v2.5-turbo-pro}</td><td>{@code
 *       start_image}, {@code prompt}, {@code duration} 5 or 10, {@code mode} {@code standard}
 *       (v2.1 only)</td></tr>
 *   <tr><td>{@code minimax/video-01-live}, {@code minimax/hailuo-02}</td><td>{@code
 *       first_frame_image}, {@code prompt}, {@code prompt_optimizer} false</td></tr>
 *   <tr><td>any other</td><td>{@code image}, {@code prompt}, {@code duration} (whole seconds,
 *       rounded up), {@code seed}</td></tr>
 * </table>
 *
 * <p>{@code ReplicateClipProvider.builder().model("kwaivgi/kling-v2.1").build()}
 *
 * <p>Immutable and thread-safe; one instance may serve many calls at once.
 */
public final class ReplicateClipProvider implements ClipProvider {
  /** The default model: {@value}. */
  public static final String DEFAULT_MODEL = "wan-video/wan-2.2-i2v-fast";
  /** The default model's frame rate: {@value} fps. */
  static final int WAN_FPS = 16;
  /** The default model's shortest clip, in frames: {@value}. */
  static final int WAN_MIN_FRAMES = 81;
  /** The default model's longest clip, in frames: {@value}. */
  static final int WAN_MAX_FRAMES = 121;

  private final Predictions predictions;
  private final String model;
  private final int maxConcurrency;
  private final String hostAndPort;
  private final SafeDownload download;

  private ReplicateClipProvider(Builder b) {
    this.predictions = new Predictions(b, "makes videos",
        LoggerFactory.getLogger(ReplicateClipProvider.class));
    this.model = b.model;
    this.maxConcurrency = b.maxConcurrency;
    this.hostAndPort = b.hostAndPort();
    this.download = SafeDownload.builder().maxBytes(ClipChecks.DEFAULT_MAX_BYTES)
        .timeout(Duration.ofMinutes(2)).build();
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

  /** @return model and base URL; never the token */
  @Override
  public String fingerprint() {
    return "replicate-clips/" + model + "@" + hostAndPort;
  }

  /**
   * The input a model is sent for a request, by the model's own input names (see the class
   * comment's table).
   *
   * @param model {@code owner/name} or {@code owner/name:version}
   * @param request the request
   * @return the input, in a stable order
   */
  public static Map<String, Object> input(String model, ClipRequest request) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(request, "request");
    String name = model.contains(":") ? model.substring(0, model.indexOf(':')) : model;
    String image = "data:" + request.imageMediaType() + ";base64,"
        + Base64.getEncoder().encodeToString(request.image());
    String prompt = request.motion().isBlank() ? request.prompt()
        : request.prompt() + ". Motion: " + request.motion();
    double seconds = request.duration().toNanos() / 1e9;
    long seed = Math.floorMod(request.seed(), 1L << 31);
    Map<String, Object> in = new LinkedHashMap<>();
    switch (name) {
      case "wan-video/wan-2.2-i2v-fast" -> {
        in.put("image", image);
        in.put("prompt", prompt);
        int frames = (int) Math.ceil(seconds * WAN_FPS);
        in.put("num_frames", Math.max(WAN_MIN_FRAMES, Math.min(WAN_MAX_FRAMES, frames)));
        in.put("frames_per_second", WAN_FPS);
        in.put("resolution", "480p");
        in.put("go_fast", true);
        in.put("seed", seed);
      }
      case "wan-video/wan-2.5-i2v", "wan-video/wan-2.5-i2v-fast" -> {
        in.put("image", image);
        in.put("prompt", prompt);
        in.put("duration", seconds > 5 ? 10 : 5);
        in.put("resolution", "480p");
        in.put("seed", seed);
      }
      case "kwaivgi/kling-v2.1", "kwaivgi/kling-v2.5-turbo-pro" -> {
        in.put("start_image", image);
        in.put("prompt", prompt);
        in.put("duration", seconds > 5 ? 10 : 5);
        if (name.equals("kwaivgi/kling-v2.1")) {
          in.put("mode", "standard");
        }
      }
      case "minimax/video-01-live", "minimax/hailuo-02" -> {
        in.put("first_frame_image", image);
        in.put("prompt", prompt);
        in.put("prompt_optimizer", false);
      }
      default -> {
        in.put("image", image);
        in.put("prompt", prompt);
        in.put("duration", (int) Math.max(1, Math.ceil(seconds)));
        in.put("seed", seed);
      }
    }
    return in;
  }

  /**
   * Makes one clip with a fresh in-memory note: the same as {@code generate(request,
   * PendingWork.inMemory())}.
   *
   * @param request what to make; never {@code null}
   * @return the clip; never {@code null}
   * @throws NonRetriableException as {@link #generate(ClipRequest, PendingWork)}
   * @throws RetriableException as {@link #generate(ClipRequest, PendingWork)}
   */
  @Override
  public GeneratedClip generate(ClipRequest request) {
    return generate(request, PendingWork.inMemory());
  }

  /**
   * Makes one clip, paying for at most one prediction per call and resuming the prediction an
   * earlier call recorded in {@code pending}; the steps and the failures are those of {@link
   * ReplicateImageProvider#generate(dev.storyreel.core.spi.ImageRequest, PendingWork)}, with the
   * output checked by {@link SafeDownload#video} instead of decoded.
   *
   * @param request what to make; never {@code null}
   * @param pending this clip's note of a paid prediction; never {@code null}
   * @return the clip, with {@link Usage#images(long) one output} as its usage (priced per clip
   *     by the price table's {@code usdPerImage})
   * @throws NonRetriableException if the prediction failed or was cancelled, ran past the
   *     deadline, or its output is not a video (an image, an HTML page, over 64 MiB, served by
   *     plain http to a remote host); or if creating it failed in a way that may have been billed
   * @throws RetriableException on 429/503/refused connections when creating; when polls or the
   *     download kept failing (the note is kept: the next call resumes without paying again)
   */
  @Override
  public GeneratedClip generate(ClipRequest request, PendingWork pending) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(pending, "pending");
    return predictions.run(input(model, request), pending, "segment " + request.segmentIndex(),
        this::read);
  }

  /** One download of the output, checked as a video. */
  private GeneratedClip read(URI uri, String predictionId, String ctx) {
    SafeDownload.Download d = download.video("replicate", uri, ctx);
    return new GeneratedClip(d.bytes(), d.mediaType(), Usage.images(1));
  }

  @Override
  public String toString() {
    return "ReplicateClipProvider[" + model + ", " + hostAndPort + "]";
  }

  /**
   * Builds a {@link ReplicateClipProvider}; not thread-safe. The setters it shares with the
   * other Replicate providers (base URL, token, model, deadline, poll interval, request timeout,
   * download attempts, concurrency, read retry) are described on each; the deadline defaults to
   * 10 minutes here (video models take one to five).
   */
  public static final class Builder extends ReplicateOptions<Builder> {
    private Builder() {
      super(DEFAULT_MODEL, Duration.ofMinutes(10));
    }

    /**
     * @return the provider
     * @throws ConfigurationException if no token is set and the base URL is not local
     */
    public ReplicateClipProvider build() {
      requireToken("ReplicateClipProvider.builder()");
      return new ReplicateClipProvider(this);
    }
  }
}
