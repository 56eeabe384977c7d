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

  /**
   * Reads a PCM WAV file (format tag 1, 16 bits per sample), skipping chunks other than {@code
   * fmt } and {@code data}.
   *
   * @param in the WAV bytes; read to the end, not closed
   * @return the audio
   * @throws IOException if reading fails
   * @throws IllegalArgumentException if the bytes are not a 16-bit PCM WAV file
   */
  public static PcmAudio fromWav(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    in.transferTo(all);
    ByteBuffer b = ByteBuffer.wrap(all.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
    if (b.remaining() < 12 || b.getInt(0) != 0x46464952 || b.getInt(8) != 0x45564157) {
      throw new IllegalArgumentException("not a RIFF/WAVE file");
    }
    b.position(12);
    int rate = -1;
    int channels = -1;
    while (b.remaining() >= 8) {
      int id = b.getInt();
      int len = b.getInt();
      if (len < 0 || len > b.remaining()) {
        len = b.remaining();
      }
      if (id == 0x20746d66) { // "fmt "
        int tag = b.getShort(b.position()) & 0xffff;
        channels = b.getShort(b.position() + 2);
        rate = b.getInt(b.position() + 4);
        int bits = b.getShort(b.position() + 14);
        if (tag != 1 || bits != 16) {
          throw new IllegalArgumentException(
              "WAV must be 16-bit PCM (format 1), was format " + tag + " with " + bits + " bits");
        }
      } else if (id == 0x61746164) { // "data"
        if (rate < 0) {
          throw new IllegalArgumentException("WAV data chunk comes before its fmt chunk");
        }
        byte[] pcm = new byte[len - len % (2 * channels)];
        b.get(b.position(), pcm);
        return new PcmAudio(pcm, rate, channels);
      }
      b.position(b.position() + len + (len & 1));
    }
    throw new IllegalArgumentException("WAV file has no data chunk");
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
