package dev.storyreel.core.internal;

import dev.storyreel.core.Budget;
import dev.storyreel.core.PriceTable;
import dev.storyreel.core.Usage;
import dev.storyreel.core.http.KeyUse;
import dev.storyreel.core.spi.AssetProvider;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Counts and prices what a job's provider calls consume, and keeps the job inside its budget:
 * each call's estimated cost is reserved before the call (failing before anything is spent), then
 * settled with the actual usage, or released if the call failed. Thread-safe.
 */
final class Metering {
  private final PriceTable prices;
  private final Budget budget;
  private final dev.storyreel.core.ProgressListener listener;

  Metering(PriceTable prices, Budget budget) {
    this(prices, budget, dev.storyreel.core.ProgressListener.NONE);
  }

  /**
   * @param prices prices the calls' usage
   * @param budget the job's budget
   * @param listener receives a {@link dev.storyreel.core.ProgressEvent.UsageRecorded} per call
   */
  Metering(PriceTable prices, Budget budget, dev.storyreel.core.ProgressListener listener) {
    this.prices = prices;
    this.budget = budget;
    this.listener = listener;
  }

  /**
   * A call's result and its priced usage.
   *
   * @param value what the call returned
   * @param usage what it consumed, with the estimated cost
   * @param <T> the result type
   */
  record Metered<T>(T value, Usage usage) {}

  /**
   * Runs one paid call.
   *
   * @param p the provider called
   * @param what the call, for the budget message, for example {@code "image for segment 3"}
   * @param expected what the call is expected to consume, before it runs
   * @param call the call
   * @param reported what the provider reported it consumed; {@link Usage#NONE} (or empty) means
   *     it reported nothing and {@code expected} is used
   * @return the result with its priced usage
   */
  <T> Metered<T> call(AssetProvider p, String what, Usage expected, Supplier<T> call,
      Function<T, Usage> reported) {
    Usage estimate = prices.priced(p.name(), p.model(), expected);
    Budget.Reservation r = budget.reserve(estimate.estimatedCostUsd(),
        p.name() + " (" + p.model() + ") for " + what);
    boolean ok = false;
    KeyUse.begin();
    try {
      T v;
      java.util.OptionalInt keyPosition;
      try {
        v = call.get();
      } finally {
        keyPosition = KeyUse.end();
      }
      Usage u = reported.apply(v);
      if (u == null || u.isEmpty()) {
        u = expected;
      }
      u = prices.priced(p.name(), p.model(), u);
      // Which of the vendor's keys made it (a key pool), never the key.
      u = u.withKeyPosition(keyPosition.isPresent() ? keyPosition.getAsInt() : null);
      r.settle(u.estimatedCostUsd());
      ok = true;
      listener.onEvent(new dev.storyreel.core.ProgressEvent.UsageRecorded(p.name(), p.model(), u));
      return new Metered<>(v, u);
    } finally {
      if (!ok) {
        r.release();
      }
    }
  }

  /** @return the budget the calls count against */
  Budget budget() {
    return budget;
  }
}
