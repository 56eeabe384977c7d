package dev.storyreel.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.Narration;
import dev.storyreel.core.PcmAudio;
import dev.storyreel.core.WordTiming;
import dev.storyreel.core.spi.ProviderFactory;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.SpeechProvider;
import dev.storyreel.core.spi.SpeechRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class FreeTtsSpeechProviderTest {

  private static final FreeTtsSpeechProvider TTS = new FreeTtsSpeechProvider("kevin16", 2);
  private static final ExecutorService POOL = Executors.newFixedThreadPool(2);

  @AfterAll
  static void stopPool() {
    POOL.shutdownNow();
  }

  private static Narration say(String text) {
    return TTS.synthesize(new SpeechRequest(0, text, null));
  }

  private static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }

  private static WordTiming word(Narration n, String written) {
    return n.words().stream().filter(w -> w.word().equals(written)).findFirst().orElseThrow();
  }

  /** RMS of the samples in [from, to) seconds. */
  private static double rms(PcmAudio audio, double from, double to) {
    short[] s = audio.toShorts();
    int a = (int) Math.max(0, Math.round(from * audio.sampleRateHz()));
    int b = (int) Math.min(s.length, Math.round(to * audio.sampleRateHz()));
    double sum = 0;
    for (int i = a; i < b; i++) {
      sum += (double) s[i] * s[i];
    }
    return b > a ? Math.sqrt(sum / (b - a)) : 0;
  }

  @Test
  void speaksTypographicTextWithOneTimingPerWrittenWord() {
    String text = "“It is 4.7 miles,” said Zoë Okonkwo-Ramírez — at 02:14 exactly. № 5…";
    List<String> written = List.of(text.split("\\s+"));

    Narration n = say(text);

    PcmAudio audio = n.audio();
    assertThat(audio.sampleRateHz()).isEqualTo(16_000);
    assertThat(audio.channels()).isEqualTo(1);
    double perWord = seconds(audio.duration()) / written.size();
    assertThat(perWord).isBetween(0.15, 1.5);
    assertThat(n.words()).extracting(WordTiming::word).containsExactlyElementsOf(written);

    Duration prev = Duration.ZERO;
    for (WordTiming w : n.words()) {
      assertThat(w.start()).isGreaterThanOrEqualTo(prev);
      assertThat(w.end()).isGreaterThanOrEqualTo(w.start()).isLessThanOrEqualTo(audio.duration());
      prev = w.start();
    }
    // Spoken words take time; the lone dash takes none, at the end of the word before it.
    for (String spoken : List.of("“It", "4.7", "Zoë", "Okonkwo-Ramírez", "02:14", "exactly.")) {
      assertThat(word(n, spoken).end()).as(spoken).isGreaterThan(word(n, spoken).start());
    }
    WordTiming dash = word(n, "—");
    assertThat(dash.end()).isEqualTo(dash.start()).isEqualTo(word(n, "Okonkwo-Ramírez").end());
    // "4.7" is read as three words ("four point seven"), "is" as one.
    assertThat(seconds(word(n, "4.7").end().minus(word(n, "4.7").start())))
        .isGreaterThan(2 * seconds(word(n, "is").end().minus(word(n, "is").start())));
  }

  @Test
  void aLongWordLastsLongerThanAShortOne() {
    Narration n = say("An extraordinarily unbelievable elephant sat on a mat.");

    Duration shortWord = word(n, "on").end().minus(word(n, "on").start());
    Duration longWord =
        word(n, "extraordinarily").end().minus(word(n, "extraordinarily").start());
    assertThat(longWord).isGreaterThan(shortWord.multipliedBy(3));
  }

  @Test
  void timingsFollowTheSoundAcrossSentences() {
    Narration n = say("The night was cold. Morning came slowly over the quiet hills.");
    PcmAudio audio = n.audio();

    WordTiming cold = word(n, "cold.");
    WordTiming morning = word(n, "Morning");
    // The second sentence is a separate FreeTTS utterance, timed from its own 0: the offset of
    // the first one's audio must have been added.
    assertThat(morning.start()).isGreaterThan(cold.end());
    assertThat(seconds(morning.start())).isGreaterThan(1.0);

    // Between sentences there is a pause: quiet compared with the words around it.
    double gap = rms(audio, seconds(cold.end()) + 0.03, seconds(morning.start()) - 0.03);
    double speech = rms(audio, seconds(morning.start()), seconds(word(n, "hills.").end()));
    assertThat(seconds(morning.start()) - seconds(cold.end())).isGreaterThan(0.15);
    assertThat(gap).isLessThan(speech / 5);

    // The first word starts after FreeTTS's leading pause, where the sound starts.
    WordTiming first = n.words().get(0);
    assertThat(seconds(first.start())).isGreaterThan(0.1);
    assertThat(rms(audio, 0, seconds(first.start()) - 0.02))
        .isLessThan(rms(audio, seconds(first.start()), seconds(first.end())) / 5);
    // ...and the last word ends where the sound stops.
    WordTiming last = n.words().get(n.words().size() - 1);
    assertThat(rms(audio, seconds(last.end()) + 0.02, seconds(audio.duration())))
        .isLessThan(speech / 5);
  }

  @Test
  void punctuationOnlyTextGivesSilenceAndZeroLengthWords() {
    Narration n = say("— …");

    assertThat(n.audio().duration()).isPositive();
    assertThat(n.words()).extracting(WordTiming::word).containsExactly("—", "…");
    assertThat(n.words()).allSatisfy(w -> assertThat(w.end()).isEqualTo(Duration.ZERO));
  }

  @Test
  void unknownVoiceIsAConfigurationErrorListingTheVoices() {
    assertThatThrownBy(() -> new FreeTtsSpeechProvider("hal9000"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("hal9000")
        .hasMessageContaining("kevin16")
        .hasMessageContaining("kevin,");
    assertThatThrownBy(() -> TTS.synthesize(new SpeechRequest(3, "Hello.", "alan")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("kevin16");
  }

  @Test
  void concurrentCallsFromTwoThreadsGiveTheSameResultAsOneThread() throws Exception {
    List<String> texts =
        List.of("The ferry left at dawn.", "Rain fell on the old station, and nobody came.");
    List<Narration> expected = new ArrayList<>();
    for (String t : texts) {
      expected.add(say(t));
    }

    List<Future<Narration>> futures = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < texts.size(); i++) {
        String t = texts.get(i);
        int segment = i;
        futures.add(POOL.submit(() -> TTS.synthesize(new SpeechRequest(segment, t, null))));
      }
    }
    for (int k = 0; k < futures.size(); k++) {
      Narration got = futures.get(k).get(60, TimeUnit.SECONDS);
      Narration want = expected.get(k % texts.size());
      assertThat(got.audio()).isEqualTo(want.audio());
      assertThat(got.words()).isEqualTo(want.words());
    }
  }

  @Test
  void factoryIsFoundByServiceLoaderAndMakesTheNamedVoice() {
    List<ProviderFactory<?>> found = new ArrayList<>();
    @SuppressWarnings("rawtypes")
    ServiceLoader<ProviderFactory> loader = ServiceLoader.load(ProviderFactory.class);
    loader.forEach(found::add);
    ProviderFactory<?> f =
        found.stream().filter(x -> x.name().equals("freetts")).findFirst().orElseThrow();

    assertThat(f.type()).isEqualTo(SpeechProvider.class);
    assertThat(f.priority()).isEqualTo(1);
    assertThat(f.isAvailable()).isTrue();
    SpeechProvider p =
        (SpeechProvider) f.create(ProviderSettings.EMPTY.with(FreeTtsSpeechProviderFactory.VOICE, "kevin"));
    assertThat(p.name()).isEqualTo("freetts");
    assertThat(p.model()).isEqualTo("kevin");
    assertThat(p.resource()).isEqualTo("speech");
    assertThat(((SpeechProvider) f.create(ProviderSettings.EMPTY)).model()).isEqualTo("kevin16");
    assertThatThrownBy(
            () -> f.create(ProviderSettings.EMPTY.with(FreeTtsSpeechProviderFactory.VOICE, "x")))
        .isInstanceOf(ConfigurationException.class);
  }

  @Test
  void eightKilohertzVoiceIsReportedAtItsRate() {
    Narration n = TTS.synthesize(new SpeechRequest(0, "Good evening.", "kevin"));

    assertThat(n.audio().sampleRateHz()).isEqualTo(8_000);
    assertThat(n.words()).hasSize(2);
    assertThat(word(n, "evening.").end()).isLessThanOrEqualTo(n.audio().duration());
  }
}
