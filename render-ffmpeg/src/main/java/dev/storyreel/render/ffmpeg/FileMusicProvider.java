package dev.storyreel.render.ffmpeg;

import dev.storyreel.core.InvalidInputException;
import dev.storyreel.core.Mood;
import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.Usage;
import dev.storyreel.core.spi.GeneratedAudio;
import dev.storyreel.core.spi.MusicProvider;
import dev.storyreel.core.spi.MusicRequest;
import java.nio.Buffer;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameFilter;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameFilter;
import org.bytedeco.javacv.FrameGrabber;

/**
 * A {@link MusicProvider} named {@value #NAME} that makes beds from the user's own music: one
 * file, or a folder of files picked by mood.
 *
 * <p><b>Files.</b> Anything FFmpeg decodes (mp3, m4a, ogg, opus, flac, wav...). A folder is read
 * once, when the provider is built: its audio files (by extension: mp3, m4a, aac, mp4, ogg, oga,
 * opus, flac, wav, wave, aif, aiff, caf, wma, mka, webm; other files such as a cover image are
 * ignored; not its sub-folders, not hidden files) are each checked to decode
 * (open, an audio stream, a positive duration, first frames decode, and audio one second before
 * the declared end), so a corrupt, truncated or non-audio file is an {@link
 * InvalidInputException} before anything is paid for.
 *
 * <p><b>Moods.</b> In a folder a file is tagged with a mood when the mood's {@linkplain Mood#id()
 * id} is one of the words of its name (words: runs of letters and digits, case ignored), so
 * {@code dread-1.mp3}, {@code Calm_Piano.ogg} and {@code wonder and sorrow.flac} are tagged,
 * {@code dreadful.mp3} is not. A mood is served by the files tagged with it; if there are none, by
 * the untagged files, which serve any mood; if there are none of those either, the mood cannot be
 * served and {@link #preflight(Set)} and {@link #compose} throw an {@link InvalidInputException}
 * that lists what the folder holds. A single file serves every mood whatever its name. Among
 * several candidates the request's seed chooses, deterministically: the same folder, mood and seed
 * always give the same file.
 *
 * <p><b>The bed.</b> Decoded and resampled to 48 kHz stereo 16-bit by the grabber (a mono
 * file goes to both channels at libswresample's centre mix level, -3 dB), streamed in
 * chunks (memory stays at a few hundred kilobytes whatever the file's or the bed's length), looped
 * while the bed is longer than the file (each loop point an equal-power crossfade, FFmpeg's
 * {@code acrossfade} with {@code qsin} curves, of the file's last {@link Builder#crossfade} with
 * its first), cut at exactly the requested number of samples, faded in and out with {@code afade}
 * (each fade at most a quarter of the bed), and written as WAV to {@code request.output()}.
 *
 * <p>Example: {@code MusicProvider music = FileMusicProvider.builder().path(Path.of("music"))
 * .build();}
 *
 * <p>Immutable and thread-safe: every call opens its own decoders and filters.
 */
public final class FileMusicProvider implements MusicProvider {

  /** The provider's name, {@value}. */
  public static final String NAME = "file";

  /** The setting naming a music file or folder, {@value}. */
  public static final String PATH_SETTING = "music.path";

  static final String WHAT = "Music file";

  /** Longest fade or crossfade accepted by the builder: 30 seconds. */
  static final Duration MAX_FADE = Duration.ofSeconds(30);

  private final Path path;
  private final boolean folder;
  private final List<Path> files;
  private final Map<Path, Set<Mood>> tags;
  private final Map<Path, Duration> durations;
  private final Duration fade;
  private final Duration crossfade;

  private FileMusicProvider(Builder b, List<Path> files, Map<Path, Duration> durations) {
    this.path = b.path;
    this.folder = Files.isDirectory(b.path);
    this.files = List.copyOf(files);
    this.durations = Map.copyOf(durations);
    Map<Path, Set<Mood>> t = new TreeMap<>();
    for (Path f : files) {
      t.put(f, folder ? moodsOf(f) : EnumSet.allOf(Mood.class));
    }
    this.tags = Map.copyOf(t);
    this.fade = b.fade;
    this.crossfade = b.crossfade;
  }

