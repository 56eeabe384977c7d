package dev.storyreel.render.ffmpeg;

import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.timeline.AudioSource;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;

/**
 * Streams one {@link AudioSource} (a WAV) as interleaved stereo float samples at the mix rate:
 * FFmpeg's WAV demuxer and libswresample (through {@link FFmpegFrameGrabber}) decode and resample
 * it a chunk at a time, so only one decoded chunk (a few thousand samples) is held however long
 * the file. Mono is copied to both channels at full level (libswresample would lower it by 3 dB).
 *
 * <p>The stream is opened by the constructor and closed by {@link #close()}. Not thread-safe.
 */
final class AudioReader implements AutoCloseable {

  private final String what;
  /**
   * The WAV demuxer's packet size ({@code max_size}, default 4096 bytes): javacv allocates its
   * wrappers per packet grabbed, so 16 times fewer with 64 KB packets; the samples are the same.
   */
  private static final String WAV_PACKET_BYTES = "65536";

  private final InputStream in;
  private final FFmpegFrameGrabber grabber;
  private FloatBuffer chunk;
  private int chunkChannels;
  private boolean ended;

  /**
   * @param source the WAV
   * @param rateHz the rate to resample to, in Hz
   * @param what what it is, for messages ("narration clip 3")
   * @throws NonRetriableException if the source cannot be opened or is not audio FFmpeg reads
   */
  AudioReader(AudioSource source, int rateHz, String what) {
    this.what = what;
    FfmpegNatives.requireLoaded();
    Optional<Path> file = source.file();
    if (file.isPresent() && Files.isRegularFile(file.get())) {
      // FFmpeg reads the file itself: a stream would go through javacv's read callback, which
      // allocates a Java buffer for every read.
      this.in = InputStream.nullInputStream();
      FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.get().toFile());
      g.setFormat("wav");
      g.setOption("max_size", WAV_PACKET_BYTES);
      this.grabber = start(g, rateHz, in, e -> new NonRetriableException("The ffmpeg renderer"
          + " could not read the audio of " + what + " (" + file.get() + ") as a WAV file: "
          + e.getMessage() + ". Give it a 16-bit PCM WAV file.", e));
      return;
    }
    InputStream opened;
    try {
      opened = source.open();
    } catch (RuntimeException e) {
      throw new NonRetriableException("The ffmpeg renderer could not open the audio of " + what
          + ": " + e.getMessage() + ". Check that the asset is in the job's storage.", e);
    }
    this.in = opened;
    FFmpegFrameGrabber g = new FFmpegFrameGrabber(opened, 0);
    g.setFormat("wav");
    g.setOption("max_size", WAV_PACKET_BYTES);
    this.grabber = start(g, rateHz, opened, e -> new NonRetriableException("The ffmpeg renderer"
        + " could not read the audio of " + what + " as a WAV file: " + e.getMessage()
        + ". Give it a 16-bit PCM WAV file.", e));
  }

  /**
   * Streams the first audio stream of a media file (for example a background video's), in
   * whatever container and codec FFmpeg reads, resampled to {@code rateHz}.
   *
   * @param file the file
   * @param rateHz the rate to resample to, in Hz
   * @param what what it is, for messages ("the background video's audio")
   * @throws NonRetriableException if the file cannot be opened or has no audio stream
   */
  AudioReader(Path file, int rateHz, String what) {
    this.what = what;
    FfmpegNatives.requireLoaded();
    this.in = InputStream.nullInputStream();
    this.grabber = start(new FFmpegFrameGrabber(file.toFile()), rateHz, in,
        e -> new NonRetriableException("The ffmpeg renderer could not read " + what + " in "
            + file + ": " + e.getMessage() + ". Re-encode the file, or mute it.", e));
  }

  /** Starts a grabber for float samples at {@code rateHz}, closing it on failure. */
  private static FFmpegFrameGrabber start(FFmpegFrameGrabber g, int rateHz, InputStream in,
      Function<Exception, NonRetriableException> failure) {
    g.setSampleFormat(avutil.AV_SAMPLE_FMT_FLT);
    g.setSampleRate(rateHz);
    try {
      g.start();
      if (g.getAudioChannels() < 1) {
        throw new IllegalStateException("it has no audio stream");
      }
      return g;
    } catch (Exception e) {
      closeQuietly(g, in);
      throw failure.apply(e);
    }
  }

  /**
   * Reads up to {@code frames} sample frames, as interleaved stereo, into {@code out}.
   *
   * @param out the destination, interleaved left/right
   * @param offsetFrames where to start writing, in sample frames
   * @param frames how many sample frames are wanted
   * @return how many were written; less than {@code frames} only at the end of the audio
   * @throws NonRetriableException if decoding fails
   */
  int read(float[] out, int offsetFrames, int frames) {
    int done = 0;
    while (done < frames) {
      if (chunk == null || !chunk.hasRemaining()) {
        if (ended || !nextChunk()) {
          return done;
        }
      }
      int available = chunk.remaining() / chunkChannels;
      int n = Math.min(available, frames - done);
      int o = 2 * (offsetFrames + done);
      if (chunkChannels == 1) {
        for (int i = 0; i < n; i++) {
          float v = chunk.get();
          out[o++] = v;
          out[o++] = v;
        }
      } else {
        for (int i = 0; i < n; i++) {
          out[o++] = chunk.get();
          out[o++] = chunk.get();
          for (int c = 2; c < chunkChannels; c++) {
            chunk.get();
          }
        }
      }
      done += n;
    }
    return done;
  }

  private boolean nextChunk() {
    try {
      Frame f;
      do {
        f = grabber.grabSamples();
        if (f == null) {
          ended = true;
          return false;
        }
      } while (f.samples == null || f.samples.length == 0 || !f.samples[0].hasRemaining());
      chunk = (FloatBuffer) f.samples[0];
      chunkChannels = f.audioChannels;
      return true;
    } catch (FFmpegFrameGrabber.Exception e) {
      throw new NonRetriableException("The ffmpeg renderer could not decode the audio of " + what
          + ": " + e.getMessage() + ". Give it a 16-bit PCM WAV file.", e);
    }
  }

  @Override
  public void close() {
    closeQuietly(grabber, in);
  }

  private static void closeQuietly(FFmpegFrameGrabber g, InputStream in) {
    try {
      g.release();
    } catch (Exception e) {
      // nothing more to read from it
    }
    try {
      in.close();
    } catch (Exception e) {
      // nothing more to read from it
    }
  }
}
