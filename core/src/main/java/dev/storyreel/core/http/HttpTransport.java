package dev.storyreel.core.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.storyreel.core.AuthenticationException;
import dev.storyreel.core.QuotaExceededException;
import dev.storyreel.core.RateLimitException;
import dev.storyreel.core.Redactor;
import dev.storyreel.core.RetriableException;
import dev.storyreel.core.RetryPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;

/**
 * The HTTP layer every StoryReel provider shares, over {@link java.net.http.HttpClient}: a base
 * URL, timeouts, a {@code User-Agent}, a bearer credential, JSON through Jackson, and the one
 * failure mapping of {@link HttpFailures}.
 *
 * <p><b>Retries.</b> This layer retries only idempotent reads in-process ({@link #getJson},
 * polling a prediction), with the job's {@link RetryPolicy} (the same backoff, jitter and {@code
 * Retry-After} rule the task graph uses), because repeating the whole task there would create and
 * pay for a second asset. Every other call is tried once; its {@link RetriableException} goes to
 * the task graph, which retries the task. A paid call is never repeated after the server may have
 * billed it (see {@link HttpFailures}).
 *
 * <p>The credential is sent only to the base URL's host, never logged and never put into
 * messages or {@link #toString()}. Immutable and thread-safe; share one per provider
 * configuration.
 */
public final class HttpTransport {
  /**
   * Compact JSON, {@code null} fields left out, unknown fields ignored. Private: a mapper is
   * mutable ({@code configure}, {@code registerModule}), and one caller changing a shared one
   * would change every provider's wire format. Callers get the immutable {@link #jsonReader()}
   * and {@link #jsonWriter()} made from it.
   */
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .serializationInclusion(JsonInclude.Include.NON_NULL)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  private static final ObjectReader READER = MAPPER.reader();
  private static final ObjectWriter WRITER = MAPPER.writer();

  /** The {@code User-Agent} sent by default. */
  public static final String USER_AGENT = "storyreel/0.1.0 (+java.net.http)";

  /** The largest answer read, in bytes (64 MiB): base64 images are a few MiB. */
  public static final int MAX_RESPONSE_BYTES = 64 << 20;

  private final String provider;
  private final URI baseUri;
  private final String credential;
  private final KeyPool keyPool;
  private final String keyHeader;
  private final String keyPrefix;
  private final Map<String, String> headers;
  private final Duration requestTimeout;
  private final RetryPolicy readRetry;
  private final HttpClient client;
  /** The key every call of this transport uses (from 1), or 0 to rotate. */
  private final int pinnedPosition;

