package dev.storyreel.elevenlabs;

import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.PcmAudio;
import dev.storyreel.core.RetriableException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Reads the raw PCM ElevenLabs sends for {@code output_format=pcm_<rate>}. Stateless. */
final class Pcm {
  private Pcm() {}

  /**
   * @param call who called what, for messages
   * @param base64 the audio, Base64; may be {@code null}
   * @param rateHz the sample rate asked for
   * @return the audio, mono
   * @throws RetriableException if it is not Base64, empty, or not whole 16-bit samples (a
   *     corrupt answer: asking again is the only way to a good one)
   * @throws NonRetriableException if it is compressed audio where PCM was asked for
   */
  static PcmAudio decode(String call, String base64, int rateHz) {
    if (base64 == null || base64.isBlank()) {
      throw new RetriableException(call + " answered without audio.");
    }
    byte[] bytes;
    try {
      bytes = Base64.getMimeDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new RetriableException(call + " answered audio that does not decode: its"
          + " audio_base64 is not Base64 (" + e.getMessage() + ").", e);
    }
    return raw(call, bytes, rateHz);
  }

  /**
   * @param call who called what, for messages
   * @param bytes raw signed 16-bit little-endian mono PCM
   * @param rateHz the sample rate asked for
   * @return the audio
   * @throws RetriableException if empty or not whole samples
   * @throws NonRetriableException if it is compressed audio where PCM was asked for
   */
  static PcmAudio raw(String call, byte[] bytes, int rateHz) {
    if (compressed(bytes)) {
      throw new NonRetriableException(call + " answered compressed audio (MP3, Ogg, FLAC or WAV"
          + " headers) where raw PCM (pcm_" + rateHz + ") was asked for. The account's tier may"
          + " not offer that format (ElevenLabs keeps pcm_44100 for Pro and above): set"
          + " elevenlabs.pcmRateHz=24000.");
    }
    if (bytes.length == 0) {
      throw new RetriableException(call + " answered without audio.");
    }
    if (bytes.length % 2 != 0) {
      throw new RetriableException(call + " answered audio that does not decode: "
          + bytes.length + " bytes are not whole 16-bit samples, so it was cut short.");
    }
    return new PcmAudio(bytes, rateHz, 1);
  }

  /**
   * Whether the bytes start with the magic of a container (ID3-tagged MP3, Ogg, RIFF/WAV,
   * FLAC). A bare MP3 frame sync is not checked: PCM near -1 starts with the same bytes.
   */
  private static boolean compressed(byte[] b) {
    if (b.length < 4) {
      return false;
    }
    String head = new String(b, 0, 4, StandardCharsets.ISO_8859_1);
    return head.startsWith("ID3") || head.equals("OggS") || head.equals("RIFF")
        || head.equals("fLaC");
  }
}
