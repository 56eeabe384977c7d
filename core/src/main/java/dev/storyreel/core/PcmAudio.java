package dev.storyreel.core;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Objects;

/**
 * Uncompressed audio: signed 16-bit little-endian PCM, interleaved when there is more than one
 * channel. This is the sample layout of a canonical WAV file and of FFmpeg's {@code s16}.
 *
 * <p>Instances are immutable: the array is copied in and copied out.
 *
 * @param samples the PCM bytes: {@code 2 * channels} bytes per sample frame
 * @param sampleRateHz sample frames per second, 8000..192000
 * @param channels 1 (mono) or 2 (stereo)
 */
public record PcmAudio(byte[] samples, int sampleRateHz, int channels) {

  /**
   * @param samples the PCM bytes: {@code 2 * channels} bytes per sample frame
   * @param sampleRateHz sample frames per second, 8000..192000
   * @param channels 1 (mono) or 2 (stereo)
   * @throws IllegalArgumentException if the rate or channel count is out of range, or the byte
   *     count is not a whole number of sample frames
   */
  public PcmAudio {
    Objects.requireNonNull(samples, "samples");
    if (sampleRateHz < 8000 || sampleRateHz > 192_000) {
      throw new IllegalArgumentException("sampleRateHz must be 8000..192000, was " + sampleRateHz);
    }
    if (channels != 1 && channels != 2) {
      throw new IllegalArgumentException("channels must be 1 or 2, was " + channels);
    }
    if (samples.length % (2 * channels) != 0) {
      throw new IllegalArgumentException(
          "PCM length " + samples.length + " is not a multiple of the frame size " + 2 * channels);
    }
    samples = samples.clone();
  }

  /** @return a copy of the PCM bytes */
  @Override
  public byte[] samples() {
    return samples.clone();
  }

  /** @return the number of sample frames (samples per channel) */
  public long frameCount() {
    return samples.length / (2L * channels);
  }

  /** @return the exact length, rounded down to the nanosecond */
  public Duration duration() {
    return Duration.ofNanos(frameCount() * 1_000_000_000L / sampleRateHz);
  }

  /**
   * @return the samples as 16-bit values, interleaved; a new array
   */
  public short[] toShorts() {
    short[] out = new short[samples.length / 2];
    ByteBuffer.wrap(samples).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(out);
    return out;
  }

