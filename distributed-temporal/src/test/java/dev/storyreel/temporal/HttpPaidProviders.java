package dev.storyreel.temporal;

import dev.storyreel.core.CaptionStyle;
import dev.storyreel.core.Narration;
import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.ProgressEvent;
import dev.storyreel.core.ProgressListener;
import dev.storyreel.core.Providers;
import dev.storyreel.core.RetriableException;
import dev.storyreel.core.StoryReel;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.spi.GeneratedImage;
import dev.storyreel.core.spi.ImageProvider;
import dev.storyreel.core.spi.ImageRequest;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.RenderResult;
import dev.storyreel.core.spi.Renderer;
import dev.storyreel.core.spi.SpeechProvider;
import dev.storyreel.core.spi.SpeechRequest;
import dev.storyreel.core.timeline.Timeline;
import dev.storyreel.offline.RuleBasedPlanner;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The StoryReel of the cross-process tests: the offline pictures and voice, each asset first
 * "paid for" with a call to a {@link LoopbackVendor} (its body is the prompt or the narration),
 * and a renderer slowed down per frame so that a render lasts long enough to be killed.
 */
final class HttpPaidProviders {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private HttpPaidProviders() {}

  /**
   * @param work the work folder
   * @param vendor the fake vendor's base URI
   * @param msPerFrame how long the render waits after each frame
   * @param format the video's size and rate
   * @return the builder every JVM of the test uses
   */
  static StoryReel.Builder reel(Path work, URI vendor, long msPerFrame, VideoFormat format) {
    ImageProvider procedural = Providers.create(ImageProvider.class, "procedural",
        ProviderSettings.EMPTY);
    SpeechProvider voice = Providers.create(SpeechProvider.class, "freetts",
        ProviderSettings.EMPTY);
    Renderer ffmpeg = Providers.create(Renderer.class, "ffmpeg", ProviderSettings.EMPTY);
    return StoryReel.builder().format(format)
        .planner(new RuleBasedPlanner(165, 1, 2)).music("none").workDir(work).seed(11)
        .images(new Images(procedural, vendor.resolve("/images")))
        .speech(new Speech(voice, vendor.resolve("/speech")))
        .renderer(msPerFrame > 0 ? new Slow(ffmpeg, msPerFrame) : ffmpeg);
  }

  static void pay(URI uri, String body) {
    try {
      HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(uri)
          .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(30))
          .build(), HttpResponse.BodyHandlers.discarding());
      if (r.statusCode() != 200) {
        throw new NonRetriableException("the fake vendor answered " + r.statusCode());
      }
    } catch (IOException e) {
      throw new RetriableException("the fake vendor cannot be reached: " + e.getMessage(), e,
          null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetriableException("interrupted while calling the fake vendor", e, null);
    }
  }

  /** Pictures paid for at the vendor. */
  record Images(ImageProvider inner, URI uri) implements ImageProvider {
    @Override
    public GeneratedImage generate(ImageRequest request) {
      pay(uri, request.prompt());
      return inner.generate(request);
    }

    @Override
    public String name() {
      return "loopback-images";
    }

    @Override
    public String model() {
      return "v1";
    }
  }

  /**
   * Another provider's narrations, each call first passed to {@code before} (a payment at the
   * vendor, a delay), under the name given.
   */
  record Speech(SpeechProvider inner, String name, Consumer<SpeechRequest> before)
      implements SpeechProvider {
    /** Narrations paid for at the vendor. */
    Speech(SpeechProvider inner, URI uri) {
      this(inner, "loopback-speech", r -> pay(uri, r.text()));
    }

    /** Narrations that take {@code delayMillis} longer (read at each call). */
    static Speech delayed(SpeechProvider inner, AtomicLong delayMillis) {
      return new Speech(inner, inner.name(), r -> {
        try {
          Thread.sleep(delayMillis.get());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new RetriableException("interrupted while the narration was being made", e,
              null);
        }
      });
    }

    @Override
    public Narration synthesize(SpeechRequest request) {
      before.accept(request);
      return inner.synthesize(request);
    }

    @Override
    public List<String> voices() {
      return inner.voices();
    }

    @Override
    public Locale language() {
      return inner.language();
    }

    @Override
    public boolean canSpeak(String word) {
      return inner.canSpeak(word);
    }

    @Override
    public String model() {
      return inner.model();
    }
  }

  /** The FFmpeg renderer, waiting after each frame: the same video, made slowly. */
  record Slow(Renderer inner, long msPerFrame) implements Renderer {
    @Override
    public String name() {
      return inner.name();
    }

    @Override
    public String fingerprint() {
      return inner.fingerprint();
    }

    @Override
    public Map<String, String> options() {
      return inner.options();
    }

    @Override
    public void preflight(VideoFormat format) {
      inner.preflight(format);
    }

    @Override
    public CaptionStyle captionStyle() {
      return inner.captionStyle();
    }

    @Override
    public RenderResult render(Timeline timeline, Path output, ProgressListener listener) {
      return inner.render(timeline, output, e -> {
        listener.onEvent(e);
        if (e instanceof ProgressEvent.FramesRendered) {
          try {
            Thread.sleep(msPerFrame);
          } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
          }
        }
      });
    }
  }
}
