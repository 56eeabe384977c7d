package dev.storyreel.render.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storyreel.core.Narration;
import dev.storyreel.core.PcmAudio;
import dev.storyreel.core.ProgressEvent;
import dev.storyreel.core.ProgressEvent.SegmentPhase;
import dev.storyreel.core.ProgressListener;
import dev.storyreel.core.RetryPolicy;
import dev.storyreel.core.Segment;
import dev.storyreel.core.Story;
import dev.storyreel.core.StoryReel;
import dev.storyreel.core.Storyboard;
import dev.storyreel.core.TaskKind;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.WordTiming;
import dev.storyreel.core.spi.GeneratedImage;
import dev.storyreel.core.spi.ImageProvider;
import dev.storyreel.core.spi.ImageRequest;
import dev.storyreel.core.spi.SpeechProvider;
import dev.storyreel.core.spi.SpeechRequest;
import dev.storyreel.core.spi.StoryPlanner;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntFunction;
import javax.imageio.ImageIO;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A video rendered while its later pictures are still being made (the render waits at the
 * segments whose pictures are late) is the very video of a render that had every picture from
 * the start: same frame count, same timestamps, same pixels in every decoded frame.
 */
@Timeout(180)
class StreamingRenderIdentityTest {
  @TempDir Path dir;

  private static final VideoFormat FORMAT = new VideoFormat(64, 112, 10);
  private static final String TEXT = "The ferry left at nine. Nobody on the pier waved back."
      + " She counted the lights on the far shore. Then she went below to sleep.";

  /** One segment per sentence. */
  private static final class Sentences implements StoryPlanner {
    @Override
    public String name() {
      return "test-sentences";
    }

    @Override
    public String model() {
      return "v1";
    }

    @Override
    public Storyboard plan(Story story, VideoFormat format, String visualStyle) {
      List<Segment> out = new ArrayList<>();
      for (String s : story.text().split("(?<=[.!?])\\s+")) {
        out.add(new Segment(out.size(), s.strip(), s.strip()));
      }
      return new Storyboard(out, "");
    }
  }

  /** A gradient per segment (so Ken Burns motion shows), after a chosen latency. */
  private static final class Pictures implements ImageProvider {
    final IntFunction<Duration> latency;

    Pictures(IntFunction<Duration> latency) {
      this.latency = latency;
    }

    @Override
    public String name() {
      return "test-gradients";
    }

    @Override
    public String model() {
      return "v1";
    }

    @Override
    public GeneratedImage generate(ImageRequest r) {
      try {
        Thread.sleep(latency.apply(r.segmentIndex()).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.util.concurrent.CancellationException("interrupted");
      }
      BufferedImage img =
          new BufferedImage(r.widthPx(), r.heightPx(), BufferedImage.TYPE_INT_RGB);
      Graphics2D g = img.createGraphics();
      Color a = Color.getHSBColor(r.segmentIndex() * 0.27f, 0.8f, 0.9f);
      g.setPaint(new GradientPaint(0, 0, a, r.widthPx(), r.heightPx(), a.darker().darker()));
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

  /** 16 kHz mono tone, 250 ms a word, with even word timings, after a chosen latency. */
  private static final class Tone implements SpeechProvider {
    final Duration latency;

    Tone(Duration latency) {
      this.latency = latency;
    }

    @Override
    public String name() {
      return "test-tone";
    }

    @Override
    public String model() {
      return "v1";
    }

    @Override
    public Narration synthesize(SpeechRequest r) {
      try {
        Thread.sleep(latency.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.util.concurrent.CancellationException("interrupted");
      }
      String[] words = r.text().strip().split("\\s+");
      int frames = words.length * 4000 + 1600;
      ByteBuffer b = ByteBuffer.allocate(frames * 2).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < frames; i++) {
        b.putShort((short) (i < frames - 1600 ? 6000 * Math.sin(i * 0.08) : 0));
      }
      List<WordTiming> t = new ArrayList<>();
      for (int i = 0; i < words.length; i++) {
        t.add(new WordTiming(words[i], Duration.ofMillis(250L * i),
            Duration.ofMillis(250L * i + 200)));
      }
      return new Narration(new PcmAudio(b.array(), 16000, 1), t);
    }
  }

  private record Decoded(List<Long> timestampsMicros, List<String> frameSha256) {}

  private static Decoded decode(Path file) throws Exception {
    List<Long> ts = new ArrayList<>();
    List<String> sha = new ArrayList<>();
    try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile())) {
      g.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
      g.start();
      Frame f;
      while ((f = g.grabImage()) != null) {
        ByteBuffer b = ((ByteBuffer) f.image[0]).duplicate();
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (int y = 0; y < f.imageHeight; y++) {
          // Only the pixels of each row, not the stride's padding.
          ByteBuffer row = b.duplicate();
          row.position(y * f.imageStride).limit(y * f.imageStride + 3 * f.imageWidth);
          md.update(row);
        }
        ts.add(f.timestamp);
        sha.add(HexFormat.of().formatHex(md.digest()));
      }
      g.stop();
    }
    return new Decoded(ts, sha);
  }

