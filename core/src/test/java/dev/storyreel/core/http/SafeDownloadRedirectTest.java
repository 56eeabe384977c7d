package dev.storyreel.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.storyreel.core.NonRetriableException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Redirects are followed by SafeDownload itself, each Location checked before it is requested. */
class SafeDownloadRedirectTest {
  private HttpServer server;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<String> authHeaders = new CopyOnWriteArrayList<>();
  private volatile String location;
  private byte[] png;

  @BeforeEach
  void start() throws IOException {
    BufferedImage img = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    png = out.toByteArray();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", ex -> {
      requests.add(ex.getRequestURI().getPath());
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      if (auth != null) {
        authHeaders.add(auth);
      }
      String path = ex.getRequestURI().getPath();
      if (path.startsWith("/start") || path.startsWith("/loop")) {
        ex.getResponseHeaders().add("Location", path.startsWith("/loop") ? "/loop" : location);
        ex.sendResponseHeaders(302, -1);
      } else if (path.equals("/ok.png")) {
        ex.getResponseHeaders().add("Content-Type", "image/png");
        ex.sendResponseHeaders(200, png.length);
        try (OutputStream os = ex.getResponseBody()) {
          os.write(png);
        }
      } else {
        ex.sendResponseHeaders(404, -1);
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

  private final SafeDownload download = new SafeDownload(1 << 20, Duration.ofSeconds(5));

  @Test
  void aRedirectToAnotherLoopbackPathIsFollowed() {
    location = "/ok.png";
    SafeDownload.Download d = download.image("fake", url("/start"), "segment 1");
    assertThat(d.mediaType()).isEqualTo("image/png");
    assertThat(d.bytes()).isEqualTo(png);
    assertThat(requests).containsExactly("/start", "/ok.png");
    assertThat(authHeaders).isEmpty();
  }

  @Test
  void aRedirectToTheUnspecifiedAddressIsRefusedWithoutConnecting() {
    // On Linux 0.0.0.0 reaches this very server, so a second request would show it was followed.
    location = "http://0.0.0.0:" + server.getAddress().getPort() + "/ok.png";
    assertThatThrownBy(() -> download.image("fake", url("/start"), "segment 2"))
        .isInstanceOf(NonRetriableException.class)
        .hasMessageContaining("fake GET http://0.0.0.0:")
        .hasMessageContaining("(segment 2)")
        .hasMessageContaining("0.0.0.0 (unspecified address)");
    assertThat(requests).containsExactly("/start");
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://10.255.255.1/x", "https://10.255.255.1/x",
      "http://169.254.169.254/x", "https://169.254.169.254/latest/meta-data/",
      "https://192.168.1.1/x", "https://172.16.0.1/x", "https://[fd00::1]/x",
      "https://[fe80::1]/x", "https://224.0.0.1/x", "https://[::ffff:10.0.0.1]/x",
      "https://100.64.0.1/x", "https://[::]/x"})
  void redirectsToNonPublicAddressesAreRefusedWithoutConnecting(String target) {
    location = target;
    assertThatThrownBy(() -> download.image("fake", url("/start"), null))
        .isInstanceOf(NonRetriableException.class)
        .hasMessageContaining("refused to connect")
        .hasMessageContaining("address). Downloads only go to public addresses");
    assertThat(requests).containsExactly("/start");
  }

  @Test
  void linkLocalIsNamedAsSuch() {
    location = "http://169.254.169.254/x";
    assertThatThrownBy(() -> download.image("fake", url("/start"), null))
        .hasMessageContaining("169.254.169.254 (link-local address)");
    location = "http://10.255.255.1/x";
    assertThatThrownBy(() -> download.image("fake", url("/start"), null))
        .hasMessageContaining("10.255.255.1 (private address)");
  }

  @Test
  void aDowngradeToPlainHttpOnAPublicHostIsRefused() {
    location = "http://example.com/x.png";
    assertThatThrownBy(() -> download.image("fake", url("/start"), null))
        .isInstanceOf(NonRetriableException.class)
        .hasMessageContaining("only https (or http to loopback)");
    assertThat(requests).containsExactly("/start");
  }

  @Test
  void redirectLoopsStopAfterTheLimit() {
    assertThatThrownBy(() -> download.image("fake", url("/loop"), null))
        .isInstanceOf(NonRetriableException.class)
        .hasMessageContaining("more than 5 redirects");
    assertThat(requests).hasSize(6);
    SafeDownload none = SafeDownload.builder().maxRedirects(0).build();
    requests.clear();
    location = "/ok.png";
    assertThatThrownBy(() -> none.image("fake", url("/start"), null))
        .hasMessageContaining("more than 0 redirects");
    assertThat(requests).containsExactly("/start");
  }

  @Test
  void allowPrivateAddressesKeepsTheSchemeRule() {
    assertThat(SafeDownload.nonPublicKind(InetAddress.getLoopbackAddress())).isNull();
    SafeDownload lax = SafeDownload.builder().allowPrivateAddresses().build();
    assertThat(lax.limits()).containsEntry("allowPrivateAddresses", true);
    // 0.0.0.0 reaches this server on Linux; with the rule lifted the scheme rule still holds,
    // and plain http to a non-loopback literal stays refused.
    location = "http://0.0.0.0:" + server.getAddress().getPort() + "/ok.png";
    assertThatThrownBy(() -> lax.image("fake", url("/start"), null))
        .hasMessageContaining("only https (or http to loopback)");
    assertThat(requests).containsExactly("/start");
  }

  @Test
  void theFirstUrlIsCheckedToo() {
    assertThatThrownBy(() -> download.image("fake", URI.create("https://169.254.169.254/x"),
        null)).hasMessageContaining("link-local");
    assertThatThrownBy(() -> download.image("fake", URI.create("http://example.com/x"), null))
        .hasMessageContaining("only https");
    assertThat(requests).isEmpty();
  }

  @Test
  void addressKinds() throws Exception {
    assertThat(SafeDownload.nonPublicKind(InetAddress.getByName("8.8.8.8"))).isNull();
    assertThat(SafeDownload.nonPublicKind(InetAddress.getByName("2606:4700::1111"))).isNull();
    assertThat(SafeDownload.nonPublicKind(InetAddress.getByName("0.1.2.3")))
        .isEqualTo("unspecified");
    assertThat(SafeDownload.nonPublicKind(InetAddress.getByName("::ffff:127.0.0.1")))
        .isNull(); // Java maps it to 127.0.0.1, which is loopback, handled separately
    assertThat(SafeDownload.nonPublicKind(InetAddress.getByName("::10.0.0.1")))
        .isEqualTo("private");
    assertThat(SafeDownload.nonPublicKind(InetAddress.getByName("ff02::1")))
        .isEqualTo("multicast");
  }
}
