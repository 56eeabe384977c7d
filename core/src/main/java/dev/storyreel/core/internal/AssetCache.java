package dev.storyreel.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.storyreel.core.AssetRef;
import dev.storyreel.core.Manifest;
import dev.storyreel.core.Narration;
import dev.storyreel.core.PcmAudio;
import dev.storyreel.core.Story;
import dev.storyreel.core.Storyboard;
import dev.storyreel.core.Usage;
import dev.storyreel.core.WordTiming;
import dev.storyreel.core.spi.AudioReport;
import dev.storyreel.core.spi.GeneratedClip;
import dev.storyreel.core.spi.GeneratedImage;
import dev.storyreel.core.spi.PendingWork;
import dev.storyreel.core.spi.RenderResult;
import dev.storyreel.core.spi.Storage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The content-addressed asset cache, kept in a job's own {@link Storage}: before a provider (or
 * the renderer) is called, the asset's key (see {@link CacheKeys}) is looked up; a hit skips the
 * call.
 *
 * <p>Layout, for a key {@code k} whose first two hex digits are {@code hh}:
 *
 * <ul>
 *   <li>{@code cache/<kind>/<hh>/<k>-<s>.<ext>}: a blob of the entry (the image, the WAV, the MP4,
 *       the thumbnail), where {@code s} is the first 16 hex digits of the blob's own SHA-256;
 *   <li>{@code cache/<kind>/<hh>/<k>.json}: the entry itself, written <em>last</em>: the blobs'
 *       {@link AssetRef}s (SHA-256 included) and the small values (storyboard, word timings,
 *       render facts). An entry is complete exactly when this object exists.
 * </ul>
 *
 * <p>Kinds: {@code story}, {@code storyboard}, {@code image}, {@code clip}, {@code narration},
 * {@code timings}, {@code video}.
 * Because a blob's name carries its own digest, two runs writing the same key at once never
 * overwrite each other's blob with different bytes: whichever entry is written last wins and
 * names a complete blob that matches it. A blob whose bytes do not match its entry's SHA-256 is
 * treated as a miss (logged) and the asset is made again.
 *
 * <p>With reading off ({@code StoryReel.Builder.cache(false)}), every lookup is a miss and entries
 * are written afresh, replacing what was there. Thread-safe as the storage is.
 */
public final class AssetCache {
  private static final Logger LOG = LoggerFactory.getLogger(AssetCache.class);

  private final Storage storage;
  private final boolean read;
  private final Map<String, Usage> madeEarlier;
  /**
   * Entries this instance (this run) has written: readable even with reading off, because
   * {@code cache(false)} means "ignore old entries", never "pay again within this run".
   */
  private final Set<String> writtenThisRun = ConcurrentHashMap.newKeySet();

  /**
   * A value and how it was obtained.
   *
   * @param value the asset
   * @param use its key and whether it was a hit
   * @param <T> the asset's type
   */
  public record Cached<T>(T value, Manifest.CacheUse use) {}

  /**
   * A rendered video as the cache keeps it.
   *
   * @param result what the renderer reported (its thumbnail decoded from {@code thumbnailJpeg} on
   *     a hit)
   * @param thumbnailJpeg the thumbnail, JPEG-encoded; the bytes published as {@code thumbnail.jpg}
   */
  public record Video(RenderResult result, byte[] thumbnailJpeg) {}

  /** What a cache entry's JSON holds. */
  record Entry(String version, String kind, String key, Map<String, AssetRef> blobs, JsonNode meta) {}

  /** One blob to store: bytes or a file. */
  private record BlobOut(String name, String ext, String mediaType, byte[] bytes, Path file) {}

  /** A stored blob that does not match its entry. */
  private static final class CorruptEntry extends Exception {
    private static final long serialVersionUID = 1L;

    CorruptEntry(String message) {
      super(message);
    }
  }

  private interface Decoder<T> {
    T decode(Entry e) throws IOException, CorruptEntry;
  }

