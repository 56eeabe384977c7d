package dev.storyreel.benchmarks;

import dev.storyreel.core.CaptionCue;
import dev.storyreel.core.Captions;
import dev.storyreel.core.PcmAudio;
import dev.storyreel.core.ProgressListener;
import dev.storyreel.core.Story;
import dev.storyreel.core.StoryReel;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.WordTiming;
import dev.storyreel.core.spi.RenderRequest;
import dev.storyreel.core.spi.RenderResult;
import dev.storyreel.core.spi.RenderSegment;
import dev.storyreel.core.spi.Renderer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.imageio.ImageIO;

/**
 * The benchmark's inputs: a story run through StoryReel's own offline pipeline (rule-based
 * planner, procedural images, FreeTTS narration with the synthesizer's word timings) up to the
 * render request, which is saved to a folder: {@code seg-NN.png}, {@code narration.wav}, {@code
 * captions.srt} and {@code request.tsv} (segment and cue timings). Deterministic for a given size,
 * fps and length.
 */
final class Inputs {

  private static final String[] SENTENCES = {
    "The lantern keeper walked down to the harbour before the sun came up.",
    "Fog rolled over the water and hid the fishing boats from the town.",
    "She counted the bells of the old church as the tide turned.",
    "A gull landed on the railing and watched her with a yellow eye.",
    "Far out at sea a single light blinked three times and went dark.",
    "She lit her own lamp and held it high above the stones.",
    "The wind carried the smell of salt and pine across the bay.",
    "Somewhere beyond the rocks an engine coughed and then fell silent.",
    "Her grandfather had told her that the light must never go out.",
    "So she waited, and the fog slowly lifted from the quiet harbour.",
  };

  private Inputs() {}

  /** Thrown by the capturing renderer once it has the request: the job need not go on. */
  private static final class Captured extends RuntimeException {
    Captured() {
      super("captured", null, false, false);
    }
  }

  /**
   * Runs the pipeline on a generated story of at least {@code seconds} of narration and saves
   * the request into {@code dir}.
   */
  static RenderRequest generate(VideoFormat format, double seconds, Path dir) throws IOException {
    Files.createDirectories(dir);
    double wordsPerSecond = 3.0;
    RenderRequest request = null;
    for (int attempt = 0; attempt < 4; attempt++) {
      int words = (int) Math.ceil(seconds * wordsPerSecond * 1.08);
      request = capture(format, story(words), dir.resolve("job-" + attempt));
      double got = request.duration().toNanos() / 1e9;
      if (got >= seconds) {
        break;
      }
      wordsPerSecond *= seconds / got;
    }
    save(request, dir);
    return request;
  }

  private static String story(int words) {
    StringBuilder sb = new StringBuilder("The Lantern Keeper\n\n");
    int n = 0;
    for (int i = 0; n < words; i++) {
      String s = SENTENCES[i % SENTENCES.length];
      sb.append(s).append(i % 3 == 2 ? "\n\n" : " ");
      n += s.split(" ").length;
    }
    return sb.toString();
  }

  private static RenderRequest capture(VideoFormat format, String text, Path work) {
    AtomicReference<RenderRequest> got = new AtomicReference<>();
    Renderer capturing = new Renderer() {
      @Override
      public String name() {
        return "capture";
      }

      @Override
      public RenderResult render(RenderRequest request, Path output, ProgressListener l) {
        got.set(request);
        throw new Captured();
      }
    };
    try {
      StoryReel.builder().format(format).renderer(capturing).overwrite(true)
          .workDir(work.resolve("work")).seed(1).build()
          .render(Story.of(text), work.resolve("out"));
    } catch (RuntimeException e) {
      if (got.get() == null) {
        throw e;
      }
    }
    return got.get();
  }

  private static void save(RenderRequest r, Path dir) throws IOException {
    StringBuilder tsv = new StringBuilder();
    VideoFormat f = r.format();
    tsv.append("format\t").append(f.widthPx()).append('\t').append(f.heightPx()).append('\t')
        .append(f.fps()).append('\n');
    for (RenderSegment s : r.segments()) {
      ImageIO.write(s.image(), "png", dir.resolve(png(s.index())).toFile());
      tsv.append("segment\t").append(s.index()).append('\t').append(s.start().toNanos())
          .append('\t').append(s.end().toNanos()).append('\n');
    }
    for (CaptionCue c : r.cues()) {
      tsv.append("cue\t").append(c.index()).append('\t').append(c.start().toNanos()).append('\t')
          .append(c.end().toNanos());
      for (WordTiming w : c.words()) {
        tsv.append('\t').append(w.word()).append('\t').append(w.start().toNanos()).append('\t')
            .append(w.end().toNanos());
      }
      tsv.append('\n');
    }
    Files.write(dir.resolve("narration.wav"), r.audio().toWav());
    Files.writeString(dir.resolve("captions.srt"), Captions.toSrt(r.cues()));
    Files.writeString(dir.resolve("request.tsv"), tsv.toString());
  }

  static String png(int segment) {
    return String.format("seg-%02d.png", segment);
  }

  /** Loads a request saved by {@link #generate}. */
  static RenderRequest load(Path dir) throws IOException {
    VideoFormat format = null;
    List<RenderSegment> segments = new ArrayList<>();
    List<CaptionCue> cues = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("request.tsv"), StandardCharsets.UTF_8)) {
      String[] p = line.split("\t");
      switch (p[0]) {
        case "format" -> format = new VideoFormat(
            Integer.parseInt(p[1]), Integer.parseInt(p[2]), Integer.parseInt(p[3]));
        case "segment" -> {
          int i = Integer.parseInt(p[1]);
          BufferedImage img = ImageIO.read(dir.resolve(png(i)).toFile());
          segments.add(new RenderSegment(i, img, nanos(p[2]), nanos(p[3])));
        }
        case "cue" -> {
          List<WordTiming> words = new ArrayList<>();
          for (int k = 4; k + 2 < p.length; k += 3) {
            words.add(new WordTiming(p[k], nanos(p[k + 1]), nanos(p[k + 2])));
          }
          cues.add(new CaptionCue(Integer.parseInt(p[1]), nanos(p[2]), nanos(p[3]), words));
        }
        default -> throw new IOException("bad line in request.tsv: " + line);
      }
    }
    PcmAudio audio;
    try (InputStream in = Files.newInputStream(dir.resolve("narration.wav"))) {
      audio = PcmAudio.fromWav(in);
    }
    return new RenderRequest(format, audio, segments, cues);
  }

  private static Duration nanos(String s) {
    return Duration.ofNanos(Long.parseLong(s));
  }
}
