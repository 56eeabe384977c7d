package dev.storyreel.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.storyreel.core.JobResult;
import dev.storyreel.core.LocalStorage;
import dev.storyreel.core.Manifest;
import dev.storyreel.core.Narration;
import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.PcmAudio;
import dev.storyreel.core.ProgressListener;
import dev.storyreel.core.RetryPolicy;
import dev.storyreel.core.Story;
import dev.storyreel.core.StoryReel;
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
import dev.storyreel.core.spi.Storage;
import dev.storyreel.core.spi.StoryPlanner;
import dev.storyreel.core.timeline.Timeline;
import dev.storyreel.offline.RuleBasedPlanner;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * The resume contract, on local storage and on S3 (s3proxy): a run interrupted mid-way and
 * started again makes no provider call for an asset already stored and ends with the manifest an
 * uninterrupted run makes, compared with {@link Manifest#withoutRunFacts()} (equal apart from
 * {@code createdAt}, stage timings and cache-hit flags).
 */
@Timeout(120)
class ResumeTest {
  private static final AtomicInteger BUCKETS = new AtomicInteger();
  private static final String TEXT =
      "The ferry left at nine. Nobody on the pier waved back at her. "
          + "She counted the lights on the far shore, one by one, until the fog took them all. "
          + "Then she went below, where the engine hummed like a held breath.";

  @TempDir Path dir;

  private Storage storage(String kind, String name) {
    if (kind.equals("local")) {
      return new LocalStorage(dir.resolve(name));
    }
    return S3ProxyServer.storage("resume-" + BUCKETS.incrementAndGet()).prefix(name).build();
  }

  static final class Planner implements StoryPlanner {
    final AtomicInteger calls = new AtomicInteger();
    private final RuleBasedPlanner rules = new RuleBasedPlanner(165, 2.0, 4.0);

    @Override
    public String name() {
      return "counting-rules";
    }

    @Override
    public String model() {
      return "v1";
    }

    @Override
    public Storyboard plan(Story story, VideoFormat format, String visualStyle) {
      calls.incrementAndGet();
      return rules.plan(story, format, visualStyle);
    }
  }

  static final class Images implements ImageProvider {
    final AtomicInteger calls = new AtomicInteger();
    final List<String> prompts = java.util.Collections.synchronizedList(new ArrayList<>());

    @Override
    public String name() {
      return "counting-images";
    }

    @Override
    public String model() {
      return "solid";
    }

    @Override
    public GeneratedImage generate(ImageRequest r) {
      calls.incrementAndGet();
      prompts.add(r.prompt());
      BufferedImage img = new BufferedImage(r.widthPx(), r.heightPx(), BufferedImage.TYPE_INT_RGB);
      Graphics2D g = img.createGraphics();
      g.setColor(Color.getHSBColor((r.seed() % 7) * 0.13f, 0.8f, 0.8f));
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

  /** 16 kHz tone, 250 ms a word; fails on call {@code failOn} (0: never) to simulate a crash. */
  static final class Speech implements SpeechProvider {
    final AtomicInteger calls = new AtomicInteger();
    final int failOn;

    Speech(int failOn) {
      this.failOn = failOn;
    }

    @Override
    public String name() {
      return "counting-speech";
    }

    @Override
    public String model() {
      return "tone";
    }

    @Override
    public Narration synthesize(SpeechRequest r) {
      if (calls.incrementAndGet() == failOn) {
        throw new NonRetriableException("simulated crash");
      }
      String[] words = r.text().strip().split("\\s+");
      int frames = words.length * 4000 + 1600;
      ByteBuffer b = ByteBuffer.allocate(frames * 2).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < frames; i++) {
        b.putShort((short) (i < frames - 1600 ? 6000 * Math.sin(i * 0.1) : 0));
      }
      List<WordTiming> t = new ArrayList<>();
      for (int i = 0; i < words.length; i++) {
        t.add(new WordTiming(words[i], Duration.ofMillis(250L * i), Duration.ofMillis(250L * i + 200)));
      }
      return new Narration(new PcmAudio(b.array(), 16000, 1), t);
    }
  }

  static final class Render implements Renderer {
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public String name() {
      return "counting-renderer";
    }

    @Override
    public RenderResult render(Timeline request, Path output, ProgressListener listener) {
      calls.incrementAndGet();
      try {
        Files.write(output, ("frames=" + request.frameCount()).getBytes());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      BufferedImage thumb = new BufferedImage(request.format().widthPx(),
          request.format().heightPx(), BufferedImage.TYPE_INT_RGB);
      return new RenderResult(request.frameCount(), request.duration(), "h264", "fake", "aac", thumb);
    }
  }

  private record Providers(Planner planner, Images images, Speech speech, Render renderer) {
    static Providers fresh(int speechFailsOn) {
      return new Providers(new Planner(), new Images(), new Speech(speechFailsOn), new Render());
    }

    StoryReel reel(Path work) {
      return StoryReel.builder()
          .format(new VideoFormat(180, 320, 10))
          .planner(planner).images(images).speech(speech).renderer(renderer)
          .concurrency("image", 1).concurrency("speech", 1)
          .retryPolicy(RetryPolicy.builder().initialDelay(Duration.ofMillis(1)).jitter(0).build())
          .workDir(work)
          .build();
    }
  }

