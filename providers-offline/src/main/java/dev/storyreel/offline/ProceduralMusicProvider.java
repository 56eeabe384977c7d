package dev.storyreel.offline;

import dev.storyreel.core.InvalidInputException;
import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.Usage;
import dev.storyreel.core.spi.GeneratedAudio;
import dev.storyreel.core.spi.MusicProvider;
import dev.storyreel.core.spi.MusicRequest;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import javax.sound.midi.MidiSystem;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;

/**
 * Offline music beds: a chord progression with pads, drones, pulses or arpeggios chosen by the
 * mood (dread, calm, tension, wonder, sorrow; see {@code MusicScore} for each), written as
 * General MIDI and played by the JDK's own software synthesizer (Gervill, with the soundbank the
 * JDK ships or generates) without a sound card or a display. No network, no key, no native code, no hand-written signal processing.
 *
 * <p>The bed is a function of (mood, seed): the seed picks the progression, the key, the
 * voicings and the melodic details; the duration only decides where the bed stops, so a longer
 * bed starts with the same music as a shorter one. Same request, same bytes, on one JDK.
 *
 * <p>Output: a WAV file of 16-bit signed PCM, {@value #SAMPLE_RATE_HZ} Hz, stereo, of exactly
 * {@code round(duration * 44100)} frames. It is streamed: the synthesizer renders while {@link
 * AudioSystem#write} copies a length-limited stream to the file, so the heap holds the score
 * (a few note events a second, about 20 KB a minute) and buffers of a few KB, never the audio
 * (10 MB a minute). The bed is at the synthesizer's natural level (roughly -25 to -15 dBFS RMS);
 * the mix ducks and normalises it.
 *
 * <p>Why not {@code AudioSynthesizer.openStream}: that interface lives in {@code
 * com.sun.media.sound}, which {@code java.desktop} does not export on JDK 9 and later. {@link
 * AudioSystem#getAudioInputStream(InputStream)} given a Standard MIDI File reaches the same
 * Gervill renderer through the public sampled-audio API.
 *
 * <p>Thread-safe: every call renders with a synthesizer of its own. A call takes roughly 1 s of
 * CPU for the first soundbank in a JVM, then about 1-3 s per minute of music on one core.
 */
public final class ProceduralMusicProvider implements MusicProvider {

  /** The registered name, {@value}. */
  public static final String NAME = "procedural";

  /** The version of the score writer: raise it whenever the notes written change. */
  public static final int VERSION = 1;

  /** The output's sample rate, {@value} Hz (the rate Gervill renders MIDI files at). */
  public static final int SAMPLE_RATE_HZ = 44_100;

  /** The longest bed made: 6 hours, which keeps the WAV under its 4 GiB limit. */
  public static final Duration MAX_DURATION = Duration.ofHours(6);

  private static final AudioFormat FORMAT =
      new AudioFormat(SAMPLE_RATE_HZ, 16, 2, true, false);

  /** A provider; nothing is loaded until the first call. */
  public ProceduralMusicProvider() {}

  /** @return {@value #NAME} */
  @Override
  public String name() {
    return NAME;
  }

  /** @return {@code gervill-v} and {@link #VERSION}, for example {@code gervill-v1} */
  @Override
  public String model() {
    return "gervill-v" + VERSION;
  }

  /**
   * @return name, model, output format and the JDK's feature version (the synthesizer and its
   *     soundbank come with the JDK), for example {@code
   *     procedural/gervill-v1/44100Hz-s16-stereo/jdk17}
   */
  @Override
  public String fingerprint() {
    return name() + "/" + model() + "/" + SAMPLE_RATE_HZ + "Hz-s16-stereo/jdk"
        + Runtime.version().feature();
  }

  /** @return the number of processors, at most 2: rendering is CPU-bound */
  @Override
  public int maxConcurrency() {
    return Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
  }

  /**
   * The number of frames a bed of a duration has.
   *
   * @param duration a duration; never {@code null}
   * @return {@code round(duration * 44100)}
   */
  public static long frames(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    long nanosPerSecond = 1_000_000_000L;
    long whole = duration.getSeconds() * SAMPLE_RATE_HZ;
    long part = Math.round(duration.getNano() * (double) SAMPLE_RATE_HZ / nanosPerSecond);
    return whole + part;
  }

