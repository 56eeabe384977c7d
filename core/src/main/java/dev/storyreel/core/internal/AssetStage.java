package dev.storyreel.core.internal;

import dev.storyreel.core.AssetRef;
import dev.storyreel.core.InvalidInputException;
import dev.storyreel.core.Manifest;
import dev.storyreel.core.Narration;
import dev.storyreel.core.NarrationChecks;
import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.PcmAudio;
import dev.storyreel.core.RetriableException;
import dev.storyreel.core.Segment;
import dev.storyreel.core.StoryReelException;
import dev.storyreel.core.Storyboard;
import dev.storyreel.core.TaskKind;
import dev.storyreel.core.Usage;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.WordTiming;
import dev.storyreel.core.Words;
import dev.storyreel.core.http.ClipChecks;
import dev.storyreel.core.http.ImageChecks;
import dev.storyreel.core.http.SafeDownload;
import dev.storyreel.core.internal.JobContext.Made;
import dev.storyreel.core.spi.ClipRequest;
import dev.storyreel.core.spi.GeneratedClip;
import dev.storyreel.core.spi.GeneratedImage;
import dev.storyreel.core.spi.ImageRequest;
import dev.storyreel.core.spi.PendingWork;
import dev.storyreel.core.spi.SpeechRequest;
import dev.storyreel.core.spi.VideoInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-segment assets: each segment's picture, narration and word timings, the bodies of the
 * job graph's {@code image-NNN}, {@code speech-NNN} and {@code timings-NNN} tasks ({@link
 * JobGraph}), each looked up in the asset cache first and checked before it is stored. What they
 * hand on are references to what is stored ({@link Assets}), never the decoded pictures or the
 * audio (a job's memory must not grow with the story's length).
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
   * @param images the pictures (for a segment showing the user's clip: that clip, stored)
   * @param speech the narrations
   * @param clips the moving clips, by segment
   */
  record Assets(List<ImageAsset> images, List<SpeechAsset> speech,
      Map<Integer, ClipAsset> clips) {
    /**
     * @param images the pictures
     * @param speech the narrations
     */
    Assets(List<ImageAsset> images, List<SpeechAsset> speech) {
      this(images, speech, Map.of());
    }
  }

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

  /**
   * A stored moving clip, probed: its reference, a local file the renderer can open, and how it
   * was made.
   *
   * @param ref the stored file ({@code assets/segment-NNN.mp4})
   * @param file a local file with the same content, valid until the job ends
   * @param info what the renderer's decoder read from it
   * @param source {@code user} for the user's own footage, else the clip provider's name
   * @param use its cache use, or {@code null} for the user's footage
   * @param usage what making it spent in this run
   */
  record ClipAsset(AssetRef ref, Path file, VideoInfo info,
      String source, Manifest.CacheUse use, Usage usage) {}

  private final JobContext job;
  /** Local copies of stored blobs for storages without local files, by key. */
  private final ConcurrentHashMap<String, Path> localCopies =
      new ConcurrentHashMap<>();

  AssetStage(JobContext job) {
    this.job = job;
  }

  /**
   * Makes (or finds in the cache) one segment's picture, checks it and stores it under {@code
   * assets/segment-NNN.EXT}: the body of the job graph's {@code image-NNN} task.
   *
   * @param seg the segment
   * @param seed the seed it is drawn with
   * @return the stored picture
   */
  ImageAsset makeImage(Segment seg, long seed) {
    var cfg = job.cfg;
    ImageRequest req = imageRequest(seg, seed);
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
   * Makes (or finds in the cache) one segment's moving clip from its stored still, stores it,
   * then probes the stored file with the renderer: the body of the job graph's {@code clip-NNN}
   * task. The paid answer is stored before anything else can fail; a clip that then does not
   * decode (or is over the caps) fails the job clearly and its cache entry is dropped, so that
   * running again asks for a new one.
   *
   * @param seg the segment
   * @param board the storyboard, for the narration's key
   * @param still the segment's stored still
   * @param speech the segment's stored narration (the clip's wanted length)
   * @param seed the seed
   * @return the stored clip
   */
  ClipAsset makeClip(Segment seg, Storyboard board, ImageAsset still, SpeechAsset speech,
      long seed) {
    var cfg = job.cfg;
    var p = cfg.clips().provider();
    int i = seg.index();
    String key = clipKey(cfg, seg, imageKey(seg, seed), narrationKey(seg, board), seed);
    VideoFormat f = cfg.format();
    Duration length = Duration.ofNanos(
        speech.frameCount() * 1_000_000_000L / speech.sampleRateHz());
    PendingWork pending = job.cache.pending("clip", key);
    Made<GeneratedClip> made = job.make(TaskKind.CLIP, OptionalInt.of(i),
        s -> job.cache.clip(key, s), p, "clip for segment " + i, Usage.images(1),
        () -> p.generate(new ClipRequest(i,
            job.storage.read(still.ref().key()), still.ref().mediaType(), seg.imagePrompt(), "",
            length, f.widthPx(), f.heightPx(), seed), pending),
        GeneratedClip::usage);
    if (!made.use().hit()) {
      pending.clear(); // stored: nothing is left to resume
    }
    AssetRef blob = job.cache.blob("clip", key, "clip");
    VideoInfo info;
    Path file = localFile(blob);
    try {
      ClipChecks.check(p.name(), head(file), blob.mediaType(),
          ClipChecks.DEFAULT_MAX_BYTES, "segment " + i);
      info = cfg.renderer().probeVideo(file);
      ClipChecks.checkProbed(p.name(), info,
          ClipChecks.DEFAULT_MAX_PIXELS,
          ClipChecks.DEFAULT_MAX_DURATION, "segment " + i);
    } catch (StoryReelException e) {
      job.cache.drop("clip", key);
      throw new NonRetriableException("Segment " + i + ": the clip " + p.name() + " ("
          + p.model() + ") made is not usable: " + e.getMessage() + " It was paid for and kept"
          + " at " + blob.key() + "; its cache entry was dropped, so running the job again asks"
          + " for a new clip (billed again). Not retried now.", e);
    }
    AssetRef ref = job.storage.copy(blob, String.format("assets/segment-%03d.%s", i,
        blob.key().endsWith(".webm") ? "webm" : "mp4"));
    return new ClipAsset(ref, file, info, p.name(), made.use(), made.usage());
  }

  /**
   * The user's own still for a segment, stored under {@code assets/segment-NNN.EXT}: the body of
   * its {@code image-NNN} task, which calls no provider. (It was checked before the job paid
   * for anything.)
   *
   * @param seg the segment
   * @param file the user's PNG or JPEG
   * @param seed the seed the segment would have been drawn with (for the manifest)
   * @return the stored still
   */
  ImageAsset userStill(Segment seg, Path file, long seed) {
    byte[] bytes = readUserFile(seg, file);
    String type = SafeDownload.sniffImage(bytes);
    AssetRef ref = job.storage.put(String.format("assets/segment-%03d.%s", seg.index(),
        AssetCache.extension(type)), bytes, type);
    return new ImageAsset(ref, seed, new Manifest.CacheUse(ref.sha256(), false), Usage.NONE);
  }

  /**
   * The user's own clip for a segment, stored under {@code assets/segment-NNN.EXT} by its
   * {@code image-NNN} task (no call): the segment then has no still, and the reference handed
   * on is the stored video's.
   *
   * @param seg the segment
   * @param file the user's video (checked before the job paid for anything)
   * @param seed the seed the segment would have been drawn with (for the manifest)
   * @return the stored video, as the segment's picture asset
   */
  ImageAsset storeUserVideo(Segment seg, Path file, long seed) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    String ext = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1) : "mp4";
    if (!ext.matches("[a-z0-9]{1,5}")) {
      ext = "mp4";
    }
    AssetRef ref = job.storage.put(String.format("assets/segment-%03d.%s", seg.index(), ext),
        file, ext.equals("mov") ? "video/quicktime" : "video/" + ext);
    return new ImageAsset(ref, seed, new Manifest.CacheUse(ref.sha256(), false), Usage.NONE);
  }

  /**
   * The user's stored clip, probed: the body of its {@code clip-NNN} task (no call).
   *
   * @param seg the segment
   * @param stored what {@link #storeUserVideo} stored
   * @return the clip
   */
  ClipAsset userClip(Segment seg, ImageAsset stored) {
    Path file = localFile(stored.ref());
    VideoInfo info;
    try {
      info = job.cfg.renderer().probeVideo(file);
    } catch (InvalidInputException e) {
      throw new NonRetriableException("Segment " + seg.index() + ": the user's clip "
          + stored.ref().key() + " no longer decodes: " + e.getMessage(), e);
    }
    return new ClipAsset(stored.ref(), file, info, "user", null, Usage.NONE);
  }

  private static byte[] readUserFile(Segment seg, Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new NonRetriableException("Segment " + seg.index() + ": the user's file " + file
          + " cannot be read any more: " + e.getMessage(), e);
    }
  }

  private static byte[] head(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return in.readNBytes(64);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + file, e);
    }
  }

  /**
   * A stored blob as a local file: the storage's own file where it has one ({@link
   * dev.storyreel.core.LocalStorage}), else a copy in the job's temporary folder, made once.
   *
   * @param ref the blob
   * @return a readable local file, valid until the job ends
   */
  Path localFile(AssetRef ref) {
    try {
      URI u = job.storage.locate(ref.key());
      if ("file".equalsIgnoreCase(u.getScheme())) {
        Path p = Path.of(u);
        if (Files.isRegularFile(p)) {
          return p;
        }
      }
    } catch (RuntimeException e) {
      // not a local path: copied below
    }
    return localCopies.computeIfAbsent(ref.key(), k -> {
      try {
        Files.createDirectories(job.tempDir);
        String name = k.substring(k.lastIndexOf('/') + 1);
        Path tmp = Files.createTempFile(job.tempDir, "clip-", "-"
            + name);
        try (InputStream in = job.storage.open(k)) {
          Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        return tmp;
      } catch (IOException e) {
        throw new UncheckedIOException("copying " + k + " to a local file", e);
      }
    });
  }

  /**
   * @param cfg the job's settings
   * @param seg the segment
   * @param imageKey its image's key
   * @param narrationKey its narration's key
   * @param seed the seed
   * @return the cache key of its clip
   */
  static String clipKey(Pipeline.Config cfg, Segment seg, String imageKey, String narrationKey,
      long seed) {
    VideoFormat f = cfg.format();
    return CacheKeys.clip(cfg.clips().provider().fingerprint(), imageKey, narrationKey,
        seg.imagePrompt(), "", f.widthPx(), f.heightPx(), seed);
  }

  /**
   * @param seg the segment
   * @param board the storyboard it belongs to
   * @return the cache key of its narration
   */
  String narrationKey(Segment seg, Storyboard board) {
    return CacheKeys.narration(job.cfg.speech().fingerprint(), speechRequest(seg, board));
  }

  private SpeechRequest speechRequest(Segment seg, Storyboard board) {
    var cfg = job.cfg;
    List<Segment> all = board.segments();
    int at = all.indexOf(seg);
    return at < 0 ? new SpeechRequest(seg.index(), seg.narration(), cfg.voice())
        : SpeechRequest.forSegment(all, at, cfg.voice(), cfg.speech().usesNeighbourText());
  }

  /**
   * @param seg the segment
   * @param seed the seed its picture is drawn with
   * @return the cache key of its picture
   */
  String imageKey(Segment seg, long seed) {
    return CacheKeys.image(job.cfg.images().fingerprint(), imageRequest(seg, seed));
  }

  private ImageRequest imageRequest(Segment seg, long seed) {
    VideoFormat f = job.cfg.format();
    return new ImageRequest(seg.index(), seg.imagePrompt(), f.widthPx(), f.heightPx(), seed);
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

  /**
   * A narration as the speech provider made it, stored in the cache: what the segment's timings
   * task needs, by reference.
   *
   * @param key the narration's cache key
   * @param audio the cache's stored WAV
   * @param sampleRateHz its sample rate
   * @param channels its channel count
   * @param frameCount its length in sample frames
   * @param words the provider's word timings, possibly none
   * @param use its cache use
   * @param usage what it spent in this run
   */
  record Spoken(String key, AssetRef audio, int sampleRateHz, int channels, long frameCount,
      List<WordTiming> words, Manifest.CacheUse use, Usage usage) {}

  /**
   * Makes (or finds in the cache) one segment's narration and checks it: the body of the job
   * graph's {@code speech-NNN} task.
   *
   * @param seg the segment
   * @param board the storyboard it belongs to (a provider may be given the neighbours' text)
   * @return the stored narration
   */
  Spoken speak(Segment seg, Storyboard board) {
    var cfg = job.cfg;
    var cache = job.cache;
    SpeechRequest req = speechRequest(seg, board);
    String key = CacheKeys.narration(cfg.speech().fingerprint(), req);
    Made<Narration> spoken = job.make(TaskKind.SPEECH, OptionalInt.of(seg.index()),
        s -> cache.narration(key, s, n -> checkNarration(seg, n)),
        cfg.speech(), "segment " + seg.index(), Usage.characters(seg.narration().length()),
        () -> cfg.speech().synthesize(req), Narration::usage);
    PcmAudio a = spoken.value().audio();
    return new Spoken(key, cache.blob("narration", key, "audio"), a.sampleRateHz(),
        a.channels(), a.frameCount(), spoken.value().words(), spoken.use(), spoken.usage());
  }

  /**
   * The segment's word timings: the provider's, or, when it gave none, the aligner's (read back
   * from the stored WAV, cached under the WAV's SHA-256); checked, then the narration is stored
   * under {@code assets/segment-NNN.wav}. The body of the job graph's {@code timings-NNN} task.
   *
   * @param seg the segment
   * @param spoken its stored narration
   * @return the narration with its timings
   */
  SpeechAsset align(Segment seg, Spoken spoken) {
    var cfg = job.cfg;
    var cache = job.cache;
    List<WordTiming> words = spoken.words();
    boolean aligned = false;
    Manifest.CacheUse timingsUse = null;
    Usage alignerUsage = null;
    if (words.isEmpty()) {
      String sha = spoken.audio().sha256();
      Made<List<WordTiming>> timed = job.make(TaskKind.TIMINGS, OptionalInt.of(seg.index()),
          s -> cache.timings(CacheKeys.timings(cfg.aligner().fingerprint(), seg.narration(), sha),
              s),
          cfg.aligner(), "segment " + seg.index(),
          Usage.audio(Duration.ofNanos(spoken.frameCount() * 1_000_000_000L
              / spoken.sampleRateHz())),
          () -> cfg.aligner().align(seg.index(), seg.narration(), readWav(seg, spoken.audio())),
          w -> Usage.NONE);
      words = timed.value();
      timingsUse = timed.use();
      alignerUsage = timed.usage();
      aligned = true;
    }
    int expected = Words.split(seg.narration()).size();
    if (words.size() != expected) {
      throw new NonRetriableException(
          "Segment " + seg.index() + ": " + (aligned ? cfg.aligner().name() : cfg.speech().name())
              + " returned " + words.size() + " word timings for " + expected
              + " words; a provider must return one timing per whitespace-separated word"
              + " (see dev.storyreel.core.Words).");
    }
    AssetRef ref = job.storage.copy(spoken.audio(),
        String.format("assets/segment-%03d.wav", seg.index()));
    return new SpeechAsset(ref, spoken.sampleRateHz(), spoken.channels(), spoken.frameCount(),
        words, aligned, spoken.use(), timingsUse, spoken.usage(), alignerUsage);
  }

  private PcmAudio readWav(Segment seg, AssetRef ref) {
    try (InputStream in = job.storage.open(ref.key())) {
      return PcmAudio.fromWav(in);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Segment " + seg.index() + ": reading its stored narration " + ref.key(), e);
    }
  }
}
