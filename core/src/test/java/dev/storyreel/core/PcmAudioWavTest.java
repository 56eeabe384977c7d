package dev.storyreel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Strict WAV parsing: every malformed header is an IllegalArgumentException naming the fault. */
class PcmAudioWavTest {

  private static PcmAudio tone(int frames, int rateHz, int channels) {
    byte[] pcm = new byte[frames * 2 * channels];
    for (int i = 0; i < pcm.length; i++) {
      pcm[i] = (byte) (i * 31 + 7);
    }
    return new PcmAudio(pcm, rateHz, channels);
  }

  /** Overwrites a little-endian field of a canonical 44-byte-header WAV. */
  private static byte[] patch(byte[] wav, int offset, int value, int width) {
    byte[] out = wav.clone();
    ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    if (width == 2) {
      b.putShort(offset, (short) value);
    } else {
      b.putInt(offset, value);
    }
    return out;
  }

  private static byte[] chunk(String id, byte[] body) {
    ByteBuffer b = ByteBuffer.allocate(8 + body.length + (body.length & 1))
        .order(ByteOrder.LITTLE_ENDIAN);
    b.put(id.getBytes(StandardCharsets.US_ASCII)).putInt(body.length).put(body);
    return b.array();
  }

  private static byte[] riff(int riffSize, byte[]... chunks) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer head = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    head.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(riffSize)
        .put("WAVE".getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(head.array());
    for (byte[] c : chunks) {
      out.writeBytes(c);
    }
    return out.toByteArray();
  }

  private static byte[] riff(byte[]... chunks) {
    int len = 4;
    for (byte[] c : chunks) {
      len += c.length;
    }
    return riff(len, chunks);
  }

