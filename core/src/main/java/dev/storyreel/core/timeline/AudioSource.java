package dev.storyreel.core.timeline;

import dev.storyreel.core.PcmAudio;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Audio on a timeline, by reference: a WAV file (16-bit PCM) that a renderer opens and reads as
 * it encodes, so that no track is ever held whole in memory. In a job each source reads an asset
 * back from the job's storage by its key.
 *
 * <p>Implementations are thread-safe: every call opens a new stream, which the caller closes.
 */
@FunctionalInterface
public interface AudioSource {

  /**
   * @return a new stream of the whole WAV file, from its RIFF header; never {@code null}
   * @throws UncheckedIOException or a {@link dev.storyreel.core.StoryReelException} if the audio
   *     cannot be read
   */
  InputStream open();

  /**
   * The local WAV file whose bytes {@link #open()} returns, when there is one: a renderer may
   * then open the file itself. FFmpeg reads a file natively, while a stream reaches it through a
   * Java read callback that allocates a buffer for every read (javacv's {@code
   * FFmpegFrameGrabber}): 90 MB in the first 30 s of a 50,000-character story's mix. A renderer
   * that opens the file must read the same audio, and use {@link #open()} wherever it does not.
   *
   * @return the file, or empty (the default) when this source reads no one local file
   */
  default Optional<Path> file() {
    return Optional.empty();
  }

  /**
   * @param audio audio held in memory (tests, small clips)
   * @return a source of its WAV encoding
   */
  static AudioSource of(PcmAudio audio) {
    Objects.requireNonNull(audio, "audio");
    byte[] wav = audio.toWav();
    return () -> new ByteArrayInputStream(wav);
  }

  /**
   * @param wav a WAV file
   * @return a source reading it, whose {@link #file()} is {@code wav}
   */
  static AudioSource of(Path wav) {
    Objects.requireNonNull(wav, "wav");
    return of(wav, () -> {
      try {
        return Files.newInputStream(wav);
      } catch (IOException e) {
        throw new UncheckedIOException("reading " + wav, e);
      }
    });
  }

  /**
   * A source that opens streams with {@code opener} and names {@code file} as the file they read.
   *
   * @param file the local WAV file {@code opener}'s streams read, or {@code null} when they read
   *     none (then {@link #file()} is empty)
   * @param opener opens a new stream on every call, as {@link #open()}
   * @return the source
   * @throws NullPointerException if {@code opener} is {@code null}
   */
  static AudioSource of(Path file, AudioSource opener) {
    Objects.requireNonNull(opener, "opener");
    Optional<Path> named = Optional.ofNullable(file);
    return new AudioSource() {
      @Override
      public InputStream open() {
        return opener.open();
      }

      @Override
      public Optional<Path> file() {
        return named;
      }
    };
  }
}
