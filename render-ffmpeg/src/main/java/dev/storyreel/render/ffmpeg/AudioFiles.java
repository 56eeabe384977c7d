package dev.storyreel.render.ffmpeg;

import dev.storyreel.core.InvalidInputException;
import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.StoryReelException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.FrameRecorder;

/**
 * What {@link FileMusicProvider} and {@link FolderSoundEffectProvider} share: which files of a
 * folder are audio, the words of a file name, checking that a file decodes, decoding it as 48 kHz
 * stereo 16-bit PCM in chunks, writing WAV, and a content fingerprint.
 *
 * <p>All audio goes through javacv: {@link FFmpegFrameGrabber} decodes and resamples (its
 * libswresample conversion, asked for with {@code setSampleRate}, {@code setAudioChannels} and
 * {@link FrameGrabber.SampleMode#SHORT}), {@link FFmpegFrameRecorder} writes {@code pcm_s16le}
 * in a WAV container with {@code +bitexact} (no encoder tag, so the bytes depend on the audio
 * only).
 *
 * <p>Stateless apart from the fingerprint memo; thread-safe.
 */
final class AudioFiles {

  /** The sample rate every file is converted to, in Hz. */
  static final int SAMPLE_RATE_HZ = 48_000;

  /** The channel count every file is converted to (stereo, interleaved left, right). */
  static final int CHANNELS = 2;

  /**
   * File name extensions (lower case, without the dot) taken as audio in a folder; other files
   * (cover images, text files) are ignored there. A file named explicitly is checked whatever its
   * extension.
   */
  static final Set<String> EXTENSIONS =
      Set.of("mp3", "m4a", "aac", "mp4", "ogg", "oga", "opus", "flac", "wav", "wave", "aif",
          "aiff", "caf", "wma", "mka", "webm");

  /** How many decoded frames a probe reads at the start before it gives up finding audio. */
  private static final int PROBE_GRABS = 64;

  /** How far before its declared end a probe looks for audio, in microseconds. */
  private static final long PROBE_TAIL_MICROS = 1_000_000L;

  /** Content hashes by file, reused while the file's size and modification time stay the same. */
  private static final Map<Path, Hashed> HASHES = new ConcurrentHashMap<>();

  private AudioFiles() {}

  /**
   * What a probe found.
   *
   * @param duration the length the container declares (or FFmpeg estimates); positive
   * @param codec the audio decoder's name, for example {@code mp3float}
   */
  record Probe(Duration duration, String codec) {}

  private record Hashed(long sizeBytes, long modifiedMillis, String sha256) {}

  /**
   * Lists the audio files of a folder (not its sub-folders): regular files whose extension is in
   * {@link #EXTENSIONS} and whose name does not start with a dot (hidden files, macOS {@code ._}
   * resource forks).
   *
   * @param folder the folder; never {@code null}
   * @param setting the setting that named it, for messages (for example {@code sfx.path})
   * @return the files, sorted by name; possibly empty
   * @throws InvalidInputException if the folder does not exist, is not a folder or cannot be read
   */
  static List<Path> listAudio(Path folder, String setting) {
    requireReadable(folder, setting);
    if (!Files.isDirectory(folder)) {
      throw new InvalidInputException(setting + "=" + folder + " is not a folder. Point it at a"
          + " folder of audio files.");
    }
    try (Stream<Path> s = Files.list(folder)) {
      return s.filter(Files::isRegularFile)
          .filter(p -> !p.getFileName().toString().startsWith("."))
          .filter(p -> EXTENSIONS.contains(extension(p)))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new InvalidInputException(setting + "=" + folder + " cannot be listed ("
          + e.getMessage() + "). Check that the folder exists and is readable.", e);
    }
  }

  /**
   * @param path a file or folder
   * @param setting the setting that named it, for messages
   * @throws InvalidInputException if it does not exist or cannot be read
   */
  static void requireReadable(Path path, String setting) {
    if (!Files.exists(path)) {
      throw new InvalidInputException(setting + "=" + path + " does not exist. Check the path"
          + " (relative paths are resolved against " + Path.of("").toAbsolutePath() + ").");
    }
    if (!Files.isReadable(path)) {
      throw new InvalidInputException(setting + "=" + path + " cannot be read: check its"
          + " permissions.");
    }
  }

