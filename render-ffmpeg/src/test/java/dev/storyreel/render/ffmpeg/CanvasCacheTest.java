package dev.storyreel.render.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.storyreel.core.PcmAudio;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.http.ImageChecks;
import dev.storyreel.core.spi.ImageSource;
import dev.storyreel.core.timeline.Timeline;
import dev.storyreel.core.timeline.VisualClip;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The render's canvases keep only their yuv420p planes; the RGB pixels are made on demand for
 * the thumbnail and the reference path, with the same planes.
 */
class CanvasCacheTest {

  private static BufferedImage noise(int w, int h, long seed) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    SplittableRandom r = new SplittableRandom(seed);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, r.nextInt(1 << 24));
      }
    }
    return img;
  }

  @Test
  void aYuvOnlyCanvasHasTheSamePlanesAndNoPixels() {
    // 500x300 onto a 62x108 canvas: a crop, then a halving before the last scaling.
    BufferedImage img = noise(500, 300, 3);
    KenBurns.Canvas full = KenBurns.Canvas.cover(img, 56, 98, 1.1);
    KenBurns.Canvas yuv = KenBurns.Canvas.coverYuv(img, 56, 98, 1.1, null);
    assertThat(yuv.rgb()).isNull();
    assertThat(yuv.width()).isEqualTo(full.width()).isEqualTo(62);
    assertThat(yuv.height()).isEqualTo(full.height()).isEqualTo(108);
    assertThat(yuv.yuv().y()).isEqualTo(full.yuv().y());
    assertThat(yuv.yuv().u()).isEqualTo(full.yuv().u());
    assertThat(yuv.yuv().v()).isEqualTo(full.yuv().v());
    KenBurns.Sampler sampler = new KenBurns.Sampler(56, 98);
    KenBurns.View view = new KenBurns.View(1.5, 2.5, 58, 100);
    assertThatThrownBy(() -> sampler.sample(yuv, view, new int[56 * 98]))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Canvas.cover");
  }

  @Test
  void aReusedScratchImageGivesTheBytesOfANewOne() {
    // Segment 1's picture has transparent pixels (black on a canvas) and is drawn into the
    // scratch image segment 0's noise was drawn into.
    BufferedImage first = noise(120, 200, 7);
    BufferedImage second = new BufferedImage(150, 150, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < 150; y++) {
      for (int x = 0; x < 150; x++) {
        second.setRGB(x, y, (x + y) % 3 == 0 ? 0 : 0xff000000 | (x * 1000 + y * 7));
      }
    }
    VideoFormat format = new VideoFormat(64, 112, 10);
    PcmAudio audio = Fixtures.sine(2000, 16_000, 1);
    Duration half = audio.duration().dividedBy(2);
    Timeline timeline = Timeline.of(format, audio, List.of(
        new VisualClip(0, ImageSource.of(first), Duration.ZERO, half),
        new VisualClip(1, ImageSource.of(second), half, audio.duration())), List.of());
    CanvasCache cache = new CanvasCache(timeline, 1.12);
    cache.get(0);
    KenBurns.Canvas reused = cache.get(1);
    KenBurns.Canvas fresh = KenBurns.Canvas.coverYuv(second, 64, 112, 1.12, null);
    assertThat(reused.yuv().y()).isEqualTo(fresh.yuv().y());
    assertThat(reused.yuv().u()).isEqualTo(fresh.yuv().u());
    assertThat(reused.yuv().v()).isEqualTo(fresh.yuv().v());

    BufferedImage wrong = new BufferedImage(70, 126, BufferedImage.TYPE_INT_RGB);
    assertThatThrownBy(() -> KenBurns.Canvas.coverYuv(second, 64, 112, 1.12, wrong))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be a 72x126 TYPE_INT_RGB image, was 70x126");
  }

  @Test
  void theRgbCanvasReplacesTheCachedOneWithoutScalingTwice() {
    AtomicInteger loads = new AtomicInteger();
    BufferedImage img = noise(120, 200, 5);
    ImageSource counting = () -> {
      loads.incrementAndGet();
      return img;
    };
    VideoFormat format = new VideoFormat(64, 112, 10);
    PcmAudio audio = Fixtures.sine(2000, 16_000, 1);
    Timeline timeline = Timeline.of(format, audio,
        List.of(new VisualClip(0, counting, Duration.ZERO, audio.duration())), List.of());
    CanvasCache cache = new CanvasCache(timeline, 1.12);

    KenBurns.Canvas yuv = cache.get(0);
    assertThat(yuv.rgb()).isNull();
    assertThat(cache.get(0)).isSameAs(yuv);
    assertThat(loads).hasValue(1);

    KenBurns.Canvas full = cache.getRgb(0);
    assertThat(full.rgb()).hasSize(full.width() * full.height());
    assertThat(full.yuv().y()).isEqualTo(yuv.yuv().y());
    assertThat(loads).hasValue(2);
    // Now cached: both paths are served by it, and nothing is scaled again.
    assertThat(cache.get(0)).isSameAs(full);
    assertThat(cache.getRgb(0)).isSameAs(full);
    assertThat(loads).hasValue(2);
  }

  /** A source that decodes its PNG into the image it is handed, recording what it was handed. */
  private static final class DecodingSource implements ImageSource {
    final byte[] png;
    final List<BufferedImage> handed = new java.util.ArrayList<>();
    final List<BufferedImage> returned = new java.util.ArrayList<>();

    DecodingSource(BufferedImage picture) throws Exception {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      javax.imageio.ImageIO.write(picture, "png", out);
      png = out.toByteArray();
    }

    @Override
    public BufferedImage load() {
      return load(null);
    }

    @Override
    public synchronized BufferedImage load(BufferedImage reuse) {
      handed.add(reuse);
      BufferedImage img = ImageChecks.decode("test", png, 1_000_000, null, reuse);
      returned.add(img);
      return img;
    }
  }

  @Test
  void picturesAreDecodedIntoOneImageOfTheCachesOwnAndNeverIntoASourcesImage() throws Exception {
    VideoFormat format = new VideoFormat(64, 112, 10);
    PcmAudio audio = Fixtures.sine(2000, 16_000, 1);
    Duration third = audio.duration().dividedBy(3);
    BufferedImage[] pictures = {noise(90, 150, 11), noise(90, 150, 12), noise(90, 150, 13)};
    BufferedImage shared = noise(90, 150, 14);
    DecodingSource s0 = new DecodingSource(pictures[0]);
    DecodingSource s2 = new DecodingSource(pictures[2]);
    // Segment 1's source is in memory: it ignores the image it is handed and returns its own.
    List<BufferedImage> handedToShared = new java.util.ArrayList<>();
    ImageSource inMemory = new ImageSource() {
      @Override
      public BufferedImage load() {
        return shared;
      }

      @Override
      public BufferedImage load(BufferedImage reuse) {
        handedToShared.add(reuse);
        return shared;
      }
    };
    Timeline timeline = Timeline.of(format, audio, List.of(
        new VisualClip(0, s0, Duration.ZERO, third),
        new VisualClip(1, inMemory, third, third.multipliedBy(2)),
        new VisualClip(2, s2, third.multipliedBy(2), audio.duration())), List.of());
    CanvasCache cache = new CanvasCache(timeline, 1.12);

    KenBurns.Canvas c0 = cache.get(0);
    KenBurns.Canvas c1 = cache.get(1);
    KenBurns.Canvas c2 = cache.get(2);

    // The first load has nothing to decode into; the cache then makes an image of the picture's
    // size and hands that same image over for every later picture.
    assertThat(s0.handed).containsExactly((BufferedImage) null);
    assertThat(handedToShared).hasSize(1).doesNotContainNull();
    BufferedImage own = handedToShared.get(0);
    assertThat(own).isNotSameAs(s0.returned.get(0)).isNotSameAs(shared);
    assertThat(own.getType()).isEqualTo(BufferedImage.TYPE_3BYTE_BGR);
    assertThat(s2.handed).containsExactly(own);
    assertThat(s2.returned).containsExactly(own);
    // The in-memory picture was not written to.
    assertThat(shared.getRGB(0, 0, 90, 150, null, 0, 90))
        .isEqualTo(noise(90, 150, 14).getRGB(0, 0, 90, 150, null, 0, 90));
    // The planes are those of each picture, whichever image it was decoded into.
    KenBurns.Canvas[] got = {c0, c1, c2};
    BufferedImage[] expected = {pictures[0], shared, pictures[2]};
    for (int i = 0; i < 3; i++) {
      KenBurns.Canvas fresh = KenBurns.Canvas.coverYuv(expected[i], 64, 112, 1.12, null);
      assertThat(got[i].yuv().y()).as("segment %d", i).isEqualTo(fresh.yuv().y());
      assertThat(got[i].yuv().u()).as("segment %d", i).isEqualTo(fresh.yuv().u());
      assertThat(got[i].yuv().v()).as("segment %d", i).isEqualTo(fresh.yuv().v());
    }
  }

  @Test
  void pngFilesAfterTheFirstAreDecodedByFfmpegIntoTheCachesImageWithTheSamePlanes(
      @TempDir Path dir) throws Exception {
    VideoFormat format = new VideoFormat(64, 112, 10);
    PcmAudio audio = Fixtures.sine(2000, 16_000, 1);
    Duration third = audio.duration().dividedBy(3);
    Path[] files = new Path[3];
    List<VisualClip> clips = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      files[i] = dir.resolve(i + ".png");
      ImageIO.write(noise(90, 150, 21 + i), "png", files[i].toFile());
      clips.add(new VisualClip(i, ImageSource.ofFile(files[i]), third.multipliedBy(i),
          i == 2 ? audio.duration() : third.multipliedBy(i + 1)));
    }
    CanvasCache cache = new CanvasCache(Timeline.of(format, audio, clips, List.of()), 1.12);
    try {
      for (int i = 0; i < 3; i++) {
        KenBurns.Canvas got = cache.get(i);
        KenBurns.Canvas fresh =
            KenBurns.Canvas.coverYuv(ImageIO.read(files[i].toFile()), 64, 112, 1.12, null);
        assertThat(got.yuv().y()).as("segment %d", i).isEqualTo(fresh.yuv().y());
        assertThat(got.yuv().u()).as("segment %d", i).isEqualTo(fresh.yuv().u());
        assertThat(got.yuv().v()).as("segment %d", i).isEqualTo(fresh.yuv().v());
      }
      // The first has no image of the cache's own to decode into yet: ImageIO decodes it.
      assertThat(cache.stillsDecodedByFfmpeg()).isEqualTo(2);
    } finally {
      cache.close();
    }
  }

  @Test
  void recycledPlanesGiveTheBytesOfNewOnes() {
    BufferedImage a = noise(90, 150, 21);
    BufferedImage b = noise(90, 150, 22);
    KenBurns.Canvas first = KenBurns.Canvas.coverYuv(a, 64, 112, 1.12, null);
    KenBurns.Canvas again = KenBurns.Canvas.coverYuv(b, 64, 112, 1.12, null, first.yuv());
    KenBurns.Canvas fresh = KenBurns.Canvas.coverYuv(b, 64, 112, 1.12, null);
    assertThat(again.yuv()).isSameAs(first.yuv());
    assertThat(again.yuv().y()).isEqualTo(fresh.yuv().y());
    assertThat(again.yuv().u()).isEqualTo(fresh.yuv().u());
    assertThat(again.yuv().v()).isEqualTo(fresh.yuv().v());
    // Planes of another size are not used.
    KenBurns.Canvas other = KenBurns.Canvas.coverYuv(b, 64, 112, 1.2, null, first.yuv());
    assertThat(other.yuv()).isNotSameAs(first.yuv());
  }

  /** A 64x112 timeline of 2 s with one equal segment per picture. */
  private static Timeline segments(BufferedImage... pictures) {
    PcmAudio audio = Fixtures.sine(2000, 16_000, 1);
    int n = pictures.length;
    Duration step = audio.duration().dividedBy(n);
    List<VisualClip> clips = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      Duration end = i == n - 1 ? audio.duration() : step.multipliedBy(i + 1);
      clips.add(new VisualClip(i, ImageSource.of(pictures[i]), step.multipliedBy(i), end));
    }
    return Timeline.of(new VideoFormat(64, 112, 10), audio, clips, List.of());
  }

  @Test
  void anEvictedCanvasPlanesAreReusedOnlyOnceItsSegmentAndTheNextAreComposed() {
    int n = 8;
    BufferedImage[] pictures = new BufferedImage[n];
    for (int i = 0; i < n; i++) {
      pictures[i] = noise(90, 150, 30 + i);
    }
    Timeline timeline = segments(pictures);
    CanvasCache cache = new CanvasCache(timeline, 1.12);
    java.util.Map<byte[], Integer> owner = new java.util.IdentityHashMap<>();
    long composed = 0;
    for (int i = 0; i < n; i++) {
      KenBurns.Canvas c = cache.get(i);
      Integer reusedFrom = owner.put(c.yuv().y(), i);
      if (reusedFrom != null) {
        // Planes come back only from a canvas whose segment and the next were composed.
        assertThat(timeline.endFrame(reusedFrom + 1)).isLessThanOrEqualTo(composed);
      }
      KenBurns.Canvas fresh = KenBurns.Canvas.coverYuv(pictures[i], 64, 112, 1.12, null);
      assertThat(c.yuv().y()).as("segment %d", i).isEqualTo(fresh.yuv().y());
      assertThat(c.yuv().u()).as("segment %d", i).isEqualTo(fresh.yuv().u());
      // The encoder lags: it has taken every frame before segment i's.
      composed = timeline.startFrame(i);
      cache.composedBelow(composed);
    }
    // Segment 0 was evicted when segment 4 was made, and freed once segment 1 was composed: a
    // later canvas was converted into planes made earlier.
    assertThat(owner).hasSizeLessThan(n);
  }

  @Test
  void withoutFramesComposedNoPlanesAreReused() {
    int n = 8;
    BufferedImage[] pictures = new BufferedImage[n];
    for (int i = 0; i < n; i++) {
      pictures[i] = noise(90, 150, 40 + i);
    }
    Timeline timeline = segments(pictures);
    CanvasCache cache = new CanvasCache(timeline, 1.12);
    java.util.Set<byte[]> seen = java.util.Collections.newSetFromMap(
        new java.util.IdentityHashMap<>());
    for (int i = 0; i < n; i++) {
      // The encoder has taken no frame: every canvas gets new planes, however many are evicted.
      assertThat(seen.add(cache.get(i).yuv().y())).as("segment %d", i).isTrue();
    }
  }
}
