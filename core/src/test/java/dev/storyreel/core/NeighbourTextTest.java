package dev.storyreel.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storyreel.core.spi.SpeechRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A speech provider that reads the neighbouring segments' text (ElevenLabs' previous_text and
 * next_text) gets it from the job; one that does not gets none, so its cache keys do not depend
 * on the neighbours.
 */
class NeighbourTextTest {
  static final String TEXT = "The ferry left at dawn. Mara stood at the rail. Then she went"
      + " below.";
  @TempDir Path dir;

  /** Remembers every request, by segment. */
  static class Recording extends Fakes.Speech {
    final Map<Integer, SpeechRequest> seen = new ConcurrentHashMap<>();
    final boolean neighbours;

    Recording(boolean neighbours) {
      super(true);
      this.neighbours = neighbours;
    }

    @Override
    public boolean usesNeighbourText() {
      return neighbours;
    }

    @Override
    public Narration synthesize(SpeechRequest r) {
      seen.put(r.segmentIndex(), r);
      return super.synthesize(r);
    }
  }

  Map<Integer, SpeechRequest> run(Recording speech, String out) {
    StoryReel.builder().format(new VideoFormat(270, 480, 12)).images(new Fakes.Images())
        .speech(speech).renderer(new Fakes.Render()).planner(new Fakes.Sentences())
        .workDir(dir.resolve("work-" + out)).build()
        .render(new Story("Ferry", TEXT), dir.resolve(out));
    return speech.seen;
  }

  @Test
  void aProviderThatReadsTheNeighboursGetsThemInSegmentOrder() {
    Map<Integer, SpeechRequest> seen = run(new Recording(true), "with");
    assertThat(seen).hasSizeGreaterThan(2);
    List<Integer> order = seen.keySet().stream().sorted().toList();
    for (int k = 0; k < order.size(); k++) {
      SpeechRequest r = seen.get(order.get(k));
      assertThat(r.previousText()).isEqualTo(k == 0 ? null : seen.get(order.get(k - 1)).text());
      assertThat(r.nextText()).isEqualTo(k == order.size() - 1 ? null
          : seen.get(order.get(k + 1)).text());
    }
  }

  @Test
  void aProviderThatDoesNotGetsNoNeighbours() {
    Map<Integer, SpeechRequest> seen = run(new Recording(false), "without");
    assertThat(seen).isNotEmpty().allSatisfy((i, r) -> {
      assertThat(r.previousText()).isNull();
      assertThat(r.nextText()).isNull();
    });
  }
}
