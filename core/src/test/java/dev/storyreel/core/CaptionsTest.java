package dev.storyreel.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CaptionsTest {
  private static Duration ms(long m) {
    return Duration.ofMillis(m);
  }

  /** Words 300 ms long with 100 ms gaps, starting at {@code startMs}. */
  private static List<WordTiming> words(long startMs, String... ws) {
    List<WordTiming> out = new ArrayList<>();
    long t = startMs;
    for (String w : ws) {
      out.add(new WordTiming(w, ms(t), ms(t + 300)));
      t += 400;
    }
    return out;
  }

  @Test
  void cuesStayInsideTheirSegmentAndCoverItWithoutGaps() {
    List<Captions.Span> spans = List.of(
        new Captions.Span(ms(0), ms(2500),
            words(100, "The", "ferry", "left", "at", "nine.", "Nobody")),
        new Captions.Span(ms(2500), ms(4000), words(2600, "waved", "back.")));
    List<CaptionCue> cues = Captions.cues(spans, 32);
    // "nine." ends a sentence, so "Nobody" starts a new cue; segment 2 starts its own cue.
    assertThat(cues).extracting(CaptionCue::text)
        .containsExactly("The ferry left at nine.", "Nobody", "waved back.");
    assertThat(cues.get(0).start()).isEqualTo(ms(0));
    assertThat(cues.get(0).end()).isEqualTo(cues.get(1).start());
    assertThat(cues.get(1).end()).isEqualTo(ms(2500));
    assertThat(cues.get(2).start()).isEqualTo(ms(2500));
    assertThat(cues.get(2).end()).isEqualTo(ms(4000));
    assertThat(cues).extracting(CaptionCue::index).containsExactly(0, 1, 2);
  }

  @Test
  void longRunsAreSplitByLength() {
    List<WordTiming> ws = words(0, "alpha", "bravo", "charlie", "delta", "echo", "foxtrot",
        "golf", "hotel", "india", "juliet");
    List<CaptionCue> cues = Captions.cues(List.of(new Captions.Span(ms(0), ms(4100), ws)), 20);
    assertThat(cues).allSatisfy(c -> assertThat(c.text().length()).isLessThanOrEqualTo(20));
    assertThat(cues.stream().mapToInt(c -> c.words().size()).sum()).isEqualTo(10);
  }

  @Test
  void aLineBreakStartsANewCue() {
    List<WordTiming> ws = words(0, "Alder", "Street", "My", "grandmother");
    List<CaptionCue> cues = Captions.cues(
        List.of(new Captions.Span(ms(0), ms(1600), ws, java.util.Set.of(1))), 40);
    assertThat(cues).extracting(CaptionCue::text).containsExactly("Alder Street", "My grandmother");
  }

  @Test
  void aPauseStartsANewCue() {
    List<WordTiming> ws = List.of(
        new WordTiming("wait", ms(0), ms(300)),
        new WordTiming("for", ms(1000), ms(1200)),
        new WordTiming("it", ms(1250), ms(1400)));
    List<CaptionCue> cues = Captions.cues(List.of(new Captions.Span(ms(0), ms(1500), ws)), 40);
    assertThat(cues).extracting(CaptionCue::text).containsExactly("wait", "for it");
  }

  @Test
  void srtAndVttFormats() {
    List<CaptionCue> cues = Captions.cues(List.of(new Captions.Span(ms(0), ms(3_723_456),
        List.of(new WordTiming("One", ms(0), ms(500)), new WordTiming("<two>", ms(600), ms(900))))),
        40);
    assertThat(Captions.toSrt(cues))
        .isEqualTo("1\n00:00:00,000 --> 01:02:03,456\nOne <two>\n\n");
    assertThat(Captions.toVtt(cues))
        .isEqualTo("WEBVTT\n\n00:00:00.000 --> 01:02:03.456\nOne <00:00:00.600>&lt;two&gt;\n\n");
  }

  @Test
  void activeWordFollowsTime() {
    CaptionCue c = new CaptionCue(0, ms(0), ms(1000), words(100, "a", "b"));
    assertThat(c.activeWordAt(ms(50))).isEqualTo(-1);
    assertThat(c.activeWordAt(ms(100))).isZero();
    assertThat(c.activeWordAt(ms(499))).isZero();
    assertThat(c.activeWordAt(ms(500))).isEqualTo(1);
  }

  @Test
  void twoLinesSplitsNearTheMiddle() {
    assertThat(Captions.twoLines("short one")).isEqualTo("short one");
    assertThat(Captions.twoLines("the lighthouse keeper counted every wave"))
        .isEqualTo("the lighthouse keeper\ncounted every wave");
  }
}
