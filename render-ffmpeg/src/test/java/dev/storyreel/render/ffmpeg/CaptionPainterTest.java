package dev.storyreel.render.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.storyreel.core.CaptionCue;
import dev.storyreel.core.WordTiming;
import java.awt.Rectangle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CaptionPainterTest {

  private static CaptionCue cue(String text) {
    List<WordTiming> words = new ArrayList<>();
    long t = 0;
    for (String w : text.split(" ")) {
      words.add(Fixtures.word(w, t, t + 300));
      t += 300;
    }
    return new CaptionCue(0, Duration.ZERO, Duration.ofMillis(t), words);
  }

  @ParameterizedTest
  @CsvSource({"1080, 1920", "270, 480", "1920, 1080", "640, 360", "1080, 1080"})
  void captionsStayInTheSafeAreaInTheLowerThird(int w, int h) {
    CaptionPainter painter = new CaptionPainter(w, h);
    Rectangle safe = CaptionPainter.safeArea(w, h);
    List<CaptionCue> cues =
        List.of(
            cue("Once upon a"),
            cue("The dragon slept beneath the mountain for a thousand quiet years"),
            cue("Supercalifragilisticexpialidociously-unbelievable-antidisestablishmentarianism"));
    for (int i = 0; i < cues.size(); i++) {
      CaptionCue c = cues.get(i);
      for (int active = -1; active < c.words().size(); active++) {
        CaptionPainter.Bitmap b = painter.bitmap(i, c, active);
        assertThat(safe.contains(b.bounds())).as("%s inside %s", b.bounds(), safe).isTrue();
        assertThat(b.y() + b.height()).isGreaterThan(h * 2 / 3);
      }
      assertThat(painter.lineCount(i, c)).isBetween(1, 2);
    }
    int bottomPercent = h >= w ? 85 : 92;
    assertThat(safe.y + safe.height).isLessThanOrEqualTo(h * bottomPercent / 100);
    assertThat(safe.x).isGreaterThanOrEqualTo(w * 8 / 100);
  }

  @Test
  void longCuesWrapIntoTwoLinesAndShrinkOnlyWhenNeeded() {
    CaptionPainter painter = new CaptionPainter(1080, 1920);
    CaptionCue shortCue = cue("Once upon a");
    CaptionCue twoLines = cue("The dragon slept beneath the mountain");
    CaptionCue tooLong = cue("The dragon slept beneath the mountain for a thousand quiet years");

    assertThat(painter.lineCount(0, shortCue)).isEqualTo(1);
    assertThat(painter.fontPx(0, shortCue)).isEqualTo(painter.baseFontPx());
    assertThat((double) painter.baseFontPx()).isCloseTo(48.6, within(0.01)); // 4.5% of 1080

    assertThat(painter.lineCount(1, twoLines)).isEqualTo(2);
    assertThat(painter.fontPx(1, twoLines)).isEqualTo(painter.baseFontPx());

    assertThat(painter.lineCount(2, tooLong)).isEqualTo(2);
    assertThat(painter.fontPx(2, tooLong)).isLessThan(painter.baseFontPx());
  }

  @Test
  void theSpokenWordIsHighlightedAndStatesAreCached() {
    CaptionPainter painter = new CaptionPainter(540, 960);
    CaptionCue c = cue("Once upon a");

    CaptionPainter.Bitmap none = painter.bitmap(0, c, -1);
    CaptionPainter.Bitmap upon = painter.bitmap(0, c, 1);

    assertThat(yellowPixels(none)).isZero();
    assertThat(yellowPixels(upon)).isGreaterThan(50);
    assertThat(whitePixels(upon)).isGreaterThan(50);
    assertThat(blackPixels(upon)).as("outline").isGreaterThan(50);
    // Same layout whatever the highlight.
    assertThat(upon.bounds()).isEqualTo(none.bounds());
    assertThat(painter.bitmap(0, c, 1)).isSameAs(upon);
  }

  @Test
  void blendingCoversTheFrameOnlyWhereTheCaptionIs() {
    CaptionPainter painter = new CaptionPainter(270, 480);
    CaptionPainter.Bitmap b = painter.bitmap(0, cue("Hello"), 0);
    int[] frame = new int[270 * 480];
    java.util.Arrays.fill(frame, 0x0000ff);
    b.blendInto(frame, 270, 480);
    int changed = 0;
    for (int y = 0; y < 480; y++) {
      for (int x = 0; x < 270; x++) {
        if (frame[y * 270 + x] != 0x0000ff) {
          changed++;
          assertThat(b.bounds().contains(x, y)).isTrue();
        }
      }
    }
    assertThat(changed).isGreaterThan(100);
  }

  private static int count(CaptionPainter.Bitmap b, int rgb) {
    int n = 0;
    for (int p : b.argb()) {
      if (p >>> 24 == 255 && (p & 0xffffff) == rgb) {
        n++;
      }
    }
    return n;
  }

  private static int yellowPixels(CaptionPainter.Bitmap b) {
    return count(b, CaptionPainter.HIGHLIGHT.getRGB() & 0xffffff);
  }

  private static int whitePixels(CaptionPainter.Bitmap b) {
    return count(b, 0xffffff);
  }

  private static int blackPixels(CaptionPainter.Bitmap b) {
    return count(b, 0x000000);
  }

  @Test
  void yuvStatesDrawnInTheReusedScratchImageMatchFreshlyDrawnOnes() {
    // The YUV path draws every state of a cue into one reused ARGB image: each state must come
    // out as if drawn alone (nothing of the previous highlight left behind).
    CaptionPainter reused = new CaptionPainter(540, 960);
    CaptionCue a = cue("The lantern keeper walked to the harbour");
    CaptionCue b = cue("again");
    List<CaptionCue> cues = List.of(a, b);
    for (int i = 0; i < cues.size(); i++) {
      CaptionCue c = cues.get(i);
      for (int active = -1; active < c.words().size(); active++) {
        CaptionPainter.YuvBitmap got = reused.yuvBitmap(i, c, active);
        CaptionPainter.YuvBitmap fresh = new CaptionPainter(540, 960).bitmap(i, c, active).toYuv();
        assertThat(got.x()).isEqualTo(fresh.x());
        assertThat(got.y()).isEqualTo(fresh.y());
        assertThat(got.width()).isEqualTo(fresh.width());
        assertThat(got.luma()).as("cue %d, word %d", i, active).isEqualTo(fresh.luma());
        assertThat(got.lumaAlpha()).isEqualTo(fresh.lumaAlpha());
        assertThat(got.cb()).isEqualTo(fresh.cb());
        assertThat(got.cr()).isEqualTo(fresh.cr());
      }
    }
    // The highlight moves: two states of a cue differ.
    assertThat(reused.yuvBitmap(0, a, 0).cb()).isNotEqualTo(reused.yuvBitmap(0, a, 3).cb());
  }
}
