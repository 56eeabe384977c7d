package dev.storyreel.core;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * A job's spending limit in US dollars. Before each paid call the caller {@linkplain #reserve
 * reserves} the call's estimated cost; the reservation fails, before anything is spent, when the
 * money already spent plus what is reserved plus this call would exceed the limit. After the
 * call the reservation is {@linkplain Reservation#settle settled} with the actual cost, or
 * {@linkplain Reservation#release released} when the call failed (vendors do not bill a request
 * that returned an error; a request that may have been billed is never retried, see {@code
 * dev.storyreel.core.http.HttpFailures}).
 *
 * <p>Thread-safe: parallel tasks reserve against the same budget.
 */
public final class Budget {
  private final BigDecimal limitUsd;
  private BigDecimal spentUsd = BigDecimal.ZERO;
  private BigDecimal reservedUsd = BigDecimal.ZERO;

  /**
   * @param limitUsd the most the job may spend, in US dollars, {@code >= 0}; {@code null} for no
   *     limit
   * @throws IllegalArgumentException if negative
   */
  public Budget(BigDecimal limitUsd) {
    if (limitUsd != null && limitUsd.signum() < 0) {
      throw new IllegalArgumentException("budget must be >= 0 USD, was " + limitUsd);
    }
    this.limitUsd = limitUsd;
  }

  /** @return a budget without a limit, which still counts what is spent */
  public static Budget unlimited() {
    return new Budget(null);
  }

  /** @return the limit in US dollars, or {@code null} when there is none */
  public BigDecimal limitUsd() {
    return limitUsd;
  }

  /** @return the estimated cost of the calls settled so far, in US dollars */
  public synchronized BigDecimal spentUsd() {
    return spentUsd;
  }

  /**
   * Reserves a call's estimated cost.
   *
   * @param estimateUsd the call's estimated cost, {@code >= 0}
   * @param what the call, for the message, for example {@code "openai images for segment 3"}
   * @return the reservation, to settle or release exactly once
   * @throws NonRetriableException if the call would exceed the limit; nothing was spent on it
   */
  public synchronized Reservation reserve(BigDecimal estimateUsd, String what) {
    Objects.requireNonNull(estimateUsd, "estimateUsd");
    if (limitUsd != null && spentUsd.add(reservedUsd).add(estimateUsd).compareTo(limitUsd) > 0) {
      throw new NonRetriableException(
          "Budget exceeded: spent ~$" + spentUsd.toPlainString()
              + (reservedUsd.signum() > 0 ? " (+ ~$" + reservedUsd.toPlainString() + " in flight)"
                  : "")
              + ", the next call to " + what + " would cost ~$" + estimateUsd.toPlainString()
              + ", budget $" + limitUsd.toPlainString()
              + ". Nothing was spent on it. Raise the budget (CLI: --budget-usd;"
              + " StoryReel.builder().budgetUsd(...)) or choose cheaper models.");
    }
    reservedUsd = reservedUsd.add(estimateUsd);
    return new Reservation(estimateUsd);
  }

  /** A reserved amount; settle or release it once. Thread-safe. */
  public final class Reservation {
    private final BigDecimal amountUsd;
    private boolean done;

    private Reservation(BigDecimal amountUsd) {
      this.amountUsd = amountUsd;
    }

    /**
     * Replaces the reservation by the call's actual estimated cost.
     *
     * @param actualUsd what the call is estimated to have cost, {@code >= 0}
     */
    public void settle(BigDecimal actualUsd) {
      synchronized (Budget.this) {
        if (!done) {
          done = true;
          reservedUsd = reservedUsd.subtract(amountUsd);
          spentUsd = spentUsd.add(actualUsd);
        }
      }
    }

    /** Gives the reservation back: the call failed and was not billed. */
    public void release() {
      synchronized (Budget.this) {
        if (!done) {
          done = true;
          reservedUsd = reservedUsd.subtract(amountUsd);
        }
      }
    }
  }
}
