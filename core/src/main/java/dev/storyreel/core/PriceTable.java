package dev.storyreel.core;

import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * Prices per provider and model, used to estimate what a call costs ({@link Usage}) and to keep a
 * job inside its {@link Budget}.
 *
 * <p>Keys are {@code provider/model}, for example {@code openai/tts-1} or {@code
 * replicate/black-forest-labs/flux-schnell}. A provider and model without an entry cost 0 (the
 * offline providers). The {@linkplain #defaults() defaults} are the list prices as published by
 * the vendors (OpenAI: https://openai.com/api/pricing and https://platform.openai.com/docs/pricing;
 * Replicate: https://replicate.com/pricing and each model's page; ElevenLabs:
 * https://elevenlabs.io/pricing/api, estimates only), as known to StoryReel's
 * authors in 2026. They were not checked live by this build, and vendors change them: override
 * them with {@link #with(String, Price)} or a file ({@link #load(Path)}) for accurate figures.
 *
 * <p>File format ({@code java.util.Properties}): {@code <provider>/<model>.<field>=<number>},
 * where field is one of {@code usdPerMillionInputTokens}, {@code usdPerMillionOutputTokens},
 * {@code usdPerMillionCharacters}, {@code usdPerImage} (per output: an image, or a clip of an
 * image-to-video model), {@code usdPerAudioMinute}. Example:
 * {@code openai/tts-1.usdPerMillionCharacters=15}. Fields not given keep the value the table had
 * for that key (or 0).
 *
 * <p>Immutable and thread-safe.
 */
public final class PriceTable {
  private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
  private static final BigDecimal MINUTE_MILLIS = BigDecimal.valueOf(60_000);

  /**
   * The price of one provider and model; every field in US dollars, {@code >= 0}.
   *
   * @param usdPerMillionInputTokens per million prompt tokens
   * @param usdPerMillionOutputTokens per million completion tokens
   * @param usdPerMillionCharacters per million characters of speech input
   * @param usdPerImage per image
   * @param usdPerAudioMinute per minute of audio
   */
  public record Price(
      BigDecimal usdPerMillionInputTokens,
      BigDecimal usdPerMillionOutputTokens,
      BigDecimal usdPerMillionCharacters,
      BigDecimal usdPerImage,
      BigDecimal usdPerAudioMinute) {

    /** Free. */
    public static final Price FREE = new Price(
        BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO);

    /**
     * @param usdPerMillionInputTokens per million prompt tokens
     * @param usdPerMillionOutputTokens per million completion tokens
     * @param usdPerMillionCharacters per million characters of speech input
     * @param usdPerImage per image
     * @param usdPerAudioMinute per minute of audio
     * @throws IllegalArgumentException if a price is negative
     */
    public Price {
      for (BigDecimal b : new BigDecimal[] {usdPerMillionInputTokens, usdPerMillionOutputTokens,
          usdPerMillionCharacters, usdPerImage, usdPerAudioMinute}) {
        Objects.requireNonNull(b, "price");
        if (b.signum() < 0) {
          throw new IllegalArgumentException("prices must be >= 0, was " + b);
        }
      }
    }

    /**
     * @param inputUsd per million input tokens
     * @param outputUsd per million output tokens
     * @return a token price
     */
    public static Price perMillionTokens(String inputUsd, String outputUsd) {
      return FREE.toBuilder(new BigDecimal(inputUsd), new BigDecimal(outputUsd), null, null, null);
    }

    /**
     * @param usd per million characters
     * @return a character price
     */
    public static Price perMillionCharacters(String usd) {
      return FREE.toBuilder(null, null, new BigDecimal(usd), null, null);
    }

    /**
     * @param usd per image
     * @return an image price
     */
    public static Price perImage(String usd) {
      return FREE.toBuilder(null, null, null, new BigDecimal(usd), null);
    }

    /**
     * @param usd per minute of audio
     * @return an audio price
     */
    public static Price perAudioMinute(String usd) {
      return FREE.toBuilder(null, null, null, null, new BigDecimal(usd));
    }

    private Price toBuilder(BigDecimal in, BigDecimal out, BigDecimal chars, BigDecimal img,
        BigDecimal min) {
      return new Price(in != null ? in : usdPerMillionInputTokens,
          out != null ? out : usdPerMillionOutputTokens,
          chars != null ? chars : usdPerMillionCharacters,
          img != null ? img : usdPerImage, min != null ? min : usdPerAudioMinute);
    }

    /**
     * @param u what was consumed
     * @return its cost in US dollars
     */
    public BigDecimal cost(Usage u) {
      MathContext mc = MathContext.DECIMAL64;
      return usdPerMillionInputTokens.multiply(BigDecimal.valueOf(u.inputTokens()))
          .add(usdPerMillionOutputTokens.multiply(BigDecimal.valueOf(u.outputTokens())))
          .add(usdPerMillionCharacters.multiply(BigDecimal.valueOf(u.characters())))
          .divide(MILLION, mc)
          .add(usdPerImage.multiply(BigDecimal.valueOf(u.images())))
          .add(usdPerAudioMinute.multiply(BigDecimal.valueOf(u.audioMillis()))
              .divide(MINUTE_MILLIS, mc));
    }
  }

  private final Map<String, Price> prices;

  private PriceTable(Map<String, Price> prices) {
    this.prices = Map.copyOf(prices);
  }

  /** @return a table with no prices: everything costs 0 */
  public static PriceTable empty() {
    return new PriceTable(Map.of());
  }

  /**
   * The vendors' list prices for the models StoryReel's providers use by default (see the class
   * comment for sources and caveats). GPT image and DALL-E prices are per image at the size and
   * quality StoryReel asks for by default (portrait, {@code medium} / {@code standard}).
   *
   * @return the default table
   */
  public static PriceTable defaults() {
    Map<String, Price> m = new LinkedHashMap<>();
    // OpenAI, https://platform.openai.com/docs/pricing
    m.put("openai/gpt-4o-mini", Price.perMillionTokens("0.15", "0.60"));
    m.put("openai/gpt-4o", Price.perMillionTokens("2.50", "10.00"));
    m.put("openai/gpt-4.1-mini", Price.perMillionTokens("0.40", "1.60"));
    m.put("openai/gpt-4.1", Price.perMillionTokens("2.00", "8.00"));
    m.put("openai/gpt-image-1", Price.perImage("0.063"));
    m.put("openai/dall-e-3", Price.perImage("0.080"));
    m.put("openai/tts-1", Price.perMillionCharacters("15.00"));
    m.put("openai/tts-1-hd", Price.perMillionCharacters("30.00"));
    // gpt-4o-mini-tts is billed per token; OpenAI's own estimate is $0.015 per minute of audio,
    // about 1,000 characters: $15 per million characters.
    m.put("openai/gpt-4o-mini-tts", Price.perMillionCharacters("15.00"));
    m.put("openai/whisper-1", Price.perAudioMinute("0.006"));
    m.put("openai/omni-moderation-latest", Price.FREE);
    // Replicate, https://replicate.com/pricing (per output image)
    m.put("replicate/black-forest-labs/flux-schnell", Price.perImage("0.003"));
    m.put("replicate/black-forest-labs/flux-dev", Price.perImage("0.025"));
    m.put("replicate/black-forest-labs/flux-1.1-pro", Price.perImage("0.04"));
    // Replicate image-to-video, per clip (usdPerImage counts outputs, images or clips):
    // ESTIMATES for the clip StoryReel asks for, not checked against the vendor's page by this
    // build. wan-2.2-i2v-fast: one 480p clip of 81..121 frames; kling-v2.1: a 5 s standard clip
    // at $0.05 a second (a 10 s clip costs twice this).
    m.put("replicate/wan-video/wan-2.2-i2v-fast", Price.perImage("0.05"));
    m.put("replicate/kwaivgi/kling-v2.1", Price.perImage("0.25"));
    // ElevenLabs, https://elevenlabs.io/pricing/api: ESTIMATES, not checked against the vendor's
    // page by this build (its API is billed in credits per plan). Speech per character, effects
    // and music per minute of audio made, forced alignment per minute of audio aligned.
    m.put("elevenlabs/eleven_multilingual_v2", Price.perMillionCharacters("100.00"));
    m.put("elevenlabs/eleven_v3", Price.perMillionCharacters("100.00"));
    m.put("elevenlabs/eleven_flash_v2_5", Price.perMillionCharacters("50.00"));
    m.put("elevenlabs/eleven_turbo_v2_5", Price.perMillionCharacters("50.00"));
    m.put("elevenlabs/sound-generation", Price.perAudioMinute("0.24"));
    m.put("elevenlabs/music_v1", Price.perAudioMinute("0.80"));
    m.put("elevenlabs/forced-alignment", Price.perAudioMinute("0.0067"));
    return new PriceTable(m);
  }

  /**
   * @param key {@code provider/model}
   * @param price its price
   * @return a table with that entry added or replaced
   */
  public PriceTable with(String key, Price price) {
    Map<String, Price> m = new LinkedHashMap<>(prices);
    m.put(key(Objects.requireNonNull(key, "key")), Objects.requireNonNull(price, "price"));
    return new PriceTable(m);
  }

  /**
   * Reads overrides from a properties file (format in the class comment) on top of this table.
   *
   * @param file the file, UTF-8
   * @return the merged table
   * @throws InvalidInputException if the file cannot be read or holds a bad line, naming it
   */
  public PriceTable load(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw new InvalidInputException("Price table " + file + " cannot be read: " + e, e);
    }
    Map<String, String> m = new LinkedHashMap<>();
    p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
    try {
      return merge(m);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("Price table " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Merges overrides given as {@code <provider>/<model>.<field> -> number} on top of this table.
   *
   * @param overrides the entries
   * @return the merged table
   * @throws IllegalArgumentException if a key or number is malformed, naming it
   */
  public PriceTable merge(Map<String, String> overrides) {
    Map<String, Price> m = new LinkedHashMap<>(prices);
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      String k = e.getKey().strip();
      int dot = k.lastIndexOf('.');
      if (dot <= 0) {
        throw new IllegalArgumentException("bad key '" + k + "': want <provider>/<model>.<field>");
      }
      String model = key(k.substring(0, dot));
      String field = k.substring(dot + 1);
      BigDecimal v;
      try {
        v = new BigDecimal(e.getValue().strip());
      } catch (NumberFormatException ex) {
        throw new IllegalArgumentException("'" + k + "' is not a number: " + e.getValue());
      }
      Price old = m.getOrDefault(model, Price.FREE);
      Price neu = switch (field) {
        case "usdPerMillionInputTokens" -> old.toBuilder(v, null, null, null, null);
        case "usdPerMillionOutputTokens" -> old.toBuilder(null, v, null, null, null);
        case "usdPerMillionCharacters" -> old.toBuilder(null, null, v, null, null);
        case "usdPerImage" -> old.toBuilder(null, null, null, v, null);
        case "usdPerAudioMinute" -> old.toBuilder(null, null, null, null, v);
        default -> throw new IllegalArgumentException("unknown field '" + field + "' in '" + k
            + "'; fields: usdPerMillionInputTokens, usdPerMillionOutputTokens,"
            + " usdPerMillionCharacters, usdPerImage, usdPerAudioMinute");
      };
      m.put(model, neu);
    }
    return new PriceTable(m);
  }

  /**
   * @param provider the provider's name
   * @param model its model
   * @return the price, if the table has one
   */
  public Optional<Price> price(String provider, String model) {
    return Optional.ofNullable(prices.get(key(provider + "/" + model)));
  }

  /**
   * @param provider the provider's name
   * @param model its model
   * @param usage what was or will be consumed
   * @return {@code usage} with its estimated cost; 0 when the table has no price
   */
  public Usage priced(String provider, String model, Usage usage) {
    return usage.withCost(price(provider, model).map(p -> p.cost(usage)).orElse(BigDecimal.ZERO));
  }

  private static String key(String k) {
    return k.strip().toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return "PriceTable" + prices.keySet();
  }
}
