package dev.storyreel.core.internal;

import dev.storyreel.core.Manifest;
import dev.storyreel.core.Storyboard;
import dev.storyreel.core.TaskKind;
import dev.storyreel.core.Usage;
import dev.storyreel.core.internal.JobContext.Made;
import java.util.OptionalInt;

/**
 * The planning stage: the story split into segments by the planner (from the asset cache when
 * the same story was planned before), then, if a moderator is configured, every narration and
 * image prompt checked before any paid asset is made. Input: the story. Output: {@link Planned}.
 */
final class PlanStage {
  /**
   * @param board the storyboard
   * @param use its cache use
   * @param usage what planning spent in this run
   */
  record Planned(Storyboard board, Manifest.CacheUse use, Usage usage) {}

  private final JobContext job;

  PlanStage(JobContext job) {
    this.job = job;
  }

  /**
   * @return the storyboard, moderated
   * @throws Exception the planner's or moderator's final failure, or a cancellation
   */
  Planned run() throws Exception {
    var cfg = job.cfg;
    Planned p = job.single("plan", TaskGraph.Meta.of(TaskKind.STORYBOARD),
        cfg.planner().resource(), cfg.retry(), ctx -> plan());
    if (cfg.moderator() != null) {
      job.single("moderate", TaskGraph.Meta.of(TaskKind.MODERATION),
          cfg.moderator().resource(), cfg.retry(),
          ctx -> Moderation.check(cfg.moderator(), p.board()));
    }
    return p;
  }

  private Planned plan() {
    var cfg = job.cfg;
    var story = job.story;
    // A planner nobody bills for (no price in the table: the rule-based one, say) is not an LLM:
    // it gets no token estimate, so a planner that reports nothing records no usage at all.
    boolean billed = cfg.prices().price(cfg.planner().name(), cfg.planner().model()).isPresent();
    Usage expected = billed
        ? Usage.tokens(story.text().length() / 4 + 600, story.text().length() / 2 + 300)
        : Usage.NONE;
    Made<Storyboard> c = job.make(TaskKind.STORYBOARD, OptionalInt.empty(),
        s -> job.cache.storyboard(
            CacheKeys.storyboard(cfg.planner().fingerprint(), story, cfg.format(),
                cfg.visualStyle()), s),
        cfg.planner(), "planning", expected,
        () -> cfg.planner().plan(story, cfg.format(), cfg.visualStyle()), Storyboard::usage);
    return new Planned(c.value(), c.use(), c.usage());
  }
}
