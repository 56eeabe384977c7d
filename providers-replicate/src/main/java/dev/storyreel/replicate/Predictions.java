package dev.storyreel.replicate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.storyreel.core.ContentRefusedException;
import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.Redactor;
import dev.storyreel.core.RetriableException;
import dev.storyreel.core.RetryPolicy;
import dev.storyreel.core.StoryReelException;
import dev.storyreel.core.http.HttpTransport;
import dev.storyreel.core.http.KeyUse;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;
import dev.storyreel.core.spi.PendingWork;
import dev.storyreel.replicate.internal.Prediction;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;

/**
 * The prediction machinery the Replicate providers share: create one paid prediction (sync mode,
 * {@code Prefer: wait=60}) and record its id in the caller's {@link PendingWork} at once; resume
 * a recorded one; poll with in-process retries until the deadline; cancel it past the deadline;
 * download its output with in-process retries through an {@link OutputReader}.
 *
 * <p>Never pays twice: creating is retried only when the server surely made nothing (429, 503,
 * connection refused: {@link HttpTransport}'s rule for billed calls), never once it answered
 * with an id. The note is cleared only when the recorded work is gone for good.
 *
 * <p>Immutable and thread-safe.
 */
final class Predictions {
  /** Replicate ids are base32 in lower case; anything else would be spliced into a path. */
  private static final Pattern VALID_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

  private final HttpTransport http;
  private final String model;
  private final Duration deadline;
  private final Duration pollInterval;
  private final int downloadAttempts;
  private final RetryPolicy readRetry;
  private final String makes;
  private final Logger log;

  /**
   * @param options the provider's settings
   * @param makes what the model makes, for messages: {@code "draws images"}
   * @param log where to log, under the provider's own name
   */
  Predictions(ReplicateOptions<?> options, String makes, Logger log) {
    this.log = log;
    this.model = options.model;
    this.deadline = options.deadline;
    this.pollInterval = options.pollInterval;
    this.downloadAttempts = options.downloadAttempts;
    this.readRetry = options.readRetry;
    this.makes = makes;
    this.http = HttpTransport.builder("replicate", options.baseUrl).bearer(options.token)
        .keyPool(options.tokenPool()).requestTimeout(options.requestTimeout).readRetry(options.readRetry).build();
  }

  /**
   * Reads one download of a prediction's output into what the provider returns.
   *
   * @param <T> what the provider returns
   */
  @FunctionalInterface
  interface OutputReader<T> {
    /**
     * Downloads and checks the output once.
     *
     * @param uri the output URL
     * @param predictionId the prediction it belongs to
     * @param ctx what it is for, for messages
     * @return the result; never {@code null}
     * @throws RetriableException if a new download may succeed (5xx, reset, timeout)
     * @throws NonRetriableException if it cannot: HTTP 404 or 410 (the file is not there yet,
     *     or gone), or a file that is not acceptable
     * @throws BadOutput if the bytes arrived but do not decode (perhaps truncated)
     */
    T read(URI uri, String predictionId, String ctx);
  }

  /** The downloaded bytes do not decode; the same identity twice means the file itself is bad. */
  static final class BadOutput extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient NonRetriableException failure;
    private final byte[] identity;

