package dev.storyreel.core.spi;

import dev.storyreel.core.ConfigurationException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One setting a {@link ProviderFactory} reads from {@link ProviderSettings}: its key, a one-line
 * description, and the values it accepts, so that a caller (the CLI's {@code --set}) can reject a
 * misspelt key or a value out of range before any provider is created or anything is paid for.
 *
 * <p>Make one with {@link #text}, {@link #secret}, {@link #integer}, {@link #decimal}, {@link
 * #bool} or {@link #oneOf}; {@link #check(String)} validates a value and the {@code parse...}
 * methods turn it into a number, each throwing a {@link ConfigurationException} that names the
 * key, the value (unless {@linkplain #secret() secret}) and what is allowed. Example: {@code
 * SettingSpec.integer("replicate.deadlineSeconds", "seconds to wait for one prediction", 1,
 * 86_400)}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param key the key, for example {@code openai.maxConcurrency}; never blank
 * @param description one line for help and error messages; never {@code null}
 * @param kind what values look like; never {@code null}
 * @param min the smallest number allowed for {@link Kind#INTEGER} and {@link Kind#DECIMAL},
 *     inclusive; {@code null} for the other kinds
 * @param max the largest number allowed, inclusive; {@code null} for the other kinds
 * @param choices the values allowed for {@link Kind#CHOICE} (compared ignoring case), else
 *     empty; copied
 * @param secret whether the value is a credential that must never appear in a message
 */
public record SettingSpec(String key, String description, Kind kind, BigDecimal min,
    BigDecimal max, List<String> choices, boolean secret) {

  /** What a setting's values look like. */
  public enum Kind {
    /** Any text. */
    TEXT,
    /** A whole number in {@code min..max}. */
    INTEGER,
    /** A decimal number in {@code min..max}. */
    DECIMAL,
    /** {@code true} or {@code false}. */
    BOOLEAN,
    /** One of {@code choices}. */
    CHOICE
  }

  /**
   * @param key the key, for example {@code openai.maxConcurrency}; never blank
   * @param description one line for help and error messages; never {@code null}
   * @param kind what values look like; never {@code null}
   * @param min the smallest number allowed for {@link Kind#INTEGER} and {@link Kind#DECIMAL},
   *     inclusive; {@code null} for the other kinds
   * @param max the largest number allowed, inclusive; {@code null} for the other kinds
   * @param choices the values allowed for {@link Kind#CHOICE} (compared ignoring case), else
   *     empty; copied
   * @param secret whether the value is a credential that must never appear in a message
   * @throws NullPointerException if {@code key}, {@code description}, {@code kind} or {@code
   *     choices} is {@code null}
   * @throws IllegalArgumentException if the key is blank, a numeric kind lacks its range, or a
   *     choice kind has no choices
   */
  public SettingSpec {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(kind, "kind");
    choices = List.copyOf(Objects.requireNonNull(choices, "choices"));
    if (key.isBlank()) {
      throw new IllegalArgumentException("key must not be blank");
    }
    boolean numeric = kind == Kind.INTEGER || kind == Kind.DECIMAL;
    if (numeric && (min == null || max == null || min.compareTo(max) > 0)) {
      throw new IllegalArgumentException(key + ": a numeric setting needs min <= max");
    }
    if (kind == Kind.CHOICE && choices.isEmpty()) {
      throw new IllegalArgumentException(key + ": a choice setting needs choices");
    }
  }

  /**
   * @param key the key
   * @param description one line
   * @return a setting that takes any text
   */
  public static SettingSpec text(String key, String description) {
    return new SettingSpec(key, description, Kind.TEXT, null, null, List.of(), false);
  }

  /**
   * @param key the key
   * @param description one line
   * @return a setting that takes any text and holds a credential: its value is never shown
   */
  public static SettingSpec secret(String key, String description) {
    return new SettingSpec(key, description, Kind.TEXT, null, null, List.of(), true);
  }

  /**
   * @param key the key
   * @param description one line, with the unit
   * @param min the smallest value allowed, inclusive
   * @param max the largest value allowed, inclusive
   * @return a setting that takes a whole number in {@code min..max}
   */
  public static SettingSpec integer(String key, String description, long min, long max) {
    return new SettingSpec(key, description, Kind.INTEGER, BigDecimal.valueOf(min),
        BigDecimal.valueOf(max), List.of(), false);
  }

  /**
   * @param key the key
   * @param description one line, with the unit
   * @param min the smallest value allowed, inclusive
   * @param max the largest value allowed, inclusive
   * @return a setting that takes a decimal number in {@code min..max}
   */
  public static SettingSpec decimal(String key, String description, double min, double max) {
    return new SettingSpec(key, description, Kind.DECIMAL, BigDecimal.valueOf(min),
        BigDecimal.valueOf(max), List.of(), false);
  }

  /**
   * @param key the key
   * @param description one line
   * @return a setting that takes {@code true} or {@code false}
   */
  public static SettingSpec bool(String key, String description) {
    return new SettingSpec(key, description, Kind.BOOLEAN, null, null, List.of(), false);
  }

  /**
   * @param key the key
   * @param description one line
   * @param choices the values allowed; at least one
   * @return a setting that takes one of {@code choices}, ignoring case
   */
  public static SettingSpec oneOf(String key, String description, String... choices) {
    return new SettingSpec(key, description, Kind.CHOICE, null, null, List.of(choices), false);
  }

  /** @return what is allowed, in words, for example {@code "a whole number 1..64"} */
  public String allowed() {
    return switch (kind) {
      case TEXT -> "any text";
      case INTEGER -> "a whole number " + min.toPlainString() + ".." + max.toPlainString();
      case DECIMAL -> "a number " + min.toPlainString() + ".." + max.toPlainString();
      case BOOLEAN -> "true or false";
      case CHOICE -> "one of " + String.join(", ", choices);
    };
  }

  /**
   * Checks a value.
   *
   * @param value the value as given; never {@code null}
   * @return the value without surrounding whitespace (a choice in the spelling of {@code choices})
   * @throws ConfigurationException if the value is not allowed; the message names the key, the
   *     value (not for a secret) and what is allowed
   */
  public String check(String value) {
    Objects.requireNonNull(value, "value");
    String v = value.strip();
    switch (kind) {
      case TEXT -> {
        return v;
      }
      case INTEGER, DECIMAL -> {
        BigDecimal n = number(v);
        if (kind == Kind.INTEGER && n.stripTrailingZeros().scale() > 0) {
          throw bad(value);
        }
        if (n.compareTo(min) < 0 || n.compareTo(max) > 0) {
          throw bad(value);
        }
        return v;
      }
      case BOOLEAN -> {
        String b = v.toLowerCase(Locale.ROOT);
        if (!b.equals("true") && !b.equals("false")) {
          throw bad(value);
        }
        return b;
      }
      case CHOICE -> {
        for (String c : choices) {
          if (c.equalsIgnoreCase(v)) {
            return c;
          }
        }
        throw bad(value);
      }
      default -> throw new IllegalStateException(kind.toString());
    }
  }

  /**
   * @param value a value of an {@link Kind#INTEGER} setting
   * @return it as a {@code long}
   * @throws ConfigurationException if it is not allowed (see {@link #check(String)})
   */
  public long parseLong(String value) {
    return new BigDecimal(check(value)).longValueExact();
  }

  /**
   * @param value a value of an {@link Kind#INTEGER} setting whose range fits an {@code int}
   * @return it as an {@code int}
   * @throws ConfigurationException if it is not allowed (see {@link #check(String)})
   */
  public int parseInt(String value) {
    return Math.toIntExact(parseLong(value));
  }

  /**
   * @param value a value of a {@link Kind#DECIMAL} or {@link Kind#INTEGER} setting
   * @return it as a {@code double}
   * @throws ConfigurationException if it is not allowed (see {@link #check(String)})
   */
  public double parseDouble(String value) {
    return new BigDecimal(check(value)).doubleValue();
  }

  /**
   * @param value a value of a {@link Kind#BOOLEAN} setting
   * @return it as a {@code boolean}
   * @throws ConfigurationException if it is not {@code true} or {@code false}
   */
  public boolean parseBoolean(String value) {
    return Boolean.parseBoolean(check(value));
  }

  /**
   * Checks every setting of {@code specs} that {@code settings} holds; keys not in {@code specs}
   * are left alone (they belong to other providers).
   *
   * @param specs the settings a factory reads; never {@code null}
   * @param settings the shared settings; never {@code null}
   * @throws ConfigurationException naming the first value that is not allowed
   */
  public static void checkAll(List<SettingSpec> specs, ProviderSettings settings) {
    for (SettingSpec s : specs) {
      settings.get(s.key()).ifPresent(s::check);
    }
  }

  private BigDecimal number(String v) {
    try {
      return new BigDecimal(v);
    } catch (NumberFormatException e) {
      throw bad(v);
    }
  }

  private ConfigurationException bad(String value) {
    String shown = secret ? "(hidden)" : "'" + value + "'";
    return new ConfigurationException("Setting " + key + "=" + shown + " is not allowed: "
        + key + " (" + description + ") must be " + allowed() + ".");
  }
}
