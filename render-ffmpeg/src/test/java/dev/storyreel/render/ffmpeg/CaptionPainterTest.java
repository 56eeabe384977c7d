package dev.storyreel.render.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.storyreel.core.CaptionCue;
import dev.storyreel.core.PcmAudio;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.WordTiming;
import dev.storyreel.core.spi.ImageSource;
import dev.storyreel.core.timeline.Timeline;
import dev.storyreel.core.timeline.VisualClip;
import java.awt.Font;
import java.awt.Rectangle;
import java.awt.Shape;
import java.awt.font.FontRenderContext;
import java.awt.geom.AffineTransform;
import java.awt.geom.PathIterator;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    // A copy of a: a bitmap of the same size, drawn with the kept graphics and the last cue's
    // refilled paths; then more words than the paths kept, then fewer again.
    CaptionCue a2 = cue("The lantern keeper walked to the harbour");
    CaptionCue c = cue("and the gulls, the boats and the tide came in at dusk");
    List<CaptionCue> cues = List.of(a, b, a2, c, a);
    for (int i = 0; i < cues.size(); i++) {
      CaptionCue cue = cues.get(i);
      for (int active = -1; active < cue.words().size(); active++) {
        CaptionPainter.YuvBitmap got = reused.yuvBitmap(i, cue, active);
        CaptionPainter.YuvBitmap fresh =
            new CaptionPainter(540, 960).bitmap(i, cue, active).toYuv();
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

  private static void assertSamePlanes(CaptionPainter.YuvBitmap got,
      CaptionPainter.YuvBitmap fresh) {
    assertThat(got.x()).isEqualTo(fresh.x());
    assertThat(got.y()).isEqualTo(fresh.y());
    assertThat(got.width()).isEqualTo(fresh.width());
    assertThat(got.height()).isEqualTo(fresh.height());
    int luma = fresh.width() * fresh.height();
    int chroma = luma / 4;
    assertThat(Arrays.copyOf(got.luma(), luma)).isEqualTo(fresh.luma());
    assertThat(Arrays.copyOf(got.lumaAlpha(), luma)).isEqualTo(fresh.lumaAlpha());
    assertThat(Arrays.copyOf(got.cb(), chroma)).isEqualTo(fresh.cb());
    assertThat(Arrays.copyOf(got.cr(), chroma)).isEqualTo(fresh.cr());
    assertThat(Arrays.copyOf(got.chromaAlpha(), chroma)).isEqualTo(fresh.chromaAlpha());
  }

  @Test
  void aStateDrawnIntoRecycledPlanesHasTheBytesOfAFreshOne() {
    CaptionPainter painter = new CaptionPainter(540, 960);
    CaptionCue big = cue("The lantern keeper walked to the harbour at night");
    CaptionCue small = cue("again");
    CaptionPainter.YuvBitmap old = painter.yuvBitmap(0, big, 2);
    CaptionPainter.YuvBitmap got = painter.yuvBitmap(1, small, 0, old);
    // The larger state's planes are reused, their leftover bytes beyond the smaller size unread.
    assertThat(got.luma()).isSameAs(old.luma());
    assertSamePlanes(got, new CaptionPainter(540, 960).bitmap(1, small, 0).toYuv());
    // Planes too small for the state are not used.
    CaptionPainter.YuvBitmap tiny = painter.yuvBitmap(1, small, 0);
    CaptionPainter.YuvBitmap grown = painter.yuvBitmap(0, big, 3, tiny);
    assertThat(grown.luma()).isNotSameAs(tiny.luma());
    assertSamePlanes(grown, new CaptionPainter(540, 960).bitmap(0, big, 3).toYuv());
  }

  @Test
  void aDroppedStatesPlanesAreReusedOnlyOnceEveryFrameOfItsCueIsComposed() {
    VideoFormat format = new VideoFormat(270, 480, 10);
    PcmAudio audio = Fixtures.sine(3000, 16_000, 1);
    int n = 6;
    List<CaptionCue> cues = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long t = i * 500L;
      cues.add(new CaptionCue(i, Duration.ofMillis(t), Duration.ofMillis(t + 500),
          List.of(Fixtures.word("word" + i, t, t + 250), Fixtures.word("next", t + 250, t + 500))));
    }
    Timeline timeline = Timeline.of(format, audio, List.of(new VisualClip(0,
        ImageSource.of(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB)), Duration.ZERO,
        audio.duration())), cues);
    FrameCompositor.Plan plan = new FrameCompositor.Plan(timeline, 1.1, true, 0);
    Map<byte[], Integer> owner = new IdentityHashMap<>();
    long composed = 0;
    for (int i = 0; i < n; i++) {
      for (int active = 0; active < 2; active++) {
        CaptionPainter.YuvBitmap b = plan.caption(i, active);
        Integer from = owner.put(b.luma(), i);
        if (from != null && from != i) {
          // Cue `from` ends at (from + 1) * 0.5 s, frame 5 * (from + 1) at 10 fps: every frame
          // showing it was composed before its planes came back.
          assertThat(composed).as("cue %d's planes reused by cue %d", from, i)
              .isGreaterThan(5L * (from + 1));
        }
        assertSamePlanes(b, new CaptionPainter(270, 480).bitmap(i, cues.get(i), active).toYuv());
      }
      // The encoder lags: it has taken every frame before cue i's.
      composed = 5L * i;
      plan.composedBelow(composed);
    }
    // Cue 0's states were dropped when cue 2 was drawn and came back once cue 0 was composed.
    assertThat(owner).hasSizeLessThan(2 * n);
  }

  @Test
  void cuesOfTenStatesEachReusePlanesInsteadOfAllocatingSomeForEveryCue() {
    VideoFormat format = new VideoFormat(270, 480, 10);
    int n = 30;
    int words = 9;
    PcmAudio audio = Fixtures.sine(n * 1000, 16_000, 1);
    List<CaptionCue> cues = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long t = i * 1000L;
      List<WordTiming> w = new ArrayList<>();
      for (int j = 0; j < words; j++) {
        w.add(Fixtures.word("w" + j, t + j * 100L, t + j * 100L + 90));
      }
      cues.add(new CaptionCue(i, Duration.ofMillis(t), Duration.ofMillis(t + 1000), w));
    }
    Timeline timeline = Timeline.of(format, audio, List.of(new VisualClip(0,
        ImageSource.of(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB)), Duration.ZERO,
        audio.duration())), cues);
    FrameCompositor.Plan plan = new FrameCompositor.Plan(timeline, 1.1, true, 0);
    Set<byte[]> planes = Collections.newSetFromMap(new IdentityHashMap<>());
    for (int i = 0; i < n; i++) {
      // Each cue's states: one between words (-1) and one per word, as the frames show them.
      for (int active = -1; active < words; active++) {
        planes.add(plan.caption(i, active).luma());
      }
      // The encoder has taken every frame of the cues before this one (10 frames a cue).
      plan.composedBelow(10L * i);
    }
    // Live: this cue's and the last one's states (20); the rest come back from the free list.
    // Were fewer than a cue's worth kept free, each cue would add new planes: about 30 x 2 more.
    assertThat(planes).as("distinct luma planes over %d cues of %d states", n, words + 1)
        .hasSizeLessThanOrEqualTo(3 * (words + 1));
  }

  @Test
  void wordOutlinesFromCachedGlyphsHaveJava2dsGeometryPointForPoint() {
    CaptionPainter painter = new CaptionPainter(540, 960);
    FontRenderContext frc = new FontRenderContext(new AffineTransform(), true, true);
    Font base = new Font(Font.SANS_SERIF, Font.BOLD, 10);
    String[] words = {"lantern", "keeper's", "harbour,", "again!", "Ågård", "x", "AVA", "0.5"};
    for (float px : new float[] {31.5f, 58f, 12.25f}) {
      Font font = base.deriveFont(px);
      float x = 17.375f;
      for (String w : words) {
        // Twice each: the second time every glyph comes from the cache.
        for (int pass = 0; pass < 2; pass++) {
          float[] got = segments(painter.wordOutline(font, w, x, 401.75f));
          float[] want = segments(font.createGlyphVector(frc, w).getOutline(x, 401.75f));
          assertThat(got).as("'%s' at %s px, pass %d", w, px, pass).containsExactly(want);
        }
        x += 83.1f;
      }
    }
  }

  /** @return each segment's type then its six coordinate slots, for exact comparison */
  private static float[] segments(Shape s) {
    List<Float> out = new ArrayList<>();
    float[] c = new float[6];
    for (PathIterator it = s.getPathIterator(null); !it.isDone(); it.next()) {
      Arrays.fill(c, 0f);
      out.add((float) it.currentSegment(c));
      for (float v : c) {
        out.add(v);
      }
    }
    float[] a = new float[out.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = out.get(i);
    }
    return a;
  }
}