  /**
   * Checks an asset: applied to a freshly made one before it is stored (its exception then
   * propagates, as the provider's failure) and to one read from the cache (its exception then
   * makes the entry unusable, and the asset is made again).
   *
   * @param <T> the asset's type
   */
  @FunctionalInterface
  public interface Check<T> {
    /**
     * @param value the asset
     * @throws RuntimeException if the asset is not usable
     */
    void check(T value);

    /**
     * @param <T> the asset's type
     * @return a check that accepts everything
     */
    static <T> Check<T> none() {
      return v -> {};
    }
  }

  /**
   * @param storage where the entries live; never {@code null}
   * @param read whether entries written before this instance existed may hit; {@code false}
   *     forces every asset to be made again once (entries this instance wrote still hit)
   */
  public AssetCache(Storage storage, boolean read) {
    this(storage, read, Map.of());
  }

  /**
   * A cache for a job whose tasks ran elsewhere: an entry that one of them made (a key of {@code
   * madeEarlier}) is reported as made by this run ({@code hit} false), with what making it
   * spent, although it is read from the cache.
   *
   * @param storage where the entries live
   * @param read as for {@link #AssetCache(Storage, boolean)}
   * @param madeEarlier cache keys made by this job's earlier tasks, with what each spent
   */
  AssetCache(Storage storage, boolean read, Map<String, Usage> madeEarlier) {
    this.storage = Objects.requireNonNull(storage, "storage");
    this.read = read;
    this.madeEarlier = Map.copyOf(madeEarlier);
  }

  /**
   * @param key a cache key
   * @return what making it spent, when this job's earlier tasks made it (see {@link
   *     #AssetCache(Storage, boolean, Map)}); else empty
   */
  Optional<Usage> madeEarlier(String key) {
    return Optional.ofNullable(madeEarlier.get(key));
  }

  /**
   * @param kind the asset kind
   * @param key the cache key
   * @return the key of the entry's JSON
   */
  public static String entryKey(String kind, String key) {
    return "cache/" + kind + "/" + key.substring(0, 2) + "/" + key + ".json";
  }

  /**
   * @param key the storyboard's key
   * @param make plans the story on a miss
   * @return the storyboard
   */
  public Cached<Storyboard> storyboard(String key, Supplier<Storyboard> make) {
    return getOrCreate("storyboard", key, make, Check.none(),
        e -> Json.MAPPER.treeToValue(e.meta(), Storyboard.class),
        v -> List.of(), v -> Json.MAPPER.valueToTree(v));
  }

  /**
   * @param key the written story's key ({@link CacheKeys#story})
   * @param make calls the writer on a miss
   * @return the story
   */
  public Cached<Story> story(String key, Supplier<Story> make) {
    return getOrCreate("story", key, make, Check.none(),
        e -> Json.MAPPER.treeToValue(e.meta(), Story.class),
        v -> List.of(), v -> Json.MAPPER.valueToTree(v));
  }

  /**
   * @param key the image's key
   * @param make calls the image provider on a miss
   * @return the image
   */
  public Cached<GeneratedImage> image(String key, Supplier<GeneratedImage> make) {
    return image(key, make, Check.none());
  }

  /**
   * @param key the image's key
   * @param make calls the image provider on a miss
   * @param check applied to the made image before it is stored, and to a cached one
   * @return the image
   */
  public Cached<GeneratedImage> image(String key, Supplier<GeneratedImage> make,
      Check<GeneratedImage> check) {
    return getOrCreate("image", key, make, check,
        e -> new GeneratedImage(blob(e, "image"), e.blobs().get("image").mediaType(),
            e.meta().path("widthPx").asInt(), e.meta().path("heightPx").asInt()),
        v -> List.of(new BlobOut("image", extension(v.mediaType()), v.mediaType(), v.bytes(), null)),
        v -> Json.MAPPER.createObjectNode().put("widthPx", v.widthPx()).put("heightPx", v.heightPx()));
  }

