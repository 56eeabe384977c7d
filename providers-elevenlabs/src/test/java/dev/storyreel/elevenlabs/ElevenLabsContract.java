package dev.storyreel.elevenlabs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.storyreel.testkit.ContractValidator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Checks requests and fixtures against ElevenLabs' OpenAPI document, read from {@code
 * ../shared/contracts/elevenlabs-openapi.json} (never copied into the repository: it has no
 * licence). When it is absent, {@link #available()} is false and the checks are skipped.
 */
final class ElevenLabsContract {
  static final String DOC = ContractValidator.ELEVENLABS;
  static final String TTS = "/v1/text-to-speech/{voice_id}/with-timestamps";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static volatile JsonNode tree;
  private static volatile boolean told;

  private ElevenLabsContract() {}

  /** @return the document's path, or empty (a clone without {@code ../shared}) */
  static Optional<Path> path() {
    return ContractValidator.find(DOC);
  }

  /** @return whether the document is present; says once on stderr when it is not */
  static boolean available() {
    boolean ok = path().isPresent();
    if (!ok && !told) {
      told = true;
      System.err.println("ElevenLabs contract " + DOC + " not found in a shared/contracts folder"
          + " above " + Path.of("").toAbsolutePath() + ": request and fixture validation"
          + " against it is skipped.");
    }
    return ok;
  }

  static String skipMessage() {
    return DOC + " is absent (no ../shared/contracts above this checkout): contract test skipped";
  }

  static String escape(String s) {
    return s.replace("~", "~0").replace("/", "~1");
  }

  /** @return the pointer to the 200 JSON answer's schema of an operation */
  static String response(String path, String method, int status) {
    return "/paths/" + escape(path) + "/" + method + "/responses/" + status
        + "/content/application~1json/schema";
  }

  /** The OpenAPI path template of a request path. */
  static String template(String path) {
    if (path.startsWith("/v1/text-to-speech/") && path.endsWith("/with-timestamps")) {
      return TTS;
    }
    return path;
  }

  /** Validates a fixture (a response body) against the operation's response schema. */
  static void validateResponse(String path, String method, int status, String body) {
    if (!available()) {
      return;
    }
    ContractValidator.validate(DOC, response(path, method, status),
        body.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Validates every POST the server received: its JSON or multipart body against the request
   * body schema, and its {@code output_format} against the parameter's enum.
   *
   * @return how many were validated; 0 when the document is absent
   */
  static int validateAll(WireMockServer wm) {
    if (!available()) {
      return 0;
    }
    int n = 0;
    for (ServeEvent e : wm.getAllServeEvents()) {
      var r = e.getRequest();
      if (!"POST".equals(r.getMethod().getName())) {
        continue;
      }
      String url = r.getUrl();
      int q = url.indexOf('?');
      String path = template(q >= 0 ? url.substring(0, q) : url);
      if (q >= 0) {
        for (String kv : url.substring(q + 1).split("&")) {
          String[] p = kv.split("=", 2);
          if (p[0].equals("output_format")) {
            ContractValidator.validate(DOC, parameter(path, "output_format"),
                TextNode.valueOf(URLDecoder.decode(p[1], StandardCharsets.UTF_8)));
          }
        }
      }
      String ct = r.getHeader("Content-Type");
      if (ct != null && ct.startsWith("multipart/form-data")) {
        ObjectNode form = JSON.createObjectNode();
        for (Request.Part p : r.getParts()) {
          if (p.getFileName() != null) {
            form.put(p.getName(), "binary");
          } else {
            form.put(p.getName(), p.getBody().asString());
          }
        }
        ContractValidator.validate(DOC, ContractValidator.postBody(path, "multipart/form-data"),
            form);
      } else {
        ContractValidator.validate(DOC, ContractValidator.postBody(path, "application/json"),
            r.getBody());
      }
      n++;
    }
    return n;
  }

  /** The pointer to a POST operation's parameter's schema. */
  static String parameter(String path, String name) {
    JsonNode params = tree().at("/paths/" + escape(path) + "/post/parameters");
    for (int i = 0; i < params.size(); i++) {
      if (name.equals(params.get(i).path("name").asText())) {
        return "/paths/" + escape(path) + "/post/parameters/" + i + "/schema";
      }
    }
    throw new AssertionError(path + " has no parameter " + name + " in " + DOC);
  }

  private static JsonNode tree() {
    if (tree == null) {
      try {
        tree = JSON.readTree(path().orElseThrow().toFile());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return tree;
  }
}