  private static long entries(Storage s, String kind) {
    return s.list("cache/" + kind + "/").stream().filter(k -> k.endsWith(".json")).count();
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "s3"})
  void anInterruptedRunResumesWithZeroRepeatedCallsAndTheSameManifest(String kind) throws Exception {
    Story story = new Story("Ferry", TEXT);
    Path work = dir.resolve("work");
    Providers p0 = Providers.fresh(0);
    Manifest uninterrupted = p0.reel(work).render(story, storage(kind, "reference")).manifest();
    int segments = uninterrupted.segments().size();
    assertThat(segments).isGreaterThanOrEqualTo(4);

    Storage out = storage(kind, "out");
    Providers p1 = Providers.fresh(3);
    assertThatThrownBy(() -> p1.reel(work).render(story, out)).hasMessageContaining("simulated crash");
    assertThat(out.head("manifest.json")).isEmpty();
    long images = entries(out, "image");
    long narrations = entries(out, "narration");
    assertThat(narrations).isEqualTo(2);
    assertThat(entries(out, "storyboard")).isEqualTo(1);

    Providers p2 = Providers.fresh(0);
    JobResult resumed = p2.reel(work).render(story, out);
    assertThat(p2.planner().calls.get()).as("planner calls").isZero();
    assertThat(p2.images().calls.get()).as("image calls").isEqualTo(segments - images);
    assertThat(p2.speech().calls.get()).as("speech calls").isEqualTo(segments - narrations);
    // no image prompt made in the first run is asked again
    assertThat(p2.images().prompts).doesNotContainAnyElementsOf(
        resumed.manifest().segments().stream().filter(s -> s.imageCache().hit())
            .map(Manifest.SegmentEntry::imagePrompt).toList());
    Manifest m = resumed.manifest();
    assertThat(m.withoutRunFacts()).isEqualTo(uninterrupted.withoutRunFacts());
    assertThat(m.segments().stream().filter(s -> s.imageCache().hit()).count()).isEqualTo(images);
    assertThat(m.segments().stream().filter(s -> s.audioCache().hit()).count()).isEqualTo(narrations);
    try (InputStream in = out.open("manifest.json")) {
      assertThat(Manifest.read(in)).isEqualTo(m);
    }
    assertThat(out.read("video.mp4")).isEqualTo(("frames=" + m.video().frameCount()).getBytes());
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "s3"})
  void changingOneSegmentsTextRegeneratesOnlyThatSegment(String kind) {
    Path work = dir.resolve("work");
    Storage out = storage(kind, "out");
    Providers p0 = Providers.fresh(0);
    Manifest before = p0.reel(work).render(new Story("Ferry", TEXT), out).manifest();
    String changed = TEXT.replace("waved back at her", "waved back at him");
    Providers p1 = Providers.fresh(0);
    Function<Providers, StoryReel> forced = p -> p.reel(work).toBuilder().overwrite(true).build();
    Manifest after = forced.apply(p1).render(new Story("Ferry", changed), out).manifest();
    assertThat(after.segments()).hasSameSizeAs(before.segments());
    assertThat(p1.images().calls.get()).isEqualTo(1);
    assertThat(p1.speech().calls.get()).isEqualTo(1);
    assertThat(after.segments().stream().filter(s -> !s.audioCache().hit()).map(s -> s.narration()))
        .singleElement().asString().contains("him");
  }

  @Test
  void onS3ThePublishedFilesAreServerSideCopiesOfTheCacheBlobs() {
    List<String> uploaded = Collections.synchronizedList(new ArrayList<>());
    Map<String, String> copiedFrom = new ConcurrentHashMap<>();
    ExecutionInterceptor spy = new ExecutionInterceptor() {
      @Override
      public void beforeExecution(Context.BeforeExecution c, ExecutionAttributes a) {
        if (c.request() instanceof PutObjectRequest put) {
          uploaded.add(put.key());
        } else if (c.request() instanceof CopyObjectRequest copy) {
          // The SDK folds sourceBucket/sourceKey into the URL-encoded "bucket/key" copySource
          // before interceptors see the request.
          String source = copy.sourceKey() != null ? copy.sourceKey()
              : URLDecoder.decode(copy.copySource(), StandardCharsets.UTF_8)
              .replaceFirst("^/?" + copy.destinationBucket() + "/", "");
          copiedFrom.put(copy.destinationKey(), source);
        }
      }
    };
    S3Storage out = S3ProxyServer.storage("resume-" + BUCKETS.incrementAndGet()).prefix("out")
        .interceptor(spy).build();

    Manifest m = Providers.fresh(0).reel(dir.resolve("work")).render(new Story("Ferry", TEXT), out)
        .manifest();

    List<String> published = new ArrayList<>(List.of("out/video.mp4", "out/thumbnail.jpg"));
    for (Manifest.SegmentEntry s : m.segments()) {
      published.add("out/" + s.image().key());
      published.add("out/" + s.audio().key());
    }
    assertThat(published).hasSizeGreaterThan(2 + 2 * 3);
    assertThat(copiedFrom).containsKeys(published.toArray(String[]::new));
    assertThat(copiedFrom.values()).allSatisfy(k -> assertThat(k).startsWith("out/cache/"));
    assertThat(uploaded).as("no published file is uploaded a second time")
        .doesNotContainAnyElementsOf(published);
    assertThat(out.read("video.mp4")).isEqualTo(("frames=" + m.video().frameCount()).getBytes());
    String videoBlob = copiedFrom.get("out/video.mp4").substring("out/".length());
    assertThat(out.head("video.mp4").orElseThrow().sha256())
        .isEqualTo(out.head(videoBlob).orElseThrow().sha256());
    out.close();
  }
}
