package dev.storyreel.benchmarks;

import dev.storyreel.core.CaptionCue;
import dev.storyreel.core.Captions;
import dev.storyreel.core.PcmAudio;
import dev.storyreel.core.ProgressListener;
import dev.storyreel.core.Story;
import dev.storyreel.core.StoryReel;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.WordTiming;
import dev.storyreel.core.spi.ImageSource;
import dev.storyreel.core.timeline.AudioSource;
import dev.storyreel.core.timeline.MixSettings;
import dev.storyreel.core.timeline.MusicTrack;
import dev.storyreel.core.timeline.NarrationClip;
import dev.storyreel.core.timeline.NarrationTrack;
import dev.storyreel.core.timeline.Timeline;
import dev.storyreel.core.spi.RenderResult;
import dev.storyreel.core.timeline.VisualClip;
import dev.storyreel.core.spi.Renderer;
import dev.storyreel.render.ffmpeg.BenchAccess;
import dev.storyreel.render.ffmpeg.FfmpegRenderer;
import java.awt.image.BufferedImage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
 * render request, which is saved to a folder: {@code seg-NN.png}, {@code narr-NN.wav} (each
 * segment's narration, streamed by the render), {@code narration.wav} (all of it), {@code
 * captions.srt} and {@code request.tsv} (segment and cue timings). Deterministic for a given size,
 * fps, length and image kind.
 *
 * <p>With {@link Images#DETAILED} each segment's procedural picture is replaced by a {@link
 * DetailedPictures photo-like one} before it is saved. Requests returned by {@link #generate} and
 * {@link #load} read their pictures from the saved PNGs on demand, so that the process holds only
 * the pictures the renderer is working on.
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

  /** Which pictures the inputs have. */
  enum Images {
    /** Photo-like pictures with detail at every scale ({@link DetailedPictures}). */
    DETAILED,
    /** The offline procedural provider's pictures as they are: smooth and flat. */
    PROCEDURAL;

    /** @return the kind named by {@code --images} ({@code detailed} or {@code procedural}) */
    static Images parse(String name) {
      return switch (name) {
        case "detailed" -> DETAILED;
        case "procedural" -> PROCEDURAL;
        default -> throw new IllegalArgumentException(
            "--images must be detailed or procedural, was " + name);
      };
    }

    @Override
    public String toString() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Thrown by the capturing renderer once it has the request: the job need not go on. */
  private static final class Captured extends RuntimeException {
    Captured() {
      super("captured", null, false, false);
    }
  }

  /**
   * Runs the pipeline on a generated story of at least {@code seconds} of narration and saves
   * the request into {@code dir}.
   *
   * @param images which pictures to save
   * @return the saved request, as {@link #load} reads it back (pictures loaded on demand)
   */
  static Timeline generate(VideoFormat format, double seconds, Path dir, Images images)
      throws IOException {
    Files.createDirectories(dir);
    double wordsPerSecond = 3.0;
    Timeline request = null;
    for (int attempt = 0; attempt < 4; attempt++) {
      int words = (int) Math.ceil(seconds * wordsPerSecond * 1.08);
      request = capture(format, story(words), dir.resolve("job-" + attempt));
      double got = request.duration().toNanos() / 1e9;
      if (got >= seconds) {
        break;
      }
      wordsPerSecond *= seconds / got;
    }
    save(request, dir, images);
    return load(dir);
  }

  /**
   * Like {@link #generate}, for a story of about {@code chars} characters (the length-scaling
   * leg): the sample sentences repeated, in paragraphs of three, up to at most {@code chars}.
   *
   * @param chars the story's length in characters, title included; at most StoryReel's input
   *     limit ({@link StoryReel#DEFAULT_MAX_STORY_CHARS})
   */
  static Timeline generateChars(VideoFormat format, int chars, Path dir, Images images)
      throws IOException {
    Files.createDirectories(dir);
    StringBuilder sb = new StringBuilder("The Lantern Keeper\n\n");
    for (int i = 0; ; i++) {
      String s = SENTENCES[i % SENTENCES.length] + (i % 3 == 2 ? "\n\n" : " ");
      if (sb.length() + s.strip().length() > chars) {
        break;
      }
      sb.append(s);
    }
    Timeline request = capture(format, sb.toString().strip(), dir.resolve("job"));
    save(request, dir, images);
    return load(dir);
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

  private static Timeline capture(VideoFormat format, String text, Path work) {
    AtomicReference<Timeline> got = new AtomicReference<>();
    Renderer capturing = new Renderer() {
      @Override
      public String name() {
        return "capture";
      }

      @Override
      public RenderResult render(Timeline request, Path output, ProgressListener l) {
        // The render streams: a later segment's picture may still be being made. Wait for
        // each (loading it once, then dropping it) before the job is stopped, so that save()
        // finds every picture stored.
        for (VisualClip clip : request.visual()) {
          clip.loadImage();
        }
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

  private static void save(Timeline r, Path dir, Images images) throws IOException {
    StringBuilder tsv = new StringBuilder();
    VideoFormat f = r.format();
    tsv.append("format\t").append(f.widthPx()).append('\t').append(f.heightPx()).append('\t')
        .append(f.fps()).append('\n');
    for (VisualClip s : r.visual()) {
      BufferedImage picture = s.loadImage();
      if (images == Images.DETAILED) {
        picture = DetailedPictures.make(picture, f.widthPx(), f.heightPx(),
            FfmpegRenderer.DEFAULT_KEN_BURNS_ZOOM, s.segment());
      }
      ImageIO.write(picture, "png", dir.resolve(png(s.segment())).toFile());
      tsv.append("segment\t").append(s.segment()).append('\t').append(s.start().toNanos())
          .append('\t').append(s.end().toNanos()).append('\n');
    }
    for (CaptionCue c : r.captions()) {
      tsv.append("cue\t").append(c.index()).append('\t').append(c.start().toNanos()).append('\t')
          .append(c.end().toNanos());
      for (WordTiming w : c.words()) {
        tsv.append('\t').append(w.word()).append('\t').append(w.start().toNanos()).append('\t')
            .append(w.end().toNanos());
      }
      tsv.append('\n');
    }
    saveNarration(r, dir);
    Files.writeString(dir.resolve("captions.srt"), Captions.toSrt(r.captions()));
    Files.writeString(dir.resolve("request.tsv"), tsv.toString());
  }

  /**
   * Writes each narration clip to {@code narr-NN.wav} (what {@link #load} streams from) and all of
   * them back to back to {@code narration.wav} (for the ffmpeg CLI leg), one clip in memory at a
   * time.
   */
  private static void saveNarration(Timeline r, Path dir) throws IOException {
    Path all = dir.resolve("narration.wav");
    long data = 0;
    int rate = r.narration().sampleRateHz();
    int channels = r.narration().channels();
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(all))) {
      out.write(new byte[44]);
      for (NarrationClip c : r.narration().clips()) {
        PcmAudio part;
        try (InputStream in = c.audio().open()) {
          part = PcmAudio.fromWav(in);
        }
        Files.write(dir.resolve(narr(c.segment())), part.toWav());
        out.write(part.samples());
        data += part.samples().length;
      }
    }
    ByteBuffer h = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
    h.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt((int) (36 + data))
        .put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1)
        .putShort((short) channels).putInt(rate).putInt(rate * channels * 2)
        .putShort((short) (channels * 2)).putShort((short) 16)
        .put("data".getBytes(StandardCharsets.US_ASCII)).putInt((int) data).flip();
    try (FileChannel fc = FileChannel.open(all, StandardOpenOption.WRITE)) {
      fc.write(h, 0);
    }
  }

  static String narr(int segment) {
    return String.format("narr-%02d.wav", segment);
  }

  static String png(int segment) {
    return String.format("seg-%02d.png", segment);
  }

  /**
   * Loads a request saved by {@link #generate}. Its pictures are not decoded here: each segment's
   * source reads its PNG when the renderer asks for it, so a long video costs no more memory
   * than a short one.
   */
  static Timeline load(Path dir) throws IOException {
    VideoFormat format = null;
    List<VisualClip> segments = new ArrayList<>();
    List<CaptionCue> cues = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("request.tsv"), StandardCharsets.UTF_8)) {
      String[] p = line.split("\t");
      switch (p[0]) {
        case "format" -> format = new VideoFormat(
            Integer.parseInt(p[1]), Integer.parseInt(p[2]), Integer.parseInt(p[3]));
        case "segment" -> {
          int i = Integer.parseInt(p[1]);
          segments.add(new VisualClip(i, pngSource(dir.resolve(png(i))), nanos(p[2]),
              nanos(p[3])));
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
    // Each clip streams from its own file when the renderer reaches it: nothing of the narration
    // is held in memory, however long the story.
    List<NarrationClip> clips = new ArrayList<>();
    int rate = 0;
    int channels = 0;
    for (VisualClip v : segments) {
      Path wav = dir.resolve(narr(v.segment()));
      if (rate == 0) {
        try (InputStream in = Files.newInputStream(wav)) {
          PcmAudio first = PcmAudio.fromWav(in);
          rate = first.sampleRateHz();
          channels = first.channels();
        }
      }
      clips.add(new NarrationClip(v.segment(), AudioSource.of(wav), v.start(), v.end(),
          List.of()));
    }
    return new Timeline(format, segments, new NarrationTrack(rate, channels, clips),
        MusicTrack.NONE, List.of(), cues, List.of(), MixSettings.DEFAULTS);
  }

  /**
   * A picture read from a PNG file on every call, as core reads back pictures stored in a
   * {@code LocalStorage}: {@link ImageSource#ofFile}, decoded in place from the file into the
   * renderer's own image when it hands one over. Nothing kept in between.
   */
  static ImageSource pngSource(Path file) {
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException("no picture " + file);
    }
    return ImageSource.ofFile(file);
  }



  private static Duration nanos(String s) {
    return Duration.ofNanos(Long.parseLong(s));
  }
}
