package dev.storyreel.core;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link Plan} is expected to cost, asset by asset, priced with the job's {@link
 * PriceTable}. Estimates, not invoices:
 *
 * <ul>
 *   <li>planning: what the planner call actually consumed ({@link Item#spent()}), or nothing when
 *       the storyboard came from the cache;
 *   <li>an image: one image per segment ({@link Usage#images(long)});
 *   <li>a narration: the narration's length in characters ({@link Usage#characters(long)}), which
 *       is what character-priced voices bill by;
 *   <li>word timings: only where the aligner has a price: the narration's expected length at 150
 *       words a minute (0.4 s a word), since a speech provider that gives no timings of its own is
 *       only known after it spoke;
 *   <li>music: where the music provider has a price, the whole narration's expected length at 150
 *       words a minute;
 *   <li>moderation and sound effects: 0 (the vendors do not bill moderation; effects are files).
 * </ul>
 *
 * <p>An asset already in the job's asset cache costs nothing to make again: it is listed with
 * {@link Item#cached()} and a cost of 0. Immutable and thread-safe.
 *
 * @param items one per asset, planning first, then per segment in order; copied
 */
public record CostEstimate(List<Item> items) {

  /** An estimate with no item: nothing to pay. */
  public static final CostEstimate EMPTY = new CostEstimate(List.of());

  /**
   * One asset's estimated cost.
   *
   * @param kind what the asset is
   * @param segment the segment's index, from 0, or {@code null} for story-wide work
   * @param provider the provider's name, for example {@code openai}
   * @param model its model, for example {@code tts-1}
   * @param usage what it is expected to consume, with {@link Usage#estimatedCostUsd()} its cost in
   *     US dollars (0 when cached or unpriced)
   * @param spent whether it was already spent (planning) rather than still to be spent
   * @param cached whether the asset is already in the job's cache, so making the video will not
   *     pay for it
   */
  public record Item(TaskKind kind, @Nullable Integer segment, String provider, String model,
      Usage usage, boolean spent, boolean cached) {
    /**
     * @param kind what the asset is
     * @param segment the segment's index, {@code >= 0}, or {@code null}
     * @param provider the provider's name
     * @param model its model
     * @param usage what it is expected to consume, priced
     * @param spent whether it was already spent
     * @param cached whether it is in the cache
     * @throws NullPointerException if an argument other than {@code segment} is {@code null}
     * @throws IllegalArgumentException if {@code segment} is negative
     */
    public Item {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(provider, "provider");
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(usage, "usage");
      if (segment != null && segment < 0) {
        throw new IllegalArgumentException("segment must be >= 0, was " + segment);
      }
    }

    /** @return its estimated cost in US dollars, {@code >= 0} */
    @JsonIgnore
    public BigDecimal costUsd() {
      return usage.estimatedCostUsd();
    }
  }

  /**
   * @param items one per asset; copied
   * @throws NullPointerException if {@code items} or an item is {@code null}
   */
  public CostEstimate {
    items = List.copyOf(Objects.requireNonNull(items, "items"));
  }

  /** @return every item's cost, spent and still to spend, in US dollars */
  @JsonIgnore
  public BigDecimal totalUsd() {
    return items.stream().map(Item::costUsd).reduce(BigDecimal.ZERO, BigDecimal::add)
        .stripTrailingZeros();
  }

  /** @return what was already spent (planning), in US dollars */
  @JsonIgnore
  public BigDecimal spentUsd() {
    return items.stream().filter(Item::spent).map(Item::costUsd)
        .reduce(BigDecimal.ZERO, BigDecimal::add)
        .stripTrailingZeros();
  }

  /**
   * @return what making the video from the plan is expected to spend, in US dollars: everything
   *     not yet spent; the figure a job's budget is checked against before its first paid call
   */
  @JsonIgnore
  public BigDecimal toProduceUsd() {
    return items.stream().filter(i -> !i.spent()).map(Item::costUsd)
        .reduce(BigDecimal.ZERO, BigDecimal::add)
        .stripTrailingZeros();
  }
}
