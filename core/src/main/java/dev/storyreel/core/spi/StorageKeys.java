package dev.storyreel.core.spi;

import dev.storyreel.core.InvalidInputException;
import java.util.Objects;

/**
 * The one rule every {@link Storage} applies to keys, so that a key accepted by one storage is
 * accepted by all and none can reach outside its root (a local folder, a bucket prefix).
 *
 * <p>A key is relative and {@code /}-separated, at most 1024 characters, with no empty, {@code .}
 * or {@code ..} segment, no leading {@code /}, no backslash and no control character (U+0000 to
 * U+001F, U+007F). Stateless and thread-safe.
 *
 * <p>{@code StorageKeys.validate("assets/segment-000.png");}
 */
public final class StorageKeys {
  /** The longest key accepted, in characters (UTF-16 units). */
  public static final int MAX_KEY_CHARS = 1024;

  private StorageKeys() {}

  /**
   * Checks a key.
   *
   * @param key the key; never {@code null}
   * @return {@code key}, for chaining
   * @throws NullPointerException if {@code key} is {@code null}
   * @throws InvalidInputException naming the key (control characters escaped) and what is wrong
   */
  public static String validate(String key) {
    Objects.requireNonNull(key, "key");
    String why = null;
    if (key.isEmpty()) {
      why = "it is empty";
    } else if (key.length() > MAX_KEY_CHARS) {
      why = "it is longer than " + MAX_KEY_CHARS + " characters";
    } else if (key.startsWith("/")) {
      why = "it is absolute (starts with '/')";
    } else if (key.indexOf('\\') >= 0) {
      why = "it contains a backslash";
    } else if (key.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      why = "it contains a control character";
    } else {
      for (String seg : key.split("/", -1)) {
        if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
          why = "it has an empty, '.' or '..' segment";
          break;
        }
      }
    }
    if (why != null) {
      throw new InvalidInputException(
          "Invalid storage key '" + printable(key) + "': " + why
              + ". Use a relative path such as assets/segment-000.png.");
    }
    return key;
  }

  /**
   * @param key any string
   * @return the string cut to 200 code points with control characters written as {@code \\uXXXX},
   *     safe to put in a message or a log line
   */
  public static String printable(String key) {
    StringBuilder sb = new StringBuilder();
    key.codePoints().limit(200).forEach(c -> {
      if (c < 0x20 || c == 0x7f) {
        sb.append(String.format("\\u%04x", c));
      } else {
        sb.appendCodePoint(c);
      }
    });
    return sb.toString();
  }
}