  private static final class Events implements ProgressListener {
    final List<ProgressEvent> all = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(ProgressEvent e) {
      all.add(e);
    }

    boolean waited() {
      return all.stream().anyMatch(e -> e instanceof ProgressEvent.SegmentStatus s
          && s.phase() == SegmentPhase.WAITING);
    }

    int indexOfRenderStart() {
      for (int i = 0; i < all.size(); i++) {
        if (all.get(i) instanceof ProgressEvent.TaskStarted s && s.kind() == TaskKind.RENDER) {
          return i;
        }
      }
      return -1;
    }

    long readyBefore(int index) {
      return all.subList(0, index).stream().filter(e -> e instanceof ProgressEvent.SegmentStatus s
          && s.phase() == SegmentPhase.READY).count();
    }
  }

  private Path render(String name, Pictures pictures, Tone speech, Events events) {
    Path out = dir.resolve(name);
    StoryReel.builder()
        .format(FORMAT)
        .planner(new Sentences())
        .images(pictures)
        .speech(speech)
        .renderer(FfmpegRenderer.builder().workers(2).build())
        .concurrency("image", 4)
        .concurrency("speech", 1)
        .listener(events)
        .retryPolicy(RetryPolicy.none())
        .workDir(dir.resolve(name + "-work"))
        .build()
        .render(new Story("Ferry", TEXT), out);
    return out.resolve("video.mp4");
  }

  @Test
  void aStreamedRenderIsFrameForFrameTheRenderThatWaitedForEveryPicture() throws Exception {
    // Streamed: narrations are quick and pictures 1..3 late, so the render starts with segment 0
    // and waits at the later ones.
    Events streamedEvents = new Events();
    Path streamed = render("streamed", new Pictures(i -> Duration.ofMillis(i == 0 ? 0 : 1500L * i)),
        new Tone(Duration.ZERO), streamedEvents);
    // Waited: every picture is there long before the narrations are done.
    Events waitedEvents = new Events();
    Path waited = render("waited", new Pictures(i -> Duration.ZERO),
        new Tone(Duration.ofMillis(400)), waitedEvents);

    assertThat(streamedEvents.waited()).as("the streamed render waited for a picture").isTrue();
    int renderStart = streamedEvents.indexOfRenderStart();
    assertThat(streamedEvents.readyBefore(renderStart)).as("pictures ready at its start")
        .isLessThan(4);
    assertThat(waitedEvents.waited()).isFalse();
    assertThat(waitedEvents.readyBefore(waitedEvents.indexOfRenderStart())).isEqualTo(4);

    Decoded a = decode(streamed);
    Decoded b = decode(waited);
    assertThat(a.frameSha256()).hasSizeGreaterThan(30);
    assertThat(a.timestampsMicros()).isEqualTo(b.timestampsMicros());
    assertThat(a.frameSha256()).isEqualTo(b.frameSha256());
    // Segments differ, so the comparison above is not of a still picture.
    assertThat(a.frameSha256().stream().distinct().count()).isGreaterThan(10);
  }
}
