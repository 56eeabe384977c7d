package dev.storyreel.render.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.spi.ImageSource;
import dev.storyreel.core.spi.RenderResult;
import dev.storyreel.core.spi.VideoSource;
import dev.storyreel.core.timeline.BackgroundVideo;
import dev.storyreel.core.timeline.ClipFit;
import dev.storyreel.core.timeline.MixSettings;
import dev.storyreel.core.timeline.Overlay;
import dev.storyreel.core.timeline.Timeline;
import dev.storyreel.core.timeline.TitleCard;
import dev.storyreel.core.timeline.VisualClip;
import dev.storyreel.core.timeline.Watermark;
import dev.storyreel.testkit.VideoFixtures;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Renders with clips, a background video and overlays, read back with FFmpeg: cuts on the
 * narration boundaries with exact frame counts for every fit policy, motion under the captions,
 * title cards and watermarks where and when they should be, and 1 and 3 workers giving the same
 * video.
 */
class MotionRenderTest {
  private static final VideoFormat SMALL = new VideoFormat(180, 320, 12);

  @TempDir Path dir;

  /** A clip of the given length at 24 fps, 90x160 (half the output, same aspect ratio). */
  private VideoSource clip(String name, int frames, float hue) {
    return VideoSource.of(VideoFixtures.mp4(dir.resolve(name), 90, 160, 24, frames, hue, false));
  }

  /** Fixtures.request's timeline with segment {@code i} replaced. */
  private static Timeline with(Timeline t, int i, VisualClip v) {
    List<VisualClip> visual = new ArrayList<>(t.visual());
    visual.set(i, v);
    return t.withVisual(visual);
  }

  private static VisualClip clipAt(Timeline t, int i, VideoSource video, ClipFit fit) {
    VisualClip old = t.visual().get(i);
    return VisualClip.clip(i, video, fit, null, old.start(), old.end());
  }

  private static List<BufferedImage> frames(Path file) throws Exception {
    return Fixtures.probe(file, true).frames();
  }

  /** Mean absolute difference of the luma-ish sum over a band of rows, 0..255. */
  private static double difference(BufferedImage a, BufferedImage b, double fromRow,
      double toRow) {
    long sum = 0;
    long n = 0;
    for (int y = (int) (a.getHeight() * fromRow); y < a.getHeight() * toRow; y++) {
      for (int x = 0; x < a.getWidth(); x++) {
        int p = a.getRGB(x, y);
        int q = b.getRGB(x, y);
        for (int s = 0; s <= 16; s += 8) {
          sum += Math.abs(((p >> s) & 0xff) - ((q >> s) & 0xff));
          n++;
        }
      }
    }
    return (double) sum / n;
  }

  @Test
  void everyFitPolicyCutsOnTheNarrationBoundaryWithTheExactFrameCount() throws Exception {
    Timeline base = Fixtures.request(SMALL, 16_000, 1, false);
    // Segment 0 lasts 1.3 s: a 2 s clip is trimmed, a 1 s clip slowed 1.3x, 0.5 s clips ping-pong
    // or hold.
    int[] clipFrames = {48, 24, 12, 12};
    ClipFit[] fits = {ClipFit.TRIM, ClipFit.SLOW, ClipFit.PING_PONG, ClipFit.HOLD};
    for (int p = 0; p < fits.length; p++) {
      Timeline t = with(base, 0, clipAt(base, 0, clip("c" + p + ".mp4", clipFrames[p], 0.55f),
          fits[p]));
      // The last segment is a clip too: the video's own end is a clip's cut.
      t = with(t, 2, clipAt(t, 2, clip("d" + p + ".mp4", 20, 0.3f), fits[p]));
      Path out = dir.resolve(fits[p].id() + ".mp4");
      FfmpegRenderer.builder().workers(2).transition(Transition.CUT).build().render(t, out, null);
      List<BufferedImage> frames = frames(out);
      assertThat(frames).as("%s: frames", fits[p]).hasSize((int) t.frameCount());
      int cut = (int) t.startFrame(1);
      assertThat(Fixtures.looksLike(Fixtures.centreAverage(frames.get(cut)), Color.GREEN))
          .as("%s: the first frame of segment 1 is its still", fits[p]).isTrue();
      assertThat(Fixtures.looksLike(Fixtures.centreAverage(frames.get(cut - 1)), Color.GREEN))
          .as("%s: the last frame of segment 0 is still its clip", fits[p]).isFalse();
      int cut2 = (int) t.startFrame(2);
      assertThat(Fixtures.looksLike(Fixtures.centreAverage(frames.get(cut2 - 1)), Color.GREEN))
          .as("%s: the last frame of segment 1 is its still", fits[p]).isTrue();
      assertThat(Fixtures.looksLike(Fixtures.centreAverage(frames.get(cut2)), Color.GREEN))
          .as("%s: segment 2's clip starts on its boundary", fits[p]).isFalse();
      assertThat(difference(frames.get(1), frames.get(2), 0, 1))
          .as("%s: the clip moves", fits[p]).isGreaterThan(1.0);
    }
  }

