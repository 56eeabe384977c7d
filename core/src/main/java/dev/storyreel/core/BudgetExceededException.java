package dev.storyreel.core;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * A plan's cost estimate is over the job's budget ({@link StoryReel.Builder#budgetUsd}): the job
 * was stopped before its first paid asset (only planning, if anything, was spent). Not retried:
 * raise the budget, choose cheaper models or shorten the story.
 */
public class BudgetExceededException extends NonRetriableException {
  private static final long serialVersionUID = 1L;

  /** The estimate, in US dollars. */
  private final BigDecimal estimateUsd;
  /** The budget, in US dollars. */
  private final BigDecimal budgetUsd;

  /**
   * @param message what went wrong and what to do, giving both numbers; never {@code null}
   * @param estimateUsd what the job was estimated to spend (planning included), in US dollars
   * @param budgetUsd the job's budget, in US dollars
   * @throws NullPointerException if an argument is {@code null}
   */
  public BudgetExceededException(String message, BigDecimal estimateUsd, BigDecimal budgetUsd) {
    super(Objects.requireNonNull(message, "message"));
    this.estimateUsd = Objects.requireNonNull(estimateUsd, "estimateUsd");
    this.budgetUsd = Objects.requireNonNull(budgetUsd, "budgetUsd");
  }

  /** @return what the job was estimated to spend, planning included, in US dollars */
  public BigDecimal estimateUsd() {
    return estimateUsd;
  }

  /** @return the job's budget in US dollars */
  public BigDecimal budgetUsd() {
    return budgetUsd;
  }
}
