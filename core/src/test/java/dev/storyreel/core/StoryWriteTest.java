package dev.storyreel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.storyreel.core.spi.GeneratedStory;
import dev.storyreel.core.spi.Moderator;
import dev.storyreel.core.spi.StoryWriter;
import dev.storyreel.core.spi.WriteRequest;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link StoryReel#write}: cached, moderated first, metered, budgeted, and in the manifest. */
class StoryWriteTest {

  /** Writes "Title: idea" and a few sentences; named like a priced vendor model. */
  static final class FakeWriter implements StoryWriter {
    final AtomicInteger calls = new AtomicInteger();
    final List<WriteRequest> requests = new CopyOnWriteArrayList<>();

    @Override
    public String name() {
      return "openai";
    }

    @Override
    public String model() {
      return "gpt-4o-mini";
    }

    @Override
    public GeneratedStory write(WriteRequest r) {
      calls.incrementAndGet();
      requests.add(r);
      return new GeneratedStory(new Story("The Knock", "The keeper heard a knock. It came"
          + " from below the floor. He did not open the hatch."), Usage.tokens(1000, 2000));
    }
  }

  static StoryReel.Builder reel(Path dir) {
    return StoryReel.builder().format(new VideoFormat(180, 320, 10))
        .planner(new Fakes.Sentences()).images(new Fakes.Images())
        .speech(new Fakes.Speech(true)).renderer(new Fakes.Render())
        .workDir(dir.resolve("work"));
  }

  static final WriteRequest IDEA =
      WriteRequest.builder("a lighthouse keeper hears knocking from below").genre("horror")
          .targetWords(60).build();

  @Test
  void theSameIdeaIsWrittenOncePricedAndTheRenderRecordsWhereTheStoryCameFrom(
      @TempDir Path dir) throws Exception {
    FakeWriter w = new FakeWriter();
    StoryReel reel = reel(dir).writer(w).build();
    Path out = dir.resolve("out");

    WrittenStory first = reel.write(IDEA, out);
    WrittenStory second = reel.write(IDEA, out);

    assertThat(w.calls.get()).isEqualTo(1);
    assertThat(first.story()).isEqualTo(second.story());
    assertThat(first.writtenFrom().cache().hit()).isFalse();
    assertThat(second.writtenFrom().cache().hit()).isTrue();
    // 1000 input tokens at $0.15/M and 2000 output at $0.60/M
    assertThat(first.writtenFrom().usage().estimatedCostUsd())
        .isEqualByComparingTo(new BigDecimal("0.00135"));
    assertThat(second.writtenFrom().usage()).isNull();
    assertThat(first.fileText()).startsWith("The Knock\n\nThe keeper heard a knock.");

    reel.render(first.story(), out);
    Manifest m;
    try (InputStream in = Files.newInputStream(out.resolve("manifest.json"))) {
      m = Manifest.read(in);
    }
    assertThat(m.writtenFrom()).isNotNull();
    assertThat(m.writtenFrom().idea()).isEqualTo(IDEA.idea());
    assertThat(m.writtenFrom().genre()).isEqualTo("horror");
    assertThat(m.writtenFrom().targetWords()).isEqualTo(60);
    assertThat(m.writtenFrom().writer()).isEqualTo(new Manifest.ProviderInfo("openai",
        "gpt-4o-mini"));
    assertThat(m.title()).isEqualTo("The Knock");

    // Other options are another asset: the writer is asked again.
    reel.write(WriteRequest.builder(IDEA.idea()).genre("horror").targetWords(61).build(), out);
    assertThat(w.calls.get()).isEqualTo(2);
  }

  @Test
  void theStoryFileReadBackStillRecordsItsOriginButAPersonsStoryDoesNot(@TempDir Path dir)
      throws Exception {
    StoryReel reel = reel(dir).writer(new FakeWriter()).build();
    Path out = dir.resolve("out");
    WrittenStory w = reel.write(IDEA, out);
    Path file = out.resolve("story.txt");
    Files.writeString(file, w.fileText());
    reel.render(Story.read(file), out);
    try (InputStream in = Files.newInputStream(out.resolve("manifest.json"))) {
      assertThat(Manifest.read(in).writtenFrom().idea()).isEqualTo(IDEA.idea());
    }
    Path other = dir.resolve("other");
    reel.render(new Story("Mine", "I wrote this myself. Every word."), other);
    try (InputStream in = Files.newInputStream(other.resolve("manifest.json"))) {
      Manifest m = Manifest.read(in);
      assertThat(m.writtenFrom()).isNull();
    }
    assertThat(Files.readString(other.resolve("manifest.json"))).doesNotContain("writtenFrom");
  }

  @Test
  void withoutAWriterTheErrorSaysWhichToConfigure(@TempDir Path dir) {
    Throwable t = catchThrowable(() -> reel(dir).build().write(IDEA, dir.resolve("out")));
    assertThat(t).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("no offline writer")
        .hasMessageContaining("--writer openai")
        .hasMessageContaining("writer(\"openai\")");
  }

  @Test
  void aFlaggedIdeaIsRefusedBeforeTheWriterIsPaid(@TempDir Path dir) {
    FakeWriter w = new FakeWriter();
    Moderator flagsIdeas = new Moderator() {
      @Override
      public String name() {
        return "strict";
      }

      @Override
      public String model() {
        return "test";
      }

      @Override
      public List<List<String>> moderate(List<String> texts) {
        return texts.stream().map(t -> t.contains("lighthouse") ? List.of("violence")
            : List.<String>of()).toList();
      }
    };
    Throwable t = catchThrowable(() -> reel(dir).writer(w).moderator(flagsIdeas).build()
        .write(IDEA, dir.resolve("out")));
    assertThat(t).isInstanceOf(ContentRefusedException.class)
        .hasMessageContaining("flagged the idea for violence")
        .hasMessageContaining("Nothing was written or paid for");
    assertThat(w.calls.get()).isZero();
  }

  @Test
  void aBudgetTooSmallForTheWriterStopsBeforeTheCall(@TempDir Path dir) {
    FakeWriter w = new FakeWriter();
    Throwable t = catchThrowable(() -> reel(dir).writer(w).budgetUsd(BigDecimal.ZERO).build()
        .write(IDEA, dir.resolve("out")));
    assertThat(t).isInstanceOf(NonRetriableException.class)
        .hasMessageContaining("Budget exceeded");
    assertThat(w.calls.get()).isZero();
  }

  @Test
  void aPresetGivesTheGenreAndItsGuidanceToARequestWithoutOne(@TempDir Path dir) {
    FakeWriter w = new FakeWriter();
    reel(dir).writer(w).preset(Preset.named("mystery")).build()
        .write(WriteRequest.builder("a locked room").build(), dir.resolve("out"));
    assertThat(w.requests.get(0).genre()).isEqualTo("mystery");
    assertThat(w.requests.get(0).genreGuidance()).contains("clues");
  }

  @Test
  void requestsAreValidatedAndADurationBecomesWords() {
    assertThat(WriteRequest.builder("x").targetDuration(Duration.ofMinutes(2)).build()
        .targetWords()).isEqualTo(300);
    assertThat(catchThrowable(() -> WriteRequest.builder("  ").build()))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("idea is empty");
    assertThat(catchThrowable(() -> WriteRequest.builder("x").targetWords(5).build()))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("30..5000 words");
  }
}
