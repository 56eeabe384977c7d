package dev.storyreel.core.internal;

import dev.storyreel.core.AssetRef;
import dev.storyreel.core.Manifest;
import dev.storyreel.core.Narration;
import dev.storyreel.core.NarrationChecks;
import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.PcmAudio;
import dev.storyreel.core.RetriableException;
import dev.storyreel.core.Segment;
import dev.storyreel.core.Storyboard;
import dev.storyreel.core.TaskKind;
import dev.storyreel.core.Usage;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.WordTiming;
import dev.storyreel.core.Words;
import dev.storyreel.core.http.ImageChecks;
import dev.storyreel.core.internal.JobContext.Made;
import dev.storyreel.core.internal.TaskGraph.TaskKey;
import dev.storyreel.core.spi.GeneratedImage;
import dev.storyreel.core.spi.ImageRequest;
import dev.storyreel.core.spi.PendingWork;
import dev.storyreel.core.spi.SpeechRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * The assets stage: every segment's picture and narration (with word timings), made in
 * parallel as one task graph, each looked up in the asset cache first and checked before it is
 * stored. Input: the storyboard. Output: {@link Assets}, references to what is stored, never the
 * decoded pictures or the audio (a job's memory must not grow with the story's length).
 */
final class AssetStage {
  /**
   * How long the asset tasks already running may go on after one asset failed for good: long
   * enough for a paid call in flight (an image, a narration, a Replicate prediction being
   * polled) to receive its answer and store it, so that nothing paid for is thrown away.
   */
  static final Duration FAILURE_GRACE = Duration.ofMinutes(3);

  /**
   * The stored assets of every segment, in segment order.
   *
   * @param images the pictures
   * @param speech the narrations
   */
  record Assets(List<ImageAsset> images, List<SpeechAsset> speech) {}

  /**
   * A stored picture: its reference, not its pixels (the renderer reads it back when needed).
   *
   * @param ref the stored file
   * @param seed the seed it was drawn with
   * @param use its cache use
   * @param usage what making it spent in this run
   */
  record ImageAsset(AssetRef ref, long seed, Manifest.CacheUse use, Usage usage) {}

  /**
   * A stored narration: its reference, its format and length, and its word timings.
   *
   * @param ref the stored WAV
   * @param sampleRateHz its sample rate
   * @param channels its channel count
   * @param frameCount its length in sample frames
   * @param words its word timings, from the clip's start
   * @param aligned whether the timings came from the aligner
   * @param use the narration's cache use
   * @param timingsUse the timings' cache use, when aligned
   * @param usage what the narration spent in this run
   * @param alignerUsage what aligning spent, when aligned
   */
  record SpeechAsset(AssetRef ref, int sampleRateHz, int channels, long frameCount,
      List<WordTiming> words, boolean aligned, Manifest.CacheUse use,
      Manifest.CacheUse timingsUse, Usage usage, Usage alignerUsage) {}

  private final JobContext job;

  AssetStage(JobContext job) {
    this.job = job;
  }

  /**
   * @param board the storyboard
   * @return every segment's stored assets
   * @throws Exception the first asset that failed for good (after the running ones finished)
   */
  Assets run(Storyboard board) throws Exception {
    var cfg = job.cfg;
    TaskGraph.Builder g = TaskGraph.builder()
        .resourceLimit(cfg.images().resource(), job.limit(cfg.images()))
        .resourceLimit(cfg.speech().resource(), job.limit(cfg.speech()));
    List<TaskKey<ImageAsset>> imageKeys = new ArrayList<>();
    List<TaskKey<SpeechAsset>> speechKeys = new ArrayList<>();
    for (Segment seg : board.segments()) {
      int i = seg.index();
      long seed = cfg.seed() + i;
      imageKeys.add(g.add(String.format("image-%03d", i), cfg.images().resource(),
          TaskGraph.Meta.of(TaskKind.IMAGE, i), List.of(),
          ctx -> {
            LogContext.provider(cfg.images().name()); // cleared with the task's MDC
            return makeImage(seg, seed);
          }));
      speechKeys.add(g.add(String.format("speech-%03d", i), cfg.speech().resource(),
          TaskGraph.Meta.of(TaskKind.SPEECH, i), List.of(),
          ctx -> {
            LogContext.provider(cfg.speech().name());
            return makeSpeech(seg, board);
          }));
    }
    TaskGraph.Results r = job.graphs.run(g.build(), cfg.retry(), FAILURE_GRACE);
    List<ImageAsset> imgs = new ArrayList<>();
    List<SpeechAsset> sp = new ArrayList<>();
    for (int i = 0; i < imageKeys.size(); i++) {
      imgs.add(r.get(imageKeys.get(i)));
      sp.add(r.get(speechKeys.get(i)));
    }
    return new Assets(imgs, sp);
  }

