package dev.storyreel.offline;

import com.sun.speech.freetts.Item;
import com.sun.speech.freetts.OutputQueue;
import com.sun.speech.freetts.ProcessException;
import com.sun.speech.freetts.Relation;
import com.sun.speech.freetts.Utterance;
import com.sun.speech.freetts.UtteranceProcessor;
import com.sun.speech.freetts.Voice;
import com.sun.speech.freetts.audio.AudioPlayer;
import dev.storyreel.core.PcmAudio;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import javax.sound.sampled.AudioFormat;

/**
 * One allocated FreeTTS {@link Voice}, wired to capture its audio in memory and to read the
 * synthesizer's own phone timings.
 *
 * <p>How it works, verified against FreeTTS 1.2.2 ({@code net.sf.sociaal:freetts}):
 *
 * <ul>
 *   <li>Audio: {@link Voice#setAudioPlayer(AudioPlayer)} installs {@link Capture}, which keeps the
 *       bytes. FreeTTS's {@code relp.AudioOutput} announces signed 16-bit big-endian mono at the
 *       voice's rate (16 kHz for {@code kevin16}, 8 kHz for {@code kevin}); the bytes are
 *       converted to little-endian.
 *   <li>No thread: {@link Voice#allocate()} starts a daemon output thread unless the voice
 *       already has an output queue, so a throw-away queue is set before allocating and removed
 *       after; with no queue FreeTTS renders each utterance in the calling thread.
 *   <li>Timings: a {@link UtteranceProcessor} appended to {@link Voice#getUtteranceProcessors()}
 *       runs after the duration model ({@code CARTDurator}) and the unit concatenator, and,
 *       because output is synchronous, just before that utterance's audio is written: the bytes
 *       captured so far are the utterance's offset. For each item of the {@code Token} relation
 *       it walks the token's word daughters to their {@code SylStructure} syllables and segments
 *       (phones) and reads each segment's {@code end} feature (seconds from the start of the
 *       utterance; a segment starts where the previous item of the {@code Segment} relation
 *       ends). The audio of an utterance is laid out on the same time axis (the LPC frames sit
 *       on pitchmarks placed from these ends) and stops in the middle of the final pause, so
 *       every word ends inside it.
 *   <li>Failures: FreeTTS catches processor exceptions itself, prints them and, for a {@link
 *       ProcessException} on the last utterance, would wait forever; every processor is
 *       therefore wrapped so that a failure (or an interrupt of the calling thread) is recorded
 *       and the speakable is cancelled.
 * </ul>
 *
 * <p>Not thread-safe: one session serves one call at a time (see {@link FreeTtsSpeechProvider}'s
 * pool).
 */
final class FreeTtsVoiceSession {

  /** What one {@link #speak(String)} produced. */
  record Result(PcmAudio audio, List<SpokenText.Token> tokens) {}

  /** The tokens of one utterance, with times relative to the utterance's start. */
  private record UtteranceTimes(long offsetBytes, List<String> names, float[] starts, float[] ends) {}

  private final Voice voice;
  private final Capture capture = new Capture();
  private final List<UtteranceTimes> utterances = new ArrayList<>();
  private Throwable failure;

  private FreeTtsVoiceSession(Voice voice) {
    this.voice = voice;
  }

  /**
   * Allocates a voice. The caller serializes calls: FreeTTS's lexicon loading fills a static,
   * unsynchronized cache.
   *
   * @param voice a voice not yet allocated, used by nothing else
   * @return the session
   */
  static FreeTtsVoiceSession open(Voice voice) {
    FreeTtsVoiceSession s = new FreeTtsVoiceSession(voice);
    voice.setAudioPlayer(s.capture);
    voice.setOutputQueue(new OutputQueue()); // keeps allocate() from starting an output thread
    voice.allocate();
    voice.setOutputQueue(null); // render in the calling thread
    @SuppressWarnings("unchecked")
    List<UtteranceProcessor> processors = voice.getUtteranceProcessors();
    synchronized (processors) {
      processors.replaceAll(s::guard);
      processors.add(s.guard(s::readTimes));
    }
    return s;
  }

