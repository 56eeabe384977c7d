package dev.storyreel.core;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;

/**
 * What a job made and how: written as {@code manifest.json} beside the video, last, so a manifest
 * present means every other output is complete.
 *
 * <p>All times are milliseconds from the start of the video unless the name says otherwise.
 * Serialised with Jackson (see {@link dev.storyreel.core.internal.Json}); read one back with
 * {@link #read(java.io.InputStream)}.
 *
 * @param generator the library and version, for example {@code storyreel 0.1.0}
 * @param title the story's title
 * @param createdAt when the job finished, ISO-8601 UTC
 * @param format frame size and rate
 * @param visualStyle the story-wide style used in every image prompt
 * @param planner who planned the storyboard
 * @param segments one entry per segment, in order
 * @param video the encoded video
 * @param captions the caption files and cue count
 * @param thumbnail the thumbnail image
 * @param stages wall time spent per stage
 * @param inputKey the SHA-256 of everything the job depended on (story, format, style, voice,
 *     seed, provider and renderer fingerprints): a new job with the same key into the same output
 *     reproduces this one, so it may run without {@code overwrite}; absent in manifests of older
 *     versions
 * @param storyboardCache whether the storyboard came from the asset cache, and its cache key
 * @param videoCache whether the rendered video (and thumbnail) came from the asset cache
 * @param planUsage what planning consumed and its estimated cost; absent in manifests written
 *     before usage was recorded
 * @param moderator who checked the texts before any paid asset was made; absent when no
 *     moderation ran
 * @param totalUsage the sum over the job's calls (planning and every segment's assets)
 * @param budgetUsd the job's budget in US dollars, or absent when it had none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Manifest(
    String generator,
    String title,
    String createdAt,
    VideoFormat format,
    String visualStyle,
    ProviderInfo planner,
    List<SegmentEntry> segments,
    VideoEntry video,
    CaptionsEntry captions,
    AssetRef thumbnail,
    StageTimings stages,
    String inputKey,
    CacheUse storyboardCache,
    CacheUse videoCache,
    Usage planUsage,
    ProviderInfo moderator,
    Usage totalUsage,
    java.math.BigDecimal budgetUsd) {

  /**
   * @param generator the library and version, for example {@code storyreel 0.1.0}
   * @param title the story's title
   * @param createdAt when the job finished, ISO-8601 UTC
   * @param format frame size and rate
   * @param visualStyle the story-wide style used in every image prompt
   * @param planner who planned the storyboard
   * @param segments one entry per segment, in order
   * @param video the encoded video
   * @param captions the caption files and cue count
   * @param thumbnail the thumbnail image
   * @param stages wall time spent per stage
   * @param inputKey the SHA-256 of everything the job depended on (story, format, style, voice,
   *     seed, provider and renderer fingerprints): a new job with the same key into the same output
   *     reproduces this one, so it may run without {@code overwrite}; absent in manifests of older
   *     versions
   * @param storyboardCache whether the storyboard came from the asset cache, and its cache key
   * @param videoCache whether the rendered video (and thumbnail) came from the asset cache
   * @param planUsage what planning consumed and its estimated cost; absent in manifests written
   *     before usage was recorded
   * @param moderator who checked the texts before any paid asset was made; absent when no
   *     moderation ran
   * @param totalUsage the sum over the job's calls (planning and every segment's assets)
   * @param budgetUsd the job's budget in US dollars, or absent when it had none
   * @throws NullPointerException if a list is {@code null}
   */
  public Manifest {
    segments = List.copyOf(Objects.requireNonNull(segments, "segments"));
  }

  /**
   * How an asset was obtained from the content-addressed asset cache.
   *
   * @param key the cache key: 64 lower-case hex digits (see the README's cache section for what
   *     goes into it)
   * @param hit {@code true} if the asset was found in the cache and no provider (or renderer) was
   *     called for it; {@code false} if it was made in this run and then stored
   */
  public record CacheUse(String key, boolean hit) {
    /**
     * @param key the cache key: 64 lower-case hex digits (see the README's cache section for what
     *     goes into it)
     * @param hit {@code true} if the asset was found in the cache and no provider (or renderer) was
     *     called for it; {@code false} if it was made in this run and then stored
     * @throws NullPointerException if {@code key} is {@code null}
     */
    public CacheUse {
      Objects.requireNonNull(key, "key");
    }

    /** @return the same key marked as a miss, for comparisons that ignore how an asset was got */
    public CacheUse asMiss() {
      return hit ? new CacheUse(key, false) : this;
    }
  }

  /**
   * This manifest without what naturally differs between two runs of the same inputs: {@code
   * createdAt}, {@code stages} and every usage (what a run spent depends on what it found in the
   * cache) are dropped and every {@link CacheUse#hit()} is set to {@code false} (keys are kept). Two manifests made from the same inputs and the same cache entries are
   * equal after this, whether the second run resumed an interrupted one or started afresh.
   *
   * @return the normalised copy
   */
  public Manifest withoutRunFacts() {
    List<SegmentEntry> segs = new java.util.ArrayList<>();
    for (SegmentEntry e : segments) {
      segs.add(new SegmentEntry(e.index(), e.narration(), e.imagePrompt(), e.startMillis(),
          e.endMillis(), e.startFrame(), e.endFrame(), e.image(), e.imageProvider(), e.imageSeed(),
          e.audio(), e.speechProvider(), e.voice(), e.alignerProvider(), e.words(),
          miss(e.imageCache()), miss(e.audioCache()), miss(e.timingsCache()), null, null, null));
    }
    return new Manifest(generator, title, null, format, visualStyle, planner, segs, video,
        captions, thumbnail, null, inputKey, miss(storyboardCache), miss(videoCache), null,
        moderator, null, budgetUsd);
  }

  private static CacheUse miss(CacheUse c) {
    return c == null ? null : c.asMiss();
  }

  /**
   * Which provider and model made something.
   *
   * @param provider the provider's registered name, for example {@code freetts}
   * @param model the model or engine, for example {@code kevin16}
   */
  public record ProviderInfo(String provider, String model) {}

  /**
   * One segment: its text, where it sits in the video, and its assets.
   *
   * @param index from 0
   * @param narration the spoken text
   * @param imagePrompt the prompt the image was made from
   * @param startMillis when its narration (and picture) starts in the video
   * @param endMillis when it ends
   * @param startFrame the first video frame showing its picture
   * @param endFrame one past its last frame
   * @param image the stored image
   * @param imageProvider who made the image
   * @param imageSeed the seed the image was asked with
   * @param audio the stored narration (WAV)
   * @param speechProvider who spoke it
   * @param voice the voice asked for, or absent for the provider's default
   * @param alignerProvider who timed the words, when not the speech provider; else absent
   * @param words its words, video-relative
   * @param imageCache the image's cache key and whether it was a hit
   * @param audioCache the narration's (WAV and provider timings) cache key and whether it was a hit
   * @param timingsCache when the aligner timed the words: their cache key and whether it was a
   *     hit; else absent
   * @param imageUsage what its image consumed and cost (estimated)
   * @param speechUsage what its narration consumed and cost (estimated)
   * @param alignerUsage what timing its words consumed and cost, when an aligner ran; else absent
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record SegmentEntry(
      int index,
      String narration,
      String imagePrompt,
      long startMillis,
      long endMillis,
      long startFrame,
      long endFrame,
      AssetRef image,
      ProviderInfo imageProvider,
      long imageSeed,
      AssetRef audio,
      ProviderInfo speechProvider,
      String voice,
      ProviderInfo alignerProvider,
      List<WordEntry> words,
      CacheUse imageCache,
      CacheUse audioCache,
      CacheUse timingsCache,
      Usage imageUsage,
      Usage speechUsage,
      Usage alignerUsage) {}

  /**
   * A word and when it is spoken, video-relative.
   *
   * @param word as written
   * @param startMillis start
   * @param endMillis end
   */
  public record WordEntry(String word, long startMillis, long endMillis) {}

  /**
   * The encoded video.
   *
   * @param file the stored MP4
   * @param frameCount video frames
   * @param durationMillis narration length, which is the video's length
   * @param videoCodec for example {@code h264}
   * @param encoder for example {@code libx264}
   * @param audioCodec for example {@code aac}
   * @param renderer who rendered it
   */
  public record VideoEntry(
      AssetRef file,
      long frameCount,
      long durationMillis,
      String videoCodec,
      String encoder,
      String audioCodec,
      String renderer) {}

  /**
   * The captions.
   *
   * @param srt the SubRip file
   * @param vtt the WebVTT file
   * @param cueCount how many cues
   */
  public record CaptionsEntry(AssetRef srt, AssetRef vtt, int cueCount) {}

  /**
   * Wall time per stage, in milliseconds.
   *
   * @param planningMillis planning the storyboard
   * @param assetsMillis making images, narrations and word timings
   * @param renderingMillis composing and encoding
   * @param publishingMillis storing the outputs
   * @param totalMillis the whole job
   */
  public record StageTimings(
      long planningMillis,
      long assetsMillis,
      long renderingMillis,
      long publishingMillis,
      long totalMillis) {}

  /**
   * Reads a manifest written by StoryReel.
   *
   * @param in the JSON; not closed
   * @return the manifest
   * @throws java.io.IOException if it cannot be read or parsed
   */
  public static Manifest read(java.io.InputStream in) throws java.io.IOException {
    return dev.storyreel.core.internal.Json.MAPPER.readValue(in, Manifest.class);
  }
}