  /** @return a builder with the defaults: no path, fades of 1 s, loop crossfades of 2 s */
  public static Builder builder() {
    return new Builder();
  }

  /** @return {@value #NAME} */
  @Override
  public String name() {
    return NAME;
  }

  /** @return {@code "user-files"}: the music is the user's, FFmpeg only converts it */
  @Override
  public String model() {
    return "user-files";
  }

  /** @return 2: decoding is CPU-bound, and each call decodes one file */
  @Override
  public int maxConcurrency() {
    return 2;
  }

  /**
   * @return the name, the fade and crossfade lengths, and each candidate file's name, size and
   *     SHA-256 (so that replacing or editing a file gives new cache keys); never the folder's
   *     absolute path
   * @throws InvalidInputException if a file can no longer be read
   */
  @Override
  public String fingerprint() {
    return NAME + "/" + model() + "/fade=" + fade.toMillis() + "ms/crossfade="
        + crossfade.toMillis() + "ms/" + AudioFiles.fingerprint(files);
  }

  /**
   * Checks, before any paid work, that every mood the story uses can be served, and that the
   * files that may serve them still decode.
   *
   * @param moods the moods the job's segments and story use; never {@code null}
   * @throws InvalidInputException naming the first mood no file serves, and listing the folder's
   *     files with their tags
   */
  @Override
  public void preflight(Set<Mood> moods) {
    Objects.requireNonNull(moods, "moods");
    Set<Path> used = new TreeSet<>();
    for (Mood m : moods) {
      used.addAll(candidates(m));
    }
    // The files were checked when the provider was built; check again those this job may use,
    // in case one changed since.
    for (Path f : used) {
      AudioFiles.probe(f, WHAT);
    }
  }

  /**
   * The files that serve a mood: those tagged with it, else the untagged ones.
   *
   * @param mood a mood; never {@code null}
   * @return the candidates, sorted by path; never empty
   * @throws InvalidInputException if no file serves the mood
   */
  List<Path> candidates(Mood mood) {
    List<Path> tagged = new ArrayList<>();
    List<Path> untagged = new ArrayList<>();
    for (Path f : files) {
      Set<Mood> t = tags.get(f);
      if (t.contains(mood)) {
        tagged.add(f);
      } else if (t.isEmpty()) {
        untagged.add(f);
      }
    }
    if (!tagged.isEmpty()) {
      return tagged;
    }
    if (!untagged.isEmpty()) {
      return untagged;
    }
    String held = files.stream()
        .map(f -> f.getFileName() + " (" + tags.get(f).stream().map(Mood::id)
            .collect(Collectors.joining(", ")) + ")")
        .collect(Collectors.joining(", "));
    throw new InvalidInputException("No music in " + PATH_SETTING + "=" + path + " fits the mood '"
        + mood.id() + "': its files are all tagged with other moods: " + held + ". Add a file"
        + " whose name has the word '" + mood.id() + "' (for example " + mood.id() + "-1.mp3),"
        + " or a file whose name names no mood, which serves any mood.");
  }

  /**
   * Picks the file for a mood and seed.
   *
   * @param mood the mood
   * @param seed the request's seed
   * @return one of {@link #candidates(Mood)}, the same for the same mood and seed
   */
  Path pick(Mood mood, long seed) {
    List<Path> c = candidates(mood);
    return c.get(new SplittableRandom(seed).nextInt(c.size()));
  }

