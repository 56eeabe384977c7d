package dev.storyreel.core.internal;

import dev.storyreel.core.CaptionCue;
import dev.storyreel.core.Story;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.WordTiming;
import dev.storyreel.core.spi.ImageRequest;
import dev.storyreel.core.spi.SpeechRequest;
import dev.storyreel.core.spi.WriteRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Derives the asset cache's keys: the SHA-256 (64 lower-case hex digits) of a canonical,
 * versioned description of everything that made an asset.
 *
 * <p>The description starts with {@link #VERSION} and the asset kind, then lists named fields in
 * a fixed order, each written as {@code name=<length>:<value>\n} so that no value can run into the
 * next. Bumping {@link #VERSION} invalidates every cache entry at once (do it when the meaning of
 * a field or the stored format of an entry changes).
 *
 * <p>What goes into each key:
 *
 * <ul>
 *   <li>story (written from an idea): writer fingerprint, idea, genre and its guidance, target
 *       words, audience, language;
 *   <li>storyboard: planner fingerprint, story title and text, frame size and rate, requested
 *       visual style;
 *   <li>image: image provider fingerprint, prompt (style included), width and height in pixels,
 *       seed; not the segment index, which the request carries for messages only;
 *   <li>narration: speech provider fingerprint, text, voice (empty for the default), and the
 *       neighbouring segments' text when the provider reads it;
 *   <li>clip: clip provider fingerprint, the cache keys of the segment's image and narration
 *       (which determine the still sent and the length asked for), prompt, motion hint, width
 *       and height in pixels, seed;
 *   <li>word timings (only when the speech provider gave none): aligner fingerprint, text, SHA-256
 *       of the narration's WAV;
 *   <li>video: renderer fingerprint, frame size and rate, every segment's image and WAV SHA-256
 *       and start/end in nanoseconds, every caption cue with its words and their times in
 *       nanoseconds;
 *   <li>job: everything the whole job depends on, used to tell whether a finished output would be
 *       reproduced by a new run.
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class CacheKeys {
  /** The version of the key derivation and entry format; part of every key. */
  public static final String VERSION = "storyreel-cache-v1";

  private CacheKeys() {}

  /** Builds one description and hashes it. */
  static final class Description {
    private final StringBuilder sb = new StringBuilder();

    Description(String kind) {
      sb.append(VERSION).append('\n');
      field("kind", kind);
    }

    Description field(String name, String value) {
      String v = value == null ? "" : value;
      sb.append(name).append('=').append(v.length()).append(':').append(v).append('\n');
      return this;
    }

    Description field(String name, long value) {
      return field(name, Long.toString(value));
    }

    String sha256() {
      try {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        return HexFormat.of().formatHex(md.digest(sb.toString().getBytes(StandardCharsets.UTF_8)));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JDK has SHA-256", e);
      }
    }
  }

  /**
   * @param writerFingerprint the writer's {@code fingerprint()}
   * @param request the idea and options
   * @return the written story's key
   */
  public static String story(String writerFingerprint,
      WriteRequest request) {
    return new Description("story")
        .field("writer", writerFingerprint)
        .field("idea", request.idea())
        .field("genre", request.genre())
        .field("genreGuidance", request.genreGuidance())
        .field("targetWords", request.targetWords())
        .field("audience", request.audience())
        .field("language", request.language().toLanguageTag())
        .sha256();
  }

  /**
   * @param plannerFingerprint the planner's {@code fingerprint()}
   * @param story the story
   * @param format frame size and rate
   * @param visualStyle the requested style, may be empty
   * @return the storyboard's key
   */
  public static String storyboard(
      String plannerFingerprint, Story story, VideoFormat format, String visualStyle) {
    Description d = new Description("storyboard")
        .field("planner", plannerFingerprint)
        .field("title", story.title())
        .field("text", story.text());
    format(d, format);
    return d.field("style", visualStyle).sha256();
  }

  /**
   * @param providerFingerprint the image provider's {@code fingerprint()}
   * @param request the request
   * @return the image's key
   */
  public static String image(String providerFingerprint, ImageRequest request) {
    return new Description("image")
        .field("provider", providerFingerprint)
        .field("prompt", request.prompt())
        .field("widthPx", request.widthPx())
        .field("heightPx", request.heightPx())
        .field("seed", request.seed())
        .sha256();
  }

  /**
   * A moving clip's key. It names the still and the narration by their own cache keys, so that
   * the estimate can compute it before either is made.
   *
   * @param providerFingerprint the clip provider's {@code fingerprint()}
   * @param imageKey the segment's image's key ({@link #image})
   * @param narrationKey the segment's narration's key ({@link #narration})
   * @param prompt the prompt sent
   * @param motion the motion hint, or empty
   * @param widthPx the video's width in pixels
   * @param heightPx its height in pixels
   * @param seed the seed
   * @return the clip's key
   */
  public static String clip(String providerFingerprint, String imageKey, String narrationKey,
      String prompt, String motion, int widthPx, int heightPx, long seed) {
    return new Description("clip")
        .field("provider", providerFingerprint)
        .field("image", imageKey)
        .field("narration", narrationKey)
        .field("prompt", prompt)
        .field("motion", motion)
        .field("widthPx", widthPx)
        .field("heightPx", heightPx)
        .field("seed", seed)
        .sha256();
  }

  /**
   * @param providerFingerprint the speech provider's {@code fingerprint()}
   * @param request the request
   * @return the narration's key
   */
  public static String narration(String providerFingerprint, SpeechRequest request) {
    Description d = new Description("narration")
        .field("provider", providerFingerprint)
        .field("text", request.text())
        .field("voice", request.voice());
    // Only providers that read the neighbours' text get it, so other keys stay as they were.
    if (request.previousText() != null) {
      d.field("previousText", request.previousText());
    }
    if (request.nextText() != null) {
      d.field("nextText", request.nextText());
    }
    return d.sha256();
  }

  /**
   * @param alignerFingerprint the aligner's {@code fingerprint()}
   * @param text the narration text
   * @param wavSha256 the SHA-256 of the narration's WAV bytes
   * @return the word timings' key
   */
  public static String timings(String alignerFingerprint, String text, String wavSha256) {
    return new Description("timings")
        .field("aligner", alignerFingerprint)
        .field("text", text)
        .field("audio", wavSha256)
        .sha256();
  }

  /**
   * One segment as far as the video's key is concerned.
   *
   * @param imageSha256 SHA-256 of the image's encoded bytes
   * @param audioSha256 SHA-256 of the narration's WAV bytes
   * @param startNanos where the segment starts in the video
   * @param endNanos where it ends
   */
  public record VideoSegment(String imageSha256, String audioSha256, long startNanos, long endNanos) {}

  /**
   * @param rendererFingerprint the renderer's {@code fingerprint()}
   * @param format frame size and rate
   * @param segments every segment, in order
   * @param cues every caption cue, in order
   * @return the rendered video's key
   */
  public static String video(
      String rendererFingerprint, VideoFormat format, List<VideoSegment> segments,
      List<CaptionCue> cues) {
    return video(rendererFingerprint, format, segments, cues, "");
  }

  /**
   * @param fingerprint the music provider's fingerprint
   * @param mood the bed's mood id
   * @param durationNanos the bed's length
   * @param seed the seed
   * @return the music bed's key
   */
  public static String music(String fingerprint, String mood, long durationNanos, long seed) {
    return music(fingerprint, mood, durationNanos, seed, null);
  }

  /**
   * @param fingerprint the music provider's fingerprint
   * @param mood the mood's id
   * @param durationNanos the bed's length
   * @param seed the seed
   * @param style the story's style, or {@code null}; part of the key only when not blank, so a
   *     bed made without a style keeps its key
   * @return the music bed's key
   */
  public static String music(String fingerprint, String mood, long durationNanos, long seed,
      String style) {
    Description d = new Description("music").field("provider", fingerprint).field("mood", mood)
        .field("durationNanos", durationNanos).field("seed", seed);
    if (style != null && !style.isBlank()) {
      d.field("style", style.strip());
    }
    return d.sha256();
  }

  /**
   * @param fingerprint the sound-effect provider's fingerprint
   * @param description the cue's description
   * @param seed the seed
   * @return the effect's key
   */
  public static String effect(String fingerprint, String description, long seed) {
    return new Description("effect").field("provider", fingerprint)
        .field("description", description).field("seed", seed).sha256();
  }

  /**
   * @param rendererFingerprint the renderer's fingerprint
   * @param format frame size and rate
   * @param segments every segment's picture and narration and bounds
   * @param cues the caption cues
   * @param soundtrack a stable description of everything else the soundtrack is made of (music
   *     beds' SHA-256 and bounds, their gain and envelope, effects, mix settings); empty for none
   * @return the rendered video's key
   */
  public static String video(
      String rendererFingerprint, VideoFormat format, List<VideoSegment> segments,
      List<CaptionCue> cues, String soundtrack) {
    Description d = new Description("video").field("renderer", rendererFingerprint);
    if (!soundtrack.isEmpty()) {
      d.field("soundtrack", soundtrack);
    }
    format(d, format);
    d.field("segments", segments.size());
    for (VideoSegment s : segments) {
      d.field("image", s.imageSha256()).field("audio", s.audioSha256())
          .field("start", s.startNanos()).field("end", s.endNanos());
    }
    d.field("cues", cues.size());
    for (CaptionCue c : cues) {
      d.field("cueStart", c.start().toNanos()).field("cueEnd", c.end().toNanos())
          .field("words", c.words().size());
      for (WordTiming w : c.words()) {
        d.field("word", w.word()).field("wordStart", w.start().toNanos())
            .field("wordEnd", w.end().toNanos());
      }
    }
    return d.sha256();
  }

  /**
   * The key of a whole job's inputs: two jobs with equal keys make the same outputs from the
   * same cache entries.
   *
   * @param story the story
   * @param format frame size and rate
   * @param visualStyle the requested style
   * @param voice the voice, or {@code null}
   * @param seed the base image seed
   * @param fingerprints planner, image, speech, aligner and renderer fingerprints, in that order
   * @return the job's key
   */
  public static String job(
      Story story, VideoFormat format, String visualStyle, String voice, long seed,
      List<String> fingerprints) {
    Description d = new Description("job")
        .field("title", story.title())
        .field("text", story.text());
    format(d, format);
    d.field("style", visualStyle).field("voice", voice).field("seed", seed);
    for (String f : fingerprints) {
      d.field("provider", f);
    }
    return d.sha256();
  }

  private static void format(Description d, VideoFormat f) {
    d.field("widthPx", f.widthPx()).field("heightPx", f.heightPx()).field("fps", f.fps());
  }
}
