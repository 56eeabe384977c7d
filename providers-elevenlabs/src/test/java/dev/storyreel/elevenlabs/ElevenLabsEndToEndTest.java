package dev.storyreel.elevenlabs;

import dev.storyreel.core.Usage;
import java.math.BigDecimal;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.storyreel.core.JobResult;
import dev.storyreel.core.Manifest;
import dev.storyreel.core.Mood;
import dev.storyreel.core.PcmAudio;
import dev.storyreel.core.Segment;
import dev.storyreel.core.SoundCue;
import dev.storyreel.core.Story;
import dev.storyreel.core.StoryReel;
import dev.storyreel.core.Storyboard;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.WordTiming;
import dev.storyreel.core.Words;
import dev.storyreel.core.spi.Aligner;
import dev.storyreel.core.spi.StoryPlanner;
import dev.storyreel.testkit.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A story rendered end to end through {@link StoryReel} (offline pictures, FFmpeg at a tiny
 * size) with every sound from WireMock-served ElevenLabs: narration with character timestamps,
 * a music bed and a sound effect. The captions come from the character alignment: the job's
 * aligner is one that fails if it is ever called. Every request body is validated against the
 * vendor's contract when it is present.
 */
class ElevenLabsEndToEndTest {
  static final String KEY = "test-only-fake-credential-0042";
  static final String FIRST = "The Lamp\n\nA small lamp glowed in the window.";
  static final String SECOND = "Outside, a door creaked in the snow.";
  static final int RATE_HZ = 16_000;
  static final double SECONDS_PER_CHAR = 0.04;
  static WireMockServer wm;
  @TempDir static Path dir;

  /** Plans the two segments above, with a cue at "door" and the mood dread. */
  static final class TwoSegments implements StoryPlanner {
    @Override
    public Storyboard plan(Story story, VideoFormat format, String visualStyle) {
      return new Storyboard(List.of(
          new Segment(0, FIRST, "a lamp in a window at night", Mood.DREAD, List.of()),
          new Segment(1, SECOND, "a door in the snow", Mood.DREAD,
              List.of(new SoundCue("a door creaks", 2)))), "ink", Usage.NONE,
          Mood.DREAD);
    }

    @Override
    public String name() {
      return "two-segments";
    }

    @Override
    public String model() {
      return "test";
    }
  }

  /** An aligner that must never be called: the speech carries its own timings. */
  static final class NeverAligner implements Aligner {
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public List<WordTiming> align(int segmentIndex, String text, PcmAudio audio) {
      calls.incrementAndGet();
      throw new AssertionError("the aligner was called for segment " + segmentIndex);
    }

    @Override
    public String name() {
      return "never";
    }

    @Override
    public String model() {
      return "never";
    }
  }

  @BeforeAll
  static void serve() {
    wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    wm.start();
    for (String text : List.of(FIRST, SECOND)) {
      PcmAudio audio = Fixtures.tone(Math.round(text.length() * SECONDS_PER_CHAR * 1000) + 300,
          RATE_HZ);
      String body = Answers.speech(text, audio, SECONDS_PER_CHAR);
      ElevenLabsContract.validateResponse(ElevenLabsContract.TTS, "post", 200, body);
      wm.stubFor(post(urlPathMatching("/v1/text-to-speech/.*/with-timestamps"))
          .withRequestBody(matchingJsonPath("$.text", equalTo(text)))
          .willReturn(Answers.json(200, body)));
    }
    wm.stubFor(post(urlPathEqualTo("/v1/music"))
        .willReturn(Answers.pcm(Fixtures.tone(10_000, RATE_HZ))));
    wm.stubFor(post(urlPathEqualTo("/v1/sound-generation"))
        .willReturn(Answers.pcm(Fixtures.tone(1_000, RATE_HZ))));
  }

  @AfterAll
  static void stop() {
    try {
      ElevenLabsContract.validateAll(wm);
    } finally {
      wm.stop();
    }
  }