    /**
     * @param failure why it does not decode
     * @param identity the bytes, or a digest of them, to recognise the same file again
     */
    BadOutput(NonRetriableException failure, byte[] identity) {
      super(null, null, false, false);
      this.failure = failure;
      this.identity = identity.clone();
    }
  }

  /** @return the model, {@code owner/name} or {@code owner/name:version} */
  String model() {
    return model;
  }

  /**
   * Runs one prediction to its output, paying for at most one per call and resuming the one an
   * earlier call recorded in {@code pending}. See {@link
   * ReplicateImageProvider#generate(dev.storyreel.core.spi.ImageRequest, PendingWork)} for the
   * steps and the failures.
   *
   * @param input the model's input, sent when a prediction is created
   * @param pending the asset's note
   * @param ctx what it is for ({@code "segment 4"}), for messages
   * @param reader downloads and checks the output
   * @param <T> what the provider returns
   * @return the output
   */
  <T> T run(Map<String, Object> input, PendingWork pending, String ctx, OutputReader<T> reader) {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(pending, "pending");
    Call call = new Call(ctx, System.nanoTime() + deadline.toNanos(),
        new AtomicReference<>(http));
    Prediction.Response p = resume(pending, call);
    if (p != null) {
      p = awaitTerminal(p, pending, call);
      T out = deliver(p, pending, call, false, reader);
      if (out != null) {
        return out;
      }
    }
    p = awaitTerminal(create(input, pending, call), pending, call);
    return deliver(p, pending, call, true, reader);
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
      log.atWarn().log(() -> Redactor.redact("replicate (" + call.ctx() + "): the recorded"
          + " prediction id is not a Replicate id; it was dropped and a new prediction is"
          + " created."));
      return null;
    }
    Optional<Prediction.Response> p = fetch(id, call);
    if (p.isEmpty()) {
      pending.clear();
      log.atInfo().log(() -> Redactor.redact("replicate (" + call.ctx() + "): prediction "
          + id + " from an earlier attempt is no longer held by Replicate (404); creating a new"
          + " one, which is billed again."));
      return null;
    }
    log.atDebug().log(() -> Redactor.redact("replicate (" + call.ctx() + "): resuming"
        + " prediction " + id + " (" + p.get().status() + ") instead of creating a new one."));
    return p.get();
  }

  /** Creates (and pays for) one prediction and records its id before anything else. */
  private Prediction.Response create(Map<String, Object> input, PendingWork pending, Call call) {
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
    // With several tokens, the prediction is followed with the token that made it: another
    // account's token cannot see it.
    OptionalInt by = KeyUse.last();
    if (by.isPresent()) {
      call.follow().set(http.pinned(by.getAsInt()));
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
        cancel(id, call);
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
      r = call.follow().get().send("GET", "/predictions/" + id, null, null, Map.of(), false,
          call.ctx());
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
   * @return the output, or {@code null} as above
   */
  private <T> T deliver(Prediction.Response p, PendingWork pending, Call call,
      boolean createdHere, OutputReader<T> reader) {
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
          + " succeeded without a usable output URL; check that the model " + makes + ".");
    }
    StoryReelException last = null;
    byte[] lastBad = null;
    for (int attempt = 1; attempt <= downloadAttempts; attempt++) {
      if (attempt > 1) {
        // A file host's long Retry-After is left to the task graph, which honours it.
        Duration wait = readRetry.delayAfter(attempt - 1, retryAfter(last));
        HttpTransport.sleep(wait.compareTo(readRetry.maxDelay()) > 0 ? readRetry.maxDelay() : wait);
      }
      try {
        return reader.read(uri, p.id(), ctx);
      } catch (RetriableException e) {
        last = e;
      } catch (NonRetriableException e) {
        int status = httpStatus(e);
        if (status != 404 && status != 410) {
          throw e; // not acceptable, over the cap, not https: the note is kept for a rerun
        }
        if (!createdHere) {
          return gone(p.id(), pending, call, "its output file is gone (HTTP " + status + ")");
        }
        last = e; // a fresh file can take a moment to reach the file host
      } catch (BadOutput e) {
        if (Arrays.equals(lastBad, e.identity)) {
          // The same bytes twice: the file itself is bad, downloading it again cannot help.
          pending.clear();
          throw new NonRetriableException(e.failure.getMessage() + " The same file was"
              + " downloaded twice; prediction " + p.id() + " is dropped, and running the job"
              + " again creates a new one.", e.failure);
        }
        lastBad = e.identity;
        last = e.failure;
      }
    }
    throw new RetriableException("replicate (" + ctx + "): the output of prediction " + p.id()
        + " could not be downloaded in " + downloadAttempts + " tries (last: "
        + last.getMessage() + "). The prediction is kept: the next attempt downloads it again"
        + " without paying for a new one.", last, retryAfter(last));
  }

  private <T> T gone(String id, PendingWork pending, Call call, String why) {
    pending.clear();
    log.atInfo().log(() -> Redactor.redact("replicate (" + call.ctx() + "): prediction " + id
        + " from an earlier attempt succeeded, but " + why + "; creating a new one, which is"
        + " billed again."));
    return null;
  }

  private void cancel(String id, Call call) {
    String ctx = call.ctx();
    try {
      call.follow().get().send("POST", "/predictions/" + id + "/cancel", null, null, Map.of(),
          false, ctx);
    } catch (StoryReelException e) {
      // Best effort: Replicate also cancels at its own deadline.
      log.atDebug().log(() -> Redactor.redact("replicate: cancelling " + id + " failed: "
          + e.getMessage()));
    }
  }

  /**
   * @return the HTTP status a failure carries ({@link StoryReelException#httpStatus()}), or 0 if
   *     it was not an HTTP answer
   */
  static int httpStatus(StoryReelException e) {
    return e.httpStatus().orElse(0);
  }

  /**
   * Whether a failed prediction's error is the model's safety checker ("NSFW content detected",
   * flux and SDXL models' wording), as opposed to a bad input.
   */
  static boolean isNsfwRefusal(String error) {
    return error != null && error.toLowerCase(java.util.Locale.ROOT).contains("nsfw");
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

  /** One call of {@link #run}. */
  /**
   * @param ctx what the call is for, for messages
   * @param deadlineAtNanos when it must be over, {@link System#nanoTime()}
   * @param follow the transport that polls and cancels: pinned to the token that created the
   *     prediction once it is created
   */
  private record Call(String ctx, long deadlineAtNanos, AtomicReference<HttpTransport> follow) {}

  /** A read that may succeed if repeated; carries the failure for the final message. */
  private static final class TransientRead extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient StoryReelException failure;

    TransientRead(StoryReelException failure) {
      super(null, null, false, false);
      this.failure = failure;
    }
  }
}
