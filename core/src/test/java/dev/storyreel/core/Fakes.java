package dev.storyreel.core;

import dev.storyreel.core.spi.GeneratedImage;
import dev.storyreel.core.spi.ImageProvider;
import dev.storyreel.core.spi.ImageRequest;
import dev.storyreel.core.timeline.Timeline;
import dev.storyreel.core.spi.RenderResult;
import dev.storyreel.core.spi.Renderer;
import dev.storyreel.core.spi.SpeechProvider;
import dev.storyreel.core.spi.SpeechRequest;
import dev.storyreel.core.spi.StoryPlanner;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.imageio.ImageIO;

/** Counting test doubles for the pipeline's providers. */
final class Fakes {
  private Fakes() {}

  /**
   * One segment per sentence (a sentence ends at {@code . ! ?} or {@code 。} followed by
   * whitespace, or at a line break); the prompt is the sentence and the style. Core's tests use
   * it where the offline rule-based planner (module providers-offline) would give several
   * segments.
   */
  static class Sentences implements StoryPlanner {
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public String name() {
      return "fake-sentences";
    }

    @Override
    public String model() {
      return "v1";
    }

    @Override
    public Storyboard plan(Story story, VideoFormat format, String visualStyle) {
      calls.incrementAndGet();
      String style = visualStyle == null ? "" : visualStyle.strip();
      List<Segment> segments = new ArrayList<>();
      for (String sentence : story.text().strip().split("(?<=[.!?\u3002])\\s+|\\R+")) {
        if (!sentence.isBlank()) {
          segments.add(new Segment(segments.size(), sentence.strip(),
              sentence.strip() + " | Style: " + style));
        }
      }
      return new Storyboard(segments, style);
    }
  }

  static class Images implements ImageProvider {
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public String name() {
      return "fake-images";
    }

    @Override
    public String model() {
      return "solid";
    }

    @Override
    public GeneratedImage generate(ImageRequest r) {
      calls.incrementAndGet();
      BufferedImage img = new BufferedImage(r.widthPx(), r.heightPx(), BufferedImage.TYPE_INT_RGB);
      Graphics2D g = img.createGraphics();
      g.setColor(Color.getHSBColor(r.segmentIndex() * 0.27f, 0.8f, 0.8f));
      g.fillRect(0, 0, r.widthPx(), r.heightPx());
      g.dispose();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try {
        ImageIO.write(img, "png", out);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new GeneratedImage(out.toByteArray(), "image/png", r.widthPx(), r.heightPx());
    }
  }

  /** 16 kHz mono tone, 250 ms a word plus 100 ms of silence after the last; even word timings. */
  static class Speech implements SpeechProvider {
    final AtomicInteger calls = new AtomicInteger();
    final boolean withTimings;

    Speech(boolean withTimings) {
      this.withTimings = withTimings;
    }

    @Override
    public String name() {
      return "fake-speech";
    }

    @Override
    public String model() {
      return "tone";
    }

    @Override
    public Narration synthesize(SpeechRequest r) {
      calls.incrementAndGet();
      String[] words = r.text().strip().split("\\s+");
      int perWord = 4000; // 250 ms at 16 kHz
      int frames = words.length * perWord + 1600;
      ByteBuffer b = ByteBuffer.allocate(frames * 2).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < frames; i++) {
        b.putShort((short) (i < frames - 1600 ? 8000 * Math.sin(i * 0.1) : 0));
      }
      List<WordTiming> t = new ArrayList<>();
      if (withTimings) {
        for (int i = 0; i < words.length; i++) {
          t.add(new WordTiming(words[i], Duration.ofMillis(250L * i),
              Duration.ofMillis(250L * i + 200)));
        }
      }
      return new Narration(new PcmAudio(b.array(), 16000, 1), t);
    }
  }

  /** Writes a placeholder file and remembers the request. */
  static class Render implements Renderer {
    final AtomicReference<Timeline> last = new AtomicReference<>();

    @Override
    public String name() {
      return "fake-renderer";
    }

    @Override
    public RenderResult render(Timeline request, Path output, ProgressListener listener) {
      last.set(request);
      try {
        Files.write(output, new byte[] {0, 0, 0, 24, 'f', 't', 'y', 'p'});
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      listener.onEvent(new ProgressEvent.FramesRendered(request.frameCount(), request.frameCount()));
      BufferedImage thumb = new BufferedImage(request.format().widthPx(),
          request.format().heightPx(), BufferedImage.TYPE_INT_RGB);
      return new RenderResult(request.frameCount(),
          Duration.ofNanos(request.frameCount() * 1_000_000_000L / request.format().fps()),
          "h264", "fake", "aac", thumb);
    }
  }
}
