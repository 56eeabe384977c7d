package dev.storyreel.render.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.storyreel.core.CaptionCue;
import dev.storyreel.core.CaptionStyle;
import dev.storyreel.core.CaptionStyle.Position;
import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.WordTiming;
import dev.storyreel.core.timeline.Timeline;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptionStyleRenderTest {

  private static final VideoFormat PORTRAIT_12 = new VideoFormat(270, 480, 12);
  private static final int W = 270;
  private static final int H = 480;

  @TempDir static Path dir;
  private static Timeline request;
  /** Frame 6 (0.5 s, cue 0 up) of the video without captions. */
  private static BufferedImage bare;

  @BeforeAll
  static void renderBare() throws Exception {
    request = Fixtures.request(PORTRAIT_12, 16_000, 1, true);
    bare = frame6(FfmpegRenderer.builder().captions(false).build(), "bare.mp4");
  }

  private static BufferedImage frame6(FfmpegRenderer renderer, String name) throws Exception {
    Path out = dir.resolve(name);
    renderer.render(request, out, null);
    return Fixtures.probe(out, true).frames().get(6);
  }

  /** @return {count, min y, max y} of the pixels that differ clearly from the bare frame */
  private static int[] changed(BufferedImage a) {
    int count = 0;
    int minY = H;
    int maxY = -1;
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        if (distance(a.getRGB(x, y), bare.getRGB(x, y)) > 60) {
          count++;
          minY = Math.min(minY, y);
          maxY = Math.max(maxY, y);
        }
      }
    }
    return new int[] {count, minY, maxY};
  }

  private static int distance(int p, int q) {
    int d = 0;
    for (int s = 0; s <= 16; s += 8) {
      d = Math.max(d, Math.abs(((p >> s) & 0xff) - ((q >> s) & 0xff)));
    }
    return d;
  }

  private static FfmpegRenderer styled(CaptionStyle style) {
    return FfmpegRenderer.builder().captionStyle(style).build();
  }

  @Test
  void topCaptionsAreInTheTopThirdAndBottomOnesInTheBottomThird() throws Exception {
    int[] top = changed(frame6(
        styled(CaptionStyle.builder().position(Position.TOP).build()), "top.mp4"));
    int[] bottom = changed(frame6(
        styled(CaptionStyle.builder().position(Position.BOTTOM).build()), "bottom.mp4"));
    int[] middle = changed(frame6(
        styled(CaptionStyle.builder().position(Position.MIDDLE).build()), "middle.mp4"));

    assertThat(top[0]).isGreaterThan(200);
    assertThat(top[2]).as("lowest changed row of a top caption").isLessThan(H / 3);
    assertThat(bottom[0]).isGreaterThan(200);
    assertThat(bottom[1]).as("highest changed row of a bottom caption").isGreaterThan(2 * H / 3);
    assertThat(middle[1]).isGreaterThan(H / 3);
    assertThat(middle[2]).isLessThan(2 * H / 3);
  }

  @Test
  void captionsOffDrawNothing() throws Exception {
    FfmpegRenderer off = styled(CaptionStyle.builder().burnIn(false).build());
    assertThat(off.captions()).isFalse();
    assertThat(changed(frame6(off, "off.mp4"))[0]).isZero();
  }

  @Test
  void aBoxStyleFillsTheBoxColourInTheVideo() throws Exception {
    // An opaque magenta box: no such colour in the fixture's solid pictures or the text.
    CaptionStyle box = CaptionStyle.MINIMAL.toBuilder().boxArgb(0xFFFF00FF).build();
    BufferedImage f = frame6(styled(box), "box.mp4");
    int magenta = 0;
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        int p = f.getRGB(x, y);
        if (distance(p, 0xFF00FF) < 40) {
          magenta++;
        }
      }
    }
    assertThat(magenta).isGreaterThan(300);
    int bareMagenta = 0;
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        bareMagenta += distance(bare.getRGB(x, y), 0xFF00FF) < 40 ? 1 : 0;
      }
    }
    assertThat(bareMagenta).isZero();
  }

  private static CaptionCue cue(String text) {
    List<WordTiming> words = new ArrayList<>();
    long t = 0;
    for (String w : text.split(" ")) {
      words.add(Fixtures.word(w, t, t + 300));
      t += 300;
    }
    return new CaptionCue(0, Duration.ZERO, Duration.ofMillis(t), words);
  }

  @Test
  void linesPerCueColoursAndKaraokeHighlighting() {
    CaptionCue longCue = cue("The dragon slept beneath the mountain for a thousand quiet years");
    assertThat(new CaptionPainter(1080, 1920, CaptionStyle.builder().maxLinesPerCue(1).build())
        .lineCount(0, longCue)).isEqualTo(1);
    assertThat(new CaptionPainter(1080, 1920, CaptionStyle.builder().maxLinesPerCue(4).build())
        .lineCount(0, longCue)).isBetween(3, 4);

    CaptionCue c = cue("Once upon a time");
    CaptionPainter classic = new CaptionPainter(540, 960);
    CaptionPainter karaoke = new CaptionPainter(540, 960, CaptionStyle.KARAOKE);
    int hl = CaptionStyle.KARAOKE.highlightRgb();
    // Word 2 spoken: classic highlights one word, karaoke three.
    int classicYellow = count(classic.bitmap(0, c, 2), CaptionPainter.HIGHLIGHT.getRGB());
    int karaokeCyan = count(karaoke.bitmap(0, c, 2), hl);
    int karaokeFirst = count(karaoke.bitmap(0, c, 0), hl);
    assertThat(classicYellow).isGreaterThan(0);
    assertThat(karaokeCyan).isGreaterThan(2 * karaokeFirst);
    assertThat(count(karaoke.bitmap(0, c, -1), hl)).isZero();
  }

  @Test
  void sizesAndNoOutlineChangeTheDrawing() {
    CaptionCue c = cue("Once upon");
    CaptionPainter px = new CaptionPainter(540, 960, CaptionStyle.builder().sizePx(20).build());
    CaptionPainter big =
        new CaptionPainter(540, 960, CaptionStyle.builder().sizePermilleOfHeight(60).build());
    assertThat(px.fontPx(0, c)).isEqualTo(20f);
    assertThat(big.fontPx(0, c)).isEqualTo(960 * 60 / 1000f);
    CaptionPainter noOutline =
        new CaptionPainter(540, 960, CaptionStyle.builder().outlineWidth(0).build());
    assertThat(count(noOutline.bitmap(0, c, -1), 0x000000)).isZero();
    assertThat(count(new CaptionPainter(540, 960).bitmap(0, c, -1), 0x000000)).isGreaterThan(50);
  }

  @Test
  void theFingerprintHoldsTheStyleAndABadFontFileIsAConfigurationError() throws Exception {
    FfmpegRenderer classic = FfmpegRenderer.builder().build();
    assertThat(classic.fingerprint())
        .isEqualTo(FfmpegRenderer.builder().captionStyle(CaptionStyle.CLASSIC).build()
            .fingerprint());
    assertThat(styled(CaptionStyle.BOLD).fingerprint()).isNotEqualTo(classic.fingerprint());
    assertThat(styled(CaptionStyle.builder().position(Position.TOP).build()).fingerprint())
        .isNotEqualTo(classic.fingerprint())
        .isNotEqualTo(styled(CaptionStyle.builder().position(Position.MIDDLE).build())
            .fingerprint());
    assertThat(classic.toBuilder().captionStyle(CaptionStyle.MINIMAL).build().captionStyle())
        .isEqualTo(CaptionStyle.MINIMAL);

    Path notAFont = Files.writeString(dir.resolve("broken.ttf"), "not a font");
    assertThatThrownBy(() -> styled(CaptionStyle.builder().font(notAFont.toString()).build())
        .render(request, dir.resolve("never.mp4"), null))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("broken.ttf")
        .hasMessageContaining("font family");
  }

  private static int count(CaptionPainter.Bitmap b, int rgb) {
    int n = 0;
    for (int p : b.argb()) {
      if ((p >>> 24) == 255 && (p & 0xffffff) == (rgb & 0xffffff)) {
        n++;
      }
    }
    return n;
  }
}
