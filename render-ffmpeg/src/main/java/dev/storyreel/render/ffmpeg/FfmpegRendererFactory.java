package dev.storyreel.render.ffmpeg;

import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.spi.ProviderFactory;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.Renderer;
import dev.storyreel.core.spi.SettingSpec;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Makes {@link FfmpegRenderer}s for {@link java.util.ServiceLoader}; registered in {@code
 * META-INF/services/dev.storyreel.core.spi.ProviderFactory}.
 *
 * <p>Settings (all optional; defaults as in {@link FfmpegRenderer.Builder}):
 *
 * <ul>
 *   <li>{@code codec}: {@code auto}, or an H.264 encoder name such as {@code libx264} or {@code
 *       libopenh264}; checked against the loaded FFmpeg build when the renderer is created
 *   <li>{@code preset}: an x264 preset, for example {@code veryfast}
 *   <li>{@code crf}: x264 constant rate factor, an integer 0..51
 *   <li>{@code bitrate}: video bit rate in kbit/s, instead of {@code crf}
 *   <li>{@code gop}: frames between key frames; 0 for two seconds
 *   <li>{@code workers}: compositor threads; 0 for one per core
 *   <li>{@code transition}: {@code crossfade} or {@code cut}
 *   <li>{@code transition-ms}: length of each crossfade in milliseconds, 0..2000
 *   <li>{@code captions}: {@code true} or {@code false}
 * </ul>
 *
 * Any other key is rejected, so that a misspelt setting is not silently ignored.
 *
 * <p>Thread-safe and stateless apart from a cached availability probe.
 */
public final class FfmpegRendererFactory implements ProviderFactory<Renderer> {

  /** The settings this factory understands. */
  public static final Set<String> KEYS = Set.of(
          "codec", "preset", "crf", "bitrate", "gop", "workers", "transition", "transition-ms",
          "captions");

  private static volatile Boolean available;

  /** Creates the factory; touches no native code. */
  public FfmpegRendererFactory() {}

  /** @return {@code Renderer.class} */
  @Override
  public Class<Renderer> type() {
    return Renderer.class;
  }

  /** @return {@value FfmpegRenderer#NAME} */
  @Override
  public String name() {
    return FfmpegRenderer.NAME;
  }

  /** @return 5 */
  @Override
  public int priority() {
    return 5;
  }

  /**
   * Loads the FFmpeg natives (once per JVM, about half a second the first time) and checks that
   * an H.264 encoder (libx264 or libopenh264) is present. Never throws: any failure, including
   * {@link UnsatisfiedLinkError} and {@link NoClassDefFoundError}, means "not available".
   *
   * @return whether this machine can render with FFmpeg
   */
  @Override
  public boolean isAvailable() {
    Boolean a = available;
    if (a == null) {
      boolean ok;
      try {
        FfmpegNatives.resolveEncoder(FfmpegRenderer.AUTO);
        ok = true;
      } catch (Throwable t) { // NOPMD: the contract is "never throws"
        ok = false;
      }
      available = a = ok;
    }
    return a;
  }

  /**
   * @return the keys in {@link #KEYS} with their ranges (as {@link FfmpegRenderer.Builder} checks
   *     them); the values are checked again by the builder when the renderer is created
   */
  @Override
  public List<SettingSpec> settings() {
    return List.of(
        SettingSpec.text("codec", "H.264 encoder: auto, libx264, libopenh264, h264_nvenc, ..."),
        SettingSpec.oneOf("preset", "x264 preset", FfmpegRenderer.X264_PRESETS.toArray(String[]::new)),
        SettingSpec.integer("crf", "x264 constant rate factor", 0, 51),
        SettingSpec.integer("bitrate", "video bit rate in kbit/s, instead of crf", 100, 200_000),
        SettingSpec.integer("gop", "frames between key frames; 0 for two seconds", 0, 1000),
        SettingSpec.integer("workers", "compositor threads; 0 for one per core", 0,
            FfmpegRenderer.MAX_WORKERS),
        SettingSpec.oneOf("transition", "transition between segments", "crossfade", "cut"),
        SettingSpec.integer("transition-ms", "length of each crossfade in milliseconds", 0, 2000),
        SettingSpec.bool("captions", "whether captions are burned in"));
  }

  /**
   * @param settings the keys in {@link #KEYS}; never null
   * @return a new renderer
   * @throws ConfigurationException if a value is invalid (the message names the
   *     key and the value), or the chosen encoder is not in the loaded FFmpeg build
   */
  @Override
  public Renderer create(ProviderSettings settings) {
    // Other keys are ignored: one ProviderSettings is handed to every factory a StoryReel
    // builder discovers, so keys meant for other providers are expected here.
    FfmpegRenderer.Builder b = FfmpegRenderer.builder();
    settings.get("codec").ifPresent(v -> apply("codec", v, () -> b.videoCodec(v)));
    settings.get("preset").ifPresent(v -> apply("preset", v, () -> b.preset(v)));
    settings.get("crf").ifPresent(v -> apply("crf", v, () -> b.crf(parseInt("crf", v))));
    settings
        .get("bitrate")
        .ifPresent(v -> apply("bitrate", v, () -> b.videoBitrateKbps(parseInt("bitrate", v))));
    settings.get("gop").ifPresent(v -> apply("gop", v, () -> b.gopFrames(parseInt("gop", v))));
    settings
        .get("workers")
        .ifPresent(v -> apply("workers", v, () -> b.workers(parseInt("workers", v))));
    settings
        .get("transition")
        .ifPresent(v -> apply("transition", v, () -> b.transition(Transition.parse(v))));
    settings
        .get("transition-ms")
        .ifPresent(
            v ->
                apply(
                    "transition-ms",
                    v,
                    () ->
                        b.transitionDuration(
                            java.time.Duration.ofMillis(parseInt("transition-ms", v)))));
    settings
        .get("captions")
        .ifPresent(v -> apply("captions", v, () -> b.captions(parseBoolean("captions", v))));
    FfmpegRenderer renderer;
    try {
      renderer = b.build();
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("ffmpeg renderer settings are invalid: " + e.getMessage(), e);
    }
    renderer.resolveEncoder();
    return renderer;
  }

  private static void apply(String key, String value, Runnable setter) {
    try {
      setter.run();
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(
          "ffmpeg renderer setting " + key + "='" + value + "' is invalid: " + e.getMessage(), e);
    }
  }

  private static int parseInt(String key, String value) {
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be an integer, was '" + value + "'", e);
    }
  }

  private static boolean parseBoolean(String key, String value) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    if (v.equals("true")) {
      return true;
    }
    if (v.equals("false")) {
      return false;
    }
    throw new IllegalArgumentException(key + " must be true or false, was '" + value + "'");
  }
}
