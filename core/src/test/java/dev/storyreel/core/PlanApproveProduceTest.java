package dev.storyreel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.storyreel.core.spi.GeneratedImage;
import dev.storyreel.core.spi.ImageRequest;
import dev.storyreel.core.spi.Moderator;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plan, approve, then pay: StoryReel.plan / produce, the plan's JSON, approval and budget. */
class PlanApproveProduceTest {
  private static final Story STORY = new Story("Lighthouse",
      "The keeper lit the lamp. A storm came in from the sea. By morning the ship was safe.");

  @TempDir Path dir;

  /** Fake images that remember the prompts they were asked for. */
  static final class PromptImages extends Fakes.Images {
    final List<String> prompts = new CopyOnWriteArrayList<>();

    @Override
    public GeneratedImage generate(ImageRequest r) {
      prompts.add(r.prompt());
      return super.generate(r);
    }
  }

  /** A free preview provider, counted apart from the job's (paid) image provider. */
  static final class Previews extends Fakes.Images {
    @Override
    public String name() {
      return "fake-previews";
    }
  }

  final Fakes.Sentences planner = new Fakes.Sentences();
  final PromptImages images = new PromptImages();
  final Fakes.Speech speech = new Fakes.Speech(true);
  final Previews previews = new Previews();
  /** The fake image and speech providers priced as if they were paid. */
  final PriceTable prices = PriceTable.empty()
      .with("fake-images/solid", PriceTable.Price.perImage("0.04"))
      .with("fake-speech/tone", PriceTable.Price.perMillionCharacters("15"));

  private StoryReel.Builder reel() {
    return StoryReel.builder().planner(planner).images(images).speech(speech)
        .renderer(new Fakes.Render()).music("none").workDir(dir.resolve("work"))
        .priceTable(prices).previewImages(previews).format(new VideoFormat(64, 96, 10));
  }

  @Test
  void aPlanHasTheStoryboardAnEstimatePerAssetAndASheetAndPaysOnlyThePlanner() throws Exception {
    Plan plan = reel().build().plan(STORY);

    assertThat(planner.calls).hasValue(1);
    assertThat(images.calls).hasValue(0);
    assertThat(speech.calls).hasValue(0);
    assertThat(plan.shots()).extracting(Plan.Shot::narration).containsExactly(
        "The keeper lit the lamp.", "A storm came in from the sea.", "By morning the ship was safe.");
    assertThat(plan.shots()).allMatch(s -> !s.clip());
    CostEstimate e = plan.estimate();
    assertThat(e.items()).filteredOn(i -> i.kind() == TaskKind.IMAGE).hasSize(3)
        .allMatch(i -> i.costUsd().compareTo(new BigDecimal("0.04")) == 0);
    // 24 + 29 + 29 characters at $15 per million
    assertThat(e.items()).filteredOn(i -> i.kind() == TaskKind.SPEECH)
        .extracting(i -> i.usage().characters()).containsExactly(24L, 29L, 29L);
    assertThat(e.toProduceUsd()).isEqualByComparingTo("0.12123");
    assertThat(e.items().get(0).kind()).isEqualTo(TaskKind.STORYBOARD);
    assertThat(e.items().get(0).spent()).isTrue();

    StoryboardSheet sheet = plan.sheet();
    assertThat(sheet).isNotNull();
    BufferedImage png = ImageIO.read(new ByteArrayInputStream(sheet.png()));
    assertThat(png.getWidth()).isEqualTo(sheet.widthPx());
    assertThat(png.getHeight()).isEqualTo(sheet.heightPx());
    assertThat(previews.calls).hasValue(3); // one preview per card, from the free provider
  }

  @Test
  void aPlanSurvivesJsonAndAnEditedPromptAndClipAreReadBack() throws Exception {
    Plan plan = reel().build().plan(STORY);
    assertThat(Plan.fromJson(plan.toJson())).isEqualTo(plan.withSheet(null));

    ObjectMapper m = new ObjectMapper();
    ObjectNode root = (ObjectNode) m.readTree(plan.toJson());
    ObjectNode seg1 = (ObjectNode) root.get("segments").get(1);
    seg1.put("imagePrompt", "a lighthouse in a storm, oil painting");
    seg1.put("clip", true);
    Path f = dir.resolve("storyboard.json");
    Files.write(f, m.writeValueAsBytes(root));

    Plan edited = Plan.read(f);
    assertThat(edited.shots().get(1).imagePrompt())
        .isEqualTo("a lighthouse in a storm, oil painting");
    assertThat(edited.shots().get(1).clip()).isTrue();
    assertThat(edited.shots().get(0)).isEqualTo(plan.shots().get(0));
  }

