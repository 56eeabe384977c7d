package dev.storyreel.server;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/** Random, unguessable ids: 128 bits from {@link SecureRandom}, base64url. Thread-safe. */
final class Ids {
  private static final SecureRandom RANDOM = new SecureRandom();
  /** What a job id looks like: {@code job_} and 22 base64url characters. */
  static final Pattern JOB_ID = Pattern.compile("job_[A-Za-z0-9_-]{22}");

  private Ids() {}

  static String newId(String prefix) {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