  private HttpTransport(Builder b) {
    this.provider = b.provider;
    this.baseUri = b.baseUri;
    this.credential = b.credential;
    this.keyPool = b.keyPool;
    this.keyHeader = b.keyHeader;
    this.keyPrefix = b.keyPrefix;
    this.headers = Map.copyOf(b.headers);
    this.requestTimeout = b.requestTimeout;
    this.readRetry = b.readRetry;
    this.client = HttpClient.newBuilder()
        .connectTimeout(b.connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .version(HttpClient.Version.HTTP_1_1)
        .build();
    this.pinnedPosition = 0;
  }

  private HttpTransport(HttpTransport t, int pinnedPosition) {
    this.provider = t.provider;
    this.baseUri = t.baseUri;
    this.credential = t.credential;
    this.keyPool = t.keyPool;
    this.keyHeader = t.keyHeader;
    this.keyPrefix = t.keyPrefix;
    this.headers = t.headers;
    this.requestTimeout = t.requestTimeout;
    this.readRetry = t.readRetry;
    this.client = t.client;
    this.pinnedPosition = pinnedPosition;
  }

  /**
   * This transport with every call sent with one key of its {@linkplain Builder#keyPool pool}:
   * for the calls that must go with the key that made a resource (polling or cancelling a
   * prediction only its own account can see). Its failures are mapped as without a pool.
   *
   * @param keyPosition the key's position, from 1 (see {@link KeyUse#last()})
   * @return the pinned transport; this one when it has no pool
   * @throws IllegalArgumentException if the position is not in the pool
   */
  public HttpTransport pinned(int keyPosition) {
    if (keyPool == null) {
      return this;
    }
    if (keyPosition < 1 || keyPosition > keyPool.size()) {
      throw new IllegalArgumentException("key position must be 1.." + keyPool.size() + ", was "
          + keyPosition);
    }
    return new HttpTransport(this, keyPosition);
  }

  /**
   * @param provider the provider's name, for messages, for example {@code openai}
   * @param baseUri the API's base URL, for example {@code https://api.openai.com/v1}
   * @return a builder
   */
  public static Builder builder(String provider, URI baseUri) {
    return new Builder(provider, baseUri);
  }

  /** @return the base URL (without credentials) */
  public URI baseUri() {
    return baseUri;
  }

  /** @return the provider's name */
  public String provider() {
    return provider;
  }

  /**
   * Sends one request, once.
   *
   * @param method {@code GET} or {@code POST}
   * @param path the path below the base URL (for example {@code /images/generations}), or an
   *     absolute URL on the base URL's host
   * @param contentType the body's media type, or {@code null} without a body
   * @param body the body, or {@code null}
   * @param extraHeaders more headers for this call; never {@code null}
   * @param paid whether the call makes a billed asset (see {@link HttpFailures})
   * @param context what the call is for, for messages ({@code "segment 3"}), or {@code null}
   * @return the 2xx response
   * @throws dev.storyreel.core.StoryReelException mapped by {@link HttpFailures}
   * @throws CancellationException if the thread was interrupted (the flag is kept)
   */
  public Response send(String method, String path, String contentType, byte[] body,
      Map<String, String> extraHeaders, boolean paid, String context) {
    if (keyPool == null) {
      return sendOnce(method, path, contentType, body, extraHeaders, paid, context, null);
    }
    if (pinnedPosition > 0) {
      Response r = sendOnce(method, path, contentType, body, extraHeaders, paid, context,
          keyPool.keyAt(pinnedPosition));
      KeyUse.record(pinnedPosition);
      return r;
    }
    // A 429 or a 401 is not billed: the same call goes to the next usable key. The pool throws
    // once every key is resting (retriable, with the first wake-up as Retry-After) or dead.
    // Each turn rests or kills a key; the bound only stops keys that wake and 429 again.
    for (int turn = 1; ; turn++) {
      boolean last = turn >= 2 * keyPool.size();
      KeyPool.Lease lease = keyPool.acquire();
      boolean released = false;
      try {
        Response r = sendOnce(method, path, contentType, body, extraHeaders, paid, context,
            lease.key());
        lease.release();
        released = true;
        KeyUse.record(lease.position());
        return r;
      } catch (RateLimitException e) {
        lease.rateLimited(e.retryAfter());
        released = true;
        if (last || !keyPool.hasUsableKey()) {
          throw e;
        }
      } catch (QuotaExceededException e) {
        // One key's account out of money: the others may still have some. OpenAI says so with
        // 429, ElevenLabs (quota_exceeded) with 401 or 429, Replicate with 402.
        if (e.httpStatus().isEmpty()) {
          throw e;
        }
        lease.rateLimited(KeyPool.MAX_BACKOFF);
        released = true;
        if (last || !keyPool.hasUsableKey()) {
          throw e;
        }
      } catch (AuthenticationException e) {
        if (e.httpStatus().orElse(0) != 401) {
          throw e;
        }
        lease.revoked();
        released = true;
        if (keyPool.alive() == 0) {
          throw new AuthenticationException(provider + ": every one of the " + keyPool.size()
              + " API keys was refused (HTTP 401) in this run. Check the keys (they may be"
              + " revoked or mistyped) and run again.", e, provider, 401);
        }
      } finally {
        if (!released) {
          lease.release();
        }
      }
    }
  }

  private Response sendOnce(String method, String path, String contentType, byte[] body,
      Map<String, String> extraHeaders, boolean paid, String context, String pooledKey) {
    URI uri = resolve(path);
    CallInfo call = new CallInfo(provider, method, uri.getRawPath(), context);
    HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(requestTimeout)
        .header("User-Agent", USER_AGENT)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      rb.header("Content-Type", contentType);
    }
    headers.forEach(rb::header);
    extraHeaders.forEach(rb::header);
    if (pooledKey != null && sameOrigin(uri)) {
      rb.header(keyHeader, keyPrefix + pooledKey);
    } else if (credential != null && sameOrigin(uri)) {
      rb.header("Authorization", "Bearer " + credential);
    }
    HttpResponse<InputStream> r;
    byte[] bytes;
    try {
      r = client.send(rb.build(), HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = r.body()) {
        bytes = in.readNBytes(MAX_RESPONSE_BYTES + 1);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException(call + " was interrupted");
    } catch (IOException e) {
      throw HttpFailures.forIo(call, e, paid);
    }
    if (bytes.length > MAX_RESPONSE_BYTES) {
      throw new dev.storyreel.core.NonRetriableException(call + " answered with more than "
          + MAX_RESPONSE_BYTES + " bytes; refused.");
    }
    if (r.statusCode() / 100 != 2) {
      throw HttpFailures.forStatus(call, r.statusCode(), r.headers(),
          withoutCredential(pooledKey, bytes), paid);
    }
    return new Response(call, r.statusCode(), r.headers(), bytes, paid);
  }

  /**
   * An error body with this transport's own credential masked wherever the vendor echoed it
   * ("Incorrect API key provided: ..."): {@link HttpFailures#redact} only knows the shapes of
   * OpenAI and Replicate keys, and a compatible server's key may have any shape.
   */
  private byte[] withoutCredential(String pooledKey, byte[] body) {
    String secret = pooledKey != null ? pooledKey : credential;
    if (secret == null || secret.isEmpty()) {
      return body;
    }
    String text = new String(body, StandardCharsets.UTF_8);
    return text.contains(secret)
        ? text.replace(secret, "***").getBytes(StandardCharsets.UTF_8)
        : body;
  }

  /**
   * POSTs a JSON body once and reads a JSON answer.
   *
   * @param path the path below the base URL
   * @param request the body, serialised with {@link #jsonWriter()}
   * @param type the answer's type
   * @param extraHeaders more headers
   * @param paid whether the call makes a billed asset
   * @param context what it is for, or {@code null}
   * @param <T> the answer's type
   * @return the answer
   * @throws dev.storyreel.core.StoryReelException as {@link #send} and {@link Response#json}
   */
  public <T> T postJson(String path, Object request, Class<T> type,
      Map<String, String> extraHeaders, boolean paid, String context) {
    return send("POST", path, "application/json", toJson(request), extraHeaders, paid, context)
        .json(type);
  }

  /**
   * GETs a JSON answer, retrying retriable failures in-process with the read retry policy (a
   * GET changes nothing, so repeating it is always safe).
   *
   * @param path the path below the base URL, or an absolute URL on its host
   * @param type the answer's type
   * @param context what it is for, or {@code null}
   * @param <T> the answer's type
   * @return the answer
   * @throws dev.storyreel.core.StoryReelException once the attempts are used up, or at once
   *     for a non-retriable failure
   */
  public <T> T getJson(String path, Class<T> type, String context) {
    for (int attempt = 1; ; attempt++) {
      try {
        return send("GET", path, null, null, Map.of(), false, context).json(type);
      } catch (RetriableException e) {
        if (attempt >= readRetry.maxAttempts()) {
          throw e;
        }
        sleep(readRetry.delayAfter(attempt, e.retryAfter()));
      }
    }
  }

  /**
   * The reader of the wire JSON: unknown fields ignored. Immutable and thread-safe; derive a
   * typed one with {@code jsonReader().forType(Plan.class)}, which leaves this one unchanged.
   *
   * @return the shared reader; never {@code null}
   */
  public static ObjectReader jsonReader() {
    return READER;
  }

  /**
   * The writer of the wire JSON: compact, {@code null} fields left out. Immutable and
   * thread-safe; {@code with(...)} derives a new one and leaves this one unchanged.
   *
   * @return the shared writer; never {@code null}
   */
  public static ObjectWriter jsonWriter() {
    return WRITER;
  }

  /**
   * @param body JSON bytes
   * @return the tree
   * @throws IOException if the bytes are not JSON
   */
  static JsonNode readTree(byte[] body) throws IOException {
    return READER.readTree(body);
  }

  /**
   * @param value any Jackson-serialisable value
   * @return its compact JSON
   */
  public static byte[] toJson(Object value) {
    try {
      return WRITER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot serialise " + value.getClass(), e);
    }
  }

  /**
   * Sleeps, keeping the interrupt status.
   *
   * @param d how long
   * @throws CancellationException if interrupted
   */
  public static void sleep(Duration d) {
    try {
      Thread.sleep(Math.max(0, d.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while waiting");
    }
  }

  private URI resolve(String path) {
    if (path.startsWith("http://") || path.startsWith("https://")) {
      URI u = URI.create(path);
      if (!sameOrigin(u)) {
        throw new dev.storyreel.core.NonRetriableException(provider + ": refusing to call "
            + u.getScheme() + "://" + u.getHost() + u.getRawPath()
            + ", which is not on the API's host " + baseUri.getHost());
      }
      return u;
    }
    String base = baseUri.toString();
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return URI.create(base + (path.startsWith("/") ? path : "/" + path));
  }

  private boolean sameOrigin(URI u) {
    return Objects.equals(u.getScheme(), baseUri.getScheme())
        && Objects.equals(u.getHost(), baseUri.getHost()) && u.getPort() == baseUri.getPort();
  }

  @Override
  public String toString() {
    return "HttpTransport[" + provider + ", " + baseUri + (credential != null ? ", key set" : "")
        + (keyPool != null ? ", " + keyPool.size() + " keys" : "") + "]";
  }

  /**
   * A 2xx answer.
   *
   * @param call who called what
   * @param status the HTTP status
   * @param headers the response headers
   * @param body the body
   * @param paid whether the call that got this answer makes a billed asset: an answer that is
   *     not the promised JSON is then a {@link dev.storyreel.core.NonRetriableException} (the
   *     server may have billed it), else a {@link RetriableException} (asking again is free)
   */
  public record Response(CallInfo call, int status, HttpHeaders headers, byte[] body,
      boolean paid) {

    /** @return the media type without parameters, lower case; empty if none */
    public String mediaType() {
      String ct = headers.firstValue("content-type").orElse("");
      int semi = ct.indexOf(';');
      return (semi >= 0 ? ct.substring(0, semi) : ct).strip().toLowerCase(Locale.ROOT);
    }

    /**
     * @param type the answer's type
     * @param <T> the type
     * @return the body read as JSON
     * @throws dev.storyreel.core.StoryReelException for an HTML page or malformed JSON:
     *     retriable for a free call, non-retriable for a paid one (see {@link #paid})
     */
    public <T> T json(Class<T> type) {
      if (mediaType().contains("html") || HttpFailures.startsWithTag(body)) {
        throw HttpFailures.html(call, mediaType(), paid);
      }
      try {
        T v = READER.forType(type).readValue(body);
        if (v == null) {
          throw HttpFailures.malformed(call, "empty answer", paid);
        }
        return v;
      } catch (IOException e) {
        throw HttpFailures.malformed(call, e.getMessage() != null
            ? firstLine(e.getMessage()) : "unreadable JSON", paid);
      }
    }

    private static String firstLine(String s) {
      int nl = s.indexOf('\n');
      return nl >= 0 ? s.substring(0, nl) : s;
    }
  }

  /** Builds an {@link HttpTransport}; not thread-safe. */
  public static final class Builder {
    private final String provider;
    private final URI baseUri;
    private String credential;
    private KeyPool keyPool;
    private String keyHeader = "Authorization";
    private String keyPrefix = "Bearer ";
    private final Map<String, String> headers = new LinkedHashMap<>();
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(120);
    private RetryPolicy readRetry = RetryPolicy.defaults();

    private Builder(String provider, URI baseUri) {
      this.provider = Objects.requireNonNull(provider, "provider");
      this.baseUri = Objects.requireNonNull(baseUri, "baseUri");
      String s = baseUri.getScheme();
      if (!"https".equals(s) && !"http".equals(s)) {
        throw new IllegalArgumentException("base URL must be http or https, was " + baseUri);
      }
      if (baseUri.getUserInfo() != null) {
        throw new IllegalArgumentException("base URL must not hold credentials");
      }
    }

    /**
     * @param key sent as {@code Authorization: Bearer ...} to the base URL's host only; {@code
     *     null} for none
     * @return this builder
     */
    public Builder bearer(String key) {
      this.credential = key == null || key.isBlank() ? null : key.strip();
      Redactor.register(credential);
      return this;
    }

    /**
     * Sends every call with a key leased from a pool instead of one {@linkplain #bearer bearer}
     * key (which it replaces when the pool holds more than one key): a key that answers 429, or
     * any status with a quota or billing error ({@link QuotaExceededException}, for example
     * ElevenLabs' 401 {@code quota_exceeded}), rests; one that answers 401 otherwise is dead for
     * the run; and the same call goes to the next usable key, since none of these is billed. The key is sent as {@code Authorization: Bearer KEY}
     * unless {@link #keyHeader(String, String)} says otherwise, and only to the base URL's host.
     *
     * @param pool the keys, or {@code null} for none (then the bearer key, if any, is used)
     * @return this builder
     */
    public Builder keyPool(KeyPool pool) {
      this.keyPool = pool;
      return this;
    }

    /**
     * @param name the header a {@linkplain #keyPool pooled} key is sent in, for example {@code
     *     xi-api-key}; default {@code Authorization}
     * @param prefix written before the key, for example {@code "Bearer "} (the default) or
     *     {@code ""}
     * @return this builder
     */
    public Builder keyHeader(String name, String prefix) {
      this.keyHeader = Objects.requireNonNull(name, "name");
      this.keyPrefix = Objects.requireNonNull(prefix, "prefix");
      return this;
    }

    /**
     * @param name a header sent with every call (for example {@code OpenAI-Organization})
     * @param value its value
     * @return this builder
     */
    public Builder header(String name, String value) {
      headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      if (Redactor.isSecretName(name)) {
        Redactor.register(value); // xi-api-key, x-api-key, api-key: credentials in a header
      }
      return this;
    }

    /**
     * @param d how long to wait for a connection; default 10 s; positive
     * @return this builder
     */
    public Builder connectTimeout(Duration d) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("connectTimeout must be positive, was " + d);
      }
      this.connectTimeout = d;
      return this;
    }

    /**
     * @param d how long to wait for a whole answer; default 120 s; positive
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
     * @param policy how idempotent reads (polls) are retried in-process; default {@link
     *     RetryPolicy#defaults()}
     * @return this builder
     */
    public Builder readRetry(RetryPolicy policy) {
      this.readRetry = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** @return the transport */
    public HttpTransport build() {
      return new HttpTransport(this);
    }
  }
}
