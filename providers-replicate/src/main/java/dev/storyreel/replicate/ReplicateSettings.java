package dev.storyreel.replicate;

import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.http.KeyPool;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.SettingSpec;
import java.time.Duration;
import java.util.List;

/**
 * The {@code replicate.*} settings every Replicate factory reads, and how a value is turned into
 * a builder call: each value is checked before the builder sees it, so a bad one never reaches
 * Replicate (nothing is created, nothing is billed). Stateless.
 */
final class ReplicateSettings {
  private ReplicateSettings() {}

  static final SettingSpec API_TOKEN = SettingSpec.secret("replicate.apiToken",
      "API token; default: the environment variable " + ReplicateOptions.TOKEN_ENV);
  static final SettingSpec API_TOKENS = SettingSpec.secret("replicate.apiTokens",
      "several API tokens, comma-separated, rotated on rate limits and revoked tokens; default:"
          + " the environment variable " + ReplicateOptions.TOKENS_ENV);
  static final SettingSpec BASE_URL = SettingSpec.text("replicate.baseUrl",
      "Replicate's API base URL, http(s)://host/...");
  static final SettingSpec DEADLINE_SECONDS = SettingSpec.integer(
      "replicate.deadlineSeconds", "how long to wait for one prediction, in seconds", 1, 86_400);
  static final SettingSpec MAX_CONCURRENCY = SettingSpec.integer(
      "replicate.maxConcurrency", "predictions at once", 1, 64);
  static final SettingSpec POLL_INTERVAL_MILLIS = SettingSpec.integer(
      "replicate.pollIntervalMillis", "wait between polls of a prediction, in milliseconds", 1,
      60_000);
  static final SettingSpec REQUEST_TIMEOUT_SECONDS = SettingSpec.integer(
      "replicate.requestTimeoutSeconds", "how long one HTTP call may take, in seconds", 1, 3_600);
  static final SettingSpec DOWNLOAD_ATTEMPTS = SettingSpec.integer(
      "replicate.downloadAttempts", "tries of the output download before the task fails", 1, 20);

  /** The settings shared by every Replicate factory. */
  static final List<SettingSpec> COMMON = List.of(API_TOKEN, API_TOKENS, BASE_URL, DEADLINE_SECONDS,
      MAX_CONCURRENCY, POLL_INTERVAL_MILLIS, REQUEST_TIMEOUT_SECONDS, DOWNLOAD_ATTEMPTS);

  /**
   * Applies the common settings that {@code s} holds to {@code b}.
   *
   * @throws ConfigurationException naming the setting, the value (never the token's) and what
   *     is accepted
   */
  static void applyCommon(ProviderSettings s, ReplicateOptions<?> b) {
    s.get("replicate.apiToken").ifPresent(b::apiToken);
    s.get("replicate.apiTokens").ifPresent(v -> b.apiTokens(KeyPool.parse(v)));
    s.get("replicate.baseUrl").ifPresent(v -> {
      try {
        b.baseUrl(v);
      } catch (IllegalArgumentException e) {
        // user:password@ in a URL is a credential: the value is shown only without one
        throw bad("replicate.baseUrl", v.contains("@") ? "(a URL with user info, not shown)"
            : v, "an http(s)://host/... URL, for example " + ReplicateOptions.DEFAULT_BASE_URL);
      }
    });
    s.get("replicate.deadlineSeconds").ifPresent(v -> b.deadline(
        Duration.ofSeconds(whole("replicate.deadlineSeconds", v, 1, 86_400, "seconds"))));
    s.get("replicate.pollIntervalMillis").ifPresent(v -> b.pollInterval(
        Duration.ofMillis(whole("replicate.pollIntervalMillis", v, 1, 60_000, "milliseconds"))));
    s.get("replicate.requestTimeoutSeconds").ifPresent(v -> b.requestTimeout(
        Duration.ofSeconds(whole("replicate.requestTimeoutSeconds", v, 1, 3_600, "seconds"))));
    s.get("replicate.downloadAttempts").ifPresent(v -> b.downloadAttempts(
        (int) whole("replicate.downloadAttempts", v, 1, 20, "attempts")));
    s.get("replicate.maxConcurrency").ifPresent(v -> b.maxConcurrency(
        (int) whole("replicate.maxConcurrency", v, 1, 64, "predictions at once")));
  }

  /** @return whether {@code REPLICATE_API_TOKEN} is set; never throws */
  static boolean tokenInEnvironment() {
    try {
      String t = System.getenv(ReplicateOptions.TOKEN_ENV);
      String ts = System.getenv(ReplicateOptions.TOKENS_ENV);
      return t != null && !t.isBlank() || ts != null && !ts.isBlank();
    } catch (RuntimeException e) {
      return false;
    }
  }

  static long whole(String key, String value, long min, long max, String unit) {
    String accepted = "a whole number of " + unit + " in " + min + ".." + max;
    long n;
    try {
      n = Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      throw bad(key, value, accepted);
    }
    if (n < min || n > max) {
      throw bad(key, value, accepted);
    }
    return n;
  }

  static void apply(String key, String value, Runnable set, String accepted) {
    try {
      set.run();
    } catch (IllegalArgumentException e) {
      throw bad(key, value, accepted);
    }
  }

  static ConfigurationException bad(String key, String value, String accepted) {
    return new ConfigurationException("The setting " + key + " is '" + value.strip()
        + "', which is not valid: it must be " + accepted + ". Change or remove it.");
  }
}
