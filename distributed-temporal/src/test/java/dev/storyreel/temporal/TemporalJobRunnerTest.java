package dev.storyreel.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.storyreel.core.ContentRefusedException;
import dev.storyreel.core.InvalidInputException;
import dev.storyreel.core.Job;
import dev.storyreel.core.JobResult;
import dev.storyreel.core.JobState;
import dev.storyreel.core.LocalStorage;
import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.ProgressEvent;
import dev.storyreel.core.ProgressListener;
import dev.storyreel.core.Providers;
import dev.storyreel.core.RateLimitException;
import dev.storyreel.core.RetryPolicy;
import dev.storyreel.core.Story;
import dev.storyreel.core.StoryReel;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.spi.ImageProvider;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.SpeechProvider;
import dev.storyreel.offline.RuleBasedPlanner;
import dev.storyreel.testkit.CountingImages;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Jobs as workflows on Temporal's in-memory test service, with this JVM as their worker. */
class TemporalJobRunnerTest {
  static final Story STORY = new Story("Four", "The lamp flickered in the hall. A door opened"
      + " somewhere below. Nobody answered when she called. The stairs creaked under her feet.");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private TestWorkflowEnvironment env;
  private StoryReelWorkers workers;
  private final CountingImages images = counting();
  private final AtomicLong speechDelayMillis = new AtomicLong();

  /** @return a counting provider of procedural pictures */
  static CountingImages counting() {
    return new CountingImages(Providers.create(ImageProvider.class, "procedural",
        ProviderSettings.EMPTY));
  }

  /** The test's StoryReel: every worker and the in-process comparison build it the same way. */
  static StoryReel.Builder reel(Path work, CountingImages images) {
    return reel(work, images, new AtomicLong());
  }

  /** The same, with narrations that take {@code speechDelayMillis} longer. */
  static StoryReel.Builder reel(Path work, CountingImages images, AtomicLong speechDelayMillis) {
    return StoryReel.builder().format(new VideoFormat(90, 160, 12))
        .planner(new RuleBasedPlanner(165, 1, 2)).images(images).music("none")
        .speech(HttpPaidProviders.Speech.delayed(Providers.create(SpeechProvider.class,
            "freetts", ProviderSettings.EMPTY), speechDelayMillis))
        .workDir(work).seed(7);
  }