  /** @return the voice's name */
  String voiceName() {
    return voice.getName();
  }

  /**
   * Speaks a text.
   *
   * @param text printable ASCII, not empty
   * @return the audio and the tokens with their times in it
   * @throws IllegalStateException if FreeTTS fails; the cause is the processor's exception
   * @throws CancellationException if the calling thread was interrupted
   */
  Result speak(String text) {
    capture.clear();
    utterances.clear();
    failure = null;
    boolean ok = voice.speak(text);
    if (failure instanceof CancellationException c) {
      throw c;
    }
    if (capture.failure != null) {
      throw new IllegalStateException(capture.failure);
    }
    if (failure != null || !ok) {
      throw new IllegalStateException(
          failure == null ? "FreeTTS did not finish speaking" : failure.toString(), failure);
    }
    AudioFormat f = capture.format;
    if (f == null) {
      return new Result(new PcmAudio(new byte[0], 16_000, 1), List.of());
    }
    int rate = Math.round(f.getSampleRate());
    int channels = f.getChannels();
    byte[] pcm = capture.toLittleEndian();
    PcmAudio audio = new PcmAudio(pcm, rate, channels);
    return new Result(audio, absoluteTimes(pcm.length, rate, channels));
  }

  private List<SpokenText.Token> absoluteTimes(long totalBytes, int rate, int channels) {
    List<SpokenText.Token> out = new ArrayList<>();
    double bytesPerSecond = 2.0 * channels * rate;
    for (int u = 0; u < utterances.size(); u++) {
      UtteranceTimes ut = utterances.get(u);
      long nextOffset = u + 1 < utterances.size() ? utterances.get(u + 1).offsetBytes : totalBytes;
      long from = Math.round(ut.offsetBytes / bytesPerSecond * 1e9);
      long to = Math.max(from, Math.round(nextOffset / bytesPerSecond * 1e9));
      for (int k = 0; k < ut.names.size(); k++) {
        if (Float.isNaN(ut.starts[k])) {
          out.add(new SpokenText.Token(ut.names.get(k), -1, -1));
          continue;
        }
        long s = Math.min(to, from + Math.round(ut.starts[k] * 1e9));
        long e = Math.min(to, Math.max(s, from + Math.round(ut.ends[k] * 1e9)));
        out.add(new SpokenText.Token(ut.names.get(k), s, e));
      }
    }
    return out;
  }

  /** Reads the phone times of one utterance; runs as the last utterance processor. */
  private void readTimes(Utterance u) {
    Relation tokens = u.getRelation(Relation.TOKEN);
    List<String> names = new ArrayList<>();
    List<float[]> spans = new ArrayList<>();
    for (Item t = tokens == null ? null : tokens.getHead(); t != null; t = t.getNext()) {
      names.add(t.getFeatures().isPresent("name") ? t.getFeatures().getString("name") : "");
      float start = Float.NaN;
      float end = Float.NaN;
      for (Item word = t.getDaughter(); word != null; word = word.getNext()) {
        Item structure = word.getItemAs(Relation.SYLLABLE_STRUCTURE);
        if (structure == null) {
          continue; // ':' in 02:14 or '-' make words without phones
        }
        for (Item syl = structure.getDaughter(); syl != null; syl = syl.getNext()) {
          for (Item seg = syl.getDaughter(); seg != null; seg = seg.getNext()) {
            if (!seg.getFeatures().isPresent("end")) {
              continue;
            }
            float segEnd = seg.getFeatures().getFloat("end");
            Item inSegments = seg.getItemAs(Relation.SEGMENT);
            Item prev = inSegments == null ? null : inSegments.getPrevious();
            float segStart =
                prev != null && prev.getFeatures().isPresent("end")
                    ? prev.getFeatures().getFloat("end")
                    : 0f;
            start = Float.isNaN(start) ? segStart : Math.min(start, segStart);
            end = Float.isNaN(end) ? segEnd : Math.max(end, segEnd);
          }
        }
      }
      spans.add(new float[] {start, end});
    }
    float[] starts = new float[spans.size()];
    float[] ends = new float[spans.size()];
    for (int i = 0; i < spans.size(); i++) {
      starts[i] = spans.get(i)[0];
      ends[i] = spans.get(i)[1];
    }
    utterances.add(new UtteranceTimes(capture.size(), names, starts, ends));
  }