  @Test
  void aStoryRendersWithElevenLabsSoundAndItsCaptionsComeFromTheCharacterAlignment()
      throws Exception {
    ElevenLabsConfig config = ElevenLabsConfig.builder().baseUrl(wm.baseUrl()).apiKey(KEY)
        .pcmRateHz(RATE_HZ).build();
    NeverAligner aligner = new NeverAligner();
    StoryReel reel = StoryReel.builder()
        .format(new VideoFormat(180, 320, 10))
        .planner(new TwoSegments())
        .images("procedural")
        .speech(ElevenLabsSpeechProvider.builder(config).build())
        .aligner(aligner)
        .music(new ElevenLabsMusicProvider(config, "quiet winter night"))
        .effects(new ElevenLabsSoundEffectProvider(config, Duration.ofSeconds(1), 0.3))
        .workDir(dir.resolve("work"))
        .build();
    JobResult r = reel.render(Story.of(FIRST + "\n" + SECOND), dir.resolve("out"));

    assertThat(aligner.calls).hasValue(0);
    Manifest m = r.manifest();
    assertThat(m.segments()).hasSize(2);
    for (Manifest.SegmentEntry s : m.segments()) {
      assertThat(s.speechProvider().provider()).isEqualTo("elevenlabs");
      assertThat(s.alignerProvider()).as("no aligner was used").isNull();
      assertThat(s.speechUsage().characters()).isEqualTo(s.narration().length());
      assertThat(s.speechUsage().estimatedCostUsd()).as("the price table's estimate, $100 per"
          + " million characters").isEqualByComparingTo(new BigDecimal("0.0001")
          .multiply(BigDecimal.valueOf(s.narration().length())));
      List<String> words = Words.split(s.narration());
      assertThat(s.words()).extracting(Manifest.WordEntry::word).containsExactlyElementsOf(words);
      // Each word starts where its first character does in the alignment, from the segment's
      // start: the timings are the vendor's, not an estimate.
      int at = s.narration().indexOf(words.get(1));
      assertThat(s.words().get(1).startMillis() - s.startMillis())
          .isEqualTo(Math.round(at * SECONDS_PER_CHAR * 1000));
    }
    String srt = Files.readString(r.captionsSrt().path().orElseThrow(), StandardCharsets.UTF_8);
    assertThat(srt).contains("lamp").contains("creaked");
    assertThat(r.video().path().orElseThrow()).isRegularFile();

    Manifest.SoundtrackEntry st = m.soundtrack();
    assertThat(st.music().provider()).isEqualTo("elevenlabs");
    assertThat(st.beds()).isNotEmpty().allSatisfy(b -> assertThat(b.source())
        .contains("music_v1").contains("quiet winter night"));
    assertThat(st.effectsProvider().provider()).isEqualTo("elevenlabs");
    assertThat(st.effects()).singleElement().satisfies(e -> {
      assertThat(e.description()).isEqualTo("a door creaks");
      assertThat(e.source()).contains("sound-generation");
    });
    assertThat(st.unresolved()).isEmpty();

    // Prosody across segments: each narration was sent with its neighbours' text.
    for (var e : wm.getAllServeEvents()) {
      if (!e.getRequest().getUrl().contains("/with-timestamps")) {
        continue;
      }
      JsonNode sent = Answers.JSON.readTree(e.getRequest().getBody());
      if (sent.path("text").asText().equals(FIRST)) {
        assertThat(sent.path("next_text").asText()).isEqualTo(SECOND);
        assertThat(sent.has("previous_text")).isFalse();
      } else {
        assertThat(sent.path("previous_text").asText()).isEqualTo(FIRST);
        assertThat(sent.has("next_text")).isFalse();
      }
    }
    wm.verify(2, postRequestedFor(urlPathMatching("/v1/text-to-speech/.*/with-timestamps")));
  }
}