  /**
   * Writes a bed of exactly {@code round(duration * 48000)} sample frames (48 kHz stereo 16-bit
   * WAV) from the file picked for the request's mood and seed.
   *
   * @param request what to make; never {@code null}
   * @return the bed's duration and, as its source, {@code file:} and the file's name
   * @throws InvalidInputException if no file serves the mood, or the file no longer decodes
   * @throws NonRetriableException if the WAV file cannot be written or FFmpeg's filters fail
   */
  @Override
  public GeneratedAudio compose(MusicRequest request) {
    Objects.requireNonNull(request, "request");
    FfmpegNatives.requireLoaded();
    Path file = pick(request.mood(), request.seed());
    long total = AudioFiles.frames(request.duration());
    if (total <= 0) {
      throw new InvalidInputException("Music bed of " + request.duration() + " is shorter than one"
          + " sample at 48 kHz.");
    }
    long fadeFrames = Math.min(AudioFiles.frames(fade), total / 4);
    long fileFrames = AudioFiles.frames(durations.get(file));
    int loopFrames = (int) Math.min(AudioFiles.frames(crossfade), fileFrames / 3);
    try (AudioFiles.WavWriter out = new AudioFiles.WavWriter(request.output());
        Emitter emitter = new Emitter(out, total, fadeFrames)) {
      Tail tail = new Tail(loopFrames * AudioFiles.CHANNELS);
      ShortBuffer carry = null;
      int passes = 0;
      while (!emitter.done()) {
        try (FFmpegFrameGrabber g = AudioFiles.decoder(file)) {
          AudioFiles.start(g, file, WHAT);
          passes++;
          long decoded = 0;
          if (passes > 1) {
            ShortBuffer end = tail.drain();
            ShortBuffer head = read(g, file, end.remaining());
            decoded += head.remaining();
            crossfade(emitter, end, head);
            carry = head; // what the crossfade left of the head
          }
          if (carry != null) {
            tail.push(carry, emitter);
            carry = null;
          }
          Frame f;
          while (!emitter.done() && (f = AudioFiles.grab(g, file, WHAT)) != null) {
            if (f.samples != null) {
              ShortBuffer s = (ShortBuffer) f.samples[0];
              decoded += s.remaining();
              tail.push(s, emitter);
            }
          }
          if (decoded == 0) {
            throw new InvalidInputException(WHAT + " " + file + " decoded to no audio at all."
                + " Replace it with a working audio file.");
          }
        } catch (FrameGrabber.Exception e) {
          throw new InvalidInputException(WHAT + " " + file + " could not be closed after"
              + " decoding (" + e.getMessage() + ").", e);
        }
        if (!emitter.done() && emitter.remaining() <= tail.frames()) {
          emitter.emit(tail.drain());
        }
      }
    }
    return new GeneratedAudio(AudioFiles.duration(total), "file:" + file.getFileName(),
        Usage.NONE);
  }

  /** Reads up to {@code shorts} samples from the start of a pass; anything more stays after. */
  private static ShortBuffer read(FFmpegFrameGrabber g, Path file, int shorts) {
    ShortBuffer acc = ShortBuffer.allocate(Math.max(shorts, 1) + 16_384);
    Frame f;
    while (acc.position() < shorts && (f = AudioFiles.grab(g, file, WHAT)) != null) {
      if (f.samples != null) {
        ShortBuffer s = (ShortBuffer) f.samples[0];
        if (acc.remaining() < s.remaining()) {
          ShortBuffer bigger = ShortBuffer.allocate(acc.capacity() + s.remaining());
          acc.flip();
          bigger.put(acc);
          acc = bigger;
        }
        acc.put(s);
      }
    }
    acc.flip();
    return acc;
  }

  /**
   * Emits the end of one pass crossfaded into the head of the next; leaves in {@code head} what
   * follows the crossfade.
   */
  private static void crossfade(Emitter emitter, ShortBuffer end, ShortBuffer head) {
    int n = Math.min(end.remaining(), head.remaining()) / AudioFiles.CHANNELS;
    // Whatever of the tail cannot be matched by the head (a file shorter than its declared
    // length) is played as it is.
    int plain = end.remaining() - n * AudioFiles.CHANNELS;
    if (plain > 0) {
      emitter.emit(slice(end, end.position(), plain));
      end.position(end.position() + plain);
    }
    if (n == 0) {
      return;
    }
    ShortBuffer a = slice(end, end.position(), n * AudioFiles.CHANNELS);
    ShortBuffer b = slice(head, head.position(), n * AudioFiles.CHANNELS);
    head.position(head.position() + n * AudioFiles.CHANNELS);
    String graph = "[0:a][1:a]acrossfade=ns=" + n + ":c1=qsin:c2=qsin,"
        + "aformat=sample_fmts=s16:channel_layouts=stereo[a]";
    try (FFmpegFrameFilter x = new FFmpegFrameFilter(graph, AudioFiles.CHANNELS)) {
      x.setAudioInputs(2);
      x.setSampleRate(AudioFiles.SAMPLE_RATE_HZ);
      x.setSampleFormat(avutil.AV_SAMPLE_FMT_S16);
      x.start();
      x.pushSamples(0, AudioFiles.CHANNELS, AudioFiles.SAMPLE_RATE_HZ, avutil.AV_SAMPLE_FMT_S16,
          new Buffer[] {a});
      x.pushSamples(1, AudioFiles.CHANNELS, AudioFiles.SAMPLE_RATE_HZ, avutil.AV_SAMPLE_FMT_S16,
          new Buffer[] {b});
      x.push(0, null);
      x.push(1, null);
      Frame o;
      while ((o = x.pullSamples()) != null) {
        emitter.emit((ShortBuffer) o.samples[0]);
      }
    } catch (FrameFilter.Exception e) {
      throw filterFailed("acrossfade", e);
    }
  }