  /**
   * @param file a path
   * @return its extension in lower case without the dot, or "" if it has none
   */
  static String extension(Path file) {
    String n = file.getFileName().toString();
    int dot = n.lastIndexOf('.');
    return dot <= 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  /**
   * The words of a file name, used as its tags: the name without its extension, lower-cased and
   * split at every character that is not a letter or a digit. {@code "Dread_Cello-2.mp3"} gives
   * {@code [dread, cello, 2]}.
   *
   * @param fileName a file name; never {@code null}
   * @return its words in order, duplicates kept; possibly empty
   */
  static List<String> words(String fileName) {
    int dot = fileName.lastIndexOf('.');
    String base = dot > 0 ? fileName.substring(0, dot) : fileName;
    return splitWords(base);
  }

  /**
   * @param text any text
   * @return its words: runs of letters and digits, lower-cased, in order
   */
  static List<String> splitWords(String text) {
    List<String> out = new ArrayList<>();
    for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
      if (!w.isEmpty()) {
        out.add(w);
      }
    }
    return out;
  }

  /**
   * Checks that a file is audio FFmpeg can decode: it opens, has an audio stream, declares a
   * positive duration, its first frames decode to samples, and it still decodes one second before
   * the end it declares (an MP3 with a Xing header, or an M4A, whose end is missing fails there);
   * a WAV file must hold the bytes its RIFF header declares.
   *
   * @param file the file; never {@code null}
   * @param what how to name it in a message, for example {@code "Music file"}
   * @return what was found
   * @throws InvalidInputException naming the file and what is wrong with it
   */
  static Probe probe(Path file, String what) {
    FfmpegNatives.requireLoaded();
    if (!Files.isRegularFile(file)) {
      throw new InvalidInputException(what + " " + file + " is not a regular file.");
    }
    if (!Files.isReadable(file)) {
      throw new InvalidInputException(what + " " + file + " cannot be read: check its"
          + " permissions.");
    }
    String fix = " Use an audio file FFmpeg can decode (mp3, m4a, ogg, flac or wav), or remove"
        + " it.";
    checkRiffSize(file, what, fix);
    try (FFmpegFrameGrabber g = decoder(file)) {
      try {
        g.start();
      } catch (FrameGrabber.Exception e) {
        throw new InvalidInputException(what + " " + file + " is not a media file FFmpeg can"
            + " open (it is corrupt, truncated or not audio)." + fix, e);
      }
      if (!g.hasAudio() || g.getAudioStream() < 0) {
        throw new InvalidInputException(what + " " + file + " has no audio stream"
            + (g.hasVideo() ? " (it is an image or a video without sound)." : ".") + fix);
      }
      long lengthMicros = g.getLengthInTime();
      if (lengthMicros <= 0) {
        throw new InvalidInputException(what + " " + file + " declares no duration: it is"
            + " empty, truncated or a stream FFmpeg cannot measure." + fix);
      }
      if (!decodesSamples(g)) {
        throw new InvalidInputException(what + " " + file + " has an audio stream but its first"
            + " frames do not decode: it is corrupt or truncated." + fix);
      }
      if (lengthMicros > 2 * PROBE_TAIL_MICROS) {
        boolean tail;
        try {
          g.setAudioTimestamp(lengthMicros - PROBE_TAIL_MICROS);
          tail = decodesSamples(g);
        } catch (FrameGrabber.Exception e) {
          tail = false;
        }
        if (!tail) {
          throw new InvalidInputException(what + " " + file + " declares "
              + seconds(lengthMicros) + " s of audio but none decodes in its last second: it"
              + " is truncated or damaged." + fix);
        }
      }
      return new Probe(Duration.ofNanos(lengthMicros * 1000), g.getAudioCodecName());
    } catch (FrameGrabber.Exception e) {
      throw new InvalidInputException(what + " " + file + " could not be read by FFmpeg ("
          + e.getMessage() + ")." + fix, e);
    }
  }