  /** A processor that records its failure and cancels the speakable, so that FreeTTS stops. */
  private UtteranceProcessor guard(UtteranceProcessor p) {
    return new UtteranceProcessor() {
      @Override
      public void processUtterance(Utterance u) throws ProcessException {
        if (Thread.currentThread().isInterrupted()) {
          failure = new CancellationException("interrupted while speaking");
          u.getSpeakable().cancelled();
          return;
        }
        try {
          p.processUtterance(u);
        } catch (ProcessException | RuntimeException e) {
          if (failure == null) {
            failure = e;
          }
          u.getSpeakable().cancelled();
          throw e;
        }
      }

      @Override
      public String toString() {
        return String.valueOf(p); // FreeTTS names its timers after the processor
      }
    };
  }

  /**
   * An {@link AudioPlayer} that keeps what it is given in memory. Called by FreeTTS in the
   * speaking thread only.
   */
  private static final class Capture implements AudioPlayer {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
    private AudioFormat format;
    private String failure;

    void clear() {
      bytes.reset();
      format = null;
      failure = null;
    }

    long size() {
      return bytes.size();
    }

    byte[] toLittleEndian() {
      byte[] b = bytes.toByteArray();
      int frame = 2 * format.getChannels();
      int usable = b.length - b.length % frame;
      if (format.isBigEndian()) {
        for (int i = 0; i + 1 < usable; i += 2) {
          byte t = b[i];
          b[i] = b[i + 1];
          b[i + 1] = t;
        }
      }
      return usable == b.length ? b : java.util.Arrays.copyOf(b, usable);
    }

    @Override
    public void setAudioFormat(AudioFormat f) {
      boolean pcm16 =
          AudioFormat.Encoding.PCM_SIGNED.equals(f.getEncoding())
              && f.getSampleSizeInBits() == 16
              && (f.getChannels() == 1 || f.getChannels() == 2);
      if (!pcm16) {
        failure = "FreeTTS produced unsupported audio: " + f;
      } else if (format != null && !sameLayout(format, f)) {
        failure = "FreeTTS changed audio format from " + format + " to " + f;
      } else {
        format = f;
      }
    }

    private static boolean sameLayout(AudioFormat a, AudioFormat b) {
      return a.getSampleRate() == b.getSampleRate()
          && a.getChannels() == b.getChannels()
          && a.isBigEndian() == b.isBigEndian();
    }

    @Override
    public AudioFormat getAudioFormat() {
      return format;
    }

    @Override
    public boolean write(byte[] audioData) {
      return write(audioData, 0, audioData.length);
    }

    @Override
    public boolean write(byte[] audioData, int offset, int size) {
      if (failure != null) {
        return false;
      }
      bytes.write(audioData, offset, size);
      return true;
    }

    @Override
    public void pause() {}

    @Override
    public void resume() {}

    @Override
    public void reset() {}

    @Override
    public boolean drain() {
      return true;
    }

    @Override
    public void begin(int size) {}

    @Override
    public boolean end() {
      return true;
    }

    @Override
    public void cancel() {}

    @Override
    public void close() {}

    @Override
    public float getVolume() {
      return 1f;
    }

    @Override
    public void setVolume(float volume) {
      // Samples are kept as synthesized; FreeTTS's own players apply volume as a line gain.
    }

    @Override
    public long getTime() {
      return 0;
    }

    @Override
    public void resetTime() {}

    @Override
    public void startFirstSampleTimer() {}

    @Override
    public void showMetrics() {}
  }
}
