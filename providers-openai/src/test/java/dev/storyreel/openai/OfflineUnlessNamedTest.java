package dev.storyreel.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.storyreel.core.JobResult;
import dev.storyreel.core.Manifest;
import dev.storyreel.core.ProgressListener;
import dev.storyreel.core.Providers;
import dev.storyreel.core.RetryPolicy;
import dev.storyreel.core.Story;
import dev.storyreel.core.StoryReel;
import dev.storyreel.core.StoryReelException;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.spi.ImageProvider;
import dev.storyreel.core.spi.ProviderFactory;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.RenderResult;
import dev.storyreel.core.spi.Renderer;
import dev.storyreel.core.spi.SpeechProvider;
import dev.storyreel.core.spi.StoryPlanner;
import dev.storyreel.core.timeline.Timeline;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code OPENAI_API_KEY} set (this module's {@code with-openai-key} surefire execution sets a
 * fake one) the OpenAI factories are available and outrank the offline ones, yet a reel built
 * with the defaults stays offline and connects nowhere: a paid provider is used only when named.
 *
 * <p>The base URL points at a loopback socket that counts the connections made to it. The
 * offline providers are whatever free ones are on the classpath (they are moving to their own
 * module), so the test asserts "not paid", not their names.
 */
class OfflineUnlessNamedTest {
  @TempDir Path dir;

  private ServerSocket trap;
  private final AtomicInteger connections = new AtomicInteger();
  private ProviderSettings settings;

  @BeforeEach
  void openTrap() throws IOException {
    assumeTrue(System.getenv(OpenAiConfig.KEY_ENV) != null,
        "needs OPENAI_API_KEY set (to a fake value): run by the with-openai-key execution");
    trap = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(() -> {
      while (!trap.isClosed()) {
        try {
          Socket s = trap.accept();
          connections.incrementAndGet();
          s.close();
        } catch (IOException e) {
          return; // closed
        }
      }
    }, "connection-trap");
    t.setDaemon(true);
    t.start();
    settings = ProviderSettings.EMPTY
        .with("openai.baseUrl", "http://127.0.0.1:" + trap.getLocalPort() + "/v1")
        .with("openai.timeoutSeconds", "5");
  }

  @AfterEach
  void closeTrap() throws IOException {
    if (trap != null) {
      trap.close();
    }
  }

  @Test
  void withAKeyInTheEnvironmentTheDefaultsStayOfflineAndConnectNowhere() {
    // The premise: OpenAI is available and first by priority for the kinds a reel discovers.
    for (Class<?> kind : List.of(StoryPlanner.class, ImageProvider.class, SpeechProvider.class)) {
      ProviderFactory<?> first = Providers.factories(kind).get(0);
      assertThat(first.name()).as(kind.getSimpleName()).isEqualTo("openai");
      assertThat(first.isAvailable()).as(kind.getSimpleName()).isTrue();
      assertThat(first.isPaid()).as(kind.getSimpleName()).isTrue();
    }

    JobResult r = StoryReel.builder().providerSettings(settings)
        .format(new VideoFormat(180, 320, 10)).renderer(new PlaceholderRenderer())
        .workDir(dir.resolve("work")).build()
        .render(new Story("Pier", "The ferry left at nine. Nobody on the pier waved back."),
            dir.resolve("out"));

    Manifest m = r.manifest();
    assertNotPaid(StoryPlanner.class, m.planner().provider());
    assertThat(m.segments()).isNotEmpty();
    for (Manifest.SegmentEntry s : m.segments()) {
      assertNotPaid(ImageProvider.class, s.imageProvider().provider());
      assertNotPaid(SpeechProvider.class, s.speechProvider().provider());
      if (s.alignerProvider() != null) { // null when the speech provider timed its own words
        assertThat(s.alignerProvider().provider()).isNotEqualTo("openai");
      }
    }
    assertThat(connections).hasValue(0);
  }

  @Test
  void namedTheSameReelCallsOpenAi() {
    // The counter-check: the trap does see a named provider's connection.
    StoryReel reel = StoryReel.builder().providerSettings(settings).planner("openai")
        .format(new VideoFormat(180, 320, 10)).renderer(new PlaceholderRenderer())
        .retryPolicy(RetryPolicy.builder().maxAttempts(1).build())
        .workDir(dir.resolve("work")).build();

    Throwable t = catchThrowable(() -> reel.render(new Story("Pier", "The ferry left at nine."),
        dir.resolve("out")));

    assertThat(t).isInstanceOfSatisfying(StoryReelException.class,
        e -> assertThat(e.provider()).contains("openai"));
    assertThat(connections.get()).isPositive();
  }

  private static void assertNotPaid(Class<?> kind, String name) {
    List<? extends ProviderFactory<?>> named = Providers.factories(kind).stream()
        .filter(f -> f.name().equals(name)).toList();
    assertThat(named).as(kind.getSimpleName() + " " + name).isNotEmpty()
        .allSatisfy(f -> assertThat(f.isPaid()).as(name + " is paid").isFalse());
  }

  /** Writes a placeholder file; the providers, not the encoder, are under test. */
  static final class PlaceholderRenderer implements Renderer {
    @Override
    public String name() {
      return "placeholder";
    }

    @Override
    public RenderResult render(Timeline timeline, Path output, ProgressListener listener) {
      try {
        Files.write(output, new byte[] {0, 0, 0, 24, 'f', 't', 'y', 'p'});
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      BufferedImage thumb = new BufferedImage(timeline.format().widthPx(),
          timeline.format().heightPx(), BufferedImage.TYPE_INT_RGB);
      return new RenderResult(timeline.frameCount(), timeline.duration(), "h264", "placeholder",
          "aac", thumb);
    }
  }
}