  @BeforeEach
  void start() {
    env = TestWorkflowEnvironment.newInstance(
        TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
    workers = StoryReelWorkers.builder(env.getWorkflowClient(),
        reel(dir.resolve("work"), images, speechDelayMillis).build(),
        location -> new LocalStorage(Path.of(location)))
        .heartbeatEvery(Duration.ofMillis(200)).start();
  }

  @AfterEach
  void stop() {
    workers.close();
    env.close();
  }

  private TemporalJobRunner runner() {
    return TemporalJobRunner.builder(env.getWorkflowClient(),
            location -> new LocalStorage(Path.of(location)))
        .retryPolicy(RetryPolicy.builder().maxAttempts(3).initialDelay(Duration.ofMillis(100))
            .maxDelay(Duration.ofMillis(200)).build())
        .heartbeatTimeout(Duration.ofSeconds(2)).pollEvery(Duration.ofMillis(50)).build();
  }

  private String out(String name) {
    return dir.resolve(name).toString();
  }

  @Test
  void aJobRunsToTheManifestOfTheInProcessRunnerAndTheCallerHearsItsTasks() throws Exception {
    JobResult local = reel(dir.resolve("work-local"), counting()).build()
        .submit(STORY, new LocalStorage(dir.resolve("local"))).result().get(120,
            TimeUnit.SECONDS);
    List<ProgressEvent> events = new CopyOnWriteArrayList<>();
    Job job = runner().submit("job-same", STORY, out("remote"), events::add);
    JobResult remote = job.result().get(120, TimeUnit.SECONDS);

    assertThat(job.state()).isEqualTo(JobState.COMPLETED);
    assertThat(normalised(remote)).isEqualTo(normalised(local));
    assertThat(remote.video().ref().sha256()).isEqualTo(local.video().ref().sha256());
    assertThat(Files.size(remote.video().path().orElseThrow())).isPositive();
    int segments = remote.manifest().segments().size();
    assertThat(segments).isEqualTo(4);
    assertThat(images.total.get()).isEqualTo(segments);
    assertThat(events).filteredOn(e -> e instanceof ProgressEvent.TaskSucceeded s
        && s.taskId().equals("image-002")).hasSize(1);
    assertThat(events).filteredOn(e -> e instanceof ProgressEvent.TaskStarted s
        && s.taskId().equals("render")).hasSize(1);
    assertThat(events).filteredOn(ProgressEvent.JobStateChanged.class::isInstance)
        .extracting(e -> ((ProgressEvent.JobStateChanged) e).state())
        .containsSubsequence(JobState.PLANNING, JobState.GENERATING_ASSETS, JobState.RENDERING,
            JobState.PUBLISHING, JobState.COMPLETED);
    assertNoPayloadOver(env.getWorkflowClient(), "job-same", 2 * 1024 * 1024);
  }

  @Test
  void aRetriableFailureIsRetriedWithTheRetryPolicy() throws Exception {
    images.failure = n -> n == 1 ? new RateLimitException("counting: 429 rate limited (test)",
        Duration.ofMillis(100), "counting", 429) : null;
    JobResult r = runner().submit("job-retry", STORY, out("retry"), ProgressListener.NONE)
        .result().get(120, TimeUnit.SECONDS);
    assertThat(r.manifest().segments()).hasSize(4);
    assertThat(images.calls.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(2));
    assertThat(images.answered.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
  }

  @Test
  void aRetriableFailureThatLastsUsesUpTheAttemptsAndSaysSo() throws Exception {
    images.failure = n -> new RateLimitException("counting: 429 rate limited (test)", null,
        "counting", 429);
    Job job = runner().submit("job-exhausted", STORY, out("exhausted"), ProgressListener.NONE);
    assertThatThrownBy(() -> job.result().get(120, TimeUnit.SECONDS))
        .cause().isInstanceOf(NonRetriableException.class)
        .hasMessageStartingWith("Failed after 3 attempts: counting: 429 rate limited (test)");
    assertThat(images.calls.values()).isNotEmpty()
        .allSatisfy(n -> assertThat(n.get()).isLessThanOrEqualTo(3));
    assertThat(images.calls.values()).anySatisfy(n -> assertThat(n.get()).isEqualTo(3));
  }

  @Test
  void aNonRetriableFailureFailsTheJobWithStoryReelsMessageAndIsNotRetried() throws Exception {
    String refusal = "counting refused the prompt of this segment (content policy); change the"
        + " prompt";
    images.failure = n -> new ContentRefusedException(refusal, "counting", 400);
    speechDelayMillis.set(4000); // still being made when the job fails (heartbeats: 1.6 s)
    Job job = runner().submit("job-refused", STORY, out("refused"), ProgressListener.NONE);
    assertThatThrownBy(() -> job.result().get(120, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(NonRetriableException.class).hasMessageContaining(refusal);
    assertThat(job.state()).isEqualTo(JobState.FAILED);
    assertThat(images.calls.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
    assertThat(dir.resolve("refused/manifest.json")).doesNotExist();
    // The narrations that were being made when the job failed are finished and stored (as in
    // process, within the failure grace), not thrown away: a resubmitted job does not pay again.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (entries(dir.resolve("refused/cache/narration")) < 4 && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(entries(dir.resolve("refused/cache/narration"))).isEqualTo(4);
  }

  @Test
  void aCancelledJobWritesNoFinalOutputs() throws Exception {
    images.holdAfter = 2;
    CountDownLatch timeline = new CountDownLatch(1);
    Job job = runner().submit("job-cancel", STORY, out("cancel"), e -> {
      if (e instanceof ProgressEvent.TaskSucceeded s && s.taskId().equals("timeline")) {
        timeline.countDown();
      }
    });
    assertThat(images.held.await(60, TimeUnit.SECONDS)).isTrue();
    // Cancelled once only the held pictures run: Temporal's in-memory test service fails a
    // workflow task that cancels an activity completing in the same instant (ACTIVITY_UNKNOWN),
    // a race a real cluster resolves.
    assertThat(timeline.await(60, TimeUnit.SECONDS)).isTrue();
    job.cancel();
    assertThatThrownBy(() -> job.result().get(60, TimeUnit.SECONDS))
        .isInstanceOf(CancellationException.class);
    assertThat(job.state()).isEqualTo(JobState.CANCELLED);
    for (String f : List.of("manifest.json", "video.mp4", "captions.srt", "captions.vtt",
        "thumbnail.jpg")) {
      assertThat(dir.resolve("cancel").resolve(f)).doesNotExist();
    }
    assertThat(images.total.get()).isEqualTo(2);
  }

  @Test
  void startingTheSameJobIdTwiceRunsItOnce() throws Exception {
    TemporalJobRunner runner = runner();
    Job first = runner.submit("job-twice", STORY, out("twice"), ProgressListener.NONE);
    Job second = runner.submit("job-twice", STORY, out("twice"), ProgressListener.NONE);
    JobResult a = first.result().get(120, TimeUnit.SECONDS);
    JobResult b = second.result().get(120, TimeUnit.SECONDS);
    Job third = runner.submit("job-twice", STORY, out("twice"), ProgressListener.NONE);
    JobResult c = third.result().get(60, TimeUnit.SECONDS);
    assertThat(b.manifest()).isEqualTo(a.manifest());
    assertThat(c.manifest()).isEqualTo(a.manifest());
    assertThat(images.total.get()).isEqualTo(4);
    assertThat(images.calls.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
    long plans = env.getWorkflowClient().fetchHistory("job-twice").getEvents().stream()
        .filter(HistoryEvent::hasActivityTaskScheduledEventAttributes)
        .filter(e -> e.getActivityTaskScheduledEventAttributes().getActivityType().getName()
            .equals("StoryReelPlan")).count();
    assertThat(plans).isEqualTo(1);
  }

  @Test
  void withAPreflightABadStoryFailsTheSubmitAndStartsNothing() {
    TemporalJobRunner checked = TemporalJobRunner.builder(env.getWorkflowClient(),
            location -> new LocalStorage(Path.of(location)))
        .preflight(reel(dir.resolve("work-check"), images).maxStoryChars(40).build()).build();
    assertThatThrownBy(() -> checked.submit("job-long", STORY, out("long"),
        ProgressListener.NONE))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("maxStoryChars");
    assertThat(images.started.get()).isZero();
    assertThat(dir.resolve("long/manifest.json")).doesNotExist();
  }

  @Test
  void aBadStoryFailsInTheFirstActivityBeforeAnyPaidCall() throws Exception {
    Story longWord = new Story("Long", "A " + "x".repeat(200) + " word.");
    Job job = runner().submit("job-bad", longWord, out("bad"), ProgressListener.NONE);
    assertThatThrownBy(() -> job.result().get(60, TimeUnit.SECONDS))
        .cause().isInstanceOf(NonRetriableException.class).hasMessageContaining("characters");
    assertThat(images.started.get()).isZero();
  }

  private static long entries(Path cacheKind) throws IOException {
    if (!Files.isDirectory(cacheKind)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(cacheKind)) {
      return files.filter(f -> f.toString().endsWith(".json")).count();
    }
  }

  /** The manifest without what differs between any two runs: times and wall-clock stages. */
  static JsonNode normalised(JobResult r) throws Exception {
    ObjectNode m = (ObjectNode) JSON.readTree(Files.readAllBytes(r.manifestFile().path()
        .orElseThrow()));
    m.remove(List.of("createdAt", "stages"));
    return m;
  }

  /** Every workflow and activity input and result in the job's history is under the limit. */
  static void assertNoPayloadOver(WorkflowClient client, String jobId, int limitBytes) {
    List<Integer> sizes = new ArrayList<>();
    for (HistoryEvent e : client.fetchHistory(jobId).getEvents()) {
      List<Payloads> all = new ArrayList<>();
      if (e.hasWorkflowExecutionStartedEventAttributes()) {
        all.add(e.getWorkflowExecutionStartedEventAttributes().getInput());
      }
      if (e.hasActivityTaskScheduledEventAttributes()) {
        all.add(e.getActivityTaskScheduledEventAttributes().getInput());
      }
      if (e.hasActivityTaskCompletedEventAttributes()) {
        all.add(e.getActivityTaskCompletedEventAttributes().getResult());
      }
      if (e.hasWorkflowExecutionCompletedEventAttributes()) {
        all.add(e.getWorkflowExecutionCompletedEventAttributes().getResult());
      }
      for (Payloads p : all) {
        for (Iterator<Payload> it = p.getPayloadsList().iterator(); it.hasNext(); ) {
          sizes.add(it.next().getSerializedSize());
        }
      }
    }
    assertThat(sizes).as("payload sizes of %s", jobId).isNotEmpty()
        .allSatisfy(s -> assertThat(s).isLessThan(limitBytes));
  }
}