  /**
   * FFmpeg plays a RIFF file (WAV, AIFF-C aside) cut short as a shorter one, so its declared size
   * is compared with the file's here, as {@link dev.storyreel.core.PcmAudio#fromWav} does: a
   * RIFF size over the bytes present (one pad byte tolerated) means the file was truncated. The
   * streaming sizes {@code 0} and {@code 0xFFFFFFFF} declare no length and pass.
   */
  private static void checkRiffSize(Path file, String what, String fix) {
    byte[] head = new byte[12];
    long size;
    try (InputStream in = Files.newInputStream(file)) {
      if (in.readNBytes(head, 0, 12) < 12) {
        return;
      }
      size = Files.size(file);
    } catch (IOException e) {
      throw new InvalidInputException(what + " " + file + " cannot be read (" + e.getMessage()
          + "). Check that it exists and is readable.", e);
    }
    ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
    if (b.getInt(0) != 0x46464952 || b.getInt(8) != 0x45564157) { // "RIFF", "WAVE"
      return;
    }
    long declared = 8 + Integer.toUnsignedLong(b.getInt(4));
    if (declared != 8 && declared != 8 + 0xFFFF_FFFFL && declared > size + 1) {
      throw new InvalidInputException(what + " " + file + " is truncated: its WAV header"
          + " declares " + declared + " bytes but the file has " + size + "." + fix);
    }
  }

  private static boolean decodesSamples(FFmpegFrameGrabber g) {
    for (int i = 0; i < PROBE_GRABS; i++) {
      Frame f;
      try {
        f = g.grabSamples();
      } catch (FrameGrabber.Exception e) {
        return false;
      }
      if (f == null) {
        return false;
      }
      if (f.samples != null && f.samples[0].remaining() > 0) {
        return true;
      }
    }
    return false;
  }

  private static String seconds(long micros) {
    return String.format(Locale.ROOT, "%.1f", micros / 1e6);
  }

