package dev.storyreel.offline;

import com.sun.speech.freetts.Voice;
import com.sun.speech.freetts.en.us.cmu_us_kal.KevinVoiceDirectory;
import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.Narration;
import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.PcmAudio;
import dev.storyreel.core.WordTiming;
import dev.storyreel.core.spi.SpeechProvider;
import dev.storyreel.core.spi.SpeechRequest;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Offline speech with <a href="https://freetts.sourceforge.io/">FreeTTS</a> 1.2 (pure Java, no
 * network, no native code), with word timings taken from the synthesizer itself.
 *
 * <p>Voices are those of FreeTTS's {@link KevinVoiceDirectory}, which ships inside the FreeTTS
 * jar: {@code kevin16}, the CMU {@code cmu_us_kal} diphone voice at 16 kHz (the default), and
 * {@code kevin}, the same voice at 8 kHz. They are instantiated directly, so no {@code
 * freetts.voices} system property or {@code voices.txt} is needed. The audio is mono signed
 * 16-bit PCM at the voice's rate.
 *
 * <p>Word timings are not estimated: they are the phone end times of FreeTTS's duration model,
 * read from each utterance after synthesis (see {@link FreeTtsVoiceSession}) and mapped to the
 * written words by {@link SpokenText}. {@link Narration#words()} has exactly one entry per
 * whitespace-separated word of the request's text, with the author's spelling and punctuation;
 * a word that is only punctuation (a lone {@code —}) takes no time at the end of the word before.
 * The text FreeTTS hears is first reduced to ASCII (curly quotes straightened, dashes read as
 * pauses, accents dropped).
 *
 * <p>Thread-safe. FreeTTS voices are not, so each call borrows an allocated voice from a pool (at
 * most {@link #maxConcurrency()} per voice name) and returns it afterwards; a caller beyond that
 * waits. Voices are allocated on first use: loading the lexicon and the diphone database took
 * about 0.35 s for the first voice in a JVM and 0.15 s for each further one (measured on a 2-core
 * machine), and each voice holds about 3 MB. Allocations are serialized because FreeTTS caches
 * lexicons in an unsynchronized static map. No thread is started: FreeTTS's output thread is
 * suppressed and each call synthesizes in the calling thread (about 10 to 50 ms per sentence).
 */
public final class FreeTtsSpeechProvider implements SpeechProvider {

  /** The registered name, {@value}. */
  public static final String NAME = "freetts";

  /** The default voice, {@value}: CMU's diphone voice {@code cmu_us_kal} at 16 kHz. */
  public static final String DEFAULT_VOICE = "kevin16";

  /** Length of the silence returned for a text with nothing to say (only punctuation). */
  private static final int SILENCE_MILLIS = 250;

  /** Guards FreeTTS's allocation of voices, which fills static caches without locking. */
  private static final Object ALLOCATION_LOCK = new Object();

  private static final List<String> VOICES =
      Arrays.stream(new KevinVoiceDirectory().getVoices()).map(Voice::getName).sorted().toList();

  private final String defaultVoice;
  private final int maxConcurrency;
  private final ConcurrentMap<String, Pool> pools = new ConcurrentHashMap<>();

  /** A provider speaking with {@value #DEFAULT_VOICE}; nothing is loaded until the first call. */
  public FreeTtsSpeechProvider() {
    this(DEFAULT_VOICE);
  }

  /**
   * @param voice the default voice name, one of {@link #availableVoices()}; {@code null} for
   *     {@value #DEFAULT_VOICE}
   * @throws ConfigurationException if there is no such voice
   */
  public FreeTtsSpeechProvider(String voice) {
    this(voice, defaultConcurrency());
  }

  /**
   * @param voice the default voice name, one of {@link #availableVoices()}; {@code null} for
   *     {@value #DEFAULT_VOICE}
   * @param maxConcurrency how many calls may synthesize at once, per voice, at least 1; each
   *     needs its own allocated voice (a few MB)
   * @throws ConfigurationException if there is no such voice
   * @throws IllegalArgumentException if {@code maxConcurrency} is less than 1
   */
  public FreeTtsSpeechProvider(String voice, int maxConcurrency) {
    if (maxConcurrency < 1) {
      throw new IllegalArgumentException("maxConcurrency must be >= 1, was " + maxConcurrency);
    }
    this.defaultVoice = requireVoice(voice == null ? DEFAULT_VOICE : voice);
    this.maxConcurrency = maxConcurrency;
  }

  /**
   * @return the number of processors, at most 4: synthesis is CPU-bound and each concurrent call
   *     holds its own voice
   */
  private static int defaultConcurrency() {
    return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
  }

  /**
   * @return the names of the voices this provider can speak with, sorted: {@code kevin} (8 kHz)
   *     and {@code kevin16} (16 kHz)
   */
  public static List<String> availableVoices() {
    return VOICES;
  }

  private static String requireVoice(String name) {
    if (!VOICES.contains(name)) {
      throw new ConfigurationException(
          "FreeTTS has no voice '" + name + "'; available voices: " + String.join(", ", VOICES));
    }
    return name;
  }

  /** @return {@link #availableVoices()} */
  @Override
  public List<String> voices() {
    return VOICES;
  }

  /** @return {@link Locale#US}: both voices are CMU's US English diphone voice */
  @Override
  public Locale language() {
    return Locale.US;
  }

  /**
   * Whether FreeTTS says anything for a word: after the word is reduced to ASCII the way {@link
   * #synthesize} reduces it (accents dropped, so {@code café} and {@code Ærø} are spoken; other
   * non-ASCII characters such as CJK, Cyrillic or emoji removed), at least one letter, digit
   * (FreeTTS reads numbers as English words) or spoken symbol ({@code & @ # % $ + = /}) is left.
   * Pure and thread-safe.
   *
   * @param word a word as written; never {@code null}
   * @return whether FreeTTS would speak it
   */
  @Override
  public boolean canSpeak(String word) {
    return !SpokenText.of(word).spokenText().isEmpty();
  }

  /** @return {@value #NAME} */
  @Override
  public String name() {
    return NAME;
  }

  /** @return the default voice's name, for example {@code kevin16} */
  @Override
  public String model() {
    return defaultVoice;
  }

  /** @return how many calls may synthesize at once with one voice */
  @Override
  public int maxConcurrency() {
    return maxConcurrency;
  }

  /**
   * Speaks a segment's narration.
   *
   * @param request what to say; its {@code voice} is a name from {@link #availableVoices()}, or
   *     {@code null} for this provider's default
   * @return mono 16-bit audio at the voice's rate (16 000 Hz for {@code kevin16}) and one timing
   *     per word of the text ({@link dev.storyreel.core.Words#split}), non-decreasing, inside
   *     the audio; a text with nothing to say gives 0.25 s of silence at 16 kHz with every word at 0
   * @throws NullPointerException if {@code request} is {@code null}
   * @throws ConfigurationException if the requested voice does not exist
   * @throws NonRetriableException if FreeTTS fails; the message names the segment index
   * @throws CancellationException if the calling thread is interrupted while waiting for a voice
   *     or speaking (its interrupt status is kept)
   */
  @Override
  public Narration synthesize(SpeechRequest request) {
    Objects.requireNonNull(request, "request");
    String voice = requireVoice(request.voice() == null ? defaultVoice : request.voice());
    SpokenText text = SpokenText.of(request.text());
    if (text.spokenText().isEmpty()) {
      PcmAudio silence = new PcmAudio(new byte[2 * 16 * SILENCE_MILLIS], 16_000, 1);
      return new Narration(silence, text.timings(List.of(), java.time.Duration.ZERO));
    }
    Pool pool = pools.computeIfAbsent(voice, Pool::new);
    FreeTtsVoiceSession session = pool.acquire(request.segmentIndex());
    boolean healthy = false;
    FreeTtsVoiceSession.Result result;
    try {
      result = session.speak(text.spokenText());
      healthy = true;
    } catch (CancellationException e) {
      healthy = true;
      Thread.currentThread().interrupt();
      throw e;
    } catch (RuntimeException e) {
      throw new NonRetriableException(
          "FreeTTS (voice " + voice + ") failed to speak segment " + request.segmentIndex()
              + ": " + e.getMessage(),
          e.getCause() == null ? e : e.getCause());
    } finally {
      pool.release(session, healthy);
    }
    List<WordTiming> words = text.timings(result.tokens(), result.audio().duration());
    return new Narration(result.audio(), words);
  }

  /** @return the provider's name, default voice and concurrency, for logs */
  @Override
  public String toString() {
    return "FreeTtsSpeechProvider[" + defaultVoice + ", maxConcurrency=" + maxConcurrency + "]";
  }

  /** The allocated voices of one name: idle ones, and how many exist. */
  private final class Pool {
    private final String voiceName;
    private final Deque<FreeTtsVoiceSession> idle = new ArrayDeque<>();
    private int created;

    Pool(String voiceName) {
      this.voiceName = voiceName;
    }

    FreeTtsVoiceSession acquire(int segmentIndex) {
      synchronized (this) {
        while (idle.isEmpty() && created >= maxConcurrency) {
          try {
            wait();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException(
                "interrupted while waiting for a FreeTTS voice for segment " + segmentIndex);
          }
        }
        if (!idle.isEmpty()) {
          return idle.pop();
        }
        created++;
      }
      try {
        return allocate();
      } catch (RuntimeException | Error e) {
        synchronized (this) {
          created--;
          notifyAll();
        }
        throw new NonRetriableException(
            "FreeTTS could not load voice " + voiceName + " for segment " + segmentIndex + ": "
                + e,
            e);
      }
    }

    private FreeTtsVoiceSession allocate() {
      Voice voice =
          Arrays.stream(new KevinVoiceDirectory().getVoices())
              .filter(v -> v.getName().equals(voiceName))
              .findFirst()
              .orElseThrow(() -> new IllegalStateException("voice vanished: " + voiceName));
      synchronized (ALLOCATION_LOCK) {
        return FreeTtsVoiceSession.open(voice);
      }
    }

    void release(FreeTtsVoiceSession session, boolean healthy) {
      synchronized (this) {
        if (healthy) {
          idle.push(session);
        } else {
          created--; // a voice that failed mid-utterance is dropped, not reused
        }
        notifyAll();
      }
    }
  }
}