  /**
   * A moving clip: one blob, {@code clip}, the encoded video. Nothing is checked before it is
   * stored (it is paid for); the caller probes the stored blob and {@linkplain #drop drops} the
   * entry if it does not decode.
   *
   * @param key the clip's key ({@link CacheKeys#clip})
   * @param make calls the clip provider on a miss
   * @return the clip
   */
  public Cached<GeneratedClip> clip(String key,
      Supplier<GeneratedClip> make) {
    return getOrCreate("clip", key, make, Check.none(),
        e -> new GeneratedClip(blob(e, "clip"),
            e.blobs().get("clip").mediaType(), dev.storyreel.core.Usage.NONE),
        v -> List.of(new BlobOut("clip", v.mediaType().equals("video/webm") ? "webm" : "mp4",
            v.mediaType(), v.bytes(), null)),
        v -> Json.MAPPER.createObjectNode().put("mediaType", v.mediaType()));
  }

  /**
   * Removes an entry (its JSON; the blobs stay for inspection), so that the next lookup is a
   * miss: for an asset that was stored because it was paid for, then found unusable.
   *
   * @param kind the asset kind
   * @param key the asset's key
   */
  public void drop(String kind, String key) {
    String entryKey = entryKey(kind, key);
    storage.delete(entryKey);
    writtenThisRun.remove(entryKey);
  }

  /**
   * @param key the narration's key
   * @param make calls the speech provider on a miss
   * @return the narration, with the provider's word timings (possibly none)
   */
  public Cached<Narration> narration(String key, Supplier<Narration> make) {
    return narration(key, make, Check.none());
  }

  /**
   * @param key the narration's key
   * @param make calls the speech provider on a miss
   * @param check applied to the made narration before it is stored, and to a cached one
   * @return the narration, with the provider's word timings (possibly none)
   */
  public Cached<Narration> narration(String key, Supplier<Narration> make,
      Check<Narration> check) {
    return getOrCreate("narration", key, make, check,
        e -> {
          PcmAudio audio = PcmAudio.fromWav(new ByteArrayInputStream(blob(e, "audio")));
          return new Narration(audio, words(e.meta().path("words")));
        },
        v -> List.of(new BlobOut("audio", "wav", "audio/wav", v.audio().toWav(), null)),
        v -> Json.MAPPER.createObjectNode().set("words", words(v.words())));
  }

  /**
   * @param key the timings' key
   * @param make calls the aligner on a miss
   * @return the word timings
   */
  public Cached<List<WordTiming>> timings(String key, Supplier<List<WordTiming>> make) {
    return getOrCreate("timings", key, make, Check.none(),
        e -> words(e.meta().path("words")),
        v -> List.of(),
        v -> Json.MAPPER.createObjectNode().set("words", words(v)));
  }

  /**
   * Audio a provider wrote to a file: a music bed or a sound effect.
   *
   * @param file the WAV written, or {@code null} when read from the cache
   * @param duration its length
   * @param source where it came from, for the manifest
   * @param usage what making it consumed
   */
  public record MadeAudio(Path file, Duration duration, String source, dev.storyreel.core.Usage usage) {}

  /**
   * Stored audio: where its blob is, so a renderer can stream it from storage.
   *
   * @param ref the stored WAV blob
   * @param duration its length
   * @param source where it came from
   * @param use its cache key and whether it was a hit
   */
  public record StoredAudio(AssetRef ref, Duration duration, String source, Manifest.CacheUse use) {}

