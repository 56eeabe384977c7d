package dev.storyreel.core.spi;

import dev.storyreel.core.CaptionCue;
import dev.storyreel.core.PcmAudio;
import dev.storyreel.core.VideoFormat;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything a {@link Renderer} needs to make the video, and the frame arithmetic every renderer
 * must share so that the manifest's cut points match the video.
 *
 * <p>Frame {@code k} is shown at {@code t_k = k / fps}. The video has {@link #frameCount()} =
 * {@code ceil(audioDuration * fps)} frames. Frame {@code k} shows the segment whose interval
 * {@code [start, end)} contains {@code t_k}, so segment {@code i}'s first frame is {@code
 * ceil(start_i * fps)}: the cut falls on the first frame at or after the audio boundary. All of it
 * is computed from absolute times in exact integer arithmetic, so there is no drift over a long
 * video.
 *
 * @param format frame size and rate
 * @param audio the whole narration, segments back to back; its length is the video's length
 * @param segments the segments in order, contiguous, the first starting at 0 and the last ending
 *     at the audio's end; copied
 * @param cues the captions, in order, video-relative; copied; may be empty
 */
public record RenderRequest(
    VideoFormat format, PcmAudio audio, List<RenderSegment> segments, List<CaptionCue> cues) {

  /**
   * @param format frame size and rate
   * @param audio the whole narration, segments back to back; its length is the video's length
   * @param segments the segments in order, contiguous, the first starting at 0 and the last ending
   *     at the audio's end; copied
   * @param cues the captions, in order, video-relative; copied; may be empty
   * @throws IllegalArgumentException if the segments are empty, out of order, not contiguous or
   *     do not cover the audio exactly
   */
  public RenderRequest {
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(audio, "audio");
    segments = List.copyOf(Objects.requireNonNull(segments, "segments"));
    cues = List.copyOf(Objects.requireNonNull(cues, "cues"));
    if (segments.isEmpty()) {
      throw new IllegalArgumentException("nothing to render: no segments");
    }
    Duration expected = Duration.ZERO;
    for (int i = 0; i < segments.size(); i++) {
      RenderSegment s = segments.get(i);
      if (s.index() != i) {
        throw new IllegalArgumentException("segment at position " + i + " has index " + s.index());
      }
      if (!s.start().equals(expected)) {
        throw new IllegalArgumentException(
            "segment " + i + " starts at " + s.start() + " but the previous ended at " + expected);
      }
      expected = s.end();
    }
    if (!expected.equals(audio.duration())) {
      throw new IllegalArgumentException(
          "segments end at " + expected + " but the audio lasts " + audio.duration());
    }
  }

  /** @return the video's length: the narration's */
  public Duration duration() {
    return audio.duration();
  }

  /** @return the number of frames the video has: {@code ceil(duration * fps)} */
  public long frameCount() {
    return firstFrameAtOrAfter(duration(), format.fps());
  }

  /**
   * @param segmentIndex a segment index
   * @return the first frame that shows the segment
   */
  public long startFrame(int segmentIndex) {
    return firstFrameAtOrAfter(segments.get(segmentIndex).start(), format.fps());
  }

  /**
   * @param segmentIndex a segment index
   * @return one past the last frame that shows the segment
   */
  public long endFrame(int segmentIndex) {
    return segmentIndex == segments.size() - 1
        ? frameCount()
        : startFrame(segmentIndex + 1);
  }

  /**
   * @param frame a frame index, {@code 0 <= frame < frameCount()}
   * @return the index of the segment the frame shows
   */
  public int segmentAtFrame(long frame) {
    int lo = 0;
    int hi = segments.size() - 1;
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
   * @param frame a frame index
   * @return when the frame is shown: {@code frame / fps}, rounded down to the nanosecond
   */
  public Duration frameTime(long frame) {
    return Duration.ofNanos(Math.floorDiv(frame * 1_000_000_000L, format.fps()));
  }

  /**
   * The first frame shown at or after {@code t}: {@code ceil(t * fps)}, exact.
   *
   * @param t a time, not negative
   * @param fps frames per second
   * @return the frame index
   */
  public static long firstFrameAtOrAfter(Duration t, int fps) {
    long nanos = t.toNanos();
    return Math.floorDiv(nanos * fps + 999_999_999L, 1_000_000_000L);
  }
}
