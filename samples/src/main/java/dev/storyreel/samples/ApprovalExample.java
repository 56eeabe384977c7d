package dev.storyreel.samples;

import dev.storyreel.core.Job;
import dev.storyreel.core.LocalStorage;
import dev.storyreel.core.Plan;
import dev.storyreel.core.ProgressEvent;
import dev.storyreel.core.Story;
import dev.storyreel.core.StoryReel;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * The README's plan-and-approve example, compiled with the project so it cannot go stale: the
 * job plans, publishes its plan (estimate and sheet) and waits; it is approved when the estimate
 * is at most a limit, else rejected, having spent nothing beyond planning.
 *
 * <p>{@code java -cp samples/target/storyreel.jar dev.storyreel.samples.ApprovalExample STORY DIR}
 */
public final class ApprovalExample {
  private ApprovalExample() {}

  /**
   * @param args the story file and the output folder
   */
  public static void main(String[] args) {
    CompletableFuture<Plan> planned = new CompletableFuture<>();
    StoryReel reel = StoryReel.builder()
        .requireApproval(true)                          // plan, then wait for approve()/reject()
        .budgetUsd(new BigDecimal("0.50"))              // checked against the estimate first
        .listener(e -> {
          if (e instanceof ProgressEvent.PlanReady ready) {
            planned.complete(ready.plan());             // also job.plan() from now on
          }
        })
        .build();
    Job job = reel.submit(Story.read(Path.of(args[0])), new LocalStorage(Path.of(args[1])));
    CompletableFuture.anyOf(planned, job.result()).join(); // a failed plan throws here
    Plan plan = planned.join();
    plan.sheet().write(Path.of(args[1], "storyboard.png")); // numbered cards to look at
    BigDecimal usd = plan.estimate().toProduceUsd();
    System.out.println(plan.shots().size() + " segments, estimate $" + usd);
    if (usd.compareTo(new BigDecimal("0.10")) <= 0) {
      job.approve();                                    // makes the video
      System.out.println(job.result().join().video().uri());
    } else {
      job.reject();                                     // CANCELLED; only planning was spent
    }
  }
}
