package dev.storyreel.samples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** {@code --log-format json}: JSON lines on standard error, with the library's MDC keys. */
class CliJsonLogsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void jsonLogLinesParseAndCarryTheJobIdAndTheTask() throws Exception {
    Path story = dir.resolve("story.txt");
    Files.writeString(story, "The Lamp\n\nA lamp was lit by the harbour. The night was calm.\n");
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream oldErr = System.err;
    StringWriter cliErr = new StringWriter();
    int code;
    System.setProperty(CliLogging.LEVEL_PROPERTY, "DEBUG");
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      CommandLine cl = new CommandLine(new StoryReelCli());
      cl.setOut(new PrintWriter(new StringWriter()));
      cl.setErr(new PrintWriter(cliErr));
      code = cl.execute("render", story.toString(), "-o", dir.resolve("out").toString(),
          "--format", "270x480", "--fps", "6", "--no-progress", "--log-format", "json");
    } finally {
      System.setErr(oldErr);
      System.clearProperty(CliLogging.LEVEL_PROPERTY);
      CliLogging.configure(CliLogging.Format.text); // back to WARN, as the other tests expect
    }
    assertThat(code).as("exit code; stderr: %s", cliErr).isZero();

    List<JsonNode> lines = new ArrayList<>();
    for (String line : captured.toString(StandardCharsets.UTF_8).split("\n")) {
      if (!line.isBlank()) {
        lines.add(JSON.readTree(line)); // every line is one JSON object
      }
    }
    assertThat(lines).isNotEmpty();
    assertThat(lines).allSatisfy(n -> {
      assertThat(n.isObject()).isTrue();
      assertThat(n.path("level").asText()).isNotBlank();
      assertThat(n.has("message")).isTrue();
    });
    assertThat(lines).anySatisfy(n -> {
      assertThat(n.path("message").asText()).isEqualTo("job started");
      assertThat(n.path("mdc").path("jobId").asText()).matches("[0-9a-f]{12}-\\d+");
    });
    JsonNode imageTask = lines.stream()
        .filter(n -> n.path("mdc").path("task").asText().startsWith("image-"))
        .findFirst().orElseThrow(() -> new AssertionError("no log line of an image task in "
            + lines));
    JsonNode mdc = imageTask.path("mdc");
    assertThat(mdc.path("jobId").asText()).isNotBlank();
    assertThat(mdc.path("segment").asText()).matches("\\d+");
    assertThat(mdc.path("task").asText())
        .endsWith(String.format("%03d", Integer.parseInt(mdc.path("segment").asText())));
    assertThat(mdc.path("attempt").asText()).isEqualTo("1");
    assertThat(mdc.path("resource").asText()).isEqualTo("image");
  }

  @Test
  void theCliCarriesLogbackAsItsSlf4jProvider() {
    // The library modules depend on slf4j-api alone; the CLI is where the provider comes from.
    assertThat(LoggerFactory.getILoggerFactory().getClass().getName())
        .isEqualTo("ch.qos.logback.classic.LoggerContext");
  }

  @Test
  void anUnknownLogFormatIsBadInputWithoutAJavaClassName() {
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new StoryReelCli());
    cl.setOut(new PrintWriter(new StringWriter()));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute("render", "story.txt", "--log-format", "xml");
    assertThat(code).isEqualTo(StoryReelCli.EXIT_BAD_INPUT);
    assertThat(err.toString()).contains("--log-format", "text", "json")
        .doesNotContain("Exception");
  }
}
