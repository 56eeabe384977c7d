package dev.storyreel.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storyreel.core.Job;
import dev.storyreel.core.JobResult;
import dev.storyreel.core.JobState;
import dev.storyreel.core.LocalStorage;
import dev.storyreel.core.ProgressListener;
import dev.storyreel.core.Story;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
      try {
        TemporalJobRunner runner = TemporalJobRunner.builder(WorkflowClient.newInstance(service),
                location -> new LocalStorage(Path.of(location)))
            .heartbeatTimeout(Duration.ofSeconds(3)).build();
        Job job = runner.submit("kill-nine", STORY, dir.resolve("out").toString(),
            ProgressListener.NONE);

        Process victim = awaitRenderer(workers, markers);
        victim.destroyForcibly(); // SIGKILL on Linux and macOS
        assertThat(victim.waitFor(10, TimeUnit.SECONDS)).isTrue();
        Process survivor = workers.get(0) == victim ? workers.get(1) : workers.get(0);

        JobResult r = job.result().get(120, TimeUnit.SECONDS);
        assertThat(job.state()).isEqualTo(JobState.COMPLETED);
        assertThat(markers.resolve("rendering-" + survivor.pid()))
            .as("the render started again on the other worker").exists();
        assertThat(decodedFrames(r.video().path().orElseThrow()))
            .isEqualTo(r.manifest().video().frameCount());

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
