package dev.storyreel.render.ffmpeg;

import dev.storyreel.core.ConfigurationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the FFmpeg natives once and answers which encoders the loaded build has.
 *
 * <p>Native loading: JavaCPP extracts the FFmpeg shared libraries from the {@code
 * org.bytedeco:ffmpeg:<version>:<platform>} jar (LGPL build: libopenh264 only; what this module
 * depends on) or the {@code <platform>-gpl} jar (GPL build: libx264 and libopenh264; what
 * applications such as the CLI add). When the {@code
 * org.bytedeco.javacpp.platform.extension} system property is unset, JavaCPP accepts natives with
 * any extension, so a classpath holding only the {@code -gpl} jar works as is (checked with
 * 1.5.13). When both jars are on the classpath the choice would depend on classpath order, so
 * before the first native call this class sets that property to {@code -gpl} if, and only if, the
 * user has not set it and the {@code -gpl} natives for this platform are on the classpath.
 * JavaCPP falls back to natives without the extension for libraries that have no {@code -gpl}
 * build (its own {@code jnijavacpp}, for example), so the property does not disturb them.
 *
 * <p>It also lowers FFmpeg's global log level from the default {@code AV_LOG_INFO} to {@code
 * AV_LOG_ERROR} (only when it is still at the default) so that every render does not print the
 * stream layout and x264's statistics to standard error.
 *
 * <p>Thread-safe: the preparation runs once, under a lock.
 */
final class FfmpegNatives {

  /** The FFmpeg preset version this module is built against (see the pom). */
  static final String FFMPEG_VERSION = "8.0.1-1.5.13";

  /** The system property JavaCPP reads to pick a natives classifier such as {@code -gpl}. */
  static final String EXTENSION_PROPERTY = "org.bytedeco.javacpp.platform.extension";

  /** H.264 encoders tried by {@code auto}, best first. */
  static final List<String> AUTO_ENCODERS = List.of("libx264", "libopenh264");

  /** H.264 encoders some FFmpeg builds have, listed in error messages when present. */
  private static final List<String> KNOWN_H264_ENCODERS =
      List.of(
          "libx264", "libopenh264", "h264_nvenc", "h264_qsv", "h264_vaapi", "h264_amf",
          "h264_v4l2m2m", "h264_videotoolbox", "h264_mf");

  /**
   * Hardware H.264 encoders: used when asked for and usable, else replaced by the software
   * encoder {@code auto} picks, with a warning.
   */
  static final List<String> HARDWARE_ENCODERS = List.of("h264_nvenc", "h264_qsv", "h264_vaapi");

  private static final Logger LOG = LoggerFactory.getLogger(FfmpegRenderer.class);

  /** Why a hardware encoder cannot be used ("" when it can), by name; probed once per JVM. */
  private static final Map<String, String> HARDWARE_PROBES = new ConcurrentHashMap<>();

  private static final Object LOCK = new Object();
  private static volatile boolean prepared;

  private FfmpegNatives() {}

  /**
   * Sets the {@code -gpl} extension if appropriate, loads the natives and quietens FFmpeg's log.
   * Loading failures propagate as thrown: {@link UnsatisfiedLinkError}, {@link
   * NoClassDefFoundError}, {@link ExceptionInInitializerError}...; see {@link #requireLoaded()}.
   */
  static void prepare() {
    if (prepared) {
      return;
    }
    synchronized (LOCK) {
      if (prepared) {
        return;
      }
      if (System.getProperty(EXTENSION_PROPERTY) == null && gplNativesOnClasspath()) {
        System.setProperty(EXTENSION_PROPERTY, "-gpl");
      }
      Loader.load(avutil.class);
      Loader.load(avcodec.class);
      if (avutil.av_log_get_level() == avutil.AV_LOG_INFO) {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
      }
      prepared = true;
    }
  }

  /** @return whether this platform's GPL FFmpeg natives are on the classpath */
  static boolean gplNativesOnClasspath() {
    String dir = "org/bytedeco/ffmpeg/" + Loader.getPlatform() + "-gpl/";
    ClassLoader cl = FfmpegNatives.class.getClassLoader();
    return cl != null && cl.getResource(dir) != null;
  }

  /**
   * @return the Maven coordinates of the GPL natives for this platform
   */
  static String gplDependency() {
    String platform;
    try {
      platform = Loader.getPlatform();
    } catch (Throwable t) { // NOPMD: only used to word a message
      platform = "linux-x86_64";
    }
    return "org.bytedeco:ffmpeg:" + FFMPEG_VERSION + ":" + platform + "-gpl";
  }

  /**
   * @return the Maven coordinates of the LGPL natives for this platform (what {@code
   *     storyreel-render-ffmpeg} itself depends on)
   */
  static String lgplDependency() {
    String gpl = gplDependency();
    return gpl.substring(0, gpl.length() - "-gpl".length());
  }