  @Test
  void anEditedPlanIsCheckedAgainOnLoadWithTheFieldAndTheFixNamed() throws Exception {
    Plan plan = reel().build().plan(STORY);
    ObjectMapper m = new ObjectMapper();

    ObjectNode root = (ObjectNode) m.readTree(plan.toJson());
    ((ObjectNode) root.get("segments").get(1)).put("narration", "A gale came in from the sea.");
    assertThatThrownBy(() -> Plan.fromJson(m.writeValueAsBytes(root)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("segments[1].narration")
        .hasMessageContaining("\"storm\"").hasMessageContaining("\"gale\"")
        .hasMessageContaining("change the story and plan again");

    ObjectNode gap = (ObjectNode) m.readTree(plan.toJson());
    ((ObjectNode) gap.get("segments").get(2)).put("index", 3);
    assertThatThrownBy(() -> Plan.fromJson(m.writeValueAsBytes(gap)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("segments[2].index is 3").hasMessageContaining("Renumber");

    ObjectNode dropped = (ObjectNode) m.readTree(plan.toJson());
    ((com.fasterxml.jackson.databind.node.ArrayNode) dropped.get("segments")).remove(2);
    assertThatThrownBy(() -> Plan.fromJson(m.writeValueAsBytes(dropped)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("\"By\"").hasMessageContaining("is in no segment");

    ObjectNode version = (ObjectNode) m.readTree(plan.toJson());
    version.put("formatVersion", 2);
    assertThatThrownBy(() -> Plan.fromJson(m.writeValueAsBytes(version)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("formatVersion is 2").hasMessageContaining("version 1");

    ObjectNode mood = (ObjectNode) m.readTree(plan.toJson());
    ((ObjectNode) mood.get("segments").get(0)).put("mood", "cheerful");
    assertThatThrownBy(() -> Plan.fromJson(m.writeValueAsBytes(mood)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("segments[0].mood").hasMessageContaining("dread, calm");

    assertThatThrownBy(() -> Plan.fromJson("{\"formatVersion\": 1,".getBytes()))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("not valid JSON")
        .hasMessageContaining("line 1");
    assertThatThrownBy(() -> Plan.read(dir.resolve("missing.json")))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("no such file");
  }

  @Test
  void produceMakesTheEditedPlanWithoutCallingThePlannerAgain() throws Exception {
    StoryReel reel = reel().build();
    Plan plan = reel.plan(STORY);
    Plan edited = plan.withShot(plan.shots().get(2).withImagePrompt("a ship at dawn"));

    JobResult r = reel.produce(edited, new LocalStorage(dir.resolve("out"))).result()
        .get(60, TimeUnit.SECONDS);

    assertThat(planner.calls).hasValue(1);
    assertThat(images.prompts).hasSize(3).contains("a ship at dawn");
    assertThat(speech.calls).hasValue(3);
    assertThat(r.manifest().segments()).hasSize(3);
    assertThat(Files.exists(dir.resolve("out/video.mp4"))).isTrue();
  }

  @Test
  void producingAPlanWhoseNarrationWasEditedInCodeIsRefusedBeforeAnythingIsWritten()
      throws Exception {
    StoryReel reel = reel().build();
    Plan plan = reel.plan(STORY);
    Plan.Shot s = plan.shots().get(0);
    Plan bad = plan.withShot(new Plan.Shot(0, "The keeper lit a candle.", s.imagePrompt(),
        null, List.of(), false));

    assertThatThrownBy(() -> reel.produce(bad, new LocalStorage(dir.resolve("out"))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("segments[0].narration");
    assertThat(dir.resolve("out")).doesNotExist();
  }

  @Test
  void aRejectedJobSpendsNothingBeyondPlanning() throws Exception {
    CountDownLatch waiting = new CountDownLatch(1);
    List<ProgressEvent> events = new CopyOnWriteArrayList<>();
    StoryReel reel = reel().requireApproval(true).listener(e -> {
      events.add(e);
      if (e instanceof ProgressEvent.JobStateChanged c
          && c.state() == JobState.AWAITING_APPROVAL) {
        waiting.countDown();
      }
    }).build();
    Job job = reel.submit(STORY, new LocalStorage(dir.resolve("out")));
    assertThat(waiting.await(60, TimeUnit.SECONDS)).isTrue();

    assertThat(job.state()).isEqualTo(JobState.AWAITING_APPROVAL);
    Plan plan = job.plan().orElseThrow();
    assertThat(plan.shots()).hasSize(3);
    assertThat(plan.sheet()).isNotNull();
    assertThat(plan.estimate().toProduceUsd()).isPositive();
    assertThat(events).anyMatch(e -> e instanceof ProgressEvent.PlanReady p && p.plan() == plan);

    job.reject();
    assertThatThrownBy(() -> job.result().get(60, TimeUnit.SECONDS))
        .isInstanceOf(CancellationException.class);
    assertThat(job.state()).isEqualTo(JobState.CANCELLED);
    assertThat(planner.calls).hasValue(1);
    assertThat(images.calls).hasValue(0);
    assertThat(speech.calls).hasValue(0);
    assertThat(dir.resolve("out/video.mp4")).doesNotExist();
    assertThatThrownBy(job::approve).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aJobCancelledWhileAwaitingApprovalSpendsNothingBeyondPlanning() throws Exception {
    CountDownLatch waiting = new CountDownLatch(1);
    StoryReel reel = reel().requireApproval(true).listener(e -> {
      if (e instanceof ProgressEvent.JobStateChanged c
          && c.state() == JobState.AWAITING_APPROVAL) {
        waiting.countDown();
      }
    }).build();
    Job job = reel.submit(STORY, new LocalStorage(dir.resolve("out")));
    assertThat(waiting.await(60, TimeUnit.SECONDS)).isTrue();

    job.cancel();
    assertThatThrownBy(() -> job.result().get(60, TimeUnit.SECONDS))
        .isInstanceOf(CancellationException.class);
    assertThat(job.state()).isEqualTo(JobState.CANCELLED);
    assertThat(images.calls).hasValue(0);
    assertThat(speech.calls).hasValue(0);
  }

  @Test
  void anApprovedJobMakesTheVideoAndAJobWithoutApprovalCannotBeApproved() throws Exception {
    Job job = reel().requireApproval(true).build()
        .submit(STORY, new LocalStorage(dir.resolve("out")));
    job.approve(); // before the plan is ready: the job goes on as soon as it is
    job.result().get(60, TimeUnit.SECONDS);
    assertThat(job.state()).isEqualTo(JobState.COMPLETED);
    assertThat(images.calls).hasValue(3);
    assertThatThrownBy(job::reject).isInstanceOf(IllegalStateException.class);

    Job plain = reel().build().submit(STORY, new LocalStorage(dir.resolve("plain")));
    assertThatThrownBy(plain::approve).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("requireApproval(true)");
    plain.result().get(60, TimeUnit.SECONDS);
    assertThat(plain.plan()).isPresent();
  }

  @Test
  void anEstimateOverTheBudgetFailsBeforeAnyPaidAssetGivingBothNumbers() throws Exception {
    StoryReel reel = reel().budgetUsd(new BigDecimal("0.05")).build();
    Job job = reel.submit(STORY, new LocalStorage(dir.resolve("out")));

    assertThatThrownBy(() -> job.result().get(60, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).cause()
        .isInstanceOf(BudgetExceededException.class)
        .hasMessageContaining("$0.12123").hasMessageContaining("budget of $0.05")
        .hasMessageContaining("--budget-usd");
    assertThat(job.state()).isEqualTo(JobState.FAILED);
    assertThat(images.calls).hasValue(0);
    assertThat(speech.calls).hasValue(0);

    Plan plan = reel.plan(STORY);
    assertThatThrownBy(() -> reel.produce(plan, new LocalStorage(dir.resolve("p"))))
        .isInstanceOf(BudgetExceededException.class)
        .satisfies(t -> {
          BudgetExceededException b = (BudgetExceededException) t;
          assertThat(b.estimateUsd()).isEqualByComparingTo("0.12123");
          assertThat(b.budgetUsd()).isEqualByComparingTo("0.05");
        });
    assertThat(dir.resolve("p")).doesNotExist();
    assertThat(images.calls).hasValue(0);
  }

  @Test
  void planningIntoAStorageSharesTheJobsCacheAndCachedAssetsAreEstimatedFree() throws Exception {
    StoryReel reel = reel().build();
    LocalStorage out = new LocalStorage(dir.resolve("out"));
    Plan plan = reel.plan(STORY, out);
    reel.submit(STORY, out).result().get(60, TimeUnit.SECONDS);
    assertThat(planner.calls).hasValue(1); // the job found the storyboard planned before

    CostEstimate again = reel.estimate(plan, out);
    assertThat(again.items()).filteredOn(i -> i.kind() == TaskKind.IMAGE)
        .allMatch(CostEstimate.Item::cached);
    assertThat(again.toProduceUsd()).isEqualByComparingTo("0");
  }

  @Test
  void withoutAFreeImageProviderTheSheetHasGreyBoxesAndThePaidOneIsNeverCalled()
      throws Exception {
    StoryReel reel = StoryReel.builder().planner(planner).images(images).speech(speech)
        .renderer(new Fakes.Render()).music("none").workDir(dir.resolve("work"))
        .priceTable(prices).format(new VideoFormat(64, 96, 10)).build();
    Plan plan = reel.plan(STORY);
    assertThat(plan.sheet()).isNotNull();
    assertThat(images.calls).hasValue(0);
  }
  @Test
  void moodsSoundCuesAndClipsSurviveJsonAndACueOutsideItsNarrationIsRefused() {
    Plan plan = new Plan(STORY, "woodcut", Mood.DREAD, List.of(
        new Plan.Shot(0, "The keeper lit the lamp.", "a keeper, a lamp", Mood.CALM,
            List.of(new SoundCue("match strike", 2)), true),
        new Plan.Shot(1, "A storm came in from the sea.", "a storm", null, List.of(), false),
        new Plan.Shot(2, "By morning the ship was safe.", "a ship", Mood.WONDER, null, false)),
        CostEstimate.EMPTY, null);
    Plan back = Plan.fromJson(plan.toJson());
    assertThat(back).isEqualTo(plan);
    assertThat(back.storyboard().segments().get(0).soundCues())
        .containsExactly(new SoundCue("match strike", 2));
    assertThat(back.storyboard().moodOf(1, Mood.CALM)).isEqualTo(Mood.DREAD);

    String json = new String(plan.toJson(), java.nio.charset.StandardCharsets.UTF_8)
        .replace("\"wordIndex\" : 2", "\"wordIndex\" : 9");
    assertThatThrownBy(() -> Plan.fromJson(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("segments[0].soundCues[0].wordIndex").hasMessageContaining("0..4");
  }

  @Test
  void anEditedPlanIsModeratedAgainBeforeAnyPaidAsset() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    Moderator flagsStorms = new Moderator() {
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
        seen.addAll(texts);
        return texts.stream().map(t -> t.contains("burning") ? List.of("violence")
            : List.<String>of()).toList();
      }
    };
    StoryReel reel = reel().moderator(flagsStorms).build();
    Plan plan = reel.plan(STORY);
    Plan edited = plan.withShot(plan.shots().get(1).withImagePrompt("a burning ship"));

    Job job = reel.produce(edited, new LocalStorage(dir.resolve("out")));
    assertThatThrownBy(() -> job.result().get(60, TimeUnit.SECONDS)).cause()
        .isInstanceOf(ContentRefusedException.class).hasMessageContaining("segment 1");
    assertThat(seen).contains("a burning ship");
    assertThat(planner.calls).hasValue(1);
    assertThat(images.calls).hasValue(0);
    assertThat(speech.calls).hasValue(0);
  }

  @Test
  void theBudgetCheckCountsWhatPlanningSpent() throws Exception {
    // 1,000 characters of story: the planner's expected usage is 850 input, 800 output tokens.
    Story longer = new Story("Long", "The keeper lit the lamp. ".repeat(40));
    StoryReel reel = reel().priceTable(prices.with("fake-sentences/v1",
        PriceTable.Price.perMillionTokens("100", "100"))).budgetUsd(new BigDecimal("1.70"))
        .build();
    Job job = reel.submit(longer, new LocalStorage(dir.resolve("out")));
    assertThatThrownBy(() -> job.result().get(60, TimeUnit.SECONDS)).cause()
        .isInstanceOf(BudgetExceededException.class)
        .hasMessageContaining("planning spent").hasMessageContaining("budget of $1.70");
    assertThat(images.calls).hasValue(0);
  }
  /** About 3 s: it draws and encodes the largest sheet there is (48 cards, 11 megapixels). */
  @Test
  void aLongStorysSheetIsBoundedAndSaysHowManyCardsItShows() throws Exception {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      text.append("Wave ").append(i).append(" broke on the rocks. ");
    }
    Plan plan = reel().build().plan(new Story("Waves", text.toString()));
    assertThat(plan.shots()).hasSize(200);
    StoryboardSheet sheet = plan.sheet();
    assertThat((long) sheet.widthPx() * sheet.heightPx()).isLessThan(12_000_000L);
    assertThat(previews.calls).hasValue(48);
    assertThat(ImageIO.read(new ByteArrayInputStream(sheet.png())).getWidth())
        .isEqualTo(sheet.widthPx());
  }
}