  @Test
  void aBackgroundVideoMovesUnderTheCaptionsAndStillsCoverIt() throws Exception {
    Timeline base = Fixtures.request(SMALL, 16_000, 1, true);
    // A 1 s background under a 3.4 s story: it loops three times.
    BackgroundVideo bg = new BackgroundVideo(clip("bg.mp4", 24, 0.1f), Duration.ofMillis(250),
        2, 0.3, Double.NEGATIVE_INFINITY);
    Timeline t = with(base.withBackground(bg), 0, VisualClip.background(0,
        base.visual().get(0).start(), base.visual().get(0).end()));
    t = with(t, 2, VisualClip.background(2, t.visual().get(2).start(), t.visual().get(2).end()));
    Path out = dir.resolve("story-over-bg.mp4");
    FfmpegRenderer.builder().workers(2).transition(Transition.CUT).build().render(t, out, null);
    List<BufferedImage> frames = frames(out);
    assertThat(frames).hasSize((int) t.frameCount());
    for (int k = 1; k < t.startFrame(1); k++) {
      assertThat(difference(frames.get(k - 1), frames.get(k), 0.0, 0.6))
          .as("background area of frames %d and %d", k - 1, k).isGreaterThan(0.5);
    }
    for (long k = t.startFrame(2) + 1; k < t.frameCount(); k++) {
      assertThat(difference(frames.get((int) k - 1), frames.get((int) k), 0.0, 0.6))
          .as("background area of frames %d and %d (after looping)", k - 1, k)
          .isGreaterThan(0.5);
    }
    int mid = (int) (t.startFrame(1) + t.startFrame(2)) / 2;
    assertThat(Fixtures.looksLike(Fixtures.centreAverage(frames.get(mid)), Color.GREEN))
        .as("a segment with a still covers the background").isTrue();
  }

  @Test
  void aTitleCardShowsInTheFirstFramesAndIsGoneAfterItsDuration() throws Exception {
    Timeline base = Fixtures.request(SMALL, 16_000, 1, false);
    TitleCard card = new TitleCard("The Dragon", Duration.ZERO, Duration.ofSeconds(1),
        "SansSerif", 24, 0xFFFFFFFF, 0xFF000000, Duration.ofMillis(160));
    BufferedImage logo = Fixtures.solid(Color.WHITE, 40, 20);
    Watermark mark = new Watermark(ImageSource.of(logo), Duration.ZERO, Duration.ofHours(1),
        Watermark.Corner.TOP_RIGHT, 1.0, 0.25, 8);
    Timeline t = base.withOverlays(List.<Overlay>of(card, mark));
    Path out = dir.resolve("title.mp4");
    FfmpegRenderer.builder().workers(2).build().render(t, out, null);
    List<BufferedImage> frames = frames(out);
    // 12 fps: the fade lasts two frames; frames 2..9 show the card at full opacity.
    for (int k = 2; k <= 9; k++) {
      double[] c = panelAverage(frames.get(k));
      assertThat(c[0] + c[1] + c[2]).as("frame %d: the card's black panel and white text", k)
          .isLessThan(3 * 120);
      assertThat(c[0]).as("frame %d: not the red still", k).isLessThan(150);
    }
    for (int k = 12; k <= t.startFrame(1) - 3; k++) {
      assertThat(Fixtures.looksLike(panelAverage(frames.get(k)), Color.RED))
          .as("frame %d: the card is gone", k).isTrue();
    }
    // The watermark, 45 px wide at the top right, 8 px in; the top left corner is the picture.
    for (int k : new int[] {0, 20, (int) t.frameCount() - 1}) {
      int p = frames.get(k).getRGB(180 - 8 - 20, 8 + 5);
      assertThat(((p >> 8) & 0xff)).as("frame %d: the white watermark", k).isGreaterThan(220);
      int q = frames.get(k).getRGB(20, 13);
      assertThat(Math.min((q >> 16) & 0xff, Math.min((q >> 8) & 0xff, q & 0xff)))
          .as("frame %d: no watermark at the top left", k).isLessThan(150);
    }
  }

