package dev.storyreel.render.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import dev.storyreel.core.InvalidInputException;
import dev.storyreel.core.spi.VideoSource;
import dev.storyreel.core.timeline.BackgroundVideo;
import dev.storyreel.core.timeline.ClipFit;
import dev.storyreel.testkit.VideoFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ClipReader}: frames by index in any order, and {@link ClipFitting}'s mapping. */
class ClipReaderTest {
  @TempDir Path dir;

  private static final int W = 96;
  private static final int H = 160;

  /** Column of the white bar's centre in output pixels: the fixture's bar, scaled 2x. */
  private static int barColumn(long i, int frames) {
    return (int) (2 * (i * (W / 2) / frames) + Math.max(2, (W / 2) / 16));
  }

  private static int luma(byte[] yuv, int x, int y) {
    return yuv[y * W + x] & 0xff;
  }

  @Test
  void framesComeBackScaledToCoverAndTheSameInAnyOrder() {
    // 48x80 source, the output's aspect ratio at half size: each frame's bar lands where we say.
    int frames = 30;
    Path clip = VideoFixtures.mp4(dir.resolve("c.mp4"), W / 2, H / 2, 24, frames);
    byte[] f = new byte[W * H * 3 / 2];
    byte[][] forward = new byte[frames][];
    try (ClipReader r = new ClipReader(VideoSource.of(clip), "test clip", W, H, "")) {
      assertThat(r.frameCount()).isEqualTo(frames);
      assertThat(r.fps()).isEqualTo(24.0);
      for (int i = 0; i < frames; i++) {
        r.read(i, f);
        forward[i] = f.clone();
        assertThat(luma(f, barColumn(i, frames), H / 2)).as("bar of frame %d", i)
            .isGreaterThan(200);
      }
      assertThat(forward[3]).isNotEqualTo(forward[4]);
    }
    // Backwards, then jumping about, with a fresh reader (a small ring forces reopening).
    try (ClipReader r = new ClipReader(VideoSource.of(clip), "test clip", W, H, "")) {
      for (int i = frames - 1; i >= 0; i--) {
        r.read(i, f);
        assertThat(Arrays.equals(f, forward[i])).as("frame %d read backwards", i).isTrue();
      }
      for (int i : new int[] {17, 2, 29, 0, 28, 15, 15, 1}) {
        r.read(i, f);
        assertThat(Arrays.equals(f, forward[i])).as("frame %d read out of order", i).isTrue();
      }
      r.read(500, f);
      assertThat(Arrays.equals(f, forward[frames - 1])).as("past the end: the last frame")
          .isTrue();
      r.close();
      r.read(5, f);
      assertThat(Arrays.equals(f, forward[5])).as("a closed reader reopens").isTrue();
    }
  }

  @Test
  void theDimFilterDarkensAndTheBlurSoftensTheBar() {
    int frames = 12;
    Path clip = VideoFixtures.mp4(dir.resolve("c.mp4"), W / 2, H / 2, 24, frames);
    byte[] plain = new byte[W * H * 3 / 2];
    byte[] dim = new byte[plain.length];
    byte[] blur = new byte[plain.length];
    try (ClipReader a = new ClipReader(VideoSource.of(clip), "t", W, H, "");
        ClipReader b = new ClipReader(VideoSource.of(clip), "t", W, H, MotionLayer
            .backgroundFilters(new BackgroundVideo(
                VideoSource.of(clip), Duration.ZERO, 0, 0.5, Double.NEGATIVE_INFINITY), W));
        ClipReader c = new ClipReader(VideoSource.of(clip), "t", W, H, MotionLayer
            .backgroundFilters(new BackgroundVideo(
                VideoSource.of(clip), Duration.ZERO, 8, 0, Double.NEGATIVE_INFINITY), W))) {
      a.read(6, plain);
      b.read(6, dim);
      c.read(6, blur);
    }
    int x = barColumn(6, frames);
    assertThat(luma(dim, x, H / 2) - 16).isBetween((luma(plain, x, H / 2) - 16) / 2 - 3,
        (luma(plain, x, H / 2) - 16) / 2 + 3);
    assertThat(luma(blur, x, H / 2)).isLessThan(luma(plain, x, H / 2) - 20);
  }

