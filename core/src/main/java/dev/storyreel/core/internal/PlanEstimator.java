package dev.storyreel.core.internal;

import dev.storyreel.core.CostEstimate;
import dev.storyreel.core.PriceTable;
import dev.storyreel.core.Segment;
import dev.storyreel.core.Storyboard;
import dev.storyreel.core.TaskKind;
import dev.storyreel.core.Usage;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.Words;
import dev.storyreel.core.spi.AssetProvider;
import dev.storyreel.core.spi.ImageRequest;
import dev.storyreel.core.spi.SpeechRequest;
import dev.storyreel.core.spi.Storage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Estimates what making a storyboard's video costs, asset by asset, with the assumptions {@link
 * CostEstimate} documents. An asset whose cache entry is already in the storage (and the cache is
 * read) is listed as cached at no cost, computed with the same keys {@link AssetStage} uses.
 * Stateless and thread-safe.
 */
public final class PlanEstimator {
  /** 150 words a minute: a narrator's usual pace. */
  static final Duration PER_WORD = Duration.ofMillis(400);

  private PlanEstimator() {}

  /**
   * @param cfg the job's settings and providers
   * @param board the storyboard
   * @param planning what planning spent, or {@code null} when there is no planning item (a plan
   *     given to produce)
   * @param storage the job's storage, for cache look-ups, or {@code null} for none
   * @return the estimate
   */
  public static CostEstimate estimate(Pipeline.Config cfg, Storyboard board,
      @Nullable Usage planning, @Nullable Storage storage) {
    return estimate(cfg, board, SegmentMedia.resolve(cfg, null, board.segments().size()), planning,
        storage);
  }

  /**
   * Estimates a plan given to {@code produce}: its clip shots and user media count (a segment
   * with the user's media costs nothing), with no planning item.
   *
   * @param cfg the job's settings and providers
   * @param plan the plan
   * @param storage the job's storage, for cache look-ups, or {@code null} for none
   * @return the estimate
   * @throws dev.storyreel.core.InvalidInputException if a clip index is not a segment
   * @throws dev.storyreel.core.ConfigurationException if clips are asked for without a clip
   *     provider
   */
  public static CostEstimate estimate(Pipeline.Config cfg, dev.storyreel.core.Plan plan,
      @Nullable Storage storage) {
    Storyboard board = plan.storyboard();
    return estimate(cfg, board, SegmentMedia.resolve(cfg, plan, board.segments().size()), null,
        storage);
  }

  static CostEstimate estimate(Pipeline.Config cfg, Storyboard board, SegmentMedia segs,
      @Nullable Usage planning, @Nullable Storage storage) {
    PriceTable prices = cfg.prices();
    List<CostEstimate.Item> items = new ArrayList<>();
    if (planning != null) {
      items.add(new CostEstimate.Item(TaskKind.STORYBOARD, null, cfg.planner().name(),
          cfg.planner().model(), planning, true, false));
    }
    VideoFormat f = cfg.format();
    boolean alignerPriced = priced(prices, cfg.aligner());
    long words = 0;
    List<Segment> segments = board.segments();
    for (int at = 0; at < segments.size(); at++) {
      Segment seg = segments.get(at);
      int i = seg.index();
      ImageRequest img = new ImageRequest(i, seg.imagePrompt(), f.widthPx(), f.heightPx(),
          cfg.seed() + i);
      String imageKey = CacheKeys.image(cfg.images().fingerprint(), img);
      // The user's own clip or still costs nothing; over a background video no still is made
      // unless it is a clip's first frame (issue 10).
      if (!segs.hasMedia(i)
          && (cfg.motion().background() == null || segs.clips().contains(i))) {
        items.add(item(cfg, storage, TaskKind.IMAGE, i, cfg.images(), Usage.images(1),
            "image", imageKey));
      }
      SpeechRequest sp = SpeechRequest.forSegment(segments, at, cfg.voice(),
          cfg.speech().usesNeighbourText());
      if (segs.clips().contains(i)) {
        var clips = cfg.clips().provider();
        // One clip per segment, priced per output (the price table's usdPerImage).
        items.add(item(cfg, storage, TaskKind.CLIP, i, clips, Usage.images(1), "clip",
            AssetStage.clipKey(cfg, seg, imageKey,
                CacheKeys.narration(cfg.speech().fingerprint(), sp), cfg.seed() + i)));
      }
      boolean spoken = cached(cfg, storage, "narration",
          CacheKeys.narration(cfg.speech().fingerprint(), sp));
      items.add(priced(cfg, TaskKind.SPEECH, i, cfg.speech(),
          Usage.characters(seg.narration().length()), spoken));
      int n = Words.split(seg.narration()).size();
      words += n;
      if (alignerPriced) {
        // Timings of a cached narration are cached too (or were given by the voice).
        items.add(priced(cfg, TaskKind.TIMINGS, i, cfg.aligner(),
            Usage.audio(PER_WORD.multipliedBy(n)), spoken));
      }
    }
    if (cfg.music() != null && priced(prices, cfg.music())) {
      items.add(priced(cfg, TaskKind.MUSIC, null, cfg.music(),
          Usage.audio(PER_WORD.multipliedBy(words)), false));
    }
    return new CostEstimate(items);
  }

  private static boolean priced(PriceTable prices, AssetProvider p) {
    return prices.price(p.name(), p.model()).isPresent();
  }

  private static CostEstimate.Item item(Pipeline.Config cfg, Storage storage, TaskKind kind,
      Integer segment, AssetProvider p, Usage usage, String cacheKind, String key) {
    return priced(cfg, kind, segment, p, usage, cached(cfg, storage, cacheKind, key));
  }

  private static CostEstimate.Item priced(Pipeline.Config cfg, TaskKind kind, Integer segment,
      AssetProvider p, Usage usage, boolean cached) {
    Usage u = cfg.prices().priced(p.name(), p.model(), usage);
    if (cached) {
      u = u.withCost(java.math.BigDecimal.ZERO);
    }
    return new CostEstimate.Item(kind, segment, p.name(), p.model(), u, false, cached);
  }

  private static boolean cached(Pipeline.Config cfg, Storage storage, String kind, String key) {
    if (storage == null || !cfg.cacheReads()) {
      return false;
    }
    try {
      return storage.head(AssetCache.entryKey(kind, key)).isPresent();
    } catch (RuntimeException e) {
      return false; // an estimate never fails a job; the asset is then counted as paid
    }
  }
}