  /**
   * Looks a music bed or an effect up; on a miss {@code make} writes it to a file, which is
   * stored (once) as the entry's blob.
   *
   * @param kind {@code music} or {@code effect}
   * @param key the asset's key
   * @param make writes the WAV on a miss
   * @return where the stored WAV is
   */
  public StoredAudio audio(String kind, String key, Supplier<MadeAudio> make) {
    Cached<MadeAudio> c = getOrCreate(kind, key, make, Check.none(),
        e -> {
          AssetRef ref = e.blobs().get("audio");
          if (ref == null || storage.head(ref.key()).isEmpty()) {
            throw new CorruptEntry("entry " + key + " has no stored audio");
          }
          return new MadeAudio(null, Duration.ofNanos(e.meta().path("durationNanos").asLong()),
              e.meta().path("source").asText(), dev.storyreel.core.Usage.NONE);
        },
        v -> List.of(new BlobOut("audio", "wav", "audio/wav", null, v.file())),
        v -> Json.MAPPER.createObjectNode().put("durationNanos", v.duration().toNanos())
            .put("source", v.source()));
    Entry e = lookup(entryKey(kind, key)).orElseThrow(() -> new UncheckedIOException(
        new IOException("cache entry " + entryKey(kind, key) + " vanished after it was written")));
    return new StoredAudio(e.blobs().get("audio"), c.value().duration(), c.value().source(),
        c.use());
  }

  /**
   * A stored entry's blob, for publishing it under an output name with {@link Storage#copy}
   * (one copy of each blob: the output refers to the cache's).
   *
   * @param kind the asset kind
   * @param key the asset's key
   * @param name the blob's name in the entry, for example {@code image} or {@code audio}
   * @return the blob's reference
   * @throws UncheckedIOException if the entry or the blob is missing (it was just written: a
   *     concurrent deletion of the cache)
   */
  public AssetRef blob(String kind, String key, String name) {
    String entryKey = entryKey(kind, key);
    Entry e = lookup(entryKey).orElseThrow(() -> new UncheckedIOException(
        new IOException("cache entry " + entryKey + " is missing")));
    AssetRef ref = e.blobs().get(name);
    if (ref == null) {
      throw new UncheckedIOException(new IOException("cache entry " + entryKey + " has no "
          + name));
    }
    return ref;
  }

  /**
   * @param kind the asset kind
   * @param key the asset's key
   * @return every blob of a stored entry, by name; empty if there is no entry
   */
  public Map<String, AssetRef> blobs(String kind, String key) {
    return lookup(entryKey(kind, key)).map(Entry::blobs).map(Map::copyOf).orElse(Map.of());
  }

  /**
   * Looks a rendered video up; on a miss {@code make} renders into {@code out} and the file, the
   * thumbnail and any stems the renderer wrote are stored as the entry's blobs. Either way the
   * outputs are then published from the blobs ({@link #blob}), so the video is stored once.
   *
   * @param key the video's key
   * @param out the local file {@code make} renders into on a miss
   * @param make renders into {@code out} on a miss
   * @return the render facts and the thumbnail
   */
  public Cached<Video> video(String key, Path out, Supplier<RenderResult> make) {
    return getOrCreate("video", key,
        () -> {
          RenderResult r = make.get();
          return new Video(r, Pipeline.jpeg(r.thumbnail()));
        },
        Check.none(),
        e -> {
          AssetRef videoRef = e.blobs().get("video");
          Optional<AssetRef> stored = videoRef == null ? Optional.empty()
              : storage.head(videoRef.key());
          if (stored.isEmpty() || !stored.get().sha256().equals(videoRef.sha256())) {
            throw new CorruptEntry("video of entry " + key + " is missing or does not match"
                + " its SHA-256");
          }
          byte[] jpeg = blob(e, "thumbnail");
          BufferedImage thumb = ImageIO.read(new ByteArrayInputStream(jpeg));
          if (thumb == null) {
            throw new CorruptEntry("thumbnail of video entry " + key + " cannot be decoded");
          }
          JsonNode m = e.meta();
          AudioReport audio = new AudioReport(
              m.path("integratedLufs").isNumber() ? m.path("integratedLufs").asDouble() : Double.NaN,
              m.path("truePeakDbtp").isNumber() ? m.path("truePeakDbtp").asDouble() : Double.NaN,
              Map.of());
          return new Video(new RenderResult(m.path("frameCount").asLong(),
              Duration.ofNanos(m.path("durationNanos").asLong()), m.path("videoCodec").asText(),
              m.path("encoder").asText(), m.path("audioCodec").asText(), thumb, audio), jpeg);
        },
        v -> {
          List<BlobOut> b = new ArrayList<>();
          b.add(new BlobOut("video", "mp4", "video/mp4", null, out));
          b.add(new BlobOut("thumbnail", "jpg", "image/jpeg", v.thumbnailJpeg(), null));
          v.result().audio().stems().forEach((name, file) ->
              b.add(new BlobOut(STEM + name, "wav", "audio/wav", null, file)));
          return b;
        },
        v -> {
          ObjectNode m = Json.MAPPER.createObjectNode()
              .put("frameCount", v.result().frameCount())
              .put("durationNanos", v.result().duration().toNanos())
              .put("videoCodec", v.result().videoCodec())
              .put("encoder", v.result().encoder())
              .put("audioCodec", v.result().audioCodec());
          if (Double.isFinite(v.result().audio().integratedLufs())) {
            m.put("integratedLufs", v.result().audio().integratedLufs());
          }
          if (Double.isFinite(v.result().audio().truePeakDbtp())) {
            m.put("truePeakDbtp", v.result().audio().truePeakDbtp());
          }
          return m;
        });
  }

