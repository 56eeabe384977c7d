package dev.storyreel.samples.faults;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.storyreel.core.Words;
import dev.storyreel.testkit.Fixtures;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fake OpenAI and Replicate on loopback (WireMock, one transformer that answers everything)
 * that serves answers shaped as {@code contracts/} says and injects faults, with call accounting
 * per paid asset.
 *
 * <p>Endpoints: {@code POST /v1/chat/completions} (a storyboard built from the request's own story
 * text, so the planner's word check passes), {@code /v1/images/generations} (b64_json PNG), {@code
 * /v1/audio/speech} (WAV, 24 kHz mono, {@link #speechMillis} long), {@code
 * /v1/audio/transcriptions} (verbose_json with words), {@code /v1/moderations}; {@code POST
 * /replicate/v1/models/{owner}/{name}/predictions} (with {@code Prefer: wait} usually finished at
 * once, sometimes {@code processing}), {@code GET /replicate/v1/predictions/{id}}, {@code POST
 * .../cancel}, and {@code GET /files/{id}.png}, the output download.
 *
 * <p>Faults: for each request a {@link Random} seeded from (seed, endpoint, asset identity,
 * attempt number for that identity) decides whether to inject one of the {@link Kind}s that fit
 * the endpoint, and a latency of 0..{@code maxLatencyMillis}. Deriving the random from the
 * identity rather than from arrival order keeps the run deterministic under concurrency. Faults
 * are transient: after a fault, the next request for the same identity on the same endpoint is
 * answered cleanly (so a client that keeps what it was given and retries can always finish). Every
 * other request, the first one for an identity included, is faulted with probability {@code
 * rate}; because a request right after a fault is never faulted, the share of all requests
 * faulted comes out somewhat below {@code rate} (the test prints it).
 *
 * <p>Accounting: a <em>paid call</em> is a request to a billed endpoint (chat completions, images,
 * speech, prediction create) that the vendor may have billed: every answer except 429 and 503
 * (which say nothing was made). <em>Paid again after a clean answer</em> is a paid call for an
 * identity that had already been answered with a clean, complete 200 (for Replicate: a prediction
 * created while an earlier prediction of the same input had been created and had not failed).
 *
 * <p>Thread-safe.
 */
public final class FaultyVendors implements AutoCloseable {
  /** The fake credential, shaped like no vendor's key; echoed by some error bodies. */
  public static final String KEY = "test-cred-Q7xWm4Rb9TzL2sHc";
  /** Sample rate of the served speech, in Hz. */
  public static final int SPEECH_RATE_HZ = 24_000;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PREDICTIONS = Pattern.compile(
      "/replicate/v1/models/([^/]+)/([^/]+)/predictions");
  private static final Pattern POLL = Pattern.compile("/replicate/v1/predictions/([^/?]+)");
  private static final Pattern CANCEL = Pattern.compile("/replicate/v1/predictions/([^/]+)/cancel");
  private static final Pattern FILE = Pattern.compile("/files/([^/?]+)\\.png");

  /** The endpoints served. */
  public enum Endpoint {
    CHAT(true), IMAGES(true), SPEECH(true), TRANSCRIPTIONS(false), MODERATIONS(false),
    PREDICTION_CREATE(true), PREDICTION_POLL(false), PREDICTION_CANCEL(false),
    FILE_DOWNLOAD(false), UNKNOWN(false);

    final boolean paid;

    Endpoint(boolean paid) {
      this.paid = paid;
    }
  }

  /** What can be injected. */
  public enum Kind {
    HTTP_500, HTTP_502, HTTP_503, HTTP_429, CONNECTION_RESET, EMPTY_RESPONSE, HTML_200,
    MALFORMED_JSON_200, KEY_IN_ERROR_BODY, TRUNCATED_WAV, SPEECH_AS_TEXT, TRUNCATED_PNG,
    FAILED_PREDICTION_WITH_TOKEN
  }

  private static final List<Kind> COMMON = List.of(Kind.HTTP_500, Kind.HTTP_502, Kind.HTTP_503,
      Kind.HTTP_429, Kind.CONNECTION_RESET, Kind.EMPTY_RESPONSE, Kind.HTML_200,
      Kind.MALFORMED_JSON_200, Kind.KEY_IN_ERROR_BODY);

  private static List<Kind> kindsFor(Endpoint e) {
    List<Kind> k = new ArrayList<>(COMMON);
    switch (e) {
      case SPEECH -> {
        k.add(Kind.TRUNCATED_WAV);
        k.add(Kind.SPEECH_AS_TEXT);
      }
      case IMAGES -> k.add(Kind.TRUNCATED_PNG);
      case FILE_DOWNLOAD -> {
        k.remove(Kind.MALFORMED_JSON_200);
        k.add(Kind.TRUNCATED_PNG);
      }
      case PREDICTION_CREATE, PREDICTION_POLL -> k.add(Kind.FAILED_PREDICTION_WITH_TOKEN);
      default -> { }
    }
    return List.copyOf(k);
  }

  /** Per paid identity: calls and clean answers. */
  private static final class Asset {
    int paidCalls;
    int cleanAnswers;
    int paidAgain;
  }

  private record Prediction(String input, String status) {}

  private final long seed;
  private final double baseProbability;
  private final int maxLatencyMillis;
  private final WireMockServer server;
  private final Map<String, Integer> attempts = new HashMap<>();
  private final Map<String, Boolean> lastFaulted = new HashMap<>();
  private final Map<String, Asset> assets = new HashMap<>();
  private final Map<String, Prediction> predictions = new HashMap<>();
  private final Map<String, Integer> createdPerInput = new HashMap<>();
  private final Map<String, String> spokenText = new ConcurrentHashMap<>();
  private final Map<Kind, Integer> injected = new EnumMap<>(Kind.class);
  private final Map<Endpoint, Integer> requests = new EnumMap<>(Endpoint.class);
  private volatile boolean faultsOn = true;

  /**
   * Starts the server on a free loopback port.
   *
   * @param seed the seed of every fault decision
   * @param rate the chance that a request (other than one right after a fault of the same
   *     identity) is faulted, 0..0.9, for example 0.3
   * @param maxLatencyMillis the longest added latency in ms, 0 for none
   */
  public FaultyVendors(long seed, double rate, int maxLatencyMillis) {
    if (rate < 0 || rate > 0.9) {
      throw new IllegalArgumentException("rate must be 0..0.9, was " + rate);
    }
    this.seed = seed;
    // With "never twice in a row" the faulted share is p / (1 + p); solve for p.
    this.baseProbability = rate;
    this.maxLatencyMillis = maxLatencyMillis;
    this.server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1")
        .extensions(new Answerer()));
    server.start();
    server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(404)));
  }

  /** @return {@code http://127.0.0.1:PORT/v1} */
  public String openAiBaseUrl() {
    return server.baseUrl() + "/v1";
  }

  /** @return {@code http://127.0.0.1:PORT/replicate/v1} */
  public String replicateBaseUrl() {
    return server.baseUrl() + "/replicate/v1";
  }

  /** @return the WireMock server, for contract checks of the requests */
  public WireMockServer wireMock() {
    return server;
  }

  /** @param on whether to inject faults from now on (clean answers only when off) */
  public void faults(boolean on) {
    faultsOn = on;
  }

  /**
   * @param words how many words the narration has
   * @return how long the served WAV for that text is, in ms
   */
  public static long speechMillis(int words) {
    return 200 + 180L * words;
  }

  /** @return the Base64 of {@link #KEY}, which must not leak either */
  public static String keyBase64() {
    return Base64.getEncoder().encodeToString(KEY.getBytes(StandardCharsets.UTF_8));
  }

  /** The figures so far. */
  public record Figures(int assets, int paidCalls, int paidAgainAfterClean, int requests,
      int faultsInjected, Map<Kind, Integer> byKind, Map<Endpoint, Integer> byEndpoint) {
    /** @return paid calls per paid asset */
    public double meanPaidCallsPerAsset() {
      return assets == 0 ? 0 : (double) paidCalls / assets;
    }
  }

  /** @return the accounting so far */
  public synchronized Figures figures() {
    int calls = 0;
    int again = 0;
    for (Asset a : assets.values()) {
      calls += a.paidCalls;
      again += a.paidAgain;
    }
    int req = requests.values().stream().mapToInt(Integer::intValue).sum();
    int f = injected.values().stream().mapToInt(Integer::intValue).sum();
    return new Figures(assets.size(), calls, again, req, f, Map.copyOf(injected),
        Map.copyOf(requests));
  }

  /** @return identities paid for again after a clean answer, with their counts */
  public synchronized Map<String, Integer> paidAgainByIdentity() {
    Map<String, Integer> out = new HashMap<>();
    assets.forEach((k, a) -> {
      if (a.paidAgain > 0) {
        out.put(k.length() > 90 ? k.substring(0, 90) + "..." : k, a.paidAgain);
      }
    });
    return out;
  }

  @Override
  public void close() {
    server.stop();
  }

  // ---------------------------------------------------------------------------------------------

  private final class Answerer implements ResponseDefinitionTransformerV2 {
    @Override
    public String getName() {
      return "faulty-vendors";
    }

    @Override
    public boolean applyGlobally() {
      return true;
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
      try {
        return answer(event.getRequest()).build();
      } catch (Exception e) {
        return aResponse().withStatus(599).withBody("harness error: " + e).build();
      }
    }
  }

  private static Endpoint endpoint(String method, String path) {
    if (method.equals("POST")) {
      switch (path) {
        case "/v1/chat/completions": return Endpoint.CHAT;
        case "/v1/images/generations": return Endpoint.IMAGES;
        case "/v1/audio/speech": return Endpoint.SPEECH;
        case "/v1/audio/transcriptions": return Endpoint.TRANSCRIPTIONS;
        case "/v1/moderations": return Endpoint.MODERATIONS;
        default:
          if (PREDICTIONS.matcher(path).matches()) {
            return Endpoint.PREDICTION_CREATE;
          }
          if (CANCEL.matcher(path).matches()) {
            return Endpoint.PREDICTION_CANCEL;
          }
          return Endpoint.UNKNOWN;
      }
    }
    if (method.equals("GET")) {
      if (FILE.matcher(path).matches()) {
        return Endpoint.FILE_DOWNLOAD;
      }
      if (POLL.matcher(path).matches()) {
        return Endpoint.PREDICTION_POLL;
      }
    }
    return Endpoint.UNKNOWN;
  }

  private ResponseDefinitionBuilder answer(Request r) throws Exception {
    String path = r.getUrl();
    int q = path.indexOf('?');
    if (q >= 0) {
      path = path.substring(0, q);
    }
    Endpoint ep = endpoint(r.getMethod().getName(), path);
    if (ep == Endpoint.UNKNOWN) {
      return aResponse().withStatus(404).withBody("{\"error\":{\"message\":\"no such path\"}}");
    }
    JsonNode body = null;
    String identity;
    switch (ep) {
      case CHAT -> {
        body = JSON.readTree(r.getBodyAsString());
        identity = "planner:" + storyOf(body);
      }
      case IMAGES -> {
        body = JSON.readTree(r.getBodyAsString());
        identity = "image:" + body.path("prompt").asText() + "|" + body.path("size").asText();
      }
      case SPEECH -> {
        body = JSON.readTree(r.getBodyAsString());
        identity = "speech:" + body.path("input").asText() + "|" + body.path("voice").asText();
      }
      case TRANSCRIPTIONS -> identity = "transcription:" + sha(filePart(r));
      case MODERATIONS -> {
        body = JSON.readTree(r.getBodyAsString());
        identity = "moderation:" + sha(body.path("input").toString().getBytes(
            StandardCharsets.UTF_8));
      }
      case PREDICTION_CREATE -> {
        body = JSON.readTree(r.getBodyAsString());
        identity = "prediction:" + path + body.path("input").toString();
      }
      case PREDICTION_POLL -> identity = "poll:" + match(POLL, path);
      case PREDICTION_CANCEL -> identity = "cancel:" + match(CANCEL, path);
      case FILE_DOWNLOAD -> identity = "file:" + match(FILE, path);
      default -> throw new IllegalStateException();
    }
    Kind fault;
    int latency;
    synchronized (this) {
      requests.merge(ep, 1, Integer::sum);
      String key = ep + "|" + identity;
      int n = attempts.merge(key, 1, Integer::sum);
      Random rnd = new Random(seed ^ (31L * key.hashCode() + n) * 0x9E3779B97F4A7C15L);
      latency = maxLatencyMillis == 0 ? 0 : rnd.nextInt(maxLatencyMillis + 1);
      boolean faultNow = faultsOn && !lastFaulted.getOrDefault(key, false)
          && rnd.nextDouble() < baseProbability;
      List<Kind> kinds = kindsFor(ep);
      fault = faultNow ? kinds.get(rnd.nextInt(kinds.size())) : null;
      lastFaulted.put(key, faultNow);
      if (fault != null) {
        injected.merge(fault, 1, Integer::sum);
      }
    }
    ResponseDefinitionBuilder out = switch (ep) {
      case CHAT -> fault != null ? faulty(fault, ep, null) : account(identity, true, chat(body));
      case IMAGES -> fault != null ? faulty(fault, ep, imagesAnswer(true))
          : account(identity, true, imagesAnswer(false));
      case SPEECH -> speech(identity, body, fault);
      case TRANSCRIPTIONS -> fault != null ? faulty(fault, ep, null) : transcription(r);
      case MODERATIONS -> fault != null ? faulty(fault, ep, null) : moderation(body);
      case PREDICTION_CREATE -> create(identity, path, body, fault);
      case PREDICTION_POLL -> poll(match(POLL, path), fault);
      case PREDICTION_CANCEL -> fault != null ? faulty(fault, ep, null) : cancel(match(CANCEL,
          path));
      case FILE_DOWNLOAD -> fault != null ? faulty(fault, ep, truncatedPng()) : png();
      default -> throw new IllegalStateException();
    };
    if (fault != null && ep.paid && fault != Kind.HTTP_429 && fault != Kind.HTTP_503
        && ep != Endpoint.PREDICTION_CREATE) {
      account(identity, false, null);
    }
    return latency > 0 ? out.withFixedDelay(latency) : out;
  }

  /** Records a paid call; {@code clean} when it is answered with a complete 200. */
  private synchronized ResponseDefinitionBuilder account(String identity, boolean clean,
      ResponseDefinitionBuilder answer) {
    Asset a = assets.computeIfAbsent(identity, k -> new Asset());
    if (a.cleanAnswers > 0) {
      a.paidAgain++;
    }
    a.paidCalls++;
    if (clean) {
      a.cleanAnswers++;
    }
    return answer;
  }

  private ResponseDefinitionBuilder faulty(Kind k, Endpoint ep, ResponseDefinitionBuilder
      truncated) {
    boolean replicate = ep == Endpoint.PREDICTION_CREATE || ep == Endpoint.PREDICTION_POLL
        || ep == Endpoint.PREDICTION_CANCEL || ep == Endpoint.FILE_DOWNLOAD;
    String serverError = replicate ? "{\"detail\":\"Internal server error\"}"
        : "{\"error\":{\"message\":\"The server had an error while processing your request."
            + "\",\"type\":\"server_error\",\"param\":null,\"code\":null}}";
    return switch (k) {
      case HTTP_500 -> jsonStatus(500, serverError);
      case HTTP_502 -> jsonStatus(502, serverError);
      case HTTP_503 -> jsonStatus(503, serverError).withHeader("Retry-After", "1");
      case HTTP_429 -> jsonStatus(429, replicate ? "{\"detail\":\"Request was throttled.\"}"
          : "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\"}}")
          .withHeader("Retry-After", "1");
      case CONNECTION_RESET -> aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER);
      case EMPTY_RESPONSE -> aResponse().withFault(Fault.EMPTY_RESPONSE);
      case HTML_200 -> aResponse().withStatus(200).withHeader("Content-Type",
          "text/html; charset=utf-8").withBody("<!DOCTYPE html><html><head><title>502 Bad"
          + " Gateway</title></head><body><h1>Bad Gateway</h1><p>upstream hiccup</p></body></html>");
      case MALFORMED_JSON_200 -> jsonStatus(200, "{\"id\":\"x\",\"object\":\"chat.compl");
      case KEY_IN_ERROR_BODY -> jsonStatus(500, replicate
          ? "{\"detail\":\"Internal error handling request with Authorization: Bearer " + KEY
              + "\"}"
          : "{\"error\":{\"message\":\"Internal error for request signed with " + KEY
              + " (Authorization: Bearer " + KEY + ")\",\"type\":\"server_error\"}}");
      case TRUNCATED_WAV, TRUNCATED_PNG, SPEECH_AS_TEXT, FAILED_PREDICTION_WITH_TOKEN ->
          truncated != null ? truncated : jsonStatus(500, serverError);
    };
  }

  private static ResponseDefinitionBuilder jsonStatus(int status, String body) {
    return aResponse().withStatus(status).withHeader("Content-Type", "application/json")
        .withBody(body);
  }

  // --- OpenAI ------------------------------------------------------------------------------------

  /** The story the planner sent: the user message after its {@code Story:} line. */
  private static String storyOf(JsonNode chat) {
    for (JsonNode m : chat.path("messages")) {
      String c = m.path("content").asText();
      int at = c.indexOf("\n\nStory:\n");
      if ("user".equals(m.path("role").asText()) && at >= 0) {
        return c.substring(at + "\n\nStory:\n".length());
      }
    }
    return "";
  }

  private ResponseDefinitionBuilder chat(JsonNode request) {
    String story = storyOf(request);
    List<String> words = Words.split(story);
    // Segments end at sentence ends, two or three of them.
    List<List<String>> sentences = new ArrayList<>();
    List<String> cur = new ArrayList<>();
    for (String w : words) {
      cur.add(w);
      if (w.endsWith(".") || w.endsWith("!") || w.endsWith("?")) {
        sentences.add(cur);
        cur = new ArrayList<>();
      }
    }
    if (!cur.isEmpty()) {
      sentences.add(cur);
    }
    int segs = Math.max(1, Math.min(3, sentences.size()));
    ObjectNode plan = JSON.createObjectNode();
    plan.put("visualStyle", "soft watercolour").put("characterSheet", "");
    ArrayNode arr = plan.putArray("segments");
    for (int s = 0; s < segs; s++) {
      int from = s * sentences.size() / segs;
      int to = (s + 1) * sentences.size() / segs;
      List<String> seg = new ArrayList<>();
      sentences.subList(from, to).forEach(seg::addAll);
      arr.addObject().put("narration", String.join(" ", seg))
          .put("imagePrompt", "a quiet scene of " + String.join(" ", seg.subList(0,
              Math.min(4, seg.size()))).replaceAll("[^\\p{L}\\p{N} ]", "").toLowerCase());
    }
    ObjectNode chat = JSON.createObjectNode();
    chat.put("id", "chatcmpl-1").put("object", "chat.completion").put("created", 1)
        .put("model", request.path("model").asText("m"));
    ObjectNode c = chat.putArray("choices").addObject();
    c.put("index", 0).put("finish_reason", "stop");
    c.putObject("message").put("role", "assistant").put("content", plan.toString());
    chat.putObject("usage").put("prompt_tokens", 200).put("completion_tokens", 100)
        .put("total_tokens", 300);
    return jsonStatus(200, chat.toString());
  }

  private ResponseDefinitionBuilder imagesAnswer(boolean truncated) {
    byte[] png = Fixtures.png(72, 128);
    if (truncated) {
      png = Arrays.copyOf(png, png.length / 2);
    }
    return jsonStatus(200, "{\"created\":1,\"data\":[{\"b64_json\":\""
        + Base64.getEncoder().encodeToString(png) + "\"}]}");
  }

  private ResponseDefinitionBuilder speech(String identity, JsonNode body, Kind fault) {
    String text = body.path("input").asText();
    byte[] wav = Fixtures.tone(speechMillis(Words.split(text).size()), SPEECH_RATE_HZ).toWav();
    spokenText.put(sha(Arrays.copyOfRange(wav, 44, wav.length)), text);
    if (fault == Kind.TRUNCATED_WAV) {
      // Half the data chunk, header unchanged: it still claims the full length.
      return aResponse().withStatus(200).withHeader("Content-Type", "audio/wav")
          .withBody(Arrays.copyOf(wav, 44 + (wav.length - 44) / 2));
    }
    if (fault == Kind.SPEECH_AS_TEXT) {
      return aResponse().withStatus(200).withHeader("Content-Type", "text/plain")
          .withBody("Speech temporarily unavailable, please retry.");
    }
    if (fault != null) {
      return faulty(fault, Endpoint.SPEECH, null);
    }
    return account(identity, true, aResponse().withStatus(200)
        .withHeader("Content-Type", "audio/wav").withBody(wav));
  }

  private ResponseDefinitionBuilder transcription(Request r) throws Exception {
    byte[] file = filePart(r);
    int rate = file.length >= 28 ? (file[24] & 0xff) | (file[25] & 0xff) << 8
        | (file[26] & 0xff) << 16 | (file[27] & 0xff) << 24 : SPEECH_RATE_HZ;
    double seconds = Math.max(0, file.length - 44) / 2.0 / Math.max(1, rate);
    String text = spokenText.getOrDefault(sha(Arrays.copyOfRange(file, Math.min(44,
        file.length), file.length)), "");
    List<String> words = Words.split(text);
    ObjectNode t = JSON.createObjectNode();
    t.put("task", "transcribe").put("language", "english").put("duration", seconds)
        .put("text", text);
    ArrayNode ws = t.putArray("words");
    for (int i = 0; i < words.size(); i++) {
      double start = 0.1 + (seconds - 0.2) * i / words.size();
      double end = 0.1 + (seconds - 0.2) * (i + 1) / words.size();
      ws.addObject().put("word", words.get(i).replaceAll("[^\\p{L}\\p{N}']", ""))
          .put("start", Math.round(start * 1000) / 1000.0).put("end",
              Math.round(end * 1000) / 1000.0);
    }
    return jsonStatus(200, t.toString());
  }

  private static byte[] filePart(Request r) {
    for (Request.Part p : r.getParts()) {
      if ("file".equals(p.getName())) {
        return p.getBody().asBytes();
      }
    }
    return new byte[0];
  }

  private static ResponseDefinitionBuilder moderation(JsonNode body) {
    JsonNode in = body.path("input");
    int n = in.isArray() ? in.size() : 1;
    ObjectNode m = JSON.createObjectNode();
    m.put("id", "modr-1").put("model", "omni-moderation-latest");
    ArrayNode res = m.putArray("results");
    for (int i = 0; i < n; i++) {
      ObjectNode o = res.addObject();
      o.put("flagged", false);
      o.putObject("categories").put("violence", false).put("sexual", false);
      o.putObject("category_scores").put("violence", 0.001).put("sexual", 0.001);
    }
    return jsonStatus(200, m.toString());
  }

  // --- Replicate ---------------------------------------------------------------------------------

  private ResponseDefinitionBuilder create(String identity, String path, JsonNode body,
      Kind fault) throws Exception {
    String input = path + body.path("input").toString();
    if (fault != null && fault != Kind.FAILED_PREDICTION_WITH_TOKEN) {
      if (fault != Kind.HTTP_429 && fault != Kind.HTTP_503) {
        account(identity, false, null);
      }
      return faulty(fault, Endpoint.PREDICTION_CREATE, null);
    }
    String id;
    String status;
    synchronized (this) {
      int n = createdPerInput.merge(input, 1, Integer::sum);
      id = "p" + sha(input.getBytes(StandardCharsets.UTF_8)).substring(0, 12) + "n" + n;
      boolean earlierAlive = predictions.values().stream()
          .anyMatch(p -> p.input().equals(input) && !"failed".equals(p.status()));
      Asset a = assets.computeIfAbsent(identity, k -> new Asset());
      a.paidCalls++;
      if (earlierAlive) {
        a.paidAgain++;
      }
      // A sync-mode create usually comes back finished; now and then still processing.
      boolean slow = new Random(seed ^ id.hashCode()).nextInt(100) < 15;
      status = fault != null ? "failed" : slow ? "processing" : "succeeded";
      if (!status.equals("failed")) {
        a.cleanAnswers++;
      }
      predictions.put(id, new Prediction(input, status));
    }
    return jsonStatus(201, prediction(id, status, body.path("input")));
  }

  private String prediction(String id, String status, JsonNode input) {
    ObjectNode p = JSON.createObjectNode();
    p.put("id", id).put("model", "black-forest-labs/flux-schnell").put("version", "v1");
    p.set("input", input == null ? JSON.createObjectNode() : input);
    p.put("status", status).put("logs", "").put("created_at", "2025-01-01T00:00:00Z");
    if (status.equals("succeeded")) {
      p.putArray("output").add(server.baseUrl() + "/files/" + id + ".png");
    } else {
      p.putNull("output");
    }
    if (status.equals("failed")) {
      p.put("error", "upstream worker rejected request with header Authorization: Bearer " + KEY);
    } else {
      p.putNull("error");
    }
    p.putObject("urls").put("get", replicateBaseUrl() + "/predictions/" + id)
        .put("cancel", replicateBaseUrl() + "/predictions/" + id + "/cancel");
    return p.toString();
  }

  private ResponseDefinitionBuilder poll(String id, Kind fault) {
    Prediction p;
    synchronized (this) {
      p = predictions.get(id);
      if (p == null) {
        return jsonStatus(404, "{\"detail\":\"Not found.\"}");
      }
      if (fault == Kind.FAILED_PREDICTION_WITH_TOKEN && !p.status().equals("succeeded")) {
        p = new Prediction(p.input(), "failed");
        predictions.put(id, p);
      } else if (fault == null && p.status().equals("processing")) {
        p = new Prediction(p.input(), "succeeded");
        predictions.put(id, p);
      }
    }
    if (fault != null && fault != Kind.FAILED_PREDICTION_WITH_TOKEN) {
      return faulty(fault, Endpoint.PREDICTION_POLL, null);
    }
    return jsonStatus(200, prediction(id, p.status(), null));
  }

  private ResponseDefinitionBuilder cancel(String id) {
    Prediction p;
    synchronized (this) {
      p = predictions.get(id);
      if (p == null) {
        return jsonStatus(404, "{\"detail\":\"Not found.\"}");
      }
      if (!p.status().equals("succeeded") && !p.status().equals("failed")) {
        p = new Prediction(p.input(), "canceled");
        predictions.put(id, p);
      }
    }
    return jsonStatus(200, prediction(id, p.status(), null));
  }

  private static ResponseDefinitionBuilder png() {
    return aResponse().withStatus(200).withHeader("Content-Type", "image/png")
        .withBody(Fixtures.png(72, 128));
  }

  private static ResponseDefinitionBuilder truncatedPng() {
    byte[] png = Fixtures.png(72, 128);
    return aResponse().withStatus(200).withHeader("Content-Type", "image/png")
        .withBody(Arrays.copyOf(png, png.length / 2));
  }

  // --- helpers -----------------------------------------------------------------------------------

  private static String match(Pattern p, String path) {
    Matcher m = p.matcher(path);
    if (!m.matches()) {
      throw new IllegalArgumentException(path);
    }
    return m.group(1);
  }

  static String sha(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
