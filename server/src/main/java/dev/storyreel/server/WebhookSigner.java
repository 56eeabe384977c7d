package dev.storyreel.server;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs webhook bodies as the Standard Webhooks specification says: the signature is {@code
 * v1,} followed by the base64 of HMAC-SHA256 over {@code <webhook-id>.<webhook-timestamp>.<body>}
 * with the secret's decoded bytes ({@code whsec_<base64>}). Stateless and thread-safe.
 */
public final class WebhookSigner {
  private static final String PREFIX = "whsec_";
  private static final SecureRandom RANDOM = new SecureRandom();

  private WebhookSigner() {}

  /** @return a new random secret of 32 bytes, {@code whsec_<base64>} */
  public static String newSecret() {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    return PREFIX + Base64.getEncoder().encodeToString(key);
  }

  /**
   * @param secret {@code whsec_<base64>} (the prefix is optional)
   * @return the key bytes
   * @throws IllegalArgumentException if the secret is not base64 or shorter than 16 bytes
   *     (without quoting it)
   */
  public static byte[] decodeSecret(String secret) {
    String b64 = secret.startsWith(PREFIX) ? secret.substring(PREFIX.length()) : secret;
    byte[] key;
    try {
      key = Base64.getDecoder().decode(b64);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the webhook secret must be whsec_ followed by base64;"
          + " it is not valid base64");
    }
    if (key.length < 16) {
      throw new IllegalArgumentException("the webhook secret must hold at least 16 bytes, held "
          + key.length);
    }
    return key;
  }

  /**
   * @param secret {@code whsec_<base64>}
   * @param id the {@code webhook-id} header's value
   * @param timestampSeconds the {@code webhook-timestamp} header's value, Unix seconds
   * @param body the exact body bytes sent (UTF-8 JSON)
   * @return the {@code webhook-signature} header's value, {@code v1,<base64>}
   */
  public static String sign(String secret, String id, long timestampSeconds, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(decodeSecret(secret), "HmacSHA256"));
      mac.update((id + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
      return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
    }
  }
}