  /**
   * Writes a bed of the request's mood and duration to {@code request.output()} (replaced if
   * it exists).
   *
   * @param request what to make; never {@code null}
   * @return the bed's exact duration ({@link #frames} / 44100 s) and a source such as {@code
   *     procedural (gervill): mood=dread, seed=7, progression=i-VI-III-VII, key=D minor}
   * @throws InvalidInputException if the duration is shorter than one sample or longer than
   *     {@link #MAX_DURATION}; checked before anything is written
   * @throws NonRetriableException if the JDK cannot render MIDI (no Gervill) or the file cannot
   *     be written; the partial file is deleted
   * @throws CancellationException if the calling thread is interrupted while rendering (its
   *     interrupt status is kept; the partial file is deleted)
   */
  @Override
  public GeneratedAudio compose(MusicRequest request) {
    Objects.requireNonNull(request, "request");
    Duration duration = request.duration();
    long frames = frames(duration);
    if (frames < 1) {
      throw new InvalidInputException("Music of " + duration.toNanos() + " ns was asked for;"
          + " the procedural music provider needs at least one sample (1/" + SAMPLE_RATE_HZ
          + " s). Ask for a positive duration.");
    }
    if (duration.compareTo(MAX_DURATION) > 0) {
      throw new InvalidInputException("Music of " + duration + " was asked for; the procedural"
          + " music provider makes at most " + MAX_DURATION.toHours() + " hours (a WAV file's"
          + " 4 GiB limit). Split the story or use shorter music clips.");
    }
    double seconds = frames / (double) SAMPLE_RATE_HZ;
    MusicScore score = MusicScore.compose(request.mood(), request.seed(), seconds);
    Path output = request.output();
    try {
      ByteArrayOutputStream midi = new ByteArrayOutputStream();
      MidiSystem.write(score.sequence(), 0, midi);
      try (AudioInputStream rendered = AudioSystem.getAudioInputStream(
              new BufferedInputStream(new ByteArrayInputStream(midi.toByteArray())));
          AudioInputStream exact = new AudioInputStream(
              new Interruptible(rendered), rendered.getFormat(), frames)) {
        if (!rendered.getFormat().matches(FORMAT)) {
          throw new NonRetriableException("The JDK's MIDI renderer gave " + rendered.getFormat()
              + " instead of " + FORMAT + "; the procedural music provider cannot use it.");
        }
        if (rendered.getFrameLength() != AudioSystem.NOT_SPECIFIED
            && rendered.getFrameLength() < frames) {
          throw new IllegalStateException("score of " + rendered.getFrameLength()
              + " frames is shorter than " + frames);
        }
        Files.deleteIfExists(output);
        AudioSystem.write(exact, AudioFileFormat.Type.WAVE, output.toFile());
      }
    } catch (InterruptedIOException e) {
      deleteQuietly(output);
      Thread.currentThread().interrupt();
      CancellationException c = new CancellationException("music rendering interrupted");
      c.initCause(e);
      throw c;
    } catch (UnsupportedAudioFileException e) {
      deleteQuietly(output);
      throw new NonRetriableException("This JDK cannot render MIDI to audio (its Gervill"
          + " synthesizer is missing), so the procedural music provider cannot make music."
          + " Use a full JDK 17 or pick another music provider.", e);
    } catch (IOException e) {
      deleteQuietly(output);
      throw new NonRetriableException("The procedural music provider could not write "
          + output + ": " + e.getMessage() + ". Check that the folder is writable and has "
          + "space (about 10 MB a minute).", e);
    } catch (RuntimeException e) {
      deleteQuietly(output);
      throw e;
    }
    String source = "procedural (gervill): mood=" + request.mood().id() + ", seed="
        + request.seed() + ", progression=" + score.progression() + ", key=" + score.key();
    return new GeneratedAudio(
        Duration.ofNanos(Math.round(frames * 1e9 / SAMPLE_RATE_HZ)), source, Usage.NONE);
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // The caller deletes its folder anyway.
    }
  }

  /** Stops the copy when the rendering thread is interrupted. */
  private static final class Interruptible extends FilterInputStream {
    Interruptible(InputStream in) {
      super(in);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (Thread.interrupted()) {
        throw new InterruptedIOException("interrupted");
      }
      return super.read(b, off, len);
    }

    @Override
    public int read() throws IOException {
      if (Thread.interrupted()) {
        throw new InterruptedIOException("interrupted");
      }
      return super.read();
    }
  }
}
