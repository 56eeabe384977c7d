package dev.storyreel.spring;

import dev.storyreel.core.Narration;
import dev.storyreel.core.PcmAudio;
import dev.storyreel.core.ProgressEvent;
import dev.storyreel.core.ProgressListener;
import dev.storyreel.core.Segment;
import dev.storyreel.core.Story;
import dev.storyreel.core.Storyboard;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.WordTiming;
import dev.storyreel.core.spi.GeneratedImage;
import dev.storyreel.core.spi.ImageProvider;
import dev.storyreel.core.spi.ImageRequest;
import dev.storyreel.core.spi.RenderResult;
import dev.storyreel.core.spi.Renderer;
import dev.storyreel.core.spi.SpeechProvider;
import dev.storyreel.core.spi.SpeechRequest;
import dev.storyreel.core.spi.StoryPlanner;
import dev.storyreel.core.timeline.Timeline;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import javax.imageio.ImageIO;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/** Fast test doubles, declared as beans, so that a render takes milliseconds. */
final class TestProviders {
  private TestProviders() {}

  /** One segment per line. */
  static final class Lines implements StoryPlanner {
    @Override
    public String name() {
      return "test-lines";
    }

    @Override
    public String model() {
      return "v1";
    }

    @Override
    public Storyboard plan(Story story, VideoFormat format, String visualStyle) {
      List<Segment> segments = new ArrayList<>();
      for (String line : story.text().strip().split("\\R+")) {
        segments.add(new Segment(segments.size(), line.strip(), line.strip()));
      }
      return new Storyboard(segments, visualStyle);
    }
  }

  /** A black PNG of the requested size; remembers every request. */
  static final class Images implements ImageProvider {
    final List<ImageRequest> requests = new CopyOnWriteArrayList<>();

    @Override
    public String name() {
      return "test-images";
    }

    @Override
    public String model() {
      return "black";
    }

    @Override
    public GeneratedImage generate(ImageRequest r) {
      requests.add(r);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try {
        ImageIO.write(new BufferedImage(r.widthPx(), r.heightPx(), BufferedImage.TYPE_INT_RGB),
            "png", out);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new GeneratedImage(out.toByteArray(), "image/png", r.widthPx(), r.heightPx());
    }
  }

  /** 16 kHz mono tone, 250 ms a word, with even word timings. */
  static final class Speech implements SpeechProvider {
    @Override
    public String name() {
      return "test-speech";
    }

    @Override
    public String model() {
      return "tone";
    }

    @Override
    public Narration synthesize(SpeechRequest r) {
      String[] words = r.text().strip().split("\\s+");
      int frames = words.length * 4000 + 1600;
      byte[] pcm = new byte[frames * 2];
      for (int i = 0; i < frames - 1600; i++) {
        short v = (short) (8000 * Math.sin(i * 0.1));
        pcm[2 * i] = (byte) v;
        pcm[2 * i + 1] = (byte) (v >> 8);
      }
      List<WordTiming> timings = new ArrayList<>();
      for (int i = 0; i < words.length; i++) {
        timings.add(new WordTiming(words[i], Duration.ofMillis(250L * i),
            Duration.ofMillis(250L * i + 200)));
      }
      return new Narration(new PcmAudio(pcm, 16000, 1), timings);
    }
  }

  /** Writes a placeholder file instead of encoding; remembers the timeline. */
  static final class Render implements Renderer {
    final AtomicReference<Timeline> last = new AtomicReference<>();

    @Override
    public String name() {
      return "test-renderer";
    }

    @Override
    public RenderResult render(Timeline timeline, Path output, ProgressListener listener) {
      last.set(timeline);
      try {
        Files.write(output, new byte[] {0, 0, 0, 24, 'f', 't', 'y', 'p'});
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      listener.onEvent(new ProgressEvent.FramesRendered(timeline.frameCount(),
          timeline.frameCount()));
      VideoFormat f = timeline.format();
      return new RenderResult(timeline.frameCount(),
          Duration.ofNanos(timeline.frameCount() * 1_000_000_000L / f.fps()), "h264", "test",
          "aac", new BufferedImage(f.widthPx(), f.heightPx(), BufferedImage.TYPE_INT_RGB));
    }
  }

  /** Remembers every event it is given. */
  static final class Recording implements ProgressListener {
    final List<ProgressEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(ProgressEvent event) {
      events.add(event);
    }
  }

  /** The fakes above as beans, and two listeners: the first throws on the storyboard event. */
  @Configuration(proxyBeanMethods = false)
  static class FakeBeans {
    @Bean
    Lines planner() {
      return new Lines();
    }

    @Bean
    Images images() {
      return new Images();
    }

    @Bean
    Speech speech() {
      return new Speech();
    }

    @Bean
    Render renderer() {
      return new Render();
    }

    @Bean
    @Order(1)
    ProgressListener throwing() {
      return event -> {
        if (event instanceof ProgressEvent.StoryboardPlanned) {
          throw new IllegalStateException("listener failure on purpose");
        }
      };
    }

    @Bean
    @Order(2)
    Recording recording() {
      return new Recording();
    }
  }
}
