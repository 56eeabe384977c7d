package dev.storyreel.temporal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.util.Timestamps;
import dev.storyreel.core.Job;
import dev.storyreel.core.LocalStorage;
import dev.storyreel.core.ProgressListener;
import dev.storyreel.core.Story;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The scale run: 24 small jobs on loopback (Temporal's test server, a fake vendor answering each
 * paid call after a delay), first with 1 worker process, then with 3. Prints each run's
 * throughput, their ratio, and the activity time per kind of task. A benchmark program, not a
 * test.
 *
 * <p>Run it after {@code mvn -pl distributed-temporal -am test-compile -o}:
 *
 * <pre>
 * cd distributed-temporal
 * mvn -o -q dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp target/test-classes:target/classes:$(cat target/cp.txt) \
 *     dev.storyreel.temporal.ScaleRun [jobs=24] [latencyMillis=400] [WxH@fps=180x320@12]
 * </pre>
 */
public final class ScaleRun {
  private static final String[] SUBJECTS = {"lamp", "door", "river", "garden", "window",
      "forest", "bridge", "candle", "mirror", "harbour", "tower", "meadow"};
  private static final String[] COLOURS = {"red", "blue", "green", "grey", "golden", "silver"};

  private static final ObjectMapper JSON = new ObjectMapper();

  private ScaleRun() {}

  /**
   * @param args {@code [jobs] [latencyMillis] [format]}
   * @throws Exception if a run fails
   */
  public static void main(String[] args) throws Exception {
    int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 24;
    long latency = args.length > 1 ? Long.parseLong(args[1]) : 400;
    String format = args.length > 2 ? args[2] : "180x320@12";
    Path dir = Files.createTempDirectory("storyreel-scale-");
    System.out.printf("scale run: %d jobs, vendor latency %d ms, %s, %d cores, in %s%n", jobs,
        latency, format, Runtime.getRuntime().availableProcessors(), dir);
    double one = run(dir.resolve("one"), 1, jobs, latency, format);
    double three = run(dir.resolve("three"), 3, jobs, latency, format);
    System.out.printf("throughput: 1 worker %.2f jobs/min, 3 workers %.2f jobs/min, ratio %.2f%n",
        one, three, three / one);
  }

  private static double run(Path dir, int workerCount, int jobs, long latency, String format)
      throws Exception {
    Path markers = Files.createDirectories(dir.resolve("markers"));
    try (LoopbackVendor vendor = LoopbackVendor.start(latency);
        Processes jvms = new Processes(dir.resolve("logs"))) {
      int port = Processes.freePort();
      jvms.java("test-server", "io.temporal.testserver.TestServer", String.valueOf(port));
      Processes.awaitPort(port, Duration.ofSeconds(60));
      String target = "127.0.0.1:" + port;
      List<Process> workers = new ArrayList<>();
      for (int w = 0; w < workerCount; w++) {
        workers.add(jvms.java("worker-" + w, TemporalWorkerMain.class.getName(), target,
            vendor.uri().toString(), dir.resolve("work-" + w).toString(), markers.toString(),
            "0", format, "1", "workflows"));
      }
      for (Process w : workers) {
        Processes.awaitFile(markers.resolve("ready-" + w.pid()), Duration.ofSeconds(120));
      }
      WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(
          WorkflowServiceStubsOptions.newBuilder().setTarget(target).build());
      try {
        WorkflowClient client = WorkflowClient.newInstance(service);
        TemporalJobRunner runner = TemporalJobRunner.builder(client,
            location -> new LocalStorage(Path.of(location))).build();
        long t0 = System.nanoTime();
        List<Job> running = new ArrayList<>();
        for (int j = 0; j < jobs; j++) {
          running.add(runner.submit("scale-" + workerCount + "-" + j, story(j),
              dir.resolve("job-" + j).toString(), ProgressListener.NONE));
        }
        for (Job job : running) {
          job.result().get(30, TimeUnit.MINUTES);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double perMinute = jobs * 60 / seconds;
        System.out.printf("%d worker process(es): %d jobs in %.1f s = %.2f jobs/min%n",
            workerCount, jobs, seconds, perMinute);
        Map<String, long[]> time = new TreeMap<>(); // kind -> {count, queued ms, running ms}
        for (int j = 0; j < jobs; j++) {
          addTimes(client, "scale-" + workerCount + "-" + j, time);
        }
        System.out.println("  per kind of task: count, mean wait in its queue, mean run time");
        time.forEach((kind, t) -> System.out.printf("  %-10s %4d  %7.0f ms  %7.0f ms%n", kind,
            t[0], (double) t[1] / t[0], (double) t[2] / t[0]));
        return perMinute;
      } finally {
        service.shutdownNow();
      }
    }
  }

  /**
   * Adds one job's activity times from its history: scheduled to started (waiting in the queue)
   * and started to completed (running), by the kind of task (the plan activity is STORYBOARD).
   */
  private static void addTimes(WorkflowClient client, String jobId, Map<String, long[]> time)
      throws Exception {
    Map<Long, String> kinds = new HashMap<>();
    Map<Long, Long> scheduledAt = new HashMap<>();
    Map<Long, Long> startedAt = new HashMap<>();
    for (HistoryEvent e : client.fetchHistory(jobId).getEvents()) {
      long at = Timestamps.toMillis(e.getEventTime());
      if (e.hasActivityTaskScheduledEventAttributes()) {
        var a = e.getActivityTaskScheduledEventAttributes();
        String kind = "STORYBOARD";
        if (a.getInput().getPayloadsCount() > 1) {
          kind = JSON.readTree(a.getInput().getPayloads(1).getData().toByteArray())
              .path("kind").asText();
        }
        kinds.put(e.getEventId(), kind);
        scheduledAt.put(e.getEventId(), at);
      } else if (e.hasActivityTaskStartedEventAttributes()) {
        startedAt.put(e.getActivityTaskStartedEventAttributes().getScheduledEventId(), at);
      } else if (e.hasActivityTaskCompletedEventAttributes()) {
        long id = e.getActivityTaskCompletedEventAttributes().getScheduledEventId();
        long[] t = time.computeIfAbsent(kinds.get(id), k -> new long[3]);
        t[0]++;
        t[1] += startedAt.get(id) - scheduledAt.get(id);
        t[2] += at - startedAt.get(id);
      }
    }
  }

  /** A short story of three sentences, different for each job (so no job hits another's cache). */
  static Story story(int j) {
    String colour = COLOURS[j % COLOURS.length];
    String subject = SUBJECTS[(j / COLOURS.length) % SUBJECTS.length];
    return new Story("Job " + j, "The " + colour + " " + subject + " waited in the rain."
        + " Someone walked past the " + subject + " without a word. Later the " + colour
        + " light went out.");
  }
}
