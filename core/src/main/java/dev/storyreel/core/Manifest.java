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
    Usage planUsage,
    ProviderInfo moderator,
    Usage totalUsage,
    java.math.BigDecimal budgetUsd) {

  /** @throws NullPointerException if a list is {@code null} */
  public Manifest {
    segments = List.copyOf(Objects.requireNonNull(segments, "segments"));
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