  /** The prefix of a video entry's stem blobs' names: {@value}, then the stem's file name. */
  public static final String STEM = "stem:";

  /**
   * The note of paid work in progress for one asset (see {@link PendingWork}), kept at {@code
   * cache/pending/<kind>/<hh>/<key>.json}. It is read whether or not cache reading is on: a
   * recorded prediction is work already paid for, and resuming it is never a stale answer.
   *
   * @param kind the asset kind, for example {@code image}
   * @param key the asset's cache key
   * @return the note; thread-safe
   */
  public PendingWork pending(String kind, String key) {
    String noteKey = "cache/pending/" + kind + "/" + key.substring(0, 2) + "/" + key + ".json";
    return new PendingWork() {
      @Override
      public Optional<String> recorded() {
        if (storage.head(noteKey).isEmpty()) {
          return Optional.empty();
        }
        try {
          JsonNode n = Json.MAPPER.readTree(storage.read(noteKey));
          String id = n.path("id").asText("");
          return id.isBlank() ? Optional.empty() : Optional.of(id);
        } catch (IOException | RuntimeException e) {
          LOG.warn("pending note {} is unreadable; ignored", noteKey);
          return Optional.empty();
        }
      }

      @Override
      public void record(String id) {
        Objects.requireNonNull(id, "id");
        if (id.isBlank()) {
          throw new IllegalArgumentException("id is blank");
        }
        ObjectNode n = Json.MAPPER.createObjectNode().put("version", CacheKeys.VERSION)
            .put("kind", kind).put("key", key).put("id", id);
        try {
          storage.put(noteKey, Json.MAPPER.writeValueAsBytes(n), "application/json");
        } catch (IOException e) {
          throw new UncheckedIOException("encoding pending note " + noteKey, e);
        }
      }

      @Override
      public void clear() {
        storage.delete(noteKey);
      }

      @Override
      public String toString() {
        return "PendingWork[" + noteKey + "]";
      }
    };
  }

