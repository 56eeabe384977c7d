package dev.storyreel.samples;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.storyreel.core.Manifest;
import dev.storyreel.core.PcmAudio;
import dev.storyreel.testkit.ContractValidator;
import dev.storyreel.testkit.Fixtures;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The soundtrack from the CLI: {@code --music FILE} (a 3 s FLAC chord, shorter than the story, so
 * it loops), {@code --sfx DIR} (a folder holding {@code door-creak.wav}), {@code --stems}, and an
 * OpenAI planner served by WireMock whose plan places the cue "a door creaks" at a word; images
 * and speech are the offline defaults. The outputs are read back: the manifest's soundtrack
 * entry, the MP4's loudness and true peak (FFmpeg's ebur128), the stems' ducking and the
 * effect's onset; then the same command again must take everything from the cache.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliSoundtrackEndToEndTest {
  /** A title, then two paragraphs: the synthesizer pauses at the line breaks. */
  static final String STORY = "The Visitor\n\nThe rain had stopped by midnight, and the house"
      + " was still.\n\nThen the door creaked open, and the cold wind came in.";
  static final String SEGMENT_0 = "The Visitor The rain had stopped by midnight, and the house"
      + " was still.";
  static final String SEGMENT_1 = "Then the door creaked open, and the cold wind came in.";
  /** The cue's word in segment 1: "door". */
  static final int CUE_WORD = 2;
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  WireMockServer wm;
  Path musicFile;
  Path sfxDir;
  Path out;
  int firstExit;
  String firstErr;
  Manifest first;
  int secondExit;
  String secondErr;
  Manifest second;
  /** The first run's video, copied aside. */
  Path firstVideo;
  /** The effects stem of the first run. */
  PcmAudio effectsStem;
  /** The music stem of the first run (ducked 12 dB, the default). */
  PcmAudio musicStem;
  /** The music stem of a third run, the same but {@code --duck-db 0 --force}: the control. */
  PcmAudio unduckedStem;
  int controlExit;
  String controlErr;
  Manifest control;

  @BeforeAll
  void renderTwice() throws Exception {
    wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    wm.start();
    ObjectNode plan = JSON.createObjectNode();
    plan.put("visualStyle", "moody ink wash").put("characterSheet", "").put("mood", "dread");
    var segs = plan.putArray("segments");
    ObjectNode s0 = segs.addObject().put("narration", SEGMENT_0)
        .put("imagePrompt", "a dark house after the rain");
    s0.putNull("mood");
    s0.putArray("soundCues");
    ObjectNode s1 = segs.addObject().put("narration", SEGMENT_1)
        .put("imagePrompt", "a door swinging open into a dark hall").put("mood", "dread");
    s1.putArray("soundCues").addObject().put("description", "a door creaks")
        .put("word", CUE_WORD);
    ObjectNode chat = JSON.createObjectNode();
    chat.put("id", "c1").put("object", "chat.completion").put("created", 1).put("model", "m");
    ObjectNode c = chat.putArray("choices").addObject();
    c.put("index", 0).put("finish_reason", "stop");
    c.putObject("message").put("role", "assistant").put("content", plan.toString());
    chat.putObject("usage").put("prompt_tokens", 300).put("completion_tokens", 150)
        .put("total_tokens", 450);
    wm.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json").withBody(chat.toString())));

    musicFile = SoundFixtures.chord(dir.resolve("night-chord.flac"), 3.0);
    sfxDir = Files.createDirectories(dir.resolve("sfx"));
    SoundFixtures.burst(sfxDir.resolve("door-creak.wav"), 0.4);
    Path story = dir.resolve("visitor.txt");
    Files.writeString(story, STORY);
    out = dir.resolve("out");
    String[] args = {"render", story.toString(), "-o", out.toString(), "--format", "144x256",
        "--fps", "10", "--no-progress", "--planner", "openai",
        "--openai-base-url", wm.baseUrl() + "/v1", "--music", musicFile.toString(),
        "--sfx", sfxDir.toString(), "--stems"};

    StringWriter err = new StringWriter();
    firstExit = cli(err, args);
    firstErr = err.toString();
    if (firstExit != 0) {
      return;
    }
    first = manifest();
    musicStem = stem(first, "music.wav");
    effectsStem = stem(first, "effects.wav");
    // The control run below replaces video.mp4: keep the first run's.
    firstVideo = Files.copy(out.resolve("video.mp4"), dir.resolve("first-video.mp4"));
    err = new StringWriter();
    secondExit = cli(err, args);
    secondErr = err.toString();
    second = secondExit == 0 ? manifest() : null;
    // The control: the same mix without ducking, into the same output (so every asset comes
    // from its cache and only the video is made again). Dividing one music stem by the other
    // cancels the bed's own level and fades, leaving the ducking envelope alone.
    List<String> noDucking = new ArrayList<>(List.of(args));
    noDucking.addAll(List.of("--duck-db", "0", "--force"));
    err = new StringWriter();
    controlExit = cli(err, noDucking.toArray(String[]::new));
    controlErr = err.toString();
    if (controlExit == 0) {
      control = manifest();
      unduckedStem = stem(control, "music.wav");
    }
  }

  @AfterAll
  void stop() {
    if (wm != null) {
      Fixtures.validateAll(wm, ContractValidator.OPENAI, "/v1");
      wm.stop();
    }
  }

  private static int cli(StringWriter err, String... args) {
    CommandLine cl = new CommandLine(new StoryReelCli());
    cl.setOut(new PrintWriter(new StringWriter()));
    cl.setErr(new PrintWriter(err));
    return cl.execute(args);
  }

  private Manifest manifest() throws Exception {
    try (InputStream in = Files.newInputStream(out.resolve("manifest.json"))) {
      return Manifest.read(in);
    }
  }

  private void requireFirst() {
    assertThat(firstExit).as("exit code of the first run; stderr: %s", firstErr).isZero();
  }

  private PcmAudio stem(Manifest m, String name) throws Exception {
    Manifest.SoundtrackEntry st = m.soundtrack();
    assertThat(st.stems()).containsKey(name);
    return PcmAudio.fromWav(Files.readAllBytes(out.resolve(st.stems().get(name).key())));
  }

  /** Every word of the video, on its clock, in order. */
  private List<Manifest.WordEntry> allWords() {
    List<Manifest.WordEntry> w = new ArrayList<>();
    first.segments().forEach(s -> w.addAll(s.words()));
    return w;
  }

  @Test
  void theManifestRecordsTheFileBedAndTheEffectAtItsWord() {
    requireFirst();
    assertThat(first.planner().provider()).isEqualTo("openai");
    assertThat(first.segments()).hasSize(2);
    Manifest.SoundtrackEntry st = first.soundtrack();
    assertThat(st).isNotNull();
    assertThat(st.music().provider()).isEqualTo("file");
    assertThat(st.beds()).isNotEmpty().allSatisfy(b -> {
      assertThat(b.source()).contains("night-chord.flac");
      assertThat(b.mood()).isEqualTo("dread");
    });
    assertThat(st.beds().get(0).startMillis()).isZero();
    assertThat(st.beds().get(st.beds().size() - 1).endMillis())
        .isEqualTo(first.video().durationMillis());
    assertThat(st.effectsProvider().provider()).isEqualTo("folder");
    assertThat(st.unresolved()).as("unresolved cues").isEmpty();
    assertThat(st.effects()).hasSize(1);
    Manifest.EffectEntry fx = st.effects().get(0);
    assertThat(fx.segment()).isEqualTo(1);
    assertThat(fx.description()).isEqualTo("a door creaks");
    assertThat(fx.word()).isEqualTo(CUE_WORD);
    assertThat(fx.source()).contains("door-creak.wav");
    Manifest.WordEntry door = first.segments().get(1).words().get(CUE_WORD);
    assertThat(door.word()).isEqualTo("door");
    assertThat(fx.atMillis()).as("the effect starts at its word").isEqualTo(door.startMillis());
    assertThat(door.startMillis()).isGreaterThan(first.segments().get(1).startMillis());
    assertThat(st.targetLufs()).isEqualTo(-14.0);
    assertThat(st.truePeakCeilingDbtp()).isEqualTo(-1.0);
    assertThat(st.measuredLufs()).isCloseTo(-14.0, within(1.0));
    assertThat(st.stems()).containsOnlyKeys("narration.wav", "music.wav", "effects.wav");
  }

  @Test
  void theMp4IsAtTheLoudnessTargetUnderTheCeiling() throws Exception {
    requireFirst();
    double[] m = SoundFixtures.loudness(firstVideo);
    assertThat(m[0]).as("integrated loudness of the MP4, LUFS").isCloseTo(-14.0, within(1.0));
    assertThat(m[1]).as("true peak of the MP4, dBTP").isLessThanOrEqualTo(-1.0);
  }

  @Test
  void theVideoIsAsLongAsTheNarration() throws Exception {
    requireFirst();
    long narrationMillis = first.segments().get(first.segments().size() - 1).endMillis();
    assertThat(first.video().durationMillis()).isEqualTo(narrationMillis);
    long frames = 0;
    long samples = 0;
    int rate;
    try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(firstVideo.toFile())) {
      g.start();
      rate = g.getSampleRate();
      Frame f;
      while ((f = g.grab()) != null) {
        if (f.image != null) {
          frames++;
        }
        if (f.samples != null) {
          samples += f.samples[0].limit() / (f.samples.length > 1 ? 1 : f.audioChannels);
        }
      }
      g.stop();
    }
    assertThat(frames * 100.0).as("video, ms").isCloseTo(narrationMillis, within(100.0));
    assertThat(frames).isEqualTo(first.video().frameCount());
    assertThat(samples * 1000.0 / rate).as("audio, ms").isCloseTo(narrationMillis, within(50.0));
  }

  /**
   * The brief's rule: the music stem's RMS while words are spoken at least 10 dB below its RMS
   * in gaps over 0.8 s. FreeTTS leaves no such gap in this story (it pauses about 0.3 s at
   * sentence ends and line breaks), so the rule is checked wherever such gaps exist, and the
   * ducking itself is checked by {@link #theMusicIsDucked12DbOnTheWordsAndNotBeforeOrAfterThem}.
   */
  @Test
  void theMusicComesBackUpInGapsOverEightTenthsOfASecond() throws Exception {
    requireFirst();
    assertThat(musicStem.sampleRateHz()).isEqualTo(48_000);
    assertThat(musicStem.duration().toMillis())
        .isCloseTo(first.video().durationMillis(), within(2L));
    List<Manifest.WordEntry> words = allWords();
    double spoken = Double.NEGATIVE_INFINITY;
    for (Manifest.WordEntry w : words) {
      if (w.endMillis() - w.startMillis() >= 50) {
        spoken = Math.max(spoken, SoundFixtures.rmsDb(musicStem, w.startMillis(), w.endMillis()));
      }
    }
    for (int i = 0; i + 1 < words.size(); i++) {
      long from = words.get(i).endMillis();
      long to = words.get(i + 1).startMillis();
      if (to - from > 800) {
        // without the 150 ms ramps at each end
        assertThat(SoundFixtures.rmsDb(musicStem, from + 200, to - 200) - spoken)
            .as("music in the gap %d..%d ms over its loudest spoken word, dB", from, to)
            .isGreaterThanOrEqualTo(10.0);
      }
    }
  }

  /**
   * The music stem over the same stem made with {@code --duck-db 0}: about 12 dB lower during
   * every word, and level (the same gain, whatever it is) before the first word's ramp and after
   * the last word's.
   */
  @Test
  void theMusicIsDucked12DbOnTheWordsAndNotBeforeOrAfterThem() {
    requireFirst();
    assertThat(controlExit).as("exit code of the --duck-db 0 run; stderr: %s", controlErr)
        .isZero();
    assertThat(control.soundtrack().duckDb()).isZero();
    assertThat(first.soundtrack().duckDb()).isEqualTo(12.0);
    assertThat(control.soundtrack().beds()).allSatisfy(b -> assertThat(b.cache().hit())
        .as("the bed does not depend on the ducking").isTrue());
    assertThat(unduckedStem.duration()).isEqualTo(musicStem.duration());
    List<Manifest.WordEntry> words = allWords();
    long ramp = 150;
    long firstRamp = words.get(0).startMillis() - ramp;
    long lastRamp = words.get(words.size() - 1).endMillis() + ramp;
    long end = first.video().durationMillis();
    List<long[]> free = new ArrayList<>();
    if (firstRamp >= 20) {
      free.add(new long[] {0, firstRamp});
    }
    if (end - lastRamp >= 20) {
      free.add(new long[] {lastRamp, end});
    }
    assertThat(free).as("stretches without words or ramps, before or after the speech")
        .isNotEmpty();
    double freeDb = free.stream().mapToDouble(w -> ratioDb(w[0], w[1])).average().orElseThrow();
    for (Manifest.WordEntry w : words) {
      if (w.endMillis() - w.startMillis() >= 50) {
        assertThat(freeDb - ratioDb(w.startMillis(), w.endMillis()))
            .as("ducking during '%s' (%d..%d ms), dB", w.word(), w.startMillis(), w.endMillis())
            .isCloseTo(12.0, within(1.5));
      }
    }
    for (long[] a : free) {
      for (long[] b : free) {
        assertThat(ratioDb(a[0], a[1]) - ratioDb(b[0], b[1])).isCloseTo(0.0, within(1.0));
      }
    }
  }

  /** The ducked music stem over the unducked one between two times, in dB. */
  private double ratioDb(long fromMs, long toMs) {
    return SoundFixtures.rmsDb(musicStem, fromMs, toMs)
        - SoundFixtures.rmsDb(unduckedStem, fromMs, toMs);
  }

  @Test
  void theEffectStartsAtItsWord() throws Exception {
    requireFirst();
    PcmAudio fx = effectsStem;
    long at = first.segments().get(1).words().get(CUE_WORD).startMillis();
    assertThat(SoundFixtures.rmsDb(fx, 0, Math.max(1, at - 60))).as("silence before the cue")
        .isLessThan(-60);
    assertThat(SoundFixtures.onsetMillis(fx, 0.01)).as("effect onset, ms")
        .isCloseTo(at, within(50.0));
  }

  @Test
  void theSameCommandAgainTakesEverythingFromTheCache() {
    requireFirst();
    assertThat(secondExit).as("exit code of the second run; stderr: %s", secondErr).isZero();
    assertThat(second.storyboardCache().hit()).as("storyboard").isTrue();
    assertThat(second.segments()).allSatisfy(s -> {
      assertThat(s.imageCache().hit()).as("image of segment %d", s.index()).isTrue();
      assertThat(s.audioCache().hit()).as("narration of segment %d", s.index()).isTrue();
    });
    assertThat(second.soundtrack().beds()).isNotEmpty()
        .allSatisfy(b -> assertThat(b.cache().hit()).as("bed %s", b).isTrue());
    assertThat(second.soundtrack().effects()).hasSize(1)
        .allSatisfy(e -> assertThat(e.cache().hit()).as("effect %s", e).isTrue());
    assertThat(second.videoCache().hit()).as("video").isTrue();
    assertThat(second.withoutRunFacts()).isEqualTo(first.withoutRunFacts());
    assertThat(wm.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions"))))
        .as("the planner was called once, by the first run").hasSize(1);
    assertThat(out.resolve("music.wav")).isRegularFile();
  }
}