  /** @return a copy of {@code len} samples from {@code from}, as a buffer at position 0 */
  private static ShortBuffer slice(ShortBuffer src, int from, int len) {
    short[] out = new short[len];
    src.duplicate().position(from).get(out, 0, len);
    return ShortBuffer.wrap(out);
  }

  private static NonRetriableException filterFailed(String filter, Exception e) {
    return new NonRetriableException("FFmpeg's " + filter + " filter failed while making a music"
        + " bed (" + e.getMessage() + "). This is a bug or a broken FFmpeg build: report it with"
        + " the music file attached.", e);
  }

  private static Set<Mood> moodsOf(Path file) {
    Set<Mood> out = EnumSet.noneOf(Mood.class);
    List<String> words = AudioFiles.words(file.getFileName().toString());
    for (Mood m : Mood.values()) {
      if (words.contains(m.id())) {
        out.add(m);
      }
    }
    return out;
  }

  /**
   * The last samples decoded, held back so that they can be crossfaded into the next pass;
   * whatever is pushed beyond its capacity goes to the emitter, oldest first.
   */
  private static final class Tail {
    private final short[] ring;
    private int start;
    private int size;

    Tail(int capacityShorts) {
      ring = new short[capacityShorts];
    }

    int frames() {
      return size / AudioFiles.CHANNELS;
    }

    void push(ShortBuffer in, Emitter emitter) {
      ShortBuffer src = in.duplicate();
      if (ring.length == 0) {
        emitter.emit(src);
        return;
      }
      while (src.hasRemaining() && !emitter.done()) {
        int free = ring.length - size;
        if (free == 0) {
          // Full: the oldest samples are no longer a candidate for the crossfade.
          int n = Math.min(size, Math.max(src.remaining(), AudioFiles.CHANNELS));
          emitter.emit(take(n));
          continue;
        }
        int n = Math.min(free, src.remaining());
        for (int i = 0; i < n; i++) {
          ring[(start + size + i) % ring.length] = src.get();
        }
        size += n;
      }
    }

    private ShortBuffer take(int n) {
      short[] out = new short[n];
      for (int i = 0; i < n; i++) {
        out[i] = ring[(start + i) % ring.length];
      }
      start = (start + n) % ring.length;
      size -= n;
      return ShortBuffer.wrap(out);
    }

    ShortBuffer drain() {
      return size == 0 ? ShortBuffer.allocate(0) : take(size);
    }
  }

  /**
   * Sends samples through the fade filter to the WAV writer, stopping at exactly the bed's
   * length.
   */
  private static final class Emitter implements AutoCloseable {
    private final AudioFiles.WavWriter out;
    private final long total;
    private final FFmpegFrameFilter fader;
    private long pushed;

    Emitter(AudioFiles.WavWriter out, long total, long fadeFrames) {
      this.out = out;
      this.total = total;
      String graph = fadeFrames > 0
          ? "afade=t=in:ss=0:ns=" + fadeFrames + ",afade=t=out:ss=" + (total - fadeFrames)
              + ":ns=" + fadeFrames + ","
          : "";
      fader = new FFmpegFrameFilter(graph + "aformat=sample_fmts=s16:channel_layouts=stereo",
          AudioFiles.CHANNELS);
      fader.setSampleRate(AudioFiles.SAMPLE_RATE_HZ);
      fader.setSampleFormat(avutil.AV_SAMPLE_FMT_S16);
      try {
        fader.start();
      } catch (FrameFilter.Exception e) {
        throw filterFailed("afade", e);
      }
    }

