package dev.storyreel.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.Mood;
import dev.storyreel.core.Providers;
import dev.storyreel.core.Segment;
import dev.storyreel.core.Story;
import dev.storyreel.core.Storyboard;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.SettingSpec;
import dev.storyreel.core.spi.StoryPlanner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RuleBasedPlannerTest {
  private final RuleBasedPlanner planner = new RuleBasedPlanner();

  private static List<String> words(String s) {
    return Arrays.asList(s.strip().split("\\s+"));
  }

  @Test
  void segmentsGiveBackTheStorysWordsAndStayInRange() throws Exception {
    for (String name : List.of("the-house-on-alder-street.txt", "signal-lost.txt",
        "the-last-ferry.txt")) {
      Path file = Path.of("..", "samples", "stories", name);
      Story story = Story.read(file);
      Storyboard b = planner.plan(story, VideoFormat.portrait(), "");
      String joined = b.segments().stream().map(Segment::narration).collect(Collectors.joining(" "));
      assertThat(words(joined)).as(name).isEqualTo(words(story.text()));
      for (Segment s : b.segments()) {
        double secs = planner.estimateSeconds(s.narration());
        // Over 15 s only when a single sentence is that long; under 8 s only at a paragraph end
        // or at the end of the story.
        assertThat(secs).as(name + " segment " + s.index()).isLessThanOrEqualTo(
            Math.max(15.0, longestSentenceSeconds(s.narration())));
        assertThat(s.imagePrompt()).contains(RuleBasedPlanner.DEFAULT_STYLE);
      }
      assertThat(Files.size(file)).isPositive();
    }
  }

  private double longestSentenceSeconds(String text) {
    return Arrays.stream(text.split("(?<=[.!?…])\\s+"))
        .mapToDouble(planner::estimateSeconds).max().orElse(0);
  }

  @Test
  void neverSplitsASentence() {
    String longSentence = "word ".repeat(60).strip() + ".";
    Story s = new Story("t", "Short one. " + longSentence + " Another short one.");
    Storyboard b = planner.plan(s, VideoFormat.portrait(), "ink");
    assertThat(b.segments()).anySatisfy(seg -> assertThat(seg.narration()).contains(longSentence));
    assertThat(b.visualStyle()).isEqualTo("ink");
    assertThat(b.segments()).allSatisfy(seg -> assertThat(seg.imagePrompt()).endsWith("Style: ink"));
  }

  @Test
  void keepsTheAuthorsLineBreaksInsideASegment() {
    Storyboard b = planner.plan(new Story("t", "The Title\n\nA short line. Another.\nLast one."),
        VideoFormat.portrait(), "");
    assertThat(b.segments()).hasSize(1);
    assertThat(b.segments().get(0).narration())
        .isEqualTo("The Title\nA short line. Another.\nLast one.");
    assertThat(b.segments().get(0).imagePrompt()).startsWith("The Title A short line.");
  }

  @Test
  void groupsShortSentencesToAboutEightSeconds() {
    // 8 words each, ~2.9 s at 165 wpm: about three sentences a segment.
    String text = "One two three four five six seven eight. ".repeat(12);
    Storyboard b = planner.plan(new Story("t", text), VideoFormat.portrait(), "");
    assertThat(b.segments()).hasSizeBetween(3, 5);
    for (Segment seg : b.segments()) {
      assertThat(planner.estimateSeconds(seg.narration())).isBetween(8.0, 15.0);
    }
  }

  @Test
  void rejectsBadSettings() {
    assertThatThrownBy(() -> new RuleBasedPlanner(10, 8, 15)).hasMessageContaining("was 10");
    assertThatThrownBy(() -> new RuleBasedPlanner(165, 9, 8)).hasMessageContaining("minSeconds");
  }

  @Test
  void theMoodComesFromTheSettingElseTheStyleElseTheDefault() {
    Story story = new Story("t", "The ferry left at nine. Nobody waved.");
    VideoFormat f = VideoFormat.portrait();
    assertThat(planner.plan(story, f, "").mood()).isEqualTo(Mood.DEFAULT);
    assertThat(planner.plan(story, f, "Eerie, foggy harbour at night").mood()).isEqualTo(Mood.DREAD);
    assertThat(planner.plan(story, f, "a haunted house, horror film still").mood())
        .isEqualTo(Mood.DREAD);
    assertThat(planner.plan(story, f, "watercolour, dreamy pastels").mood()).isEqualTo(Mood.WONDER);
    assertThat(planner.plan(story, f, "melancholy rain; later a calm sea").mood())
        .isEqualTo(Mood.SORROW);
    assertThat(planner.plan(story, f, "noir thriller").mood()).isEqualTo(Mood.TENSION);
    assertThat(planner.plan(story, f, "pastoral morning").mood()).isEqualTo(Mood.CALM);
    // Only at the start of a word: "sad" is not found in "crusade", nor "tear" in "pastel".
    assertThat(RuleBasedPlanner.moodOf("crusade in pastel")).isNull();
    assertThat(planner.plan(story, f, "crusade in pastel").mood()).isEqualTo(Mood.DEFAULT);
    assertThat(planner.plan(story, f, "x").segments()).allMatch(s -> s.mood() == null);

    RuleBasedPlanner fixed = new RuleBasedPlanner(165, 8, 15, Mood.SORROW);
    assertThat(fixed.plan(story, f, "eerie horror").mood()).isEqualTo(Mood.SORROW);
    assertThat(fixed.fingerprint()).isEqualTo("rules/sentences-165wpm/moods-v1/sorrow");
    assertThat(planner.fingerprint()).isEqualTo("rules/sentences-165wpm/moods-v1");
  }

  @Test
  void theFactoryReadsRulesMoodAndRefusesAnUnknownOne() {
    Story story = new Story("t", "The ferry left at nine.");
    StoryPlanner p = Providers.create(StoryPlanner.class, "rules",
        new ProviderSettings(Map.of("rules.mood", "Tension")));
    assertThat(p.plan(story, VideoFormat.portrait(), "calm lake").mood()).isEqualTo(Mood.TENSION);
    assertThat(Providers.settings(StoryPlanner.class).get("rules"))
        .extracting(SettingSpec::key).containsExactly("wordsPerMinute", "rules.mood",
            "rules.minSegmentSeconds", "rules.maxSegmentSeconds");
    assertThatThrownBy(() -> Providers.create(StoryPlanner.class, "rules",
            new ProviderSettings(Map.of("rules.mood", "spooky"))))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("rules.mood='spooky' is not allowed")
        .hasMessageContaining("dread, calm, tension, wonder, sorrow");
  }

  @Test
  void thePacingSettingsChangeTheSegmentsAndTheFingerprint() {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 12; i++) {
      text.append("The lamp swung in the wind and the door creaked open again. ");
    }
    Story story = new Story("t", text.toString());
    StoryPlanner normal = Providers.create(StoryPlanner.class, "rules", ProviderSettings.EMPTY);
    StoryPlanner quick = Providers.create(StoryPlanner.class, "rules", new ProviderSettings(
        Map.of("rules.minSegmentSeconds", "2", "rules.maxSegmentSeconds", "4")));
    int n = normal.plan(story, VideoFormat.portrait(), "").segments().size();
    int q = quick.plan(story, VideoFormat.portrait(), "").segments().size();
    assertThat(q).isGreaterThan(n);
    assertThat(quick.fingerprint()).isNotEqualTo(normal.fingerprint())
        .endsWith("/segments-2.0-4.0s");
    assertThatThrownBy(() -> Providers.create(StoryPlanner.class, "rules", new ProviderSettings(
        Map.of("rules.minSegmentSeconds", "9", "rules.maxSegmentSeconds", "4"))))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("rules.maxSegmentSeconds");
  }
}
