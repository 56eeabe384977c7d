package dev.storyreel.core;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The one place that keeps credentials out of everything StoryReel prints or stores: exception
 * messages, log lines, progress events and manifests.
 *
 * <p>It masks two things with {@value #MASK}:
 *
 * <ul>
 *   <li>every <em>registered</em> credential, whatever its shape (the key of a local
 *       OpenAI-compatible server can be any string), together with its Base64 and URL-encoded
 *       forms, since a vendor may echo a header value encoded;
 *   <li>the published shapes of vendor keys, registered or not: OpenAI {@code sk-...}, Replicate
 *       {@code r8_...}, AWS access key ids {@code AKIA...}/{@code ASIA...}, and any {@code Bearer
 *       ...} or {@code Basic ...} authorization value.
 * </ul>
 *
 * <p>Credentials are registered by whoever receives them: {@link
 * dev.storyreel.core.http.HttpTransport.Builder#bearer} and the secret headers of an HTTP
 * transport, and {@link dev.storyreel.core.spi.ProviderSettings} for every setting whose name
 * says it is a secret (it contains {@code key}, {@code token}, {@code secret} or {@code password}).
 * {@link StoryReelException} passes its message through {@link #redact(String)}, so a vendor
 * string that reaches any StoryReel exception is masked even if the code that built the message
 * forgot to.
 *
 * <p>The registry is process-wide, because a credential must stay out of every job's output, and
 * registering one more secret can only mask more. Values shorter than {@value #MIN_SECRET_CHARS}
 * characters are not registered: masking every "abc" in every message would destroy the messages
 * and protect nothing. Thread-safe.
 */
public final class Redactor {
  /** What a credential is replaced by: {@value}. */
  public static final String MASK = "***";
  /** The shortest value that is registered as a credential: {@value} characters. */
  public static final int MIN_SECRET_CHARS = 6;

  private static final Pattern VENDOR_SHAPES = Pattern.compile(
      "(sk-[A-Za-z0-9_*\\-]{3,}|r8_[A-Za-z0-9_*\\-]{3,}|\\b(?:AKIA|ASIA)[A-Z0-9]{12,}\\b"
          + "|(?i:bearer|basic)\\s+[A-Za-z0-9._~+/=*\\-]+)");
  private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();
  /** The registered forms, longest first, so a secret inside a longer one is masked whole. */
  private static volatile List<String> forms = List.of();

  private Redactor() {}

  /**
   * Registers a credential so that it is masked everywhere from now on, in every job of this
   * process. Blank values and values shorter than {@value #MIN_SECRET_CHARS} characters are
   * ignored; registering the same value twice does nothing.
   *
   * @param secret the credential, or {@code null} (ignored)
   */
  public static void register(String secret) {
    if (secret == null) {
      return;
    }
    String s = secret.strip();
    if (s.length() < MIN_SECRET_CHARS || !SECRETS.add(s)) {
      return;
    }
    synchronized (Redactor.class) {
      List<String> next = new ArrayList<>(forms);
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      for (String f : List.of(s,
          Base64.getEncoder().encodeToString(utf8),
          Base64.getEncoder().withoutPadding().encodeToString(utf8),
          Base64.getUrlEncoder().withoutPadding().encodeToString(utf8),
          URLEncoder.encode(s, StandardCharsets.UTF_8))) {
        if (!next.contains(f)) {
          next.add(f);
        }
      }
      next.sort(Comparator.comparingInt(String::length).reversed());
      forms = List.copyOf(next);
    }
  }

  /**
   * @param setting a setting's name, for example {@code openai.apiKey}
   * @return whether a setting of that name holds a credential (its name contains {@code key},
   *     {@code token}, {@code secret} or {@code password}, in any case)
   */
  public static boolean isSecretName(String setting) {
    String n = Objects.requireNonNull(setting, "setting").toLowerCase(java.util.Locale.ROOT);
    return n.contains("key") || n.contains("token") || n.contains("secret")
        || n.contains("password");
  }

  /**
   * Masks every registered credential and every vendor key shape in {@code text}.
   *
   * @param text any text, or {@code null}
   * @return the text with credentials replaced by {@value #MASK}; {@code null} for {@code null}
   */
  public static String redact(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String out = text;
    for (String f : forms) {
      if (out.contains(f)) {
        out = out.replace(f, MASK);
      }
    }
    return VENDOR_SHAPES.matcher(out).replaceAll(MASK);
  }

  /**
   * @param text any text, or {@code null}
   * @return whether {@link #redact} would change it
   */
  public static boolean containsSecret(String text) {
    return text != null && !Objects.equals(redact(text), text);
  }
}