  /**
   * Loads the natives, turning any failure into a {@link ConfigurationException}.
   *
   * @throws ConfigurationException if the natives cannot be loaded
   */
  static void requireLoaded() {
    try {
      prepare();
    } catch (Throwable t) { // NOPMD: UnsatisfiedLinkError, NoClassDefFoundError and friends
      throw new ConfigurationException(
          "The FFmpeg native libraries could not be loaded (" + t
              + "). Add this platform's natives: " + lgplDependency()
              + " (LGPL build, libopenh264) or " + gplDependency()
              + " (GPL build, adds libx264), or build with -Djavacpp.platform=<platform>.",
          t);
    }
  }

  /**
   * @param name an encoder name such as {@code libx264}
   * @return whether the loaded FFmpeg build has that encoder
   */
  static boolean hasEncoder(String name) {
    requireLoaded();
    return avcodec.avcodec_find_encoder_by_name(name) != null;
  }

  /**
   * Picks the H.264 encoder to use.
   *
   * @param preference {@code auto} (libx264, else libopenh264) or an encoder name
   * @return the encoder name to hand to FFmpeg
   * @throws ConfigurationException if the natives do not load, the encoder is missing, or it does
   *     not make H.264
   */
  static String resolveEncoder(String preference) {
    requireLoaded();
    if (HARDWARE_ENCODERS.contains(preference)) {
      String why = HARDWARE_PROBES.computeIfAbsent(preference, FfmpegNatives::hardwareProblem);
      if (why.isEmpty()) {
        return preference;
      }
      String fallback = resolveEncoder(FfmpegRenderer.AUTO);
      LOG.warn("Hardware encoder {} was asked for but {}; encoding with the software encoder {}"
          + " instead.", preference, why, fallback);
      return fallback;
    }
    if (FfmpegRenderer.AUTO.equals(preference)) {
      for (String name : AUTO_ENCODERS) {
        if (avcodec.avcodec_find_encoder_by_name(name) != null) {
          return name;
        }
      }
      throw new ConfigurationException(
          "This FFmpeg build has no H.264 encoder: neither libx264 nor libopenh264 was found."
              + " Add the dependency " + gplDependency() + " (it has both).");
    }
    AVCodec codec = avcodec.avcodec_find_encoder_by_name(preference);
    if (codec == null) {
      throw new ConfigurationException(
          "This FFmpeg build has no encoder named '" + preference + "'. H.264 encoders it has: "
              + availableH264Encoders() + ". Use codec 'auto', one of those, or add the dependency "
              + gplDependency() + " for libx264.");
    }
    if (codec.id() != avcodec.AV_CODEC_ID_H264) {
      throw new ConfigurationException(
          "Encoder '" + preference + "' does not make H.264 video; StoryReel writes H.264 in MP4."
              + " H.264 encoders in this build: " + availableH264Encoders() + ".");
    }
    return preference;
  }

  /** @return the H.264 encoders among a list of well-known names that the build has */
  static List<String> availableH264Encoders() {
    List<String> found = new ArrayList<>();
    for (String name : KNOWN_H264_ENCODERS) {
      if (avcodec.avcodec_find_encoder_by_name(name) != null) {
        found.add(name);
      }
    }
    return found;
  }

  /**
   * @param code a negative FFmpeg error code ({@code AVERROR(...)})
   * @return FFmpeg's wording of it ({@code av_strerror}), for example "No such file or directory"
   */
  static String errorText(int code) {
    try (BytePointer buf = new BytePointer(256)) {
      avutil.av_strerror(code, buf, 256);
      // getString() reads the whole 256-byte buffer; the message ends at its NUL.
      String said = buf.getString();
      int nul = said.indexOf('\0');
      return (nul >= 0 ? said.substring(0, nul) : said).strip();
    }
  }

  /**
   * @param encoder a hardware encoder name
   * @return the pixel format frames are handed to it in: NV12 for QSV, yuv420p otherwise
   */
  static int pixelFormatFor(String encoder) {
    return "h264_qsv".equals(encoder) ? avutil.AV_PIX_FMT_NV12 : avutil.AV_PIX_FMT_YUV420P;
  }

  /**
   * Finds out whether a hardware encoder can be used here: it must be in the build and open with
   * a small yuv420p (NV12 for QSV) picture; the device, driver or library may be missing even
   * when the encoder is compiled in.
   *
   * @return "" if usable, else why not, worded to follow "was asked for but"
   */
  static String hardwareProblem(String name) {
    AVCodec codec = avcodec.avcodec_find_encoder_by_name(name);
    if (codec == null) {
      return "this FFmpeg build has no such encoder";
    }
    AVCodecContext ctx = avcodec.avcodec_alloc_context3(codec);
    if (ctx == null) {
      return "FFmpeg could not allocate an encoder context for it";
    }
    try {
      ctx.width(256);
      ctx.height(256);
      ctx.pix_fmt(pixelFormatFor(name));
      ctx.time_base(avutil.av_make_q(1, 30));
      ctx.framerate(avutil.av_make_q(30, 1));
      int r = avcodec.avcodec_open2(ctx, codec, (AVDictionary) null);
      if (r < 0) {
        return "it could not be opened (" + errorText(r) + ", error " + r
            + "; no usable device or driver?)";
      }
      return "";
    } catch (RuntimeException | LinkageError e) {
      return "probing it failed (" + e + ")";
    } finally {
      avcodec.avcodec_free_context(ctx);
    }
  }
}