  private <T> Cached<T> getOrCreate(
      String kind, String key, Supplier<T> make, Check<T> check, Decoder<T> decode,
      java.util.function.Function<T, List<BlobOut>> blobs,
      java.util.function.Function<T, JsonNode> meta) {
    String entryKey = entryKey(kind, key);
    if (read || writtenThisRun.contains(entryKey)) {
      Optional<Entry> found = lookup(entryKey);
      if (found.isPresent()) {
        try {
          T cached = decode.decode(found.get());
          try {
            check.check(cached);
          } catch (RuntimeException bad) {
            throw new CorruptEntry("it fails its check: " + bad.getMessage());
          }
          return new Cached<>(cached,
              new Manifest.CacheUse(key, !madeEarlier.containsKey(key)));
        } catch (CorruptEntry | IOException | RuntimeException e) {
          if (e instanceof RuntimeException r && !(r instanceof IllegalArgumentException)
              && !(r instanceof UncheckedIOException)) {
            throw r;
          }
          LOG.warn("cache entry {} is unusable ({}); making it again", entryKey, e.getMessage());
        }
      }
    }
    T value = make.get();
    check.check(value);
    Map<String, AssetRef> refs = new LinkedHashMap<>();
    for (BlobOut b : blobs.apply(value)) {
      String sha = b.bytes() != null ? sha256(b.bytes()) : sha256(b.file());
      String blobKey = "cache/" + kind + "/" + key.substring(0, 2) + "/" + key + "-"
          + sha.substring(0, 16) + "." + b.ext();
      AssetRef ref = b.bytes() != null
          ? storage.put(blobKey, b.bytes(), b.mediaType())
          : storage.put(blobKey, b.file(), b.mediaType());
      refs.put(b.name(), ref);
    }
    Entry e = new Entry(CacheKeys.VERSION, kind, key, refs, meta.apply(value));
    try {
      storage.put(entryKey, Json.MAPPER.writeValueAsBytes(e), "application/json");
    } catch (IOException ex) {
      throw new UncheckedIOException("encoding cache entry " + entryKey, ex);
    }
    writtenThisRun.add(entryKey);
    return new Cached<>(value, new Manifest.CacheUse(key, false));
  }

  private Optional<Entry> lookup(String entryKey) {
    if (storage.head(entryKey).isEmpty()) {
      return Optional.empty();
    }
    try {
      Entry e = Json.MAPPER.readValue(storage.read(entryKey), Entry.class);
      if (!CacheKeys.VERSION.equals(e.version()) || e.blobs() == null || e.meta() == null) {
        return Optional.empty();
      }
      return Optional.of(e);
    } catch (IOException ex) {
      LOG.warn("cache entry {} cannot be parsed; ignored", entryKey);
      return Optional.empty();
    }
  }

  private byte[] blob(Entry e, String name) throws CorruptEntry {
    AssetRef ref = e.blobs().get(name);
    if (ref == null) {
      throw new CorruptEntry("entry " + e.key() + " has no " + name);
    }
    if (storage.head(ref.key()).isEmpty()) {
      throw new CorruptEntry(ref.key() + " is missing");
    }
    byte[] bytes = storage.read(ref.key());
    if (!sha256(bytes).equals(ref.sha256())) {
      throw new CorruptEntry(ref.key() + " does not match its SHA-256");
    }
    return bytes;
  }



  private static JsonNode words(List<WordTiming> words) {
    var arr = Json.MAPPER.createArrayNode();
    for (WordTiming w : words) {
      ObjectNode o = arr.addObject();
      o.put("word", w.word()).put("startNanos", w.start().toNanos()).put("endNanos", w.end().toNanos());
    }
    return arr;
  }

  private static List<WordTiming> words(JsonNode arr) {
    List<WordTiming> out = new ArrayList<>();
    for (JsonNode o : arr) {
      out.add(new WordTiming(o.path("word").asText(), Duration.ofNanos(o.path("startNanos").asLong()),
          Duration.ofNanos(o.path("endNanos").asLong())));
    }
    return out;
  }

  /**
   * @param mediaType an image media type
   * @return the file extension for it
   */
  static String extension(String mediaType) {
    return switch (mediaType) {
      case "image/jpeg" -> "jpg";
      case "image/webp" -> "webp";
      default -> "png";
    };
  }

  static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(digest().digest(bytes));
  }

  static String sha256(Path file) {
    MessageDigest md = digest();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
      in.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + file, e);
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
