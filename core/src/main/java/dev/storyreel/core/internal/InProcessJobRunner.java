package dev.storyreel.core.internal;

import dev.storyreel.core.ProgressListener;
import dev.storyreel.core.RetryPolicy;
import java.time.Duration;
import java.util.Objects;

/** The default {@link JobRunner}: every task on a thread pool of this JVM. Stateless. */
final class InProcessJobRunner implements JobRunner {
  static final InProcessJobRunner INSTANCE = new InProcessJobRunner();

  private InProcessJobRunner() {}

  @Override
  public TaskGraph.Execution start(TaskGraph graph, RetryPolicy retry, ProgressListener listener,
      Duration grace) {
    Objects.requireNonNull(graph, "graph");
    return graph.start(retry, listener, grace);
  }

  @Override
  public String toString() {
    return "JobRunner.inProcess()";
  }
}
