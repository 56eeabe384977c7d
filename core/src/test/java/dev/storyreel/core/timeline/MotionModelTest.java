package dev.storyreel.core.timeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.storyreel.core.PcmAudio;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.spi.VideoSource;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The timeline's moving pictures and overlays: clip fitting, backgrounds, title cards. */
class MotionModelTest {
  private static final VideoSource CLIP = VideoSource.of(Path.of("clip.mp4"));
  private static final BufferedImage IMG = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);

  @Test
  void theDefaultFitTrimsLongClipsSlowsSlightlyShortOnesAndPingPongsTheRest() {
    Duration seg = Duration.ofSeconds(6);
    assertThat(ClipFit.resolve(Duration.ofSeconds(8), seg)).isEqualTo(ClipFit.TRIM);
    assertThat(ClipFit.resolve(seg, seg)).isEqualTo(ClipFit.TRIM);
    assertThat(ClipFit.resolve(Duration.ofSeconds(4), seg)).isEqualTo(ClipFit.SLOW); // 1.5x
    assertThat(ClipFit.resolve(Duration.ofMillis(3999), seg)).isEqualTo(ClipFit.PING_PONG);
    assertThatThrownBy(() -> ClipFit.resolve(Duration.ZERO, seg))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void fitNamesRoundTripAndUnknownNamesSayWhatIsAccepted() {
    for (ClipFit f : ClipFit.values()) {
      assertThat(ClipFit.parse(f.id())).isEqualTo(f);
    }
    assertThat(ClipFit.parse("PingPong")).isEqualTo(ClipFit.PING_PONG);
    assertThatThrownBy(() -> ClipFit.parse("stretch"))
        .hasMessageContaining("'stretch'").hasMessageContaining("ping-pong");
  }

  @Test
  void aFitGoesWithAClipAndOnlyWithOne() {
    Duration a = Duration.ZERO;
    Duration b = Duration.ofSeconds(2);
    VisualClip c = VisualClip.clip(0, CLIP, ClipFit.HOLD, null, a, b);
    assertThat(c.isClip()).isTrue();
    assertThat(c.showsBackground()).isFalse();
    assertThatThrownBy(c::loadImage).hasMessageContaining("no still");
    assertThatThrownBy(() -> new VisualClip(0, () -> IMG, a, b, null, ClipFit.TRIM))
        .hasMessageContaining("only with one");
    assertThatThrownBy(() -> new VisualClip(0, null, a, b, CLIP, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(VisualClip.background(0, a, b).showsBackground()).isTrue();
  }

  @Test
  void aSegmentShowingTheBackgroundNeedsABackground() {
    PcmAudio audio = new PcmAudio(new byte[16000 * 2 * 2], 16000, 1);
    Timeline stills = Timeline.of(new VideoFormat(64, 112, 30), audio,
        List.of(new VisualClip(0, () -> IMG, Duration.ZERO, Duration.ofSeconds(2))), List.of());
    List<VisualClip> bare = List.of(VisualClip.background(0, Duration.ZERO, Duration.ofSeconds(2)));
    assertThatThrownBy(() -> stills.withVisual(bare))
        .hasMessageContaining("no background video");
    Timeline withBg = stills.withBackground(BackgroundVideo.of(CLIP)).withVisual(bare);
    assertThat(withBg.background().muted()).isTrue();
    assertThat(withBg.visual().get(0).showsBackground()).isTrue();
    assertThatThrownBy(() -> new BackgroundVideo(CLIP, Duration.ZERO, 0, 1.5, 0))
        .hasMessageContaining("dim");
  }

  @Test
  void aTitleCardFadesInHoldsAndFadesOut() {
    TitleCard t = TitleCard.title("The Lighthouse");
    assertThat(t.opacityAt(Duration.ZERO)).isZero();
    assertThat(t.opacityAt(Duration.ofMillis(200))).isEqualTo(0.5, org.assertj.core.data.Offset
        .offset(1e-9));
    assertThat(t.opacityAt(Duration.ofMillis(1500))).isEqualTo(1.0);
    assertThat(t.opacityAt(Duration.ofMillis(2800))).isEqualTo(0.5, org.assertj.core.data.Offset
        .offset(1e-9));
    assertThat(t.opacityAt(TitleCard.DEFAULT_DURATION)).isZero();
    assertThatThrownBy(() -> new TitleCard("x", Duration.ZERO, Duration.ofSeconds(1), "SansSerif",
        96, -1, 0, Duration.ofMillis(600))).hasMessageContaining("fade");
  }

  @Test
  void watermarkCornersParseAndFiguresAreChecked() {
    assertThat(Watermark.Corner.parse("bottom-right")).isEqualTo(Watermark.Corner.BOTTOM_RIGHT);
    assertThatThrownBy(() -> Watermark.Corner.parse("middle")).hasMessageContaining("top-left");
    assertThatThrownBy(() -> new Watermark(() -> IMG, Duration.ZERO, Duration.ofSeconds(1),
        Watermark.Corner.TOP_LEFT, 1.2, 0.1, 10)).hasMessageContaining("opacity");
  }
}
