package dev.storyreel.core.timeline;

import dev.storyreel.core.CaptionCue;
import dev.storyreel.core.PcmAudio;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.WordTiming;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The video as a timeline of tracks: what a {@link dev.storyreel.core.spi.Renderer} renders.
 *
 * <ul>
 *   <li>{@link #visual()}: one picture per segment, on screen exactly while its narration plays;
 *   <li>{@link #narration()}: the voice, one clip per segment, by reference (streamed while
 *       encoding); its end is the video's end;
 *   <li>{@link #music()}: the beds under the voice and their ducking envelope;
 *   <li>{@link #effects()}: sound effects at words;
 *   <li>{@link #captions()}: the caption cues;
 *   <li>{@link #overlays()}: drawn over the pictures: {@link TitleCard}s and {@link Watermark}s.
 *   <li>{@link #background()}: a {@link BackgroundVideo} under the pictures, or none.
 * </ul>
 *
 * <p>Frame arithmetic (the reason each picture is cut exactly on its own narration): frame
 * {@code n} is shown at {@code n / fps} seconds; segment {@code i} owns the frames from the first
 * frame at or after its narration's start up to the first frame at or after the next segment's
 * start, so cuts land on the frame that first shows the new narration, and no rounding drifts
 * over a long story because every boundary is computed from absolute time.
 *
 * @param format frame size and rate; never {@code null}
 * @param visual the pictures, one per narration clip with the same bounds; copied
 * @param narration the voice; never {@code null}
 * @param music the music, or {@link MusicTrack#NONE}
 * @param effects the effects; copied, may be empty
 * @param captions the caption cues; copied, may be empty
 * @param overlays drawn over the pictures; copied, may be empty
 * @param mix how the soundtrack is mixed; never {@code null}
 * @param background the video under the whole story, or {@code null} for none; required when a
 *     visual clip has neither still nor clip ({@link VisualClip#showsBackground()})
 */
public record Timeline(
    VideoFormat format,
    List<VisualClip> visual,
    NarrationTrack narration,
    MusicTrack music,
    List<EffectCue> effects,
    List<CaptionCue> captions,
    List<Overlay> overlays,
    MixSettings mix,
    BackgroundVideo background) {

  /**
   * @param format frame size and rate; never {@code null}
   * @param visual the pictures, one per narration clip with the same bounds; copied
   * @param narration the voice; never {@code null}
   * @param music the music, or {@link MusicTrack#NONE}
   * @param effects the effects; copied, may be empty
   * @param captions the caption cues; copied, may be empty
   * @param overlays drawn over the pictures; copied, may be empty
   * @param mix how the soundtrack is mixed; never {@code null}
   * @param background the video under the story, or {@code null}
   * @throws NullPointerException if an argument other than {@code background} is {@code null}
   * @throws IllegalArgumentException if the visual clips do not match the narration clips one to
   *     one, with the same bounds, or a clip shows the background and there is none
   */
  public Timeline {
    Objects.requireNonNull(format, "format");
    visual = List.copyOf(Objects.requireNonNull(visual, "visual"));
    Objects.requireNonNull(narration, "narration");
    Objects.requireNonNull(music, "music");
    effects = List.copyOf(Objects.requireNonNull(effects, "effects"));
    captions = List.copyOf(Objects.requireNonNull(captions, "captions"));
    overlays = List.copyOf(Objects.requireNonNull(overlays, "overlays"));
    Objects.requireNonNull(mix, "mix");
    if (visual.size() != narration.clips().size()) {
      throw new IllegalArgumentException(visual.size() + " visual clips for "
          + narration.clips().size() + " narration clips");
    }
    for (int i = 0; i < visual.size(); i++) {
      VisualClip v = visual.get(i);
      NarrationClip n = narration.clips().get(i);
      if (v.segment() != i || !v.start().equals(n.start()) || !v.end().equals(n.end())) {
        throw new IllegalArgumentException("visual clip " + i + " (" + v.start() + ".." + v.end()
            + ") does not match its narration (" + n.start() + ".." + n.end() + ")");
      }
      if (v.showsBackground() && background == null) {
        throw new IllegalArgumentException("segment " + i
            + " has neither a still nor a clip, and the timeline has no background video");
      }
    }
  }

  /**
   * A timeline without a background video.
   *
   * @param format frame size and rate; never {@code null}
   * @param visual the pictures, one per narration clip with the same bounds; copied
   * @param narration the voice; never {@code null}
   * @param music the music, or {@link MusicTrack#NONE}
   * @param effects the effects; copied, may be empty
   * @param captions the caption cues; copied, may be empty
   * @param overlays drawn over the pictures; copied, may be empty
   * @param mix how the soundtrack is mixed; never {@code null}
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException as the canonical constructor
   */
  public Timeline(VideoFormat format, List<VisualClip> visual, NarrationTrack narration,
      MusicTrack music, List<EffectCue> effects, List<CaptionCue> captions,
      List<Overlay> overlays, MixSettings mix) {
    this(format, visual, narration, music, effects, captions, overlays, mix, null);
  }

  /**
   * @param newOverlays the overlays to draw (title card, end card, watermark); copied
   * @return this timeline with those overlays instead of its own
   */
  public Timeline withOverlays(List<Overlay> newOverlays) {
    return new Timeline(format, visual, narration, music, effects, captions, newOverlays, mix,
        background);
  }

  /**
   * @param newBackground the video under the story, or {@code null} for none
   * @return this timeline with that background
   * @throws IllegalArgumentException if {@code null} and a clip shows the background
   */
  public Timeline withBackground(BackgroundVideo newBackground) {
    return new Timeline(format, visual, narration, music, effects, captions, overlays, mix,
        newBackground);
  }

  /**
   * @param newVisual the visual track, one clip per narration clip with its bounds; copied
   * @return this timeline with that visual track
   * @throws IllegalArgumentException as the canonical constructor
   */
  public Timeline withVisual(List<VisualClip> newVisual) {
    return new Timeline(format, newVisual, narration, music, effects, captions, overlays, mix,
        background);
  }

  /**
   * A timeline of pictures over one narration held in memory, without music or effects: what
   * tests and benchmarks render.
   *
   * @param format frame size and rate
   * @param audio the whole narration
   * @param visual the pictures; their bounds define the narration clips, and the last must end
   *     where the audio ends
   * @param captions the cues
   * @return the timeline, mixed with {@link MixSettings#DEFAULTS}
   * @throws IllegalArgumentException if the pictures do not cover the audio exactly
   */
  public static Timeline of(VideoFormat format, PcmAudio audio, List<VisualClip> visual,
      List<CaptionCue> captions) {
    List<NarrationClip> clips = new ArrayList<>();
    int bytesPerFrame = 2 * audio.channels();
    for (VisualClip v : visual) {
      long from = v.start().toNanos() * audio.sampleRateHz() / 1_000_000_000L;
      long to = Math.min(audio.frameCount(),
          v.end().toNanos() * audio.sampleRateHz() / 1_000_000_000L);
      byte[] pcm = java.util.Arrays.copyOfRange(audio.samples(), (int) (from * bytesPerFrame),
          (int) (to * bytesPerFrame));
      List<WordTiming> words = List.of();
      clips.add(new NarrationClip(v.segment(),
          AudioSource.of(new PcmAudio(pcm, audio.sampleRateHz(), audio.channels())), v.start(),
          v.end(), words));
    }
    if (!visual.isEmpty() && !visual.get(visual.size() - 1).end().equals(audio.duration())) {
      throw new IllegalArgumentException("segments end at " + visual.get(visual.size() - 1).end()
          + " but the audio lasts " + audio.duration());
    }
    return new Timeline(format, visual,
        new NarrationTrack(audio.sampleRateHz(), audio.channels(), clips), MusicTrack.NONE,
        List.of(), captions, List.of(), MixSettings.DEFAULTS);
  }

  /** @return the video's duration: the narration's */
  public Duration duration() {
    return narration.duration();
  }

  /** @return the number of frames: the first frame at or after the end */
  public long frameCount() {
    return firstFrameAtOrAfter(duration(), format.fps());
  }

  /**
   * @param segmentIndex a segment
   * @return its first frame
   */
  public long startFrame(int segmentIndex) {
    return firstFrameAtOrAfter(visual.get(segmentIndex).start(), format.fps());
  }

  /**
   * @param segmentIndex a segment
   * @return one past its last frame (the next segment's first, or {@link #frameCount()})
   */
  public long endFrame(int segmentIndex) {
    return segmentIndex == visual.size() - 1 ? frameCount() : startFrame(segmentIndex + 1);
  }

  /**
   * @param frame a frame number, from 0
   * @return the segment that owns it
   */
  public int segmentAtFrame(long frame) {
    int lo = 0;
    int hi = visual.size() - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (startFrame(mid) <= frame) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /**
   * @param frame a frame number
   * @return its presentation time, {@code frame / fps}, rounded down to the nanosecond
   */
  public Duration frameTime(long frame) {
    return Duration.ofNanos(Math.floorDiv(frame * 1_000_000_000L, format.fps()));
  }

  /**
   * @param t a moment
   * @param fps frames per second
   * @return the first frame shown at or after {@code t}: {@code ceil(t * fps)}
   */
  public static long firstFrameAtOrAfter(Duration t, int fps) {
    long nanos = t.toNanos();
    return Math.floorDiv(nanos * fps + 999_999_999L, 1_000_000_000L);
  }
}
