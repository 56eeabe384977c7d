package dev.storyreel.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storyreel.core.Job;
import dev.storyreel.core.JobResult;
import dev.storyreel.core.JobState;
import dev.storyreel.core.LocalStorage;
import dev.storyreel.core.ProgressListener;
import dev.storyreel.core.Story;
import dev.storyreel.core.StoryReel;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Across processes: Temporal's standalone test server, two worker JVMs over gRPC and a fake paid
 * vendor on loopback. One worker is killed with SIGKILL in the middle of the render; the other
 * renders again from the stored assets, and no asset is paid for twice.
 */
class KillNineTest {
  static final Story STORY = new Story("Stairs", "The lamp flickered in the hall. A door"
      + " opened somewhere below. Nobody answered when she called. The stairs creaked under her"
      + " feet.");
  static final String FORMAT = "360x640@12";

  @TempDir Path dir;

  @Test
  void aRenderWhoseWorkerIsKilledFinishesOnTheOtherWorkerWithoutPayingTwice() throws Exception {
    Path markers = Files.createDirectories(dir.resolve("markers"));
    try (LoopbackVendor vendor = LoopbackVendor.start(0);
        Processes jvms = new Processes(Path.of("target", "kill-nine-logs"))) {
      int port = Processes.freePort();
      jvms.java("test-server", "io.temporal.testserver.TestServer", String.valueOf(port));
      Processes.awaitPort(port, Duration.ofSeconds(60));
      String target = "127.0.0.1:" + port;
      List<Process> workers = List.of(
          worker(jvms, "worker-a", target, vendor, markers),
          worker(jvms, "worker-b", target, vendor, markers));
      for (Process w : workers) {
        Processes.awaitFile(markers.resolve("ready-" + w.pid()), Duration.ofSeconds(60));
      }

      WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(
          WorkflowServiceStubsOptions.newBuilder().setTarget(target).build());
      WorkflowClient client = WorkflowClient.newInstance(service);
      // The workflows run here, the activities in the worker JVMs: with the workflows on the
      // workers too, Temporal's test server was seen to leave the workflow task after the render
      // scheduled and never started once the killed worker had been polling for it (a real
      // cluster drops the polls of a closed connection).
      TaskQueues queues = TaskQueues.defaults();
      try (StoryReelWorkers workflows = StoryReelWorkers.builder(client,
              StoryReel.builder().build(), location -> new LocalStorage(Path.of(location)))
          .queues(queues, List.of()).start()) {
        TemporalJobRunner runner = TemporalJobRunner.builder(client,
                location -> new LocalStorage(Path.of(location)))
            .heartbeatTimeout(Duration.ofSeconds(3)).crashAttempts(5).build();
        Job job = runner.submit("kill-nine", STORY, dir.resolve("out").toString(),
            ProgressListener.NONE);

        Process victim = awaitRenderer(workers, markers);
        Process survivor = workers.get(0) == victim ? workers.get(1) : workers.get(0);
        victim.destroyForcibly(); // SIGKILL on Linux and macOS
        assertThat(victim.waitFor(10, TimeUnit.SECONDS)).isTrue();
        long killedAt = System.nanoTime();
        assertThat(markers.resolve("rendering-" + survivor.pid()))
            .as("only the killed worker was rendering").doesNotExist();

        JobResult r;
        try {
          r = job.result().get(120, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
          client.fetchHistory("kill-nine").getEvents().forEach(ev -> System.out.println("history "
              + ev.getEventId() + " " + ev.getEventType() + " "
              + (ev.hasWorkflowTaskScheduledEventAttributes()
                  ? ev.getWorkflowTaskScheduledEventAttributes().getTaskQueue() : "")
              + (ev.hasActivityTaskScheduledEventAttributes()
                  ? ev.getActivityTaskScheduledEventAttributes().getTaskQueue().getName() : "")));
          throw e;
        }
        assertThat(job.state()).isEqualTo(JobState.COMPLETED);
        assertThat(markers.resolve("rendering-" + survivor.pid()))
            .as("the render started again on the other worker").exists();
        assertThat(decodedFrames(r.video().path().orElseThrow()))
            .isEqualTo(r.manifest().video().frameCount());
        System.out.printf("KillNineTest: worker %d killed while rendering; the job completed on"
            + " worker %d %.1f s later (%d frames)%n", victim.pid(), survivor.pid(),
            (System.nanoTime() - killedAt) / 1e9, r.manifest().video().frameCount());

        int segments = r.manifest().segments().size();
        Map<String, Integer> calls = vendor.calls();
        assertThat(calls.keySet()).filteredOn(k -> k.startsWith("/images ")).hasSize(segments);
        assertThat(calls.keySet()).filteredOn(k -> k.startsWith("/speech ")).hasSize(segments);
        assertThat(calls).as("calls per paid asset").allSatisfy((k, n) -> assertThat(n)
            .as(k).isEqualTo(1));
      } finally {
        service.shutdownNow();
      }
    }
  }

  private Process worker(Processes jvms, String name, String target, LoopbackVendor vendor,
      Path markers) throws Exception {
    return jvms.java(name, TemporalWorkerMain.class.getName(), target, vendor.uri().toString(),
        dir.resolve("work-" + name).toString(), markers.toString(), "60", FORMAT, "1");
  }

  private static Process awaitRenderer(List<Process> workers, Path markers) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      for (Process w : workers) {
        if (Files.exists(markers.resolve("rendering-" + w.pid()))) {
          return w;
        }
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("no worker started rendering within 120 s");
  }

  /** Decodes every frame of the video; fails on a broken file. */
  static long decodedFrames(Path video) throws Exception {
    long n = 0;
    try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(video.toFile())) {
      g.start();
      Frame f;
      while ((f = g.grabImage()) != null) {
        assertThat(f.imageWidth).isEqualTo(360);
        n++;
      }
      g.stop();
    }
    return n;
  }
}
