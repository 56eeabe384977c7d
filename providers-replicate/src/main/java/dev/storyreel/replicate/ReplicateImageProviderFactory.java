package dev.storyreel.replicate;

import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.spi.ImageProvider;
import dev.storyreel.core.spi.ProviderFactory;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.SettingSpec;
import java.time.Duration;
import java.util.List;

/**
 * Makes {@link ReplicateImageProvider}s, registered as {@code replicate}. Available when {@code
 * REPLICATE_API_TOKEN} is set; {@linkplain #isPaid() paid}, so used only when named ({@code
 * StoryReel.builder().images("replicate")}). Settings (others ignored):
 *
 * <ul>
 *   <li>{@code replicate.apiToken}: the API token (never shown in any message);
 *   <li>{@code replicate.baseUrl}: an {@code http(s)://host/...} URL without user info;
 *   <li>{@code replicate.model}: {@code owner/name} or {@code owner/name:version};
 *   <li>{@code replicate.outputFormat}: {@code png} or {@code jpg};
 *   <li>{@code replicate.deadlineSeconds}: 1..86400, how long a call waits for its prediction;
 *   <li>{@code replicate.pollIntervalMillis}: 1..60000, the wait between polls;
 *   <li>{@code replicate.requestTimeoutSeconds}: 1..3600, how long one HTTP call may take;
 *   <li>{@code replicate.downloadAttempts}: 1..20, downloads of an output before giving up;
 *   <li>{@code replicate.maxConcurrency}: 1..64, predictions running at once.
 * </ul>
 *
 * <p>Every value is checked in {@link #create} before the provider exists, so a bad one never
 * reaches Replicate (nothing is created, nothing is billed).
 *
 * <p>Stateless and thread-safe; loading it never touches the network.
 */
public final class ReplicateImageProviderFactory implements ProviderFactory<ImageProvider> {

  /** Creates the factory; {@link java.util.ServiceLoader} calls this. */
  public ReplicateImageProviderFactory() {}

  @Override
  public Class<ImageProvider> type() {
    return ImageProvider.class;
  }

  /** @return {@code replicate} */
  @Override
  public String name() {
    return "replicate";
  }

  /** @return whether {@code REPLICATE_API_TOKEN} is set; never throws */
  @Override
  public boolean isAvailable() {
    try {
      String t = System.getenv(ReplicateImageProvider.TOKEN_ENV);
      return t != null && !t.isBlank();
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * @return {@code true}: Replicate bills every prediction, so this provider is used only when
   *     named
   */
  @Override
  public boolean isPaid() {
    return true;
  }

  private static final SettingSpec API_TOKEN = SettingSpec.secret("replicate.apiToken",
      "API token; default: the environment variable " + ReplicateImageProvider.TOKEN_ENV);
  private static final SettingSpec BASE_URL = SettingSpec.text("replicate.baseUrl",
      "Replicate's API base URL, http(s)://host/...");
  private static final SettingSpec MODEL = SettingSpec.text("replicate.model",
      "model, owner/name[:version]");
  private static final SettingSpec OUTPUT_FORMAT = SettingSpec.oneOf("replicate.outputFormat",
      "image format asked for", "png", "jpg");
  private static final SettingSpec DEADLINE_SECONDS = SettingSpec.integer(
      "replicate.deadlineSeconds", "how long to wait for one prediction, in seconds", 1, 86_400);
  private static final SettingSpec MAX_CONCURRENCY = SettingSpec.integer(
      "replicate.maxConcurrency", "predictions at once", 1, 64);
  private static final SettingSpec POLL_INTERVAL_MILLIS = SettingSpec.integer(
      "replicate.pollIntervalMillis", "wait between polls of a prediction, in milliseconds", 1,
      60_000);
  private static final SettingSpec REQUEST_TIMEOUT_SECONDS = SettingSpec.integer(
      "replicate.requestTimeoutSeconds", "how long one HTTP call may take, in seconds", 1, 3_600);
  private static final SettingSpec DOWNLOAD_ATTEMPTS = SettingSpec.integer(
      "replicate.downloadAttempts", "tries of the output download before the task fails", 1, 20);

  /** @return the {@code replicate.*} settings, with their ranges */
  @Override
  public List<SettingSpec> settings() {
    return List.of(API_TOKEN, BASE_URL, MODEL, OUTPUT_FORMAT, DEADLINE_SECONDS, MAX_CONCURRENCY,
        POLL_INTERVAL_MILLIS, REQUEST_TIMEOUT_SECONDS, DOWNLOAD_ATTEMPTS);
  }

  /**
   * @param s the settings; never {@code null}
   * @return a new provider; sends no request
   * @throws ConfigurationException if no token is set for a remote server, or a setting is not
   *     a valid value: the message names the setting, the value (never the token's) and what is
   *     accepted
   */
  @Override
  public ImageProvider create(ProviderSettings s) {
    // Every value is checked before the builder sees it: a negative deadline would otherwise be
    // accepted and end a paid prediction at once.
    SettingSpec.checkAll(settings(), s);
    ReplicateImageProvider.Builder b = ReplicateImageProvider.builder();
    s.get("replicate.apiToken").ifPresent(b::apiToken);
    s.get("replicate.baseUrl").ifPresent(v -> {
      try {
        b.baseUrl(v);
      } catch (IllegalArgumentException e) {
        // user:password@ in a URL is a credential: the value is shown only without one
        throw bad("replicate.baseUrl", v.contains("@") ? "(a URL with user info, not shown)"
            : v, "an http(s)://host/... URL, for example " + ReplicateImageProvider
            .DEFAULT_BASE_URL);
      }
    });
    s.get("replicate.model").ifPresent(v -> apply("replicate.model", v, () -> b.model(v.strip()),
        "owner/name or owner/name:version, for example " + ReplicateImageProvider.DEFAULT_MODEL));
    s.get("replicate.outputFormat").ifPresent(v -> apply("replicate.outputFormat", v,
        () -> b.outputFormat(v.strip()), "png or jpg"));
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
    return b.build();
  }

  private static long whole(String key, String value, long min, long max, String unit) {
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

  private static void apply(String key, String value, Runnable set, String accepted) {
    try {
      set.run();
    } catch (IllegalArgumentException e) {
      throw bad(key, value, accepted);
    }
  }

  private static ConfigurationException bad(String key, String value, String accepted) {
    return new ConfigurationException("The setting " + key + " is '" + value.strip()
        + "', which is not valid: it must be " + accepted + ". Change or remove it.");
  }
}
