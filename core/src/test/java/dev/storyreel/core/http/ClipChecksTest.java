package dev.storyreel.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.spi.VideoInfo;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class ClipChecksTest {
  /** The first 32 bytes of an MP4: a {@code ftyp} box with brand {@code isom}, then a body. */
  static byte[] mp4Head(String brand) {
    byte[] b = new byte[32];
    b[3] = 24;
    System.arraycopy("ftyp".getBytes(StandardCharsets.US_ASCII), 0, b, 4, 4);
    System.arraycopy(brand.getBytes(StandardCharsets.US_ASCII), 0, b, 8, 4);
    return b;
  }

  static byte[] png() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB), "png", out);
    return out.toByteArray();
  }

  @Test
  void sniffsIsoAndMatroskaContainers() {
    assertThat(ClipChecks.sniffVideo(mp4Head("isom"))).isEqualTo("video/mp4");
    assertThat(ClipChecks.sniffVideo(mp4Head("qt  "))).isEqualTo("video/quicktime");
    assertThat(ClipChecks.sniffVideo(new byte[] {0x1a, 0x45, (byte) 0xdf, (byte) 0xa3, 1}))
        .isEqualTo("video/webm");
    assertThat(ClipChecks.sniffVideo("<html>".getBytes(StandardCharsets.US_ASCII))).isNull();
    assertThat(ClipChecks.sniffVideo(new byte[3])).isNull();
  }

  @Test
  void acceptsAnMp4ServedAsMp4QuickTimeOrOctetStream() {
    for (String type : new String[] {"video/mp4", "video/quicktime", "application/octet-stream",
        "", null}) {
      assertThat(ClipChecks.check("p", mp4Head("isom"), type, 1 << 20, "segment 1"))
          .isEqualTo("video/mp4");
    }
  }

  @Test
  void anImageIsRefusedAsAnImageInsteadOfAVideo() throws Exception {
    assertThatThrownBy(() -> ClipChecks.check("replicate", png(), "image/png", 1 << 20,
        "segment 2")).isInstanceOf(NonRetriableException.class)
        .hasMessageContaining("replicate (segment 2)")
        .hasMessageContaining("image (image/png").hasMessageContaining("instead of a video");
  }

  @Test
  void refusesWhatIsNotAVideoTooLargeEmptyOrMislabelled() {
    assertThatThrownBy(() -> ClipChecks.check("p", "<html>gone</html>".getBytes(
        StandardCharsets.US_ASCII), "text/html", 1 << 20, null))
        .isInstanceOf(NonRetriableException.class).hasMessageContaining("is not a video");
    byte[] big = Arrays.copyOf(mp4Head("isom"), 2048);
    assertThatThrownBy(() -> ClipChecks.check("p", big, "video/mp4", 1024, null))
        .hasMessageContaining("over the 1024-byte cap");
    assertThatThrownBy(() -> ClipChecks.check("p", new byte[0], "video/mp4", 1024, null))
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> ClipChecks.check("p", mp4Head("isom"), "video/webm", 1024, null))
        .hasMessageContaining("served as video/webm but the bytes are video/mp4");
  }

  @Test
  void probedClipsOverThePixelOrDurationCapAreRefused() {
    VideoInfo ok = new VideoInfo(832, 480, 16, Duration.ofSeconds(5), 81, false);
    ClipChecks.checkProbed("p", ok, ClipChecks.DEFAULT_MAX_PIXELS,
        ClipChecks.DEFAULT_MAX_DURATION, "segment 0");
    VideoInfo huge = new VideoInfo(7680, 4320, 16, Duration.ofSeconds(5), 81, false);
    assertThatThrownBy(() -> ClipChecks.checkProbed("p", huge, ClipChecks.DEFAULT_MAX_PIXELS,
        ClipChecks.DEFAULT_MAX_DURATION, "segment 0")).hasMessageContaining("7680x4320");
    VideoInfo longOne = new VideoInfo(832, 480, 16, Duration.ofSeconds(90), 1440, false);
    assertThatThrownBy(() -> ClipChecks.checkProbed("p", longOne, ClipChecks.DEFAULT_MAX_PIXELS,
        ClipChecks.DEFAULT_MAX_DURATION, "segment 0")).hasMessageContaining("90000 ms");
  }
}