  /**
   * @param file an audio file
   * @return a grabber, not yet started, that hands out 48 kHz stereo interleaved 16-bit samples;
   *     the caller closes it
   */
  static FFmpegFrameGrabber decoder(Path file) {
    FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile());
    g.setSampleRate(SAMPLE_RATE_HZ);
    g.setAudioChannels(CHANNELS);
    g.setSampleMode(FrameGrabber.SampleMode.SHORT);
    return g;
  }

  /**
   * @param d a duration
   * @return the number of 48 kHz sample frames it spans, rounded to the nearest
   */
  static long frames(Duration d) {
    return Math.round(d.toNanos() * (SAMPLE_RATE_HZ / 1e9));
  }

  /**
   * @param frames a number of 48 kHz sample frames
   * @return how long they last, to the nanosecond
   */
  static Duration duration(long frames) {
    return Duration.ofNanos(Math.round(frames * (1e9 / SAMPLE_RATE_HZ)));
  }

  /**
   * A content fingerprint of files: each one's name, size in bytes and SHA-256, so that a file
   * renamed, replaced or edited gives a different string. Hashes are kept while a file's size and
   * modification time stay the same, so calling this often reads each file once.
   *
   * @param files the files; never {@code null}
   * @return {@code name:size:sha256} per file, joined with {@code ;}
   * @throws InvalidInputException if a file can no longer be read
   */
  static String fingerprint(List<Path> files) {
    StringBuilder sb = new StringBuilder();
    for (Path f : files) {
      Hashed h = hash(f);
      if (sb.length() > 0) {
        sb.append(';');
      }
      sb.append(f.getFileName()).append(':').append(h.sizeBytes()).append(':').append(h.sha256());
    }
    return sb.toString();
  }

  private static Hashed hash(Path file) {
    try {
      long size = Files.size(file);
      long modified = Files.getLastModifiedTime(file).toMillis();
      Hashed known = HASHES.get(file.toAbsolutePath());
      if (known != null && known.sizeBytes() == size && known.modifiedMillis() == modified) {
        return known;
      }
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
        in.transferTo(OutputStream.nullOutputStream());
      }
      Hashed h = new Hashed(size, modified, HexFormat.of().formatHex(md.digest()));
      HASHES.put(file.toAbsolutePath(), h);
      return h;
    } catch (IOException e) {
      throw new InvalidInputException("Audio file " + file + " can no longer be read ("
          + e.getMessage() + "). Check that it still exists and is readable.", e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /**
   * Decodes a whole file to a WAV file, chunk by chunk (memory does not grow with its length).
   *
   * @param in the audio file
   * @param out the WAV file to write (48 kHz, stereo, 16-bit PCM)
   * @param what how to name the file in a message
   * @return the number of sample frames written
   * @throws InvalidInputException if the file stops decoding or decodes to nothing
   * @throws StoryReelException if the WAV file cannot be written
   */
  static long decodeToWav(Path in, Path out, String what) {
    FfmpegNatives.requireLoaded();
    try (FFmpegFrameGrabber g = decoder(in); WavWriter w = new WavWriter(out)) {
      start(g, in, what);
      Frame f;
      while ((f = grab(g, in, what)) != null) {
        if (f.samples != null) {
          w.write((ShortBuffer) f.samples[0]);
        }
      }
      if (w.framesWritten() == 0) {
        throw new InvalidInputException(what + " " + in + " decoded to no audio at all. Replace"
            + " it with a working audio file.");
      }
      return w.framesWritten();
    } catch (FrameGrabber.Exception e) {
      throw new InvalidInputException(what + " " + in + " could not be closed after decoding ("
          + e.getMessage() + ").", e);
    }
  }

  /**
   * @throws InvalidInputException if the grabber does not start
   */
  static void start(FFmpegFrameGrabber g, Path file, String what) {
    try {
      g.start();
    } catch (FrameGrabber.Exception e) {
      throw new InvalidInputException(what + " " + file + " no longer opens in FFmpeg (it changed"
          + " since it was checked?). Replace it with a working audio file.", e);
    }
  }

  /**
   * @return the next decoded frame, or {@code null} at the end
   * @throws InvalidInputException if decoding fails
   */
  static Frame grab(FFmpegFrameGrabber g, Path file, String what) {
    try {
      return g.grabSamples();
    } catch (FrameGrabber.Exception e) {
      throw new InvalidInputException(what + " " + file + " stopped decoding at "
          + seconds(g.getTimestamp()) + " s: it is damaged. Replace it with a working audio"
          + " file.", e);
    }
  }

  /** @return a message-friendly list of file names */
  static String names(List<Path> files) {
    Set<String> n = new LinkedHashSet<>();
    for (Path p : files) {
      n.add(p.getFileName().toString());
    }
    return String.join(", ", n);
  }

  /**
   * Writes 48 kHz stereo 16-bit PCM to a WAV file through {@link FFmpegFrameRecorder}, counting
   * the frames written. Not thread-safe: one writer per output, used by one thread.
   */
  static final class WavWriter implements AutoCloseable {
    private final FFmpegFrameRecorder recorder;
    private final Path file;
    private long frames;
    private boolean closed;

    /**
     * @param file the WAV file to write; replaced if it exists
     * @throws StoryReelException if it cannot be opened
     */
    WavWriter(Path file) {
      this.file = file;
      recorder = new FFmpegFrameRecorder(file.toFile(), CHANNELS);
      recorder.setFormat("wav");
      recorder.setAudioCodec(avcodec.AV_CODEC_ID_PCM_S16LE);
      recorder.setSampleFormat(avutil.AV_SAMPLE_FMT_S16);
      recorder.setSampleRate(SAMPLE_RATE_HZ);
      recorder.setAudioChannels(CHANNELS);
      recorder.setOption("fflags", "+bitexact");
      try {
        recorder.start();
      } catch (FrameRecorder.Exception e) {
        throw writeFailed(e);
      }
    }

    /**
     * @param interleaved samples, left and right interleaved, from its position to its limit;
     *     not kept
     */
    void write(ShortBuffer interleaved) {
      int n = interleaved.remaining();
      if (n == 0) {
        return;
      }
      try {
        recorder.recordSamples(SAMPLE_RATE_HZ, CHANNELS, new Buffer[] {interleaved});
      } catch (FrameRecorder.Exception e) {
        throw writeFailed(e);
      }
      frames += n / CHANNELS;
    }

    /** @return sample frames written so far */
    long framesWritten() {
      return frames;
    }

    private StoryReelException writeFailed(Exception e) {
      return new NonRetriableException("Could not write the WAV file " + file
          + " (" + e.getMessage() + "). Check that its folder exists and has free space.", e);
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      try {
        recorder.stop();
        recorder.release();
      } catch (FrameRecorder.Exception e) {
        throw writeFailed(e);
      }
    }
  }
}
