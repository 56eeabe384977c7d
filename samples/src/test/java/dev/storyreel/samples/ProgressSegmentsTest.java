package dev.storyreel.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storyreel.core.ProgressEvent;
import dev.storyreel.core.ProgressEvent.SegmentPhase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The CLI's compact line for a streaming render's {@link ProgressEvent.SegmentStatus} events. */
class ProgressSegmentsTest {

  static ProgressEvent.SegmentStatus st(int segment, SegmentPhase phase) {
    return new ProgressEvent.SegmentStatus(segment, phase);
  }

  @Test
  void theSummaryCountsEachPhaseAndNamesTheSegmentTheRenderWaitsOn() {
    Progress.Segments s = new Progress.Segments();
    assertThat(s.summary()).isEqualTo("segments: none yet");
    for (int i = 0; i < 9; i++) {
      s.apply(st(i, SegmentPhase.GENERATING));
    }
    assertThat(s.summary()).isEqualTo("segments: 9 generating");
    for (int i : new int[] {0, 1, 2, 3, 4, 5, 7, 8}) {
      s.apply(st(i, SegmentPhase.READY));
    }
    s.apply(st(0, SegmentPhase.COMPOSED));
    s.apply(st(1, SegmentPhase.COMPOSED));
    assertThat(s.summary()).isEqualTo("segments: 2 composed, 6 ready, 1 generating");
    for (int i = 2; i <= 5; i++) {
      s.apply(st(i, SegmentPhase.COMPOSED));
    }
    s.apply(st(6, SegmentPhase.WAITING));
    assertThat(s.isWaiting(6)).isTrue();
    assertThat(s.summary())
        .isEqualTo("segments: 6 composed, 2 ready, 1 generating, render waiting on 6");
    s.apply(st(6, SegmentPhase.READY));
    assertThat(s.isWaiting(6)).isFalse();
    assertThat(s.summary()).isEqualTo("segments: 6 composed, 3 ready");
    for (int i = 6; i < 9; i++) {
      s.apply(st(i, SegmentPhase.COMPOSED));
    }
    assertThat(s.summary()).isEqualTo("segments: 9 composed");
    assertThat(s.composed()).isEqualTo(9);
  }

  @Test
  void aWaitTheReadyEventOvertookIsNotShownAsWaiting() {
    Progress.Segments s = new Progress.Segments();
    s.apply(st(3, SegmentPhase.GENERATING));
    s.apply(st(3, SegmentPhase.READY));
    s.apply(st(3, SegmentPhase.WAITING)); // the renderer looked just before the picture landed
    assertThat(s.isWaiting(3)).isFalse();
    assertThat(s.summary()).isEqualTo("segments: 1 ready");
    // A segment the renderer reaches before its task even started still counts as waited on.
    s.apply(st(4, SegmentPhase.WAITING));
    assertThat(s.summary()).isEqualTo("segments: 1 ready, render waiting on 4");
  }

  @Test
  void offATerminalALineComesWhenTheRenderWaitsAndPerQuarterComposedNotPerEvent() {
    StringWriter out = new StringWriter();
    Progress p = new Progress(true, false, new PrintWriter(out));
    p.onEvent(new ProgressEvent.StoryboardPlanned(4));
    for (int i = 0; i < 4; i++) {
      p.onEvent(st(i, SegmentPhase.GENERATING));
    }
    p.onEvent(st(0, SegmentPhase.READY));
    p.onEvent(st(0, SegmentPhase.COMPOSED));
    p.onEvent(st(1, SegmentPhase.WAITING));
    p.onEvent(st(2, SegmentPhase.READY));
    p.onEvent(st(1, SegmentPhase.READY));
    p.onEvent(st(1, SegmentPhase.COMPOSED));
    p.onEvent(st(3, SegmentPhase.READY));
    p.onEvent(st(2, SegmentPhase.COMPOSED));
    p.onEvent(st(3, SegmentPhase.COMPOSED));
    p.close();
    List<String> lines = Arrays.stream(out.toString().split("\n"))
        .filter(l -> l.startsWith("segments:")).toList();
    assertThat(lines).containsExactly(
        "segments: 1 composed, 3 generating",
        "segments: 1 composed, 3 generating, render waiting on 1",
        "segments: 2 composed, 1 ready, 1 generating",
        "segments: 3 composed, 1 ready",
        "segments: 4 composed");
  }

  @Test
  void withProgressOffNothingIsShown() {
    StringWriter out = new StringWriter();
    Progress p = new Progress(false, false, new PrintWriter(out));
    p.onEvent(new ProgressEvent.StoryboardPlanned(1));
    p.onEvent(st(0, SegmentPhase.WAITING));
    p.onEvent(st(0, SegmentPhase.COMPOSED));
    p.close();
    assertThat(out.toString()).isEmpty();
  }
}