  private ImageAsset makeImage(Segment seg, long seed) {
    var cfg = job.cfg;
    VideoFormat f = cfg.format();
    ImageRequest req =
        new ImageRequest(seg.index(), seg.imagePrompt(), f.widthPx(), f.heightPx(), seed);
    String key = CacheKeys.image(cfg.images().fingerprint(), req);
    PendingWork pending = job.cache.pending("image", key);
    Made<GeneratedImage> made = job.make(TaskKind.IMAGE, OptionalInt.of(seg.index()),
        s -> job.cache.image(key, s, img -> checkImage(seg, img)),
        cfg.images(), "segment " + seg.index(), Usage.images(1),
        () -> cfg.images().generate(req, pending), GeneratedImage::usage);
    if (!made.use().hit()) {
      pending.clear(); // the asset is stored: nothing is left to resume
    }
    GeneratedImage img = made.value();
    String ext = switch (img.mediaType()) {
      case "image/jpeg" -> "jpg";
      case "image/webp" -> "webp";
      default -> "png";
    };
    // The output's file is the cache's blob, linked, not a second copy.
    AssetRef ref = job.storage.copy(job.cache.blob("image", key, "image"),
        String.format("assets/segment-%03d.%s", seg.index(), ext));
    return new ImageAsset(ref, seed, made.use(), made.usage());
  }

  /**
   * Decodes a picture fully, only to refuse one that cannot be used (the pixels are dropped and
   * read back from storage at render time). Applied before a new picture is stored, and to a
   * cached one, which is then made again.
   */
  private void checkImage(Segment seg, GeneratedImage img) {
    try {
      ImageChecks.decode(job.cfg.images().name(), img.bytes(), ImageChecks.DEFAULT_MAX_PIXELS,
          "segment " + seg.index());
    } catch (NonRetriableException e) {
      // Retriable: a provider that sent a broken file may send a good one when asked again.
      throw new RetriableException("Segment " + seg.index() + ": the image from "
          + job.cfg.images().name() + " (" + img.mediaType() + ", " + img.bytes().length
          + " bytes) is not usable: " + e.getMessage(), e, null);
    }
  }

  /**
   * Checks a narration before it is stored, and a cached one (which is then made again): it has
   * audio, one timing per word when the provider gave timings, and a plausible length.
   */
  private void checkNarration(Segment seg, Narration n) {
    var cfg = job.cfg;
    if (n.audio().frameCount() == 0) {
      throw new RetriableException(
          "Segment " + seg.index() + ": " + cfg.speech().name() + " returned no audio.", null,
          null);
    }
    int expected = Words.split(seg.narration()).size();
    NarrationChecks.check(cfg.speech().name(), seg.index(), n.audio(), expected, n.words(),
        cfg.narrationBounds());
    if (!n.words().isEmpty() && n.words().size() != expected) {
      throw new NonRetriableException(
          "Segment " + seg.index() + ": " + cfg.speech().name() + " returned "
              + n.words().size() + " word timings for " + expected
              + " words; a provider must return one timing per whitespace-separated word"
              + " (see dev.storyreel.core.Words).");
    }
  }

  private SpeechAsset makeSpeech(Segment seg, Storyboard board) {
    var cfg = job.cfg;
    var cache = job.cache;
    List<Segment> all = board.segments();
    int at = all.indexOf(seg);
    boolean neighbours = cfg.speech().usesNeighbourText();
    SpeechRequest req = at < 0 ? new SpeechRequest(seg.index(), seg.narration(), cfg.voice())
        : SpeechRequest.forSegment(all, at, cfg.voice(), neighbours);
    String key = CacheKeys.narration(cfg.speech().fingerprint(), req);
    Made<Narration> spoken = job.make(TaskKind.SPEECH, OptionalInt.of(seg.index()),
        s -> cache.narration(key, s, n -> checkNarration(seg, n)),
        cfg.speech(), "segment " + seg.index(), Usage.characters(seg.narration().length()),
        () -> cfg.speech().synthesize(req), Narration::usage);
    Narration n = spoken.value();
    boolean aligned = false;
    Manifest.CacheUse timingsUse = null;
    Usage alignerUsage = null;
    if (n.words().isEmpty()) {
      PcmAudio audio = n.audio();
      Made<List<WordTiming>> timed = job.make(TaskKind.TIMINGS, OptionalInt.of(seg.index()),
          s -> cache.timings(
              CacheKeys.timings(cfg.aligner().fingerprint(), seg.narration(),
                  AssetCache.sha256(audio.toWav())), s),
          cfg.aligner(), "segment " + seg.index(), Usage.audio(audio.duration()),
          () -> cfg.aligner().align(seg.index(), seg.narration(), audio), w -> Usage.NONE);
      n = new Narration(audio, timed.value(), n.usage());
      timingsUse = timed.use();
      alignerUsage = timed.usage();
      aligned = true;
    }
    int expected = Words.split(seg.narration()).size();
    if (n.words().size() != expected) {
      throw new NonRetriableException(
          "Segment " + seg.index() + ": " + (aligned ? cfg.aligner().name() : cfg.speech().name())
              + " returned " + n.words().size() + " word timings for " + expected
              + " words; a provider must return one timing per whitespace-separated word"
              + " (see dev.storyreel.core.Words).");
    }
    AssetRef ref = job.storage.copy(cache.blob("narration", key, "audio"),
        String.format("assets/segment-%03d.wav", seg.index()));
    PcmAudio a = n.audio();
    return new SpeechAsset(ref, a.sampleRateHz(), a.channels(), a.frameCount(), n.words(),
        aligned, spoken.use(), timingsUse, spoken.usage(), alignerUsage);
  }
}
