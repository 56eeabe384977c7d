package dev.storyreel.core.timeline;

import dev.storyreel.core.PcmAudio;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

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
   * @return a source reading it
   */
  static AudioSource of(Path wav) {
    Objects.requireNonNull(wav, "wav");
    return () -> {
      try {
        return Files.newInputStream(wav);
      } catch (IOException e) {
        throw new UncheckedIOException("reading " + wav, e);
      }
    };
  }
}
