package dev.storyreel.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.storyreel.core.internal.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What a genre needs, bundled: visual style, voice and speaking instructions, music mood, effect
 * density, caption colours, pacing (segment length) and how the genre reads (for a {@linkplain
 * dev.storyreel.core.spi.StoryWriter writer}). Presets are data: each shipped one is a JSON
 * resource ({@code dev/storyreel/presets/<id>.json}: {@value #SHIPPED_NAMES}), and a user adds
 * their own from a file with the same fields ({@link #read(Path)}).
 *
 * <p>Every part is optional ({@code null}: the preset leaves it alone), and whatever the caller
 * sets explicitly wins over the preset: {@code StoryReel.builder().preset(Preset.named("horror"))
 * .visualStyle("pencil sketch")} keeps the sketch, and the preset's mood, voice and the rest.
 *
 * <p>A preset file:
 *
 * <pre>{@code
 * {"id": "horror", "description": "...", "visualStyle": "...",
 *  "voices": {"openai": "onyx"}, "speakingInstructions": "...", "mood": "dread",
 *  "effectDensity": "high",
 *  "captions": {"base": "bold", "textRgb": "#E0E0E0", "highlightRgb": "#D32F2F"},
 *  "pacing": {"minSegmentSeconds": 6, "maxSegmentSeconds": 12}, "writing": "..."}
 * }</pre>
 *
 * @param id the preset's name, lower case letters, digits and {@code -}; never blank
 * @param description one line for people, or empty
 * @param visualStyle the story-wide style of every image prompt, or {@code null}
 * @param voices a voice per speech provider name (for example {@code openai} to {@code onyx});
 *     copied; never {@code null}, may be empty
 * @param speakingInstructions how to speak, for providers that take instructions (OpenAI's
 *     {@code gpt-4o-mini-tts}), or {@code null}
 * @param mood the music's mood, or {@code null}
 * @param effectDensity how many sound effects a segment may have, or {@code null}
 * @param captions the caption look and colours, or {@code null}
 * @param pacing how long a segment should be, or {@code null}
 * @param writing how a story of this genre should read, given to a writer, or {@code null}
 */
public record Preset(String id, String description, @Nullable String visualStyle,
    Map<String, String> voices, @Nullable String speakingInstructions, @Nullable Mood mood,
    @Nullable EffectDensity effectDensity, @Nullable Captions captions, @Nullable Pacing pacing,
    @Nullable String writing) {

  /** The presets shipped in the library's resources, as a comma-separated list: {@value}. */
  public static final String SHIPPED_NAMES = "bedtime, documentary, horror, motivational, mystery";

  /** The presets shipped in the library's resources, in alphabetical order. */
  public static final List<String> SHIPPED = List.of(SHIPPED_NAMES.split(", "));

  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");
  private static final Pattern RGB = Pattern.compile("#?[0-9A-Fa-f]{6}");

  /**
   * @param id the name; lower case letters, digits and {@code -}, at most 40
   * @param description one line, or empty ({@code null} is read as empty)
   * @param visualStyle the style, or {@code null}
   * @param voices voices by provider; {@code null} is read as none
   * @param speakingInstructions how to speak, or {@code null}
   * @param mood the mood, or {@code null}
   * @param effectDensity the effect density, or {@code null}
   * @param captions the captions, or {@code null}
   * @param pacing the pacing, or {@code null}
   * @param writing the writing guidance, or {@code null}
   * @throws InvalidInputException if the id is not a preset name, or a text part is blank
   */
  public Preset {
    Objects.requireNonNull(id, "id");
    if (!ID.matcher(id).matches()) {
      throw new InvalidInputException("A preset's id must be 1..40 lower-case letters, digits"
          + " or '-', starting with a letter or digit; was '" + Captions.printable(id) + "'.");
    }
    description = description == null ? "" : description.strip();
    visualStyle = blankToNull(visualStyle, "visualStyle", id);
    speakingInstructions = blankToNull(speakingInstructions, "speakingInstructions", id);
    writing = blankToNull(writing, "writing", id);
    Map<String, String> v = new LinkedHashMap<>();
    if (voices != null) {
      voices.forEach((provider, voice) -> {
        if (provider == null || provider.isBlank() || voice == null || voice.isBlank()) {
          throw new InvalidInputException("Preset " + id + ": every entry of voices needs a"
              + " provider name and a voice, for example \"openai\": \"onyx\".");
        }
        v.put(provider.strip().toLowerCase(Locale.ROOT), voice.strip());
      });
    }
    voices = java.util.Collections.unmodifiableMap(v);
  }

  private static @Nullable String blankToNull(@Nullable String s, String field, String id) {
    if (s == null) {
      return null;
    }
    if (s.isBlank()) {
      throw new InvalidInputException("Preset " + id + ": " + field + " is blank. Leave it out"
          + " to keep the default, or give it a value.");
    }
    return s.strip();
  }

  /** How many sound effects a segment may have. */
  public enum EffectDensity {
    /** No sound effects. */
    NONE(0),
    /** At most one a segment. */
    LOW(1),
    /** At most two a segment. */
    MEDIUM(2),
    /** At most three a segment (as many as the planners place). */
    HIGH(3);

    private final int maxPerSegment;

    EffectDensity(int maxPerSegment) {
      this.maxPerSegment = maxPerSegment;
    }

    /** @return the most sound cues kept per segment, 0..3 */
    public int maxPerSegment() {
      return maxPerSegment;
    }
  }

  /**
   * The caption look: a {@linkplain CaptionStyle#preset(String) caption preset} and colours
   * over it.
   *
   * @param base a caption preset name ({@code classic}, {@code bold}, {@code minimal}, {@code
   *     karaoke}), or {@code null} for the caller's
   * @param textRgb fill of the words not being spoken, {@code 0xRRGGBB}, or {@code null}
   * @param highlightRgb fill of the word being spoken, {@code 0xRRGGBB}, or {@code null}
   * @param outlineRgb outline colour, {@code 0xRRGGBB}, or {@code null}
   */
  public record Captions(@Nullable String base, @Nullable Integer textRgb,
      @Nullable Integer highlightRgb, @Nullable Integer outlineRgb) {

    /**
     * @param base a caption preset name, or {@code null}
     * @param textRgb {@code 0xRRGGBB}, or {@code null}
     * @param highlightRgb {@code 0xRRGGBB}, or {@code null}
     * @param outlineRgb {@code 0xRRGGBB}, or {@code null}
     * @throws InvalidInputException if the base is not a caption preset or a colour is out of
     *     range
     */
    public Captions {
      if (base != null && !CaptionStyle.PRESETS.contains(base.strip().toLowerCase(Locale.ROOT))) {
        throw new InvalidInputException("Unknown caption style '" + printable(base)
            + "' in a preset. Known: " + String.join(", ", CaptionStyle.PRESETS) + ".");
      }
      base = base == null ? null : base.strip().toLowerCase(Locale.ROOT);
      for (Integer c : new Integer[] {textRgb, highlightRgb, outlineRgb}) {
        if (c != null && (c < 0 || c > 0xFFFFFF)) {
          throw new InvalidInputException("A preset's caption colour must be 0x000000..0xFFFFFF,"
              + " was " + c + ".");
        }
      }
    }

    /**
     * @param style the style to change
     * @return {@code style} with this base (when given) and these colours
     */
    public CaptionStyle applyTo(CaptionStyle style) {
      CaptionStyle.Builder b = (base == null ? style : CaptionStyle.preset(base)).toBuilder();
      if (base != null) {
        // Keep what the caller chose beyond the look: font, size, position, burn-in.
        b.font(style.font()).sizePx(style.sizePx()).position(style.position())
            .burnIn(style.burnIn());
      }
      if (textRgb != null) {
        b.textRgb(textRgb);
      }
      if (highlightRgb != null) {
        b.highlightRgb(highlightRgb);
      }
      if (outlineRgb != null) {
        b.outlineRgb(outlineRgb);
      }
      return b.build();
    }

    static String printable(String s) {
      return dev.storyreel.core.Captions.printable(s);
    }
  }

  /**
   * How long a segment (one picture, its narration) should be.
   *
   * @param minSegmentSeconds the length a segment should reach before it is closed, 1..60 s
   * @param maxSegmentSeconds the length a segment should not pass, {@code minSegmentSeconds}..60 s
   */
  public record Pacing(double minSegmentSeconds, double maxSegmentSeconds) {
    /**
     * @param minSegmentSeconds 1..60 s
     * @param maxSegmentSeconds {@code minSegmentSeconds}..60 s
     * @throws InvalidInputException if out of range
     */
    public Pacing {
      if (!(minSegmentSeconds >= 1 && minSegmentSeconds <= 60)
          || !(maxSegmentSeconds >= minSegmentSeconds && maxSegmentSeconds <= 60)) {
        throw new InvalidInputException("A preset's pacing needs 1 <= minSegmentSeconds <="
            + " maxSegmentSeconds <= 60, was " + minSegmentSeconds + " and " + maxSegmentSeconds
            + ".");
      }
    }
  }

  /**
   * @param speechProvider the speech provider's name, for example {@code openai}
   * @return the preset's voice for that provider, if it names one
   */
  public Optional<String> voiceFor(String speechProvider) {
    return Optional.ofNullable(voices.get(speechProvider.toLowerCase(Locale.ROOT)));
  }

  /**
   * @param style the caller's caption style
   * @return {@code style} with this preset's caption look and colours, or {@code style} itself
   *     when the preset has none
   */
  public CaptionStyle captionStyle(CaptionStyle style) {
    Objects.requireNonNull(style, "style");
    return captions == null ? style : captions.applyTo(style);
  }

  /**
   * The provider settings this preset implies: {@code rules.minSegmentSeconds} and {@code
   * rules.maxSegmentSeconds} (pacing, read by the offline planner), {@code rules.mood} (the
   * offline planner's story mood, which would otherwise be read from the style) and {@code
   * openai.speech.instructions} (the speaking instructions). A setting the caller gives
   * explicitly wins over these.
   *
   * @return the settings; never {@code null}
   */
  public Map<String, String> providerSettings() {
    Map<String, String> m = new LinkedHashMap<>();
    if (pacing != null) {
      m.put("rules.minSegmentSeconds", Double.toString(pacing.minSegmentSeconds()));
      m.put("rules.maxSegmentSeconds", Double.toString(pacing.maxSegmentSeconds()));
    }
    if (mood != null) {
      m.put("rules.mood", mood.id());
    }
    if (speakingInstructions != null) {
      m.put("openai.speech.instructions", speakingInstructions);
    }
    return m;
  }

  /**
   * A preset shipped with the library.
   *
   * @param name one of {@link #SHIPPED}, in any case
   * @return the preset
   * @throws InvalidInputException if no shipped preset has that name; the message lists them
   */
  public static Preset named(String name) {
    Objects.requireNonNull(name, "name");
    String n = name.strip().toLowerCase(Locale.ROOT);
    if (!SHIPPED.contains(n)) {
      throw new InvalidInputException("Unknown preset '" + Captions.printable(name.strip())
          + "'. Known: " + SHIPPED_NAMES + "; or give the path of a preset file (.json).");
    }
    String resource = "/dev/storyreel/presets/" + n + ".json";
    try (InputStream in = Preset.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("the library's resource " + resource + " is missing");
      }
      return parse(in.readAllBytes(), "preset " + n);
    } catch (IOException e) {
      throw new IllegalStateException("the library's resource " + resource + " is unreadable", e);
    }
  }

  /**
   * A shipped preset by name, or a preset file by path: a value that is one of {@link #SHIPPED}
   * is that preset; anything else is read as a file.
   *
   * @param nameOrFile a preset's name or a JSON file's path
   * @return the preset
   * @throws InvalidInputException for a name that is neither (listing the known ones), or a bad
   *     file
   */
  public static Preset resolve(String nameOrFile) {
    Objects.requireNonNull(nameOrFile, "nameOrFile");
    String v = nameOrFile.strip();
    if (SHIPPED.contains(v.toLowerCase(Locale.ROOT))) {
      return named(v);
    }
    boolean looksLikeFile = v.contains("/") || v.contains("\\")
        || v.toLowerCase(Locale.ROOT).endsWith(".json");
    Path p = looksLikeFile ? Path.of(v) : null;
    if (p == null && !Files.exists(Path.of(v))) {
      return named(v); // fails, listing the known presets
    }
    return read(p != null ? p : Path.of(v));
  }

  /**
   * Reads a preset file: JSON with the fields of this record (colours as {@code "#RRGGBB"},
   * mood and density by name). An unknown field is refused, so a misspelt one is not silently
   * ignored.
   *
   * @param file the file; never {@code null}
   * @return the preset
   * @throws InvalidInputException if the file is missing, unreadable, not JSON, has an unknown
   *     field or a bad value; the message names the file and the field
   */
  public static Preset read(Path file) {
    Objects.requireNonNull(file, "file");
    if (!Files.isRegularFile(file)) {
      throw new InvalidInputException("Preset file " + file + (Files.exists(file)
          ? " is not a regular file." : " does not exist.") + " Give a JSON file, or one of the"
          + " presets: " + SHIPPED_NAMES + ".");
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new InvalidInputException("Preset file " + file + " cannot be read ("
          + e.getMessage() + ").", e);
    }
    return parse(bytes, "preset file " + file);
  }

  /** The file's shape: strings where the record has types, so errors can name the field. */
  private record FileShape(String id, String description, String visualStyle,
      Map<String, String> voices, String speakingInstructions, String mood, String effectDensity,
      CaptionsShape captions, Pacing pacing, String writing) {}

  private record CaptionsShape(String base, String textRgb, String highlightRgb,
      String outlineRgb) {}

  private static Preset parse(byte[] json, String what) {
    FileShape f;
    try {
      f = Json.MAPPER.readerFor(FileShape.class)
          .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(json);
    } catch (UnrecognizedPropertyException e) {
      throw new InvalidInputException("The " + what + " has an unknown field '"
          + e.getPropertyName() + "'. Known fields: id, description, visualStyle, voices,"
          + " speakingInstructions, mood, effectDensity, captions (base, textRgb, highlightRgb,"
          + " outlineRgb), pacing (minSegmentSeconds, maxSegmentSeconds), writing.", e);
    } catch (JsonProcessingException e) {
      Throwable c = e.getCause();
      String m = c instanceof InvalidInputException ? c.getMessage()
          : e.getOriginalMessage().lines().findFirst().orElse("");
      throw new InvalidInputException("The " + what + " is not a valid preset: " + m, e);
    } catch (IOException e) {
      throw new InvalidInputException("The " + what + " cannot be read (" + e.getMessage()
          + ").", e);
    }
    if (f == null) {
      throw new InvalidInputException("The " + what + " is empty. Give a JSON object with at"
          + " least an id.");
    }
    if (f.id() == null) {
      throw new InvalidInputException("The " + what + " has no id. Add \"id\": \"my-genre\".");
    }
    try {
      Mood mood = f.mood() == null ? null : Mood.parse(f.mood());
      EffectDensity density = null;
      if (f.effectDensity() != null) {
        String d = f.effectDensity().strip().toUpperCase(Locale.ROOT);
        try {
          density = EffectDensity.valueOf(d);
        } catch (IllegalArgumentException e) {
          throw new InvalidInputException("effectDensity must be none, low, medium or high, was '"
              + Captions.printable(f.effectDensity()) + "'.");
        }
      }
      Captions captions = f.captions() == null ? null : new Captions(f.captions().base(),
          rgb(f.captions().textRgb(), "textRgb"), rgb(f.captions().highlightRgb(),
              "highlightRgb"), rgb(f.captions().outlineRgb(), "outlineRgb"));
      return new Preset(f.id(), f.description(), f.visualStyle(), f.voices(),
          f.speakingInstructions(), mood, density, captions, f.pacing(), f.writing());
    } catch (InvalidInputException e) {
      throw new InvalidInputException("The " + what + " is not a valid preset: "
          + e.getMessage(), e);
    }
  }

  private static @Nullable Integer rgb(@Nullable String s, String field) {
    if (s == null) {
      return null;
    }
    if (!RGB.matcher(s.strip()).matches()) {
      throw new InvalidInputException("captions." + field + " must be a colour as \"#RRGGBB\","
          + " was '" + Captions.printable(s) + "'.");
    }
    return Integer.parseInt(s.strip().replace("#", ""), 16);
  }
}