  /** Average over the middle rows where the card's panel sits (the card is centred). */
  private static double[] panelAverage(BufferedImage img) {
    double[] s = new double[3];
    int n = 0;
    for (int y = 150; y < 170; y++) {
      for (int x = 30; x < 150; x++) {
        int p = img.getRGB(x, y);
        s[0] += (p >> 16) & 0xff;
        s[1] += (p >> 8) & 0xff;
        s[2] += p & 0xff;
        n++;
      }
    }
    return new double[] {s[0] / n, s[1] / n, s[2] / n};
  }

  @Test
  void clipsAndABackgroundGiveTheSameVideoWithOneAndThreeWorkers() throws Exception {
    Timeline base = Fixtures.request(SMALL, 16_000, 1, true);
    Timeline t = base.withBackground(new BackgroundVideo(clip("bg.mp4", 30, 0.8f),
        Duration.ofMillis(300), 3, 0.2, Double.NEGATIVE_INFINITY))
        .withOverlays(List.of(TitleCard.title("Once")));
    t = with(t, 0, clipAt(t, 0, clip("a.mp4", 10, 0.5f), ClipFit.PING_PONG));
    t = with(t, 1, VisualClip.background(1, t.visual().get(1).start(), t.visual().get(1).end()));
    t = with(t, 2, clipAt(t, 2, clip("b.mp4", 20, 0.2f), ClipFit.SLOW));
    Path one = dir.resolve("one.mp4");
    Path three = dir.resolve("three.mp4");
    FfmpegRenderer.builder().workers(1).build().render(t, one, null);
    FfmpegRenderer.builder().workers(3).build().render(t, three, null);
    List<BufferedImage> a = frames(one);
    List<BufferedImage> b = frames(three);
    assertThat(a).hasSize((int) t.frameCount());
    assertThat(b).hasSize(a.size());
    for (int k = 0; k < a.size(); k++) {
      assertThat(difference(a.get(k), b.get(k), 0, 1)).as("frame %d", k).isZero();
    }
  }

  @Test
  void aFrameDependsOnItsIndexAloneWhateverTheOrderOfRequests() throws Exception {
    Timeline base = Fixtures.request(SMALL, 16_000, 1, true);
    Timeline t = base.withBackground(new BackgroundVideo(clip("bg.mp4", 30, 0.8f),
        Duration.ofMillis(300), 3, 0.2, Double.NEGATIVE_INFINITY));
    t = with(t, 0, clipAt(t, 0, clip("a.mp4", 10, 0.5f), ClipFit.PING_PONG));
    t = with(t, 1, VisualClip.background(1, t.visual().get(1).start(), t.visual().get(1).end()));
    t = with(t, 2, clipAt(t, 2, clip("b.mp4", 20, 0.2f), ClipFit.HOLD));
    FfmpegRenderer r = FfmpegRenderer.builder().build();
    int n = (int) t.frameCount();
    int size = 180 * 320 * 3 / 2;
    byte[][] inOrder = new byte[n][size];
    FrameCompositor.Plan p1 = r.plan(t);
    FrameCompositor c1 = new FrameCompositor(p1);
    for (int k = 0; k < n; k++) {
      c1.composeYuv(k, inOrder[k]);
    }
    p1.close();
    // Backwards with one compositor, then two compositors taking turns out of order.
    FrameCompositor.Plan p2 = r.plan(t);
    FrameCompositor c2 = new FrameCompositor(p2);
    byte[] f = new byte[size];
    for (int k = n - 1; k >= 0; k--) {
      c2.composeYuv(k, f);
      assertThat(Arrays.equals(f, inOrder[k])).as("frame %d backwards", k).isTrue();
    }
    FrameCompositor c3 = new FrameCompositor(p2);
    for (int k = 0; k + 2 < n; k += 3) {
      for (int d : new int[] {2, 0, 1}) {
        (d == 1 ? c3 : c2).composeYuv(k + d, f);
        assertThat(Arrays.equals(f, inOrder[k + d])).as("frame %d", k + d).isTrue();
      }
    }
    p2.close();
  }

