package dev.storyreel.samples;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.util.Locale;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CLI's logging: logback, to standard error (standard output and the progress bar stay
 * clean), as text or as one JSON object a line ({@code --log-format json}).
 *
 * <p>The level is WARN unless the system property {@value #LEVEL_PROPERTY} or the environment
 * variable {@value #LEVEL_ENV} names another ({@code ERROR}, {@code WARN}, {@code INFO}, {@code
 * DEBUG}, {@code TRACE}; any case). JSON lines come from logback's own {@link JsonEncoder}: they
 * carry the MDC keys the library sets ({@code jobId}, {@code task}, {@code segment}, {@code
 * resource}, {@code attempt}, {@code provider}) under {@code "mdc"}.
 *
 * <p>Not thread-safe against a concurrent {@link #configure}: called once, at the start of a run.
 */
final class CliLogging {

  /** The system property that sets the level. */
  static final String LEVEL_PROPERTY = "storyreel.log.level";
  /** The environment variable that sets the level when the property is not set. */
  static final String LEVEL_ENV = "STORYREEL_LOG_LEVEL";

  /** How log lines are written. */
  enum Format {
    /** One readable line an event. */
    text,
    /** One JSON object a line (NDJSON). */
    json
  }

  static final String TEXT_PATTERN =
      "%d{HH:mm:ss.SSS} %-5level [%X{jobId}%X{task:+ }%X{task}] %logger{1} - %msg%n";

  private CliLogging() {}

  /**
   * Replaces logback's configuration with one console appender on standard error.
   *
   * <p>Does nothing when SLF4J is bound to another provider than logback (the CLI embedded in an
   * application that brings its own).
   *
   * @param format text or JSON; never {@code null}
   */
  static void configure(Format format) {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext ctx)) {
      return;
    }
    ctx.reset();
    Encoder<ILoggingEvent> encoder;
    if (format == Format.json) {
      JsonEncoder json = new JsonEncoder();
      json.setContext(ctx);
      json.start();
      encoder = json;
    } else {
      PatternLayoutEncoder text = new PatternLayoutEncoder();
      text.setContext(ctx);
      text.setPattern(TEXT_PATTERN);
      text.start();
      encoder = text;
    }
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(ctx);
    console.setName("stderr");
    console.setTarget("System.err");
    console.setEncoder(encoder);
    console.start();
    ch.qos.logback.classic.Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(level());
    root.addAppender(console);
  }

  /** @return the level named by the property or the environment; WARN when none or unknown */
  static Level level() {
    String name = System.getProperty(LEVEL_PROPERTY);
    if (name == null || name.isBlank()) {
      name = System.getenv(LEVEL_ENV);
    }
    return name == null ? Level.WARN : Level.toLevel(name.strip().toUpperCase(Locale.ROOT),
        Level.WARN);
  }
}