  private static byte[] fmt(int channels, int rate, int bits) {
    int align = channels * bits / 8;
    return ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 1)
        .putShort((short) channels).putInt(rate).putInt(rate * align).putShort((short) align)
        .putShort((short) bits).array();
  }

  @Test
  void goodWavRoundTripsFromBytesAndStream() throws Exception {
    PcmAudio a = tone(1234, 24000, 2);
    assertThat(PcmAudio.fromWav(a.toWav())).isEqualTo(a);
    assertThat(PcmAudio.fromWav(new ByteArrayInputStream(a.toWav()))).isEqualTo(a);
  }

  @Test
  void truncatedDataChunkIsRefusedNotShortened() {
    byte[] wav = tone(24000, 24000, 1).toWav();
    byte[] half = Arrays.copyOf(wav, 44 + 24000);
    assertThatThrownBy(() -> PcmAudio.fromWav(half))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cut short")
        .hasMessageContaining(String.valueOf(wav.length));
  }

  @Test
  void dataSizeDisagreeingWithRiffSizeIsRefused() {
    byte[] wav = tone(100, 16000, 1).toWav();
    // data chunk claims more than the file holds, RIFF size still right
    byte[] bigData = patch(wav, 40, 400, 4);
    assertThatThrownBy(() -> PcmAudio.fromWav(bigData))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'data' chunk is cut short")
        .hasMessageContaining("declares 400 bytes, 200 are present");
    // RIFF size smaller than the bytes present: junk outside the RIFF chunk
    byte[] smallRiff = patch(wav, 4, 36 + 100, 4);
    assertThatThrownBy(() -> PcmAudio.fromWav(smallRiff))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("after the end of its RIFF chunk");
    // partial frame in the data chunk
    byte[] odd = riff(chunk("fmt ", fmt(2, 16000, 16)), chunk("data", new byte[6]));
    assertThatThrownBy(() -> PcmAudio.fromWav(odd))
        .hasMessageContaining("not a whole number of 4-byte frames");
  }

  @Test
  void zeroChannelsIsAClearErrorNotArithmetic() {
    byte[] wav = patch(tone(10, 16000, 1).toWav(), 22, 0, 2);
    assertThatThrownBy(() -> PcmAudio.fromWav(wav))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0 channels");
    byte[] six = patch(tone(10, 16000, 1).toWav(), 22, 6, 2);
    assertThatThrownBy(() -> PcmAudio.fromWav(six))
        .hasMessageContaining("6 channels; only mono or stereo");
    byte[] many = patch(tone(10, 16000, 1).toWav(), 22, 0xffff, 2);
    assertThatThrownBy(() -> PcmAudio.fromWav(many)).hasMessageContaining("65535 channels");
  }

  @Test
  void shortFmtChunkIsAClearErrorNotIndexOutOfBounds() {
    byte[] wav = riff(chunk("fmt ", new byte[6]));
    assertThatThrownBy(() -> PcmAudio.fromWav(wav))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fmt chunk is 6 bytes; at least 16");
    // a fmt chunk claiming 16 bytes at the very end of a cut file
    byte[] cut = Arrays.copyOf(tone(10, 16000, 1).toWav(), 26);
    assertThatThrownBy(() -> PcmAudio.fromWav(cut))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cut short");
  }

  @Test
  void absurdSampleRatesAndFormatsAreRefused() {
    byte[] fast = riff(chunk("fmt ", fmt(1, 1_000_000, 16)), chunk("data", new byte[4]));
    assertThatThrownBy(() -> PcmAudio.fromWav(fast))
        .hasMessageContaining("sample rate must be 8000..192000 Hz, was 1000000");
    byte[] negative = patch(tone(10, 16000, 1).toWav(), 24, -1, 4);
    assertThatThrownBy(() -> PcmAudio.fromWav(negative)).hasMessageContaining("4294967295");
    byte[] bits8 = riff(chunk("fmt ", fmt(1, 16000, 8)), chunk("data", new byte[4]));
    assertThatThrownBy(() -> PcmAudio.fromWav(bits8)).hasMessageContaining("16 bits per sample");
    byte[] align = patch(tone(10, 16000, 1).toWav(), 32, 3, 2);
    assertThatThrownBy(() -> PcmAudio.fromWav(align)).hasMessageContaining("block align 3");
    byte[] byteRate = patch(tone(10, 16000, 1).toWav(), 28, 12345, 4);
    assertThatThrownBy(() -> PcmAudio.fromWav(byteRate)).hasMessageContaining("byte rate 12345");
    byte[] floatWav = patch(tone(10, 16000, 1).toWav(), 20, 3, 2);
    assertThatThrownBy(() -> PcmAudio.fromWav(floatWav)).hasMessageContaining("format 3");
  }

  @Test
  void structuralFaultsAreNamed() {
    assertThatThrownBy(() -> PcmAudio.fromWav(riff(chunk("fmt ", fmt(1, 16000, 16)))))
        .hasMessageContaining("no data chunk");
    assertThatThrownBy(() -> PcmAudio.fromWav(riff(chunk("data", new byte[4]))))
        .hasMessageContaining("before its fmt chunk");
    byte[] stray = riff(chunk("fmt ", fmt(1, 16000, 16)), chunk("data", new byte[4]),
        new byte[] {1, 2, 3});
    assertThatThrownBy(() -> PcmAudio.fromWav(stray))
        .hasMessageContaining("3 bytes that are not a whole chunk header");
    assertThatThrownBy(() -> PcmAudio.fromWav(new byte[0])).hasMessageContaining("RIFF");
  }

  @Test
  void extraChunksBeforeAndAfterDataAreSkipped() {
    byte[] pcm = {1, 0, 2, 0, 3, 0};
    byte[] wav = riff(chunk("LIST", new byte[5]), chunk("fmt ", fmt(1, 16000, 16)),
        chunk("data", pcm), chunk("id3 ", new byte[3]));
    assertThat(PcmAudio.fromWav(wav).toShorts()).containsExactly((short) 1, (short) 2, (short) 3);
    // ... but a trailing chunk that is cut short means the file is
    byte[] cut = Arrays.copyOf(wav, wav.length - 2);
    byte[] cutWav = patch(cut, 4, cut.length - 8, 4);
    assertThatThrownBy(() -> PcmAudio.fromWav(cutWav)).hasMessageContaining("'id3 ' chunk is cut");
  }

  @Test
  void streamedWavOfUnknownLengthRunsToTheEnd() {
    // OpenAI streams WAV with 0xFFFFFFFF as both the RIFF and the data size.
    byte[] pcm = new byte[480];
    pcm[0] = 9;
    byte[] wav = riff(-1, chunk("fmt ", fmt(1, 24000, 16)),
        ByteBuffer.allocate(8 + pcm.length).order(ByteOrder.LITTLE_ENDIAN)
            .put("data".getBytes(StandardCharsets.US_ASCII)).putInt(-1).put(pcm).array());
    PcmAudio a = PcmAudio.fromWav(wav);
    assertThat(a.frameCount()).isEqualTo(240);
    assertThat(a.toShorts()[0]).isEqualTo((short) 9);
    // a cut mid-frame is still visible
    assertThatThrownBy(() -> PcmAudio.fromWav(Arrays.copyOf(wav, wav.length - 1)))
        .hasMessageContaining("not a whole number");
    // the sentinel data size is only accepted in a streamed file
    byte[] notStreamed = patch(wav, 4, wav.length - 8, 4);
    assertThatThrownBy(() -> PcmAudio.fromWav(notStreamed)).hasMessageContaining("cut short");
  }

  @Test
  void noMalformedHeaderEverEscapesAsAnotherRuntimeException() {
    byte[] good = tone(50, 16000, 2).toWav();
    java.util.Random r = new java.util.Random(42);
    for (int i = 0; i < 3000; i++) {
      byte[] w = good.clone();
      int flips = 1 + r.nextInt(4);
      for (int f = 0; f < flips; f++) {
        w[r.nextInt(48)] = (byte) r.nextInt(256);
      }
      byte[] cut = r.nextBoolean() ? w : Arrays.copyOf(w, r.nextInt(w.length + 1));
      try {
        PcmAudio.fromWav(cut);
      } catch (IllegalArgumentException expected) {
        assertThat(expected.getMessage()).isNotBlank();
      }
    }
  }
}
