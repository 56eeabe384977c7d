package dev.storyreel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.storyreel.core.distributed.JobTasks;
import dev.storyreel.core.distributed.MadeAsset;
import dev.storyreel.core.distributed.PlannedJob;
import dev.storyreel.core.distributed.TaskInfo;
import dev.storyreel.core.distributed.TaskOutput;
import dev.storyreel.core.timeline.ClipFit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link StoryReel#tasks}: a job's tasks run one at a time, each by its own {@code StoryReel} (as
 * on another machine), then published: the same manifest as {@code submit}, each asset paid once.
 */
class JobTasksTest {
  @TempDir Path dir;
  private final Fakes.Images images = new Fakes.Images();
  private final Fakes.Speech speech = new Fakes.Speech(true);

  private final ClipPipelineTest.Clips clips = new ClipPipelineTest.Clips();
  private UnaryOperator<StoryReel.Builder> extra = UnaryOperator.identity();

  private StoryReel reel(String work) {
    return extra.apply(StoryReel.builder().format(new VideoFormat(180, 320, 10))
        .planner(new CacheResumeTest.Planner()).images(images).speech(speech)
        .renderer(new ClipPipelineTest.Render()).workDir(dir.resolve(work))).build();
  }

  @Test
  void tasksRunOneByOneOnFreshInstancesPublishTheManifestOfSubmitAndPayOnce() throws Exception {
    int segments = oneByOneAndCompare();
    assertThat(images.calls.get()).as("each picture once more, for the second storage")
        .isEqualTo(2 * segments);
  }

  @Test
  @Timeout(120) // a render that is not given its streamed clips waits for them for ever
  void withStreamedClipsTheRenderWaitsForThemAndEachClipIsPaidOnce() throws Exception {
    extra = b -> b.clipProvider(clips).clips(ClipSelection.of(Set.of(0, 2)))
        .clipFit(ClipFit.HOLD);
    oneByOneAndCompare();
    assertThat(clips.paid.get()).as("two clips for each of the two storages").isEqualTo(4);
  }

  /**
   * Submits the story in process into one folder, then runs its tasks one by one into another,
   * each on a new {@code StoryReel} (as on another machine), and publishes: the manifests match.
   *
   * @return the number of segments
   */
  private int oneByOneAndCompare() throws Exception {
    JobResult local = reel("w0").submit(NeverPayTwiceTest.STORY, new LocalStorage(dir.resolve(
        "local"))).result().get(60, TimeUnit.SECONDS);
    int segments = local.manifest().segments().size();
    assertThat(images.calls.get()).isEqualTo(segments);

    LocalStorage remote = new LocalStorage(dir.resolve("remote"));
    PlannedJob planned = reel("w1").tasks(NeverPayTwiceTest.STORY, remote)
        .plan(ProgressListener.NONE);
    List<MadeAsset> made = new ArrayList<>(planned.made());
    assertThat(planned.tasks().get(planned.tasks().size() - 1).id()).isEqualTo(JobTasks.PUBLISH);
    int machine = 2;
    for (TaskInfo t : planned.tasks()) {
      if (!t.id().equals(JobTasks.PUBLISH)) {
        TaskOutput out = reel("w" + machine++).tasks(NeverPayTwiceTest.STORY, remote)
            .run(t.id(), ProgressListener.NONE);
        made.addAll(out.made());
        if (t.kind() == TaskKind.IMAGE) {
          assertThat(out.reference()).startsWith("assets/segment-");
          assertThat(out.made()).hasSize(1);
        }
      }
    }
    int imagesPaid = images.calls.get();
    assertThat(remote.head("manifest.json")).isEmpty();

    TaskOutput published = reel("w" + machine).tasks(NeverPayTwiceTest.STORY, remote)
        .publish(made, ProgressListener.NONE);
    assertThat(published.reference()).isEqualTo("manifest.json");
    assertThat(images.calls.get()).isEqualTo(imagesPaid);
    assertThat(normalised(dir.resolve("remote/manifest.json")))
        .isEqualTo(normalised(dir.resolve("local/manifest.json")));
    return segments;
  }

  @Test
  void theRenderWaitsForEveryPictureAndUnknownTasksAreRefused() {
    JobTasks tasks = reel("w").tasks(NeverPayTwiceTest.STORY, new LocalStorage(dir.resolve("o")));
    List<TaskInfo> all = tasks.plan(ProgressListener.NONE).tasks();
    TaskInfo render = all.stream().filter(t -> t.id().equals("render")).findFirst().orElseThrow();
    assertThat(render.retried()).isFalse();
    assertThat(render.dependencies()).containsAll(all.stream()
        .filter(t -> t.kind() == TaskKind.IMAGE).map(TaskInfo::id).toList());
    assertThat(all.stream().filter(t -> t.id().startsWith("image-")).allMatch(TaskInfo::retried))
        .isTrue();
    assertThatThrownBy(() -> tasks.run("image-999", ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("image-000");
    assertThatThrownBy(() -> tasks.run(JobTasks.PUBLISH, ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("publish(made");
  }

  private static JsonNode normalised(Path manifest) throws Exception {
    ObjectNode m = (ObjectNode) new ObjectMapper().readTree(Files.readAllBytes(manifest));
    m.remove(List.of("createdAt", "stages"));
    return m;
  }
}
