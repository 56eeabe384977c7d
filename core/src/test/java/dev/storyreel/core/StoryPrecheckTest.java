package dev.storyreel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What {@link StoryReel#submit} refuses before any provider call or write. */
@Timeout(60)
class StoryPrecheckTest {
  @TempDir Path dir;

  private static final String TEXT = "The ferry left at nine. Nobody on the pier waved back.";

  private final Fakes.Images images = new Fakes.Images();
  private final AtomicInteger planned = new AtomicInteger();

  /**
   * The fake tone voice, speaking only English: a word it can say has an ASCII letter, digit or
   * spoken symbol once accents are dropped (the rule of the offline FreeTTS voice, whose own
   * precheck tests are in providers-offline). Voices {@code clear} (the default) and {@code soft}.
   */
  private static final class EnglishSpeech extends Fakes.Speech {
    EnglishSpeech() {
      super(true);
    }

    @Override
    public String name() {
      return "fake-english";
    }

    @Override
    public String model() {
      return "clear";
    }

    @Override
    public List<String> voices() {
      return List.of("clear", "soft");
    }

    @Override
    public Locale language() {
      return Locale.US;
    }

    @Override
    public boolean canSpeak(String word) {
      String ascii = Normalizer.normalize(word, Normalizer.Form.NFD).replaceAll("[^\\p{ASCII}]", "");
      return ascii.chars().anyMatch(c -> Character.isLetterOrDigit(c) || "&@#%$+=/".indexOf(c) >= 0);
    }
  }

  private final EnglishSpeech speech = new EnglishSpeech();

  /** A renderer whose preflight fails, or records the format it was asked about. */
  private static final class CheckedRender extends Fakes.Render {
    final List<VideoFormat> asked = new CopyOnWriteArrayList<>();
    RuntimeException failure;

    @Override
    public void preflight(VideoFormat format) {
      asked.add(format);
      if (failure != null) {
        throw failure;
      }
    }
  }

  private final CheckedRender renderer = new CheckedRender();

  private StoryReel.Builder reel() {
    Fakes.Sentences rules = new Fakes.Sentences();
    return StoryReel.builder()
        .format(new VideoFormat(270, 480, 12))
        .images(images)
        .speech(speech)
        .renderer(renderer)
        .planner(new dev.storyreel.core.spi.StoryPlanner() {
          @Override
          public String name() {
            return rules.name();
          }

          @Override
          public String model() {
            return rules.model();
          }

          @Override
          public Storyboard plan(Story story, VideoFormat format, String style) {
            planned.incrementAndGet();
            return rules.plan(story, format, style);
          }
        })
        .retryPolicy(RetryPolicy.builder().initialDelay(Duration.ofMillis(1)).jitter(0).build())
        .workDir(dir.resolve("work"));
  }

  private void assertNothingMadeOrWritten(Path out) {
    assertThat(planned.get() + images.calls.get() + speech.calls.get()).isZero();
    assertThat(out).doesNotExist();
  }

  @Test
  void aWordOverTheLimitIsRefusedWithItsStartAndPosition() {
    Path out = dir.resolve("out");
    String huge = "x".repeat(10_000);
    String text = "A title\nThen \u0007" + huge + " ended.";

    assertThatThrownBy(() -> reel().build().render(new Story("t", text), out))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("Word 4 of the story (line 2, column 6)")
        .hasMessageContaining("10001 characters long, over the limit of 64")
        .hasMessageContaining("\"" + "x".repeat(24) + "…\"")
        .hasMessageContaining("maxWordChars(n)")
        .hasMessageNotContaining("\u0007");
    assertNothingMadeOrWritten(out);
  }

  @Test
  void theWordLimitCountsCodePointsAndCanBeRaised() throws Exception {
    String emoji = "\uD83C\uDF89".repeat(8); // 8 code points, 16 UTF-16 units
    Path out = dir.resolve("out");
    assertThatThrownBy(
            () -> reel().maxWordChars(7).build().render(new Story("t", TEXT + " " + emoji), out))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("is 8 characters long, over the limit of 7");
    assertNothingMadeOrWritten(out);

    reel().maxWordChars(8).build().render(new Story("t", TEXT + " " + emoji), out);
    assertThat(out.resolve("manifest.json")).isRegularFile();
    assertThatThrownBy(() -> StoryReel.builder().maxWordChars(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxWordChars must be 1..10000000, was 0");
  }

  @Test
  void aWordAtTheDefaultLimitIsAccepted() {
    String longest = "Rindfleischetikettierungsüberwachungsaufgabenübertragungsgesetz.";
    assertThat(longest.codePointCount(0, longest.length()))
        .isEqualTo(StoryReel.DEFAULT_MAX_WORD_CHARS);
    reel().build().render(new Story("t", TEXT + " " + longest), dir.resolve("out"));
    assertThat(speech.calls.get()).isPositive();
  }

  @Test
  void anEmojiOnlyStoryIsRefusedNamingTheVoiceAndItsLanguage() {
    Path out = dir.resolve("out");
    assertThatThrownBy(
            () -> reel().speech(new EnglishSpeech()).build()
                .render(new Story("t", "\uD83C\uDF89\uD83C\uDF89 \uD83D\uDE80 \u2764\uFE0F"), out))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("no word that voice clear of speech provider fake-english can speak")
        .hasMessageContaining("English (United States)")
        .hasMessageContaining("--speech");
    assertNothingMadeOrWritten(out);
  }

  @Test
  void aCjkStoryIsRefusedForTheChosenVoice() {
    Path out = dir.resolve("out");
    assertThatThrownBy(
            () -> reel().speech(new EnglishSpeech()).voice("soft").build()
                .render(new Story("t", "从前有一座山。\n山里有一座庙。"), out))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("voice soft of speech provider fake-english")
        .hasMessageContaining("从前有一座山。");
    assertNothingMadeOrWritten(out);
  }

  @Test
  void anUnknownVoiceIsReportedBeforeWhatItCouldSpeak() {
    Path out = dir.resolve("out");
    assertThatThrownBy(
            () -> reel().speech(new EnglishSpeech()).voice("alan").build()
                .render(new Story("t", "从前有一座山。"), out))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("Unknown voice 'alan' for fake-english")
        .hasMessageContaining("Available voices: clear, soft.");
    assertNothingMadeOrWritten(out);
  }

  @Test
  void aStoryWithSomeSpeakableWordsIsAccepted() {
    reel().build().render(new Story("t", "从前 there was 一座山 \uD83C\uDF89 in 1987."),
        dir.resolve("out"));
    assertThat(speech.calls.get()).isPositive();
  }

  @Test
  void aProviderThatSpeaksEverythingAcceptsAnyScript() {
    // The default canSpeak is true: a multilingual provider is not second-guessed.
    reel().speech(new Fakes.Speech(true)).build()
        .render(new Story("t", "从前有一座山。"), dir.resolve("out"));
    assertThat(dir.resolve("out").resolve("manifest.json")).isRegularFile();
  }

  @Test
  void theRendererPreflightRunsWithTheJobsFormatBeforeAnything() throws Exception {
    renderer.failure = new ConfigurationException("encoder x cannot open; use y");
    Path out = Files.createDirectories(dir.resolve("out"));
    Files.writeString(out.resolve("manifest.json"), "{\"title\":\"another story\"}");

    assertThatThrownBy(() -> reel().overwrite(true).build().render(new Story("t", TEXT), out))
        .isSameAs(renderer.failure);

    assertThat(renderer.asked).containsExactly(new VideoFormat(270, 480, 12));
    assertThat(planned.get() + images.calls.get() + speech.calls.get()).isZero();
    try (Stream<Path> files = Files.list(out)) {
      assertThat(files).containsExactly(out.resolve("manifest.json"));
    }
    assertThat(dir.resolve("work")).doesNotExist();
  }

  @Test
  void anyOtherPreflightFailureBecomesAConfigurationExceptionNamingTheRenderer() {
    renderer.failure = new IllegalStateException("natives missing");
    Path out = dir.resolve("out");

    assertThatThrownBy(() -> reel().build().render(new Story("t", TEXT), out))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("Renderer fake-renderer cannot render 270x480@12")
        .hasMessageContaining("natives missing")
        .hasCauseReference(renderer.failure);
    assertNothingMadeOrWritten(out);
  }

  @Test
  void aPassingPreflightLetsTheJobRun() {
    reel().build().render(new Story("t", TEXT), dir.resolve("out"));
    assertThat(renderer.asked).hasSize(1);
    assertThat(renderer.last.get()).isNotNull();
  }
}