    boolean done() {
      return pushed >= total;
    }

    long remaining() {
      return total - pushed;
    }

    /** Emits samples (interleaved stereo), as many as the bed still needs. */
    void emit(ShortBuffer samples) {
      long frames = Math.min(samples.remaining() / AudioFiles.CHANNELS, remaining());
      if (frames <= 0) {
        return;
      }
      ShortBuffer chunk = slice(samples, samples.position(),
          (int) frames * AudioFiles.CHANNELS);
      try {
        fader.pushSamples(0, AudioFiles.CHANNELS, AudioFiles.SAMPLE_RATE_HZ,
            avutil.AV_SAMPLE_FMT_S16, new Buffer[] {chunk});
        pushed += frames;
        if (done()) {
          fader.push(0, null);
        }
        drain();
      } catch (FrameFilter.Exception e) {
        throw filterFailed("afade", e);
      }
    }

    private void drain() throws FrameFilter.Exception {
      Frame o;
      while ((o = fader.pullSamples()) != null) {
        out.write((ShortBuffer) o.samples[0]);
      }
    }

    @Override
    public void close() {
      try {
        fader.close();
      } catch (FrameFilter.Exception e) {
        throw filterFailed("afade", e);
      }
    }
  }

  /**
   * Builds a {@link FileMusicProvider}; not thread-safe. {@link #build()} checks the files.
   */
  public static final class Builder {
    private Path path;
    private Duration fade = Duration.ofSeconds(1);
    private Duration crossfade = Duration.ofSeconds(2);

    private Builder() {}

    /**
     * @param path a music file, or a folder of music files tagged by mood; required
     * @return this builder
     */
    public Builder path(Path path) {
      this.path = Objects.requireNonNull(path, "path");
      return this;
    }

    /**
     * @param fade the length of the fade-in at the bed's start and of the fade-out at its end,
     *     0..30 s (each at most a quarter of the bed whatever this says); 1 s by default
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder fade(Duration fade) {
      this.fade = checkFade("fade", fade);
      return this;
    }

    /**
     * @param crossfade the length of the crossfade at each loop point when a bed is longer than
     *     its file, 0..30 s (at most a third of the file whatever this says; 0 splices the file
     *     end to end); 2 s by default
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder crossfade(Duration crossfade) {
      this.crossfade = checkFade("crossfade", crossfade);
      return this;
    }

    private static Duration checkFade(String what, Duration d) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.compareTo(MAX_FADE) > 0) {
        throw new IllegalArgumentException(what + " must be 0..30 s, was " + d);
      }
      return d;
    }

    /**
     * Reads the folder (or the file) and checks that every audio file in it decodes.
     *
     * @return the provider
     * @throws IllegalStateException if no path was given
     * @throws InvalidInputException if the path does not exist or cannot be read, a folder holds
     *     no audio file, or a file is not decodable audio (the message names the file and what is
     *     wrong)
     * @throws dev.storyreel.core.ConfigurationException if FFmpeg's natives cannot be loaded
     */
    public FileMusicProvider build() {
      if (path == null) {
        throw new IllegalStateException("path is required");
      }
      AudioFiles.requireReadable(path, PATH_SETTING);
      List<Path> files;
      if (Files.isDirectory(path)) {
        files = AudioFiles.listAudio(path, PATH_SETTING);
        if (files.isEmpty()) {
          throw new InvalidInputException(PATH_SETTING + "=" + path + " holds no audio file"
              + " (looked for " + String.join(", ", AudioFiles.EXTENSIONS.stream().sorted()
                  .toList()) + "). Add music files, named by mood, for example dread-1.mp3 or"
              + " calm_piano.ogg.");
        }
      } else {
        files = List.of(path);
      }
      Map<Path, Duration> durations = new TreeMap<>();
      for (Path f : files) {
        durations.put(f, AudioFiles.probe(f, WHAT).duration());
      }
      return new FileMusicProvider(this, files, durations);
    }
  }

  @Override
  public String toString() {
    return "FileMusicProvider[" + path + ", " + files.size() + " file(s)]";
  }
}
