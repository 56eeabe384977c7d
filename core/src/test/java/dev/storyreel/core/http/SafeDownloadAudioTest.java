package dev.storyreel.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.RetriableException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SafeDownload#audio} streams to a file, checking type, signature and size. */
class SafeDownloadAudioTest {
  private HttpServer server;
  @TempDir Path dir;

  /** A RIFF/WAVE header followed by {@code n} bytes of silence. */
  static byte[] wavLike(int n) {
    byte[] b = new byte[12 + n];
    System.arraycopy("RIFF".getBytes(StandardCharsets.US_ASCII), 0, b, 0, 4);
    System.arraycopy("WAVE".getBytes(StandardCharsets.US_ASCII), 0, b, 8, 4);
    return b;
  }

  /** path -> (content type, body); a 503 for /busy. */
  private final Map<String, Object[]> files = Map.of(
      "/bed.wav", new Object[] {"audio/x-wav", wavLike(100_000)},
      "/octet.wav", new Object[] {"application/octet-stream", wavLike(10)},
      "/song.mp3", new Object[] {"audio/wav", "ID3\u0004rest".getBytes(StandardCharsets.UTF_8)},
      "/page.wav", new Object[] {"audio/wav",
          "<!doctype html><p>hi</p>".getBytes(StandardCharsets.UTF_8)});

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", ex -> {
      Object[] f = files.get(ex.getRequestURI().getPath());
      if (f == null) {
        ex.sendResponseHeaders(ex.getRequestURI().getPath().equals("/busy") ? 503 : 404, -1);
      } else {
        byte[] body = (byte[]) f[1];
        ex.getResponseHeaders().add("Content-Type", (String) f[0]);
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream os = ex.getResponseBody()) {
          os.write(body);
        }
      }
      ex.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private URI url(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  @Test
  void aWavIsWrittenToTheTargetWithItsType() throws IOException {
    Path target = dir.resolve("bed.wav");
    SafeDownload.AudioFile f = SafeDownload.defaults().audio("fake", url("/bed.wav"), "music",
        target);
    assertThat(f.mediaType()).isEqualTo("audio/wav");
    assertThat(f.sizeBytes()).isEqualTo(100_012);
    assertThat(Files.readAllBytes(target)).isEqualTo(wavLike(100_000));
    assertThat(SafeDownload.defaults().audio("fake", url("/octet.wav"), "music", target)
        .sizeBytes()).as("octet-stream is taken by its signature").isEqualTo(22);
  }

  @Test
  void aFileOverTheCapIsRefusedAndNothingIsLeft() {
    Path target = dir.resolve("bed.wav");
    SafeDownload small = new SafeDownload(50_000, Duration.ofSeconds(5));
    assertThatThrownBy(() -> small.audio("fake", url("/bed.wav"), "music", target))
        .isInstanceOf(NonRetriableException.class).hasMessageContaining("50000-byte cap");
    assertThat(Files.exists(target)).isFalse();
  }

  @Test
  void aTypeThatDoesNotMatchTheBytesOrAPageIsRefused() {
    Path target = dir.resolve("x");
    assertThatThrownBy(() -> SafeDownload.defaults().audio("fake", url("/song.mp3"), "music",
        target)).isInstanceOf(NonRetriableException.class)
        .hasMessageContaining("served as audio/wav but the bytes are audio/mpeg");
    assertThatThrownBy(() -> SafeDownload.defaults().audio("fake", url("/page.wav"), "music",
        target)).isInstanceOf(NonRetriableException.class)
        .hasMessageContaining("not a WAV or MP3");
    assertThat(Files.exists(target)).isFalse();
  }

  @Test
  void statusesKeepTheirMeaning() {
    Path target = dir.resolve("x");
    assertThatThrownBy(() -> SafeDownload.defaults().audio("fake", url("/busy"), "music",
        target)).isInstanceOf(RetriableException.class);
    assertThatThrownBy(() -> SafeDownload.defaults().audio("fake", url("/gone"), "music",
        target)).isInstanceOf(NonRetriableException.class).hasMessageContaining("HTTP 404");
  }

  @Test
  void signatures() {
    assertThat(SafeDownload.sniffAudio(wavLike(0))).isEqualTo("audio/wav");
    assertThat(SafeDownload.sniffAudio(new byte[] {(byte) 0xff, (byte) 0xfb, 0}))
        .isEqualTo("audio/mpeg");
    assertThat(SafeDownload.sniffAudio(Arrays.copyOf(wavLike(0), 11))).isNull();
    assertThat(SafeDownload.sniffAudio("RIFF0000AVI ".getBytes(StandardCharsets.US_ASCII)))
        .isNull();
  }
}
