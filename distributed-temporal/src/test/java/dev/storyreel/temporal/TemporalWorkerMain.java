package dev.storyreel.temporal;

import dev.storyreel.core.LocalStorage;
import dev.storyreel.core.ProgressEvent;
import dev.storyreel.core.VideoFormat;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A worker process for the cross-process tests: connects to a Temporal service over gRPC and
 * serves every queue with {@link HttpPaidProviders#reel}. When it starts rendering it writes
 * {@code rendering-PID} into the marker folder. Runs until killed.
 *
 * <p>Arguments: {@code target vendorUri workDir markerDir msPerFrame widthxheight@fps
 * renderConcurrency [workflows]}: with {@code workflows} it also runs workflows, else only
 * activities.
 */
public final class TemporalWorkerMain {
  private TemporalWorkerMain() {}

  /**
   * @param args see the class comment
   * @throws Exception if the worker cannot start
   */
  public static void main(String[] args) throws Exception {
    String target = args[0];
    URI vendor = URI.create(args[1]);
    Path work = Path.of(args[2]);
    Path markers = Path.of(args[3]);
    long msPerFrame = Long.parseLong(args[4]);
    String[] f = args[5].split("[x@]");
    VideoFormat format = new VideoFormat(Integer.parseInt(f[0]), Integer.parseInt(f[1]),
        Integer.parseInt(f[2]));
    int renders = Integer.parseInt(args[6]);
    boolean workflows = args.length > 7 && args[7].equals("workflows");
    WorkflowClient client = WorkflowClient.newInstance(WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(target).build()));
    long pid = ProcessHandle.current().pid();
    AtomicBoolean told = new AtomicBoolean();
    TaskQueues queues = TaskQueues.defaults();
    StoryReelWorkers.builder(client,
            HttpPaidProviders.reel(work, vendor, msPerFrame, format).build(),
            location -> new LocalStorage(Path.of(location)))
        .queues(queues, queues.activityQueues()).workflows(workflows)
        .heartbeatEvery(Duration.ofMillis(200))
        .concurrency(queues.render(), renders)
        .listener(e -> {
          if (e instanceof ProgressEvent.FramesRendered && told.compareAndSet(false, true)) {
            try {
              Files.writeString(markers.resolve("rendering-" + pid), "");
            } catch (IOException ex) {
              throw new UncheckedIOException(ex);
            }
          }
        })
        .start();
    Files.writeString(markers.resolve("ready-" + pid), "");
    Thread.currentThread().join();
  }
}