  @Test
  void aLandscapeVideoIsCutToItsCentreToCoverAPortraitFrame() {
    // 160x90 under 96x160: the centre 54x90 of the source, scaled up 1.78x.
    int frames = 16;
    Path clip = VideoFixtures.mp4(dir.resolve("wide.mp4"), 160, 90, 24, frames);
    byte[] f = new byte[W * H * 3 / 2];
    try (ClipReader r = new ClipReader(VideoSource.of(clip), "wide", W, H, "")) {
      // Frame 8: the bar at x = 80..90 of 160, the centre: in the middle of the output.
      r.read(8, f);
      int bright = 0;
      for (int x = 0; x < W; x++) {
        bright += luma(f, x, H / 2) > 200 ? 1 : 0;
      }
      assertThat(bright).as("the bar, 10 source px = about 18 output px").isBetween(12, 24);
      assertThat(luma(f, W / 2 + 8, H / 2)).isGreaterThan(200);
      // Frame 1: the bar at x = 10..20, cut away.
      r.read(1, f);
      for (int x = 0; x < W; x++) {
        assertThat(luma(f, x, H / 2)).as("column %d of frame 1", x).isLessThan(200);
      }
    }
  }

  @Test
  void aFileThatIsNotAVideoIsRefusedWhenOpened() throws Exception {
    Path text = Files.writeString(dir.resolve("x.mp4"), "not a video");
    try (ClipReader r = new ClipReader(VideoSource.of(text), "the clip of segment 2", W, H, "")) {
      assertThatThrownBy(() -> r.read(0, new byte[W * H * 3 / 2]))
          .isInstanceOf(InvalidInputException.class).hasMessageContaining("x.mp4")
          .hasMessageContaining("segment 2");
    }
  }

  @Test
  void trimPlaysAtTheClipsOwnRateAndHoldsItsLastFrame() {
    // 24 fps clip of 48 frames in a 30 fps segment of 45 frames.
    for (int j = 0; j < 45; j++) {
      ClipFitting.Pick p = ClipFitting.pick(ClipFit.TRIM, j, 45, 30, 48, 24);
      assertThat(p.frame()).isEqualTo(j * 24L / 30).isEqualTo(p.next());
      assertThat(p.weight()).isZero();
    }
    assertThat(ClipFitting.pick(ClipFit.TRIM, 200, 300, 30, 48, 24).frame()).isEqualTo(47);
  }

  @Test
  void slowStretchesUpToOneAndAHalfTimesWithBlends() {
    // A 2 s clip (48 frames at 24) in a 2.7 s segment (81 frames at 30): slowed 1.35x.
    long prev = -1;
    int blended = 0;
    for (int j = 0; j < 81; j++) {
      ClipFitting.Pick p = ClipFitting.pick(ClipFit.SLOW, j, 81, 30, 48, 24);
      assertThat(p.frame()).isGreaterThanOrEqualTo(prev);
      assertThat(p.next()).isBetween(p.frame(), p.frame() + 1);
      prev = p.frame();
      blended += p.weight() > 0 ? 1 : 0;
    }
    assertThat(prev).as("the last output frame reaches the clip's end").isBetween(45L, 47L);
    assertThat(blended).as("most frames blend two source frames").isGreaterThan(40);
    // A 4 s segment would need 2x: capped at 1.5x, the clip ends at 3 s and its last frame holds.
    assertThat(ClipFitting.pick(ClipFit.SLOW, 90, 120, 30, 48, 24).frame()).isEqualTo(47);
    assertThat(ClipFitting.pick(ClipFit.SLOW, 60, 120, 30, 48, 24).frame()).isBetween(31L, 33L);
  }

  @Test
  void pingPongTurnsAtEachEnd() {
    // 5 frames at 30 fps in a 30 fps segment: 0 1 2 3 4 3 2 1 0 1 ...
    long[] want = {0, 1, 2, 3, 4, 3, 2, 1, 0, 1, 2};
    for (int j = 0; j < want.length; j++) {
      assertThat(ClipFitting.pick(ClipFit.PING_PONG, j, 40, 30, 5, 30).frame())
          .as("output frame %d", j).isEqualTo(want[j]);
    }
  }

  @Test
  void holdKeepsTheLastFrameAndPushesInSlowly() {
    double prev = 1;
    for (int j = 0; j < 60; j++) {
      ClipFitting.Pick p = ClipFitting.pick(ClipFit.HOLD, j, 60, 30, 20, 30);
      if (j < 20) {
        assertThat(p.frame()).isEqualTo(j);
        assertThat(p.pushIn()).isEqualTo(1.0);
      } else {
        assertThat(p.frame()).isEqualTo(19);
        assertThat(p.pushIn()).isGreaterThanOrEqualTo(prev);
        prev = p.pushIn();
      }
    }
    assertThat(prev).isCloseTo(ClipFitting.HOLD_ZOOM, offset(1e-9));
  }
}