  /**
   * Encodes this audio as a canonical 44-byte-header RIFF/WAVE file (PCM, format tag 1).
   *
   * @return the WAV file's bytes
   */
  public byte[] toWav() {
    int dataLen = samples.length;
    ByteBuffer b = ByteBuffer.allocate(44 + dataLen).order(ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(36 + dataLen);
    b.put("WAVE".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    b.put("fmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(16);
    b.putShort((short) 1).putShort((short) channels).putInt(sampleRateHz);
    b.putInt(sampleRateHz * channels * 2).putShort((short) (channels * 2)).putShort((short) 16);
    b.put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(dataLen);
    b.put(samples);
    return b.array();
  }

  /** RIFF and data size written by servers that stream a WAV of unknown length (OpenAI). */
  private static final long STREAMED_SIZE = 0xFFFF_FFFFL;
  private static final int WAVE_FORMAT_PCM = 1;
  private static final int WAVE_FORMAT_EXTENSIBLE = 0xFFFE;

  /**
   * Reads a PCM WAV file strictly: a file that is cut short, whose sizes disagree or whose
   * header is malformed is refused, never shortened or guessed at.
   *
   * <p>Accepted: a {@code RIFF}/{@code WAVE} file whose {@code fmt } chunk (at least 16 bytes)
   * says PCM (format tag 1, or {@code WAVE_FORMAT_EXTENSIBLE} with the PCM sub-format), 16 bits
   * per sample, 1 or 2 channels, 8000..192000 Hz, a block align of {@code 2 * channels} and a byte
   * rate of {@code sampleRateHz * blockAlign}; then one {@code data} chunk holding a whole number
   * of sample frames. Rules on sizes:
   *
   * <ul>
   *   <li>the RIFF size must equal the bytes present after the first 8 (one missing or extra pad
   *       byte after an odd-sized last chunk is tolerated); fewer bytes mean the file was cut
   *       short, more mean bytes outside the RIFF chunk; both are refused;
   *   <li>every chunk, the {@code data} chunk included, must lie entirely inside the file;
   *   <li>chunks other than {@code fmt } and {@code data} ({@code LIST}, {@code fact}, {@code
   *       id3 }...) are skipped, before or after the data, as long as their sizes fit;
   *   <li>the one exception is a stream of unknown length, as OpenAI's speech endpoint sends: a
   *       RIFF size of {@code 0xFFFFFFFF}, whose data chunk may also say {@code 0xFFFFFFFF}, and
   *       then runs to the end of the file. Such a file cannot show it was cut short except by a
   *       partial last frame, so check its length with {@link NarrationChecks}.
   * </ul>
   *
   * @param in the WAV bytes; read to the end, not closed
   * @return the audio
   * @throws IOException if reading fails
   * @throws IllegalArgumentException if the bytes are not a complete, consistent 16-bit PCM WAV
   *     file; the message names what is wrong (no other runtime exception escapes)
   */
  public static PcmAudio fromWav(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    in.transferTo(all);
    return fromWav(all.toByteArray());
  }

  /**
   * Reads a PCM WAV file held in memory; the same rules as {@link #fromWav(InputStream)}.
   *
   * @param wav the whole file; not modified
   * @return the audio
   * @throws IllegalArgumentException if the bytes are not a complete, consistent 16-bit PCM WAV
   *     file
   */
  public static PcmAudio fromWav(byte[] wav) {
    Objects.requireNonNull(wav, "wav");
    ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
    long total = wav.length;
    if (total < 12 || b.getInt(0) != 0x46464952 || b.getInt(8) != 0x45564157) {
      throw new IllegalArgumentException("not a RIFF/WAVE file (" + total + " bytes)");
    }
    long riffSize = Integer.toUnsignedLong(b.getInt(4));
    boolean streamed = riffSize == STREAMED_SIZE;
    long end = total;
    if (!streamed) {
      long declared = 8 + riffSize;
      if (declared > total + 1) {
        throw new IllegalArgumentException("WAV file is cut short: its RIFF header says "
            + declared + " bytes, " + total + " are present");
      }
      if (declared < total - 1 || (declared == total - 1 && (riffSize & 1) == 0)) {
        throw new IllegalArgumentException("WAV file has " + (total - declared)
            + " bytes after the end of its RIFF chunk (" + declared + " bytes declared)");
      }
      end = Math.min(declared, total);
    }
    Format fmt = null;
    PcmAudio audio = null;
    long pos = 12;
    while (pos < end) {
      if (end - pos < 8) {
        throw new IllegalArgumentException("WAV file ends with " + (end - pos)
            + " bytes that are not a whole chunk header");
      }
      int id = b.getInt((int) pos);
      long len = Integer.toUnsignedLong(b.getInt((int) pos + 4));
      long body = pos + 8;
      boolean toEnd = false;
      if (body + len > end) {
        if (streamed && id == 0x61746164 && len == STREAMED_SIZE) {
          toEnd = true;
          len = end - body;
        } else {
          throw new IllegalArgumentException("WAV " + chunkName(id) + " chunk is cut short: it"
              + " declares " + len + " bytes, " + (end - body) + " are present");
        }
      }
      if (id == 0x20746d66) { // "fmt "
        if (fmt != null) {
          throw new IllegalArgumentException("WAV file has two fmt chunks");
        }
        fmt = Format.parse(b, (int) body, len);
      } else if (id == 0x61746164) { // "data"
        if (fmt == null) {
          throw new IllegalArgumentException("WAV data chunk comes before its fmt chunk");
        }
        if (audio != null) {
          throw new IllegalArgumentException("WAV file has two data chunks");
        }
        if (len % fmt.blockAlign != 0) {
          throw new IllegalArgumentException("WAV data chunk holds " + len + " bytes, not a"
              + " whole number of " + fmt.blockAlign + "-byte frames: the file is cut short or"
              + " damaged");
        }
        byte[] pcm = new byte[(int) len];
        b.get((int) body, pcm);
        audio = new PcmAudio(pcm, fmt.sampleRateHz, fmt.channels);
      }
      if (toEnd) {
        break;
      }
      pos = body + len + (len & 1);
    }
    if (audio == null) {
      throw new IllegalArgumentException(fmt == null ? "WAV file has no fmt chunk"
          : "WAV file has no data chunk");
    }
    return audio;
  }

  private static String chunkName(int id) {
    StringBuilder s = new StringBuilder(4);
    for (int i = 0; i < 4; i++) {
      char c = (char) ((id >>> (8 * i)) & 0xff);
      s.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return "'" + s + "'";
  }

  /** The fields of a {@code fmt } chunk that StoryReel needs, checked. */
  private record Format(int channels, int sampleRateHz, int blockAlign) {
    static Format parse(ByteBuffer b, int at, long len) {
      if (len < 16) {
        throw new IllegalArgumentException("WAV fmt chunk is " + len + " bytes; at least 16 are"
            + " needed");
      }
      int tag = b.getShort(at) & 0xffff;
      int channels = b.getShort(at + 2) & 0xffff;
      long rate = Integer.toUnsignedLong(b.getInt(at + 4));
      long byteRate = Integer.toUnsignedLong(b.getInt(at + 8));
      int blockAlign = b.getShort(at + 12) & 0xffff;
      int bits = b.getShort(at + 14) & 0xffff;
      if (tag == WAVE_FORMAT_EXTENSIBLE) {
        if (len < 40) {
          throw new IllegalArgumentException("WAV fmt chunk (extensible) is " + len
              + " bytes; 40 are needed");
        }
        tag = b.getShort(at + 24) & 0xffff; // first two bytes of the sub-format GUID
      }
      if (tag != WAVE_FORMAT_PCM) {
        throw new IllegalArgumentException("WAV must be PCM (format 1), was format " + tag
            + "; ask the provider for 16-bit PCM WAV");
      }
      if (channels < 1 || channels > 8) {
        throw new IllegalArgumentException("WAV header is malformed: " + channels
            + " channels (1..8 possible)");
      }
      if (channels > 2) {
        throw new IllegalArgumentException("WAV has " + channels + " channels; only mono or"
            + " stereo is supported");
      }
      if (rate < 8000 || rate > 192_000) {
        throw new IllegalArgumentException("WAV sample rate must be 8000..192000 Hz, was "
            + rate);
      }
      if (bits != 16) {
        throw new IllegalArgumentException("WAV must have 16 bits per sample, was " + bits);
      }
      if (blockAlign != 2 * channels) {
        throw new IllegalArgumentException("WAV header is inconsistent: block align " + blockAlign
            + " for " + channels + " channels of 16 bits (expected " + 2 * channels + ")");
      }
      if (byteRate != rate * blockAlign) {
        throw new IllegalArgumentException("WAV header is inconsistent: byte rate " + byteRate
            + " for " + rate + " Hz x " + blockAlign + " bytes (expected " + rate * blockAlign
            + ")");
      }
      return new Format(channels, (int) rate, blockAlign);
    }
  }

  /**
   * @param other audio with the same rate and channel count
   * @return this audio followed by {@code other}
   * @throws IllegalArgumentException if the rates or channel counts differ
   */
  public PcmAudio concat(PcmAudio other) {
    if (other.sampleRateHz != sampleRateHz || other.channels != channels) {
      throw new IllegalArgumentException(
          "cannot join " + sampleRateHz + " Hz x" + channels + " with " + other.sampleRateHz
              + " Hz x" + other.channels);
    }
    byte[] joined = java.util.Arrays.copyOf(samples, samples.length + other.samples.length);
    System.arraycopy(other.samples, 0, joined, samples.length, other.samples.length);
    return new PcmAudio(joined, sampleRateHz, channels);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PcmAudio p
        && p.sampleRateHz == sampleRateHz
        && p.channels == channels
        && java.util.Arrays.equals(p.samples, samples);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * java.util.Arrays.hashCode(samples) + sampleRateHz) + channels;
  }

  @Override
  public String toString() {
    return "PcmAudio[" + duration().toMillis() + " ms, " + sampleRateHz + " Hz, " + channels
        + " ch]";
  }
}
