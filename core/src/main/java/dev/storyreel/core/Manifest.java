package dev.storyreel.core;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a job made and how: written as {@code manifest.json} beside the video, last, so a manifest
 * present means every other output is complete.
 *
 * <p>All times are milliseconds from the start of the video unless the name says otherwise.
 * Serialised with Jackson (see {@link dev.storyreel.core.internal.Json}); read one back with
 * {@link #read(java.io.InputStream)}.
 *
 * @param schemaVersion the shape of this manifest: {@value #SCHEMA_VERSION} for what this
 *     version writes; a manifest written before the field existed reads as 1
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
 * @param soundtrack the music, effects and mix under the voice; absent in manifests of versions
 *     without one
 * @param renderOptions the renderer's settings ({@link dev.storyreel.core.spi.Renderer#options()}):
 *     codec, preset, CRF or bit rate, transition...; empty in manifests of schema 1
 * @param warnings what the job went on without, in the order found (an unresolved sound cue,
 *     say), each also sent as a {@link ProgressEvent.Warning}; empty when there were none
 * @param writtenFrom the idea and writer the story was written from ({@link
 *     StoryReel#write}), or absent for a story a person wrote
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Manifest(
    Integer schemaVersion,
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
    @Nullable StageTimings stages,
    @Nullable String inputKey,
    CacheUse storyboardCache,
    CacheUse videoCache,
    @Nullable Usage planUsage,
    @Nullable ProviderInfo moderator,
    Usage totalUsage,
    java.math.@Nullable BigDecimal budgetUsd,
    @Nullable SoundtrackEntry soundtrack,
    java.util.Map<String, String> renderOptions,
    List<String> warnings,
    @Nullable WrittenFrom writtenFrom) {

  /** The schema version this library writes. */
  public static final int SCHEMA_VERSION = 2;

  /**
   * A manifest of a story a person wrote (no {@code writtenFrom}).
   *
   * @param schemaVersion the shape; {@code null} is read as 1
   * @param generator the library and version
   * @param title the story's title
   * @param createdAt when the job finished
   * @param format frame size and rate
   * @param visualStyle the style
   * @param planner who planned
   * @param segments the segments
   * @param video the video
   * @param captions the captions
   * @param thumbnail the thumbnail
   * @param stages the stage timings
   * @param inputKey the job's key
   * @param storyboardCache the storyboard's cache use
   * @param videoCache the video's cache use
   * @param planUsage planning's usage
   * @param moderator the moderator
   * @param totalUsage the total usage
   * @param budgetUsd the budget
   * @param soundtrack the soundtrack, or {@code null}
   * @param renderOptions the renderer's settings; {@code null} is read as none
   * @param warnings what the job went on without; {@code null} is read as none
   */
  public Manifest(Integer schemaVersion, String generator, String title, String createdAt,
      VideoFormat format, String visualStyle, ProviderInfo planner, List<SegmentEntry> segments,
      VideoEntry video, CaptionsEntry captions, AssetRef thumbnail, StageTimings stages,
      String inputKey, CacheUse storyboardCache, CacheUse videoCache, Usage planUsage,
      ProviderInfo moderator, Usage totalUsage, java.math.BigDecimal budgetUsd,
      SoundtrackEntry soundtrack, java.util.Map<String, String> renderOptions,
      List<String> warnings) {
    this(schemaVersion, generator, title, createdAt, format, visualStyle, planner, segments,
        video, captions, thumbnail, stages, inputKey, storyboardCache, videoCache, planUsage,
        moderator, totalUsage, budgetUsd, soundtrack, renderOptions, warnings, null);
  }

  /**
   * Where a written story came from: recorded in the manifest of every job that renders it.
   *
   * @param idea the idea it was written from
   * @param genre the genre asked for, or empty
   * @param targetWords the length asked for, in words
   * @param audience the audience asked for, or empty
   * @param language the language asked for, as a BCP 47 tag (for example {@code en})
   * @param writer who wrote it
   * @param cache the written story's cache key and whether it came from the cache
   * @param usage what writing it consumed and cost (estimated) when it was written, or absent
   *     when it came from the cache
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record WrittenFrom(String idea, String genre, int targetWords, String audience,
      String language, ProviderInfo writer, CacheUse cache, @Nullable Usage usage) {

    /**
     * @param idea the idea
     * @param genre the genre, or empty
     * @param targetWords the length asked for, in words
     * @param audience the audience, or empty
     * @param language the language tag
     * @param writer who wrote it
     * @param cache the cache use
     * @param usage what writing consumed, or {@code null}
     * @throws NullPointerException if the idea or the writer is {@code null}
     */
    public WrittenFrom {
      Objects.requireNonNull(idea, "idea");
      Objects.requireNonNull(writer, "writer");
    }

    /** @return this entry without usage and with its cache use as a miss */
    public WrittenFrom withoutRunFacts() {
      return new WrittenFrom(idea, genre, targetWords, audience, language, writer, miss(cache),
          null);
    }
  }

  /**
   * A schema-1 manifest: no render settings, no warnings.
   *
   * @param generator the library and version
   * @param title the story's title
   * @param createdAt when the job finished
   * @param format frame size and rate
   * @param visualStyle the style
   * @param planner who planned
   * @param segments the segments
   * @param video the video
   * @param captions the captions
   * @param thumbnail the thumbnail
   * @param stages the stage timings
   * @param inputKey the job's key
   * @param storyboardCache the storyboard's cache use
   * @param videoCache the video's cache use
   * @param planUsage planning's usage
   * @param moderator the moderator
   * @param totalUsage the total usage
   * @param budgetUsd the budget
   * @param soundtrack the soundtrack, or {@code null}
   */
  public Manifest(String generator, String title, String createdAt, VideoFormat format,
      String visualStyle, ProviderInfo planner, List<SegmentEntry> segments, VideoEntry video,
      CaptionsEntry captions, AssetRef thumbnail, StageTimings stages, String inputKey,
      CacheUse storyboardCache, CacheUse videoCache, Usage planUsage, ProviderInfo moderator,
      Usage totalUsage, java.math.BigDecimal budgetUsd, SoundtrackEntry soundtrack) {
    this(1, generator, title, createdAt, format, visualStyle, planner, segments, video, captions,
        thumbnail, stages, inputKey, storyboardCache, videoCache, planUsage, moderator,
        totalUsage, budgetUsd, soundtrack, null, null, null);
  }

  /**
   * A manifest without a soundtrack entry (a job with nothing under the voice, or an older one).
   *
   * @param generator the library and version
   * @param title the story's title
   * @param createdAt when the job finished
   * @param format frame size and rate
   * @param visualStyle the style
   * @param planner who planned
   * @param segments the segments
   * @param video the video
   * @param captions the captions
   * @param thumbnail the thumbnail
   * @param stages the stage timings
   * @param inputKey the job's key
   * @param storyboardCache the storyboard's cache use
   * @param videoCache the video's cache use
   * @param planUsage planning's usage
   * @param moderator the moderator
   * @param totalUsage the total usage
   * @param budgetUsd the budget
   */
  public Manifest(String generator, String title, String createdAt, VideoFormat format,
      String visualStyle, ProviderInfo planner, List<SegmentEntry> segments, VideoEntry video,
      CaptionsEntry captions, AssetRef thumbnail, StageTimings stages, String inputKey,
      CacheUse storyboardCache, CacheUse videoCache, Usage planUsage, ProviderInfo moderator,
      Usage totalUsage, java.math.BigDecimal budgetUsd) {
    this(generator, title, createdAt, format, visualStyle, planner, segments, video, captions,
        thumbnail, stages, inputKey, storyboardCache, videoCache, planUsage, moderator,
        totalUsage, budgetUsd, null);
  }

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
   * @param soundtrack the music, effects and mix, or {@code null}
   * @param schemaVersion the shape; {@code null} (absent in the JSON) is read as 1
   * @param renderOptions the renderer's settings; {@code null} is read as none
   * @param warnings what the job went on without; {@code null} is read as none
   * @param writtenFrom the idea and writer of a written story, or {@code null}
   * @throws NullPointerException if {@code segments} is {@code null}
   */
  public Manifest {
    schemaVersion = schemaVersion == null ? 1 : schemaVersion;
    segments = List.copyOf(Objects.requireNonNull(segments, "segments"));
    renderOptions = renderOptions == null ? java.util.Map.of()
        : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(renderOptions));
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
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
          miss(e.imageCache()), miss(e.audioCache()), miss(e.timingsCache()), null, null, null,
          e.clip() == null ? null : e.clip().withoutRunFacts()));
    }
    return new Manifest(schemaVersion, generator, title, null, format, visualStyle, planner, segs,
        video, captions, thumbnail, null, inputKey, miss(storyboardCache), miss(videoCache), null,
        moderator, null, budgetUsd, soundtrack == null ? null : soundtrack.withoutRunFacts(),
        renderOptions, warnings, writtenFrom == null ? null : writtenFrom.withoutRunFacts());
  }

  /**
   * The soundtrack under the voice.
   *
   * @param music who made the music beds, or absent for none
   * @param beds the beds, in time order
   * @param musicGainDb the beds' level in the mix before ducking, in dB
   * @param duckDb how far the music was ducked while words were spoken, in dB
   * @param effectsProvider who resolved the sound effects, or absent for none
   * @param effects the effects placed, in time order
   * @param unresolved the planner's cues no provider could resolve: listed, never dropped
   * @param targetLufs the integrated loudness the mix was normalised to, in LUFS
   * @param truePeakCeilingDbtp the true-peak ceiling, in dBTP
   * @param measuredLufs the final mix's integrated loudness as the renderer measured it, or absent
   * @param measuredTruePeakDbtp the final mix's true peak as measured, or absent
   * @param stems the stems written beside the video, by name; empty without {@code --stems}
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record SoundtrackEntry(ProviderInfo music, List<MusicBedEntry> beds, double musicGainDb,
      double duckDb, ProviderInfo effectsProvider, List<EffectEntry> effects,
      List<UnresolvedCue> unresolved, double targetLufs, double truePeakCeilingDbtp,
      @Nullable Double measuredLufs, @Nullable Double measuredTruePeakDbtp,
      java.util.Map<String, AssetRef> stems) {

    /**
     * @param music who made the beds
     * @param beds the beds
     * @param musicGainDb the beds' level
     * @param duckDb the duck amount
     * @param effectsProvider who resolved the effects
     * @param effects the effects placed
     * @param unresolved the cues left unresolved
     * @param targetLufs the loudness target
     * @param truePeakCeilingDbtp the true-peak ceiling
     * @param measuredLufs the measured loudness, or {@code null}
     * @param measuredTruePeakDbtp the measured true peak, or {@code null}
     * @param stems the stems; {@code null} is read as none
     */
    public SoundtrackEntry {
      beds = beds == null ? List.of() : List.copyOf(beds);
      effects = effects == null ? List.of() : List.copyOf(effects);
      unresolved = unresolved == null ? List.of() : List.copyOf(unresolved);
      stems = stems == null ? java.util.Map.of() : java.util.Map.copyOf(stems);
    }

    /** @return this entry with hits cleared and measurements dropped (see the manifest's) */
    public SoundtrackEntry withoutRunFacts() {
      List<MusicBedEntry> b = new java.util.ArrayList<>();
      for (MusicBedEntry e : beds) {
        b.add(new MusicBedEntry(e.mood(), e.startMillis(), e.endMillis(), e.source(), e.audio(),
            miss(e.cache()), null));
      }
      List<EffectEntry> f = new java.util.ArrayList<>();
      for (EffectEntry e : effects) {
        f.add(new EffectEntry(e.segment(), e.description(), e.word(), e.atMillis(), e.source(),
            e.audio(), miss(e.cache())));
      }
      return new SoundtrackEntry(music, b, musicGainDb, duckDb, effectsProvider, f, unresolved,
          targetLufs, truePeakCeilingDbtp, null, null, stems);
    }
  }

  /**
   * One music bed.
   *
   * @param mood its mood's id
   * @param startMillis where it starts in the video
   * @param endMillis where it ends
   * @param source where it came from: a file, a model and prompt, or the generator's parameters
   * @param audio the stored WAV
   * @param cache its cache key and whether it was a hit
   * @param usage what making it spent in this run, or absent
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record MusicBedEntry(String mood, long startMillis, long endMillis, String source,
      AssetRef audio, CacheUse cache, Usage usage) {}

  /**
   * One sound effect placed at a word.
   *
   * @param segment the segment
   * @param description the planner's cue
   * @param word the word's index in the segment's narration
   * @param atMillis where the effect starts: the word's start
   * @param source where the audio came from
   * @param audio the stored WAV
   * @param cache its cache key and whether it was a hit
   */
  public record EffectEntry(int segment, String description, int word, long atMillis,
      String source, AssetRef audio, CacheUse cache) {}

  /**
   * A planner's cue that no effect was found for.
   *
   * @param segment the segment
   * @param description the cue
   * @param word the word's index
   * @param reason why: no provider configured, no matching file, or the word does not exist
   */
  public record UnresolvedCue(int segment, String description, int word, String reason) {}

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
   * @param clip the segment's moving clip and the fit policy used, when it shows one; else
   *     absent (a still with Ken Burns)
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
      Usage alignerUsage,
      ClipEntry clip) {

    /**
     * A segment showing its still (no clip), as manifests were before clips.
     *
     * @param index from 0
     * @param narration the spoken text
     * @param imagePrompt the prompt the image was made from
     * @param startMillis when it starts
     * @param endMillis when it ends
     * @param startFrame its first frame
     * @param endFrame one past its last frame
     * @param image the stored image
     * @param imageProvider who made it
     * @param imageSeed its seed
     * @param audio the stored narration
     * @param speechProvider who spoke it
     * @param voice the voice, or absent
     * @param alignerProvider who timed the words, or absent
     * @param words its words
     * @param imageCache the image's cache use
     * @param audioCache the narration's cache use
     * @param timingsCache the timings' cache use, or absent
     * @param imageUsage what the image cost
     * @param speechUsage what the narration cost
     * @param alignerUsage what the timing cost, or absent
     */
    public SegmentEntry(int index, String narration, String imagePrompt, long startMillis,
        long endMillis, long startFrame, long endFrame, AssetRef image,
        ProviderInfo imageProvider, long imageSeed, AssetRef audio, ProviderInfo speechProvider,
        String voice, ProviderInfo alignerProvider, List<WordEntry> words, CacheUse imageCache,
        CacheUse audioCache, CacheUse timingsCache, Usage imageUsage, Usage speechUsage,
        Usage alignerUsage) {
      this(index, narration, imagePrompt, startMillis, endMillis, startFrame, endFrame, image,
          imageProvider, imageSeed, audio, speechProvider, voice, alignerProvider, words,
          imageCache, audioCache, timingsCache, imageUsage, speechUsage, alignerUsage, null);
    }
  }

  /**
   * A segment's moving clip.
   *
   * @param clip the stored clip ({@code assets/segment-NNN.mp4})
   * @param source {@code user} for the user's own footage (from the plan's {@code media}), else
   *     the clip provider's name
   * @param provider who made it, or absent for the user's footage
   * @param fit the fitting policy used: {@code trim}, {@code slow}, {@code ping-pong} or {@code
   *     hold}
   * @param clipMillis the clip's own length as decoded, in milliseconds
   * @param widthPx its width in pixels
   * @param heightPx its height in pixels
   * @param cache its cache key and whether it was a hit, or absent for the user's footage
   * @param usage what making it consumed and cost (estimated), or absent
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ClipEntry(AssetRef clip, String source, ProviderInfo provider, String fit,
      long clipMillis, int widthPx, int heightPx, CacheUse cache, Usage usage) {

    /** @return this entry without its usage and with its cache use as a miss */
    ClipEntry withoutRunFacts() {
      return new ClipEntry(clip, source, provider, fit, clipMillis, widthPx, heightPx,
          miss(cache), null);
    }
  }

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
   * Wall time per stage, in milliseconds. Rendering streams (it starts once every narration and
   * the first picture are there), so {@code assetsMillis} and {@code renderingMillis} overlap
   * and may add up to more than {@code totalMillis}.
   *
   * @param planningMillis planning the storyboard
   * @param assetsMillis from the storyboard until every image, narration, timing, music bed and
   *     effect is stored
   * @param renderingMillis composing and encoding (the render task, waits for late pictures
   *     included)
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
