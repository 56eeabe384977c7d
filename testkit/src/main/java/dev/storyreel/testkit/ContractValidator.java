package dev.storyreel.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Validates request bodies against the vendors' published OpenAPI documents in {@code
 * ../shared/contracts/} ({@code openai-openapi.yaml}, {@code replicate-openapi.json}), with
 * networknt's json-schema-validator (JSON Schema 2020-12, {@code $ref}s resolved inside the
 * document). Each document is parsed once per JVM and each schema compiled once. Thread-safe.
 *
 * <p>The folder is found from the system property {@code storyreel.contracts}; else by walking
 * up from the working directory to a {@code shared/contracts} folder (the vendors' documents as
 * published to the project, freshest); else to the repository's own copies in {@code contracts/}
 * (so that a clean clone needs nothing outside it). A missing contract fails the test: contract
 * validation is part of the normal build.
 */
public final class ContractValidator {
  /** The OpenAI document's file name. */
  public static final String OPENAI = "openai-openapi.yaml";
  /** The Replicate document's file name. */
  public static final String REPLICATE = "replicate-openapi.json";
  /**
   * The ElevenLabs document's file name. It carries no licence, so it is never copied into the
   * repository: it is read only from a {@code shared/contracts} folder above the working
   * directory (or {@code -Dstoryreel.contracts}), and tests that need it skip when it is absent
   * ({@link #find}).
   */
  public static final String ELEVENLABS = "elevenlabs-openapi.json";

  private static final ObjectMapper JSON = new ObjectMapper();
  // Plain JSON Schema 2020-12 (what OpenAPI 3.1 schemas are), without the OpenAPI dialect's
  // discriminator rule: OpenAI's document declares discriminators without a mapping whose
  // values ("system", "user") are not schema names, which a strict discriminator check rejects
  // for every valid message. oneOf is still evaluated in full.
  private static final JsonSchemaFactory FACTORY =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
  private static final Map<String, JsonSchema> SCHEMAS = new ConcurrentHashMap<>();

  private ContractValidator() {}

  /**
   * @return the contracts folder
   * @throws AssertionError if it cannot be found
   */
  public static Path contracts() {
    String prop = System.getProperty("storyreel.contracts");
    if (prop != null) {
      return Path.of(prop);
    }
    for (Path folder : List.of(Path.of("shared", "contracts"), Path.of("contracts"))) {
      Path p = Path.of("").toAbsolutePath();
      while (p != null) {
        Path c = p.resolve(folder);
        if (Files.isRegularFile(c.resolve(OPENAI)) && Files.isRegularFile(c.resolve(REPLICATE))) {
          return c;
        }
        p = p.getParent();
      }
    }
    throw new AssertionError("vendor contracts not found: the repository's contracts/ folder is"
        + " missing; restore it, or set -Dstoryreel.contracts=DIR");
  }

  /**
   * Finds a document that may be absent: {@code -Dstoryreel.contracts}, else the nearest {@code
   * shared/contracts} folder above the working directory, else (for the documents the
   * repository keeps copies of) its {@code contracts/} folder.
   *
   * @param document a document's file name, for example {@link #ELEVENLABS}
   * @return its path, or empty when no folder holds it
   */
  public static Optional<Path> find(String document) {
    String prop = System.getProperty("storyreel.contracts");
    if (prop != null) {
      Path c = Path.of(prop).resolve(document);
      return Files.isRegularFile(c) ? Optional.of(c) : Optional.empty();
    }
    List<Path> folders = ELEVENLABS.equals(document) ? List.of(Path.of("shared", "contracts"))
        : List.of(Path.of("shared", "contracts"), Path.of("contracts"));
    for (Path folder : folders) {
      for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
        Path c = p.resolve(folder).resolve(document);
        if (Files.isRegularFile(c)) {
          return Optional.of(c);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * @param document {@link #OPENAI}, {@link #REPLICATE} or {@link #ELEVENLABS}
   * @param schemaPointer a JSON pointer into it, for example {@code
   *     /components/schemas/CreateSpeechRequest}
   * @return the compiled schema, cached
   * @throws AssertionError if the document cannot be found
   */
  public static JsonSchema schema(String document, String schemaPointer) {
    return SCHEMAS.computeIfAbsent(document + "#" + schemaPointer, k -> FACTORY.getSchema(
        SchemaLocation.of(path(document).toUri() + "#" + schemaPointer)));
  }

  private static Path path(String document) {
    if (!ELEVENLABS.equals(document)) {
      return contracts().resolve(document);
    }
    return find(document).orElseThrow(() -> new AssertionError(document + " not found in a"
        + " shared/contracts folder above " + Path.of("").toAbsolutePath() + "; tests that"
        + " need it should skip with ContractValidator.find"));
  }

  /**
   * Validates a JSON body.
   *
   * @param document {@link #OPENAI} or {@link #REPLICATE}
   * @param schemaPointer where the request body's schema is in the document
   * @param body the JSON body as sent
   * @return the body's tree
   * @throws AssertionError listing every violation, if there is one
   */
  public static JsonNode validate(String document, String schemaPointer, byte[] body) {
    JsonNode node;
    try {
      node = JSON.readTree(body);
    } catch (java.io.IOException e) {
      throw new AssertionError("request body is not JSON: " + e.getMessage());
    }
    return validate(document, schemaPointer, node);
  }

  /**
   * Validates a JSON tree (for example a multipart form's fields as an object).
   *
   * @param document {@link #OPENAI} or {@link #REPLICATE}
   * @param schemaPointer where the schema is
   * @param node the value
   * @return {@code node}
   * @throws AssertionError listing every violation, if there is one
   */
  public static JsonNode validate(String document, String schemaPointer, JsonNode node) {
    Set<ValidationMessage> errors = schema(document, schemaPointer).validate(node);
    if (!errors.isEmpty()) {
      throw new AssertionError("request violates " + document + "#" + schemaPointer + ": "
          + errors.stream().map(ValidationMessage::getMessage).collect(Collectors.joining("; "))
          + "\nbody: " + node);
    }
    return node;
  }

  /**
   * Validates a JSON tree against a schema in a document outside the contracts folder (for
   * example a server's own OpenAPI document, to check its responses).
   *
   * @param document the document's file
   * @param schemaPointer where the schema is, for example {@code /components/schemas/Job}
   * @param node the value
   * @return {@code node}
   * @throws AssertionError listing every violation, if there is one
   */
  public static JsonNode validate(Path document, String schemaPointer, JsonNode node) {
    JsonSchema schema = SCHEMAS.computeIfAbsent(document.toUri() + "#" + schemaPointer,
        k -> FACTORY.getSchema(SchemaLocation.of(k)));
    Set<ValidationMessage> errors = schema.validate(node);
    if (!errors.isEmpty()) {
      throw new AssertionError("value violates " + document.getFileName() + "#" + schemaPointer
          + ": " + errors.stream().map(ValidationMessage::getMessage)
              .collect(Collectors.joining("; ")) + "\nvalue: " + node);
    }
    return node;
  }

  /**
   * The request body schema of an operation, as a pointer.
   *
   * @param path the OpenAPI path, for example {@code /audio/speech}
   * @param contentType for example {@code application/json}
   * @return {@code /paths/<escaped path>/post/requestBody/content/<escaped type>/schema}
   */
  public static String postBody(String path, String contentType) {
    return "/paths/" + path.replace("~", "~0").replace("/", "~1") + "/post/requestBody/content/"
        + contentType.replace("~", "~0").replace("/", "~1") + "/schema";
  }
}