  /** RMS of a 16-bit WAV's samples after its 44-byte header. */
  private static double rms(Path wav) throws Exception {
    byte[] b = Files.readAllBytes(wav);
    double sum = 0;
    int n = 0;
    for (int i = 44; i + 1 < b.length; i += 2) {
      short v = (short) ((b[i] & 0xff) | (b[i + 1] << 8));
      sum += (double) v * v;
      n++;
    }
    return Math.sqrt(sum / Math.max(1, n));
  }

  @Test
  void theBackgroundsAudioIsMixedAtItsGainOrMuted() throws Exception {
    Timeline base = Fixtures.request(SMALL, 16_000, 1, false);
    Timeline stems = new Timeline(base.format(), base.visual(), base.narration(), base.music(),
        base.effects(), base.captions(), base.overlays(), new MixSettings(-14, -1, true));
    VideoSource withTone = VideoSource.of(VideoFixtures.mp4(dir.resolve("tone.mp4"), 90, 160, 24,
        24, 0.3f, true));
    double[] music = new double[2];
    double[] gains = {Double.NEGATIVE_INFINITY, -6};
    for (int g = 0; g < 2; g++) {
      Timeline t = stems.withBackground(new BackgroundVideo(withTone, Duration.ofMillis(200), 0,
          0, gains[g]));
      t = with(t, 1, VisualClip.background(1, t.visual().get(1).start(), t.visual().get(1).end()));
      Path out = dir.resolve("mix" + g + ".mp4");
      RenderResult r = FfmpegRenderer.builder().workers(1).build().render(t, out, null);
      music[g] = rms(r.audio().stems().get(SoundtrackMixer.MUSIC_STEM));
    }
    assertThat(music[0]).as("muted: nothing in the music stem").isZero();
    // The tone is 8000/32768 peak (RMS about 5657) at -6 dB: about 2835, over the whole story
    // (the 1 s video loops three times with 200 ms crossfades).
    assertThat(music[1]).isBetween(2000.0, 3200.0);
  }

  @Test
  void aCrossfadeBlendsAClipIntoTheNextStill() throws Exception {
    Timeline base = Fixtures.request(SMALL, 16_000, 1, false);
    Timeline t = with(base, 0, clipAt(base, 0, clip("x.mp4", 48, 0.6f), ClipFit.TRIM));
    Path out = dir.resolve("fade.mp4");
    // 12 fps, 500 ms: 6 frames, 3 before the boundary frame and 3 from it on.
    FfmpegRenderer.builder().workers(2).transitionDuration(Duration.ofMillis(500)).build()
        .render(t, out, null);
    List<BufferedImage> frames = frames(out);
    assertThat(frames).hasSize((int) t.frameCount());
    int b = (int) t.startFrame(1);
    double[] clipOnly = Fixtures.centreAverage(frames.get(b - 4));
    double[] mid = Fixtures.centreAverage(frames.get(b));
    double[] stillOnly = Fixtures.centreAverage(frames.get(b + 3));
    assertThat(Fixtures.looksLike(stillOnly, Color.GREEN)).isTrue();
    assertThat(Fixtures.looksLike(clipOnly, Color.GREEN)).isFalse();
    // At the boundary both pictures are in the frame: green half way between the two.
    double lo = Math.min(clipOnly[1], stillOnly[1]);
    double hi = Math.max(clipOnly[1], stillOnly[1]);
    assertThat(mid[1]).isBetween(lo + (hi - lo) * 0.2, hi - (hi - lo) * 0.2);
  }
}
