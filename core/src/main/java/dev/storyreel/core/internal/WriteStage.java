package dev.storyreel.core.internal;

import dev.storyreel.core.ContentRefusedException;
import dev.storyreel.core.Manifest;
import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.PriceTable;
import dev.storyreel.core.ProgressListener;
import dev.storyreel.core.RetriableException;
import dev.storyreel.core.RetryPolicy;
import dev.storyreel.core.Story;
import dev.storyreel.core.Budget;
import dev.storyreel.core.Usage;
import dev.storyreel.core.WrittenStory;
import dev.storyreel.core.http.HttpTransport;
import dev.storyreel.core.spi.GeneratedStory;
import dev.storyreel.core.spi.Moderator;
import dev.storyreel.core.spi.Storage;
import dev.storyreel.core.spi.StoryWriter;
import dev.storyreel.core.spi.WriteRequest;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a story from an idea for {@code StoryReel.write}: the idea moderated before anything is
 * paid for, the writer called through the asset cache (kind {@code story}, keyed by {@link
 * CacheKeys#story}) so the same idea and options are never paid for twice, the call metered and
 * held to the budget, and the result indexed by the SHA-256 of its text so that a job rendering
 * it into the same storage records where it came from ({@link #lookup}).
 *
 * <p>Stateless and thread-safe.
 */
public final class WriteStage {
  private static final Logger LOG = LoggerFactory.getLogger(WriteStage.class);

  private WriteStage() {}

  /**
   * What writing needs from its {@code StoryReel}.
   *
   * @param writer the writer
   * @param moderator checks the idea before the writer is paid, or {@code null}
   * @param prices prices the call
   * @param budgetUsd the limit for the call in US dollars, or {@code null}
   * @param retry how retriable failures of the writer are retried
   * @param listener receives the call's usage
   * @param cacheReads whether earlier entries may be reused
   */
  public record Config(StoryWriter writer, @Nullable Moderator moderator, PriceTable prices,
      @Nullable BigDecimal budgetUsd, RetryPolicy retry, ProgressListener listener,
      boolean cacheReads) {}

  /**
   * @param cfg the writer and the rules
   * @param request the idea and options
   * @param storage where the cache entry and the index go
   * @return the story and where it came from
   * @throws ContentRefusedException if the moderator flags the idea (nothing was paid for)
   * @throws dev.storyreel.core.StoryReelException if the writer fails after its retries, or the
   *     budget would be exceeded
   */
  public static WrittenStory write(Config cfg, WriteRequest request, Storage storage) {
    StoryWriter writer = cfg.writer();
    String key = CacheKeys.story(writer.fingerprint(), request);
    AssetCache cache = new AssetCache(storage, cfg.cacheReads());
    Metering metering = new Metering(cfg.prices(), new Budget(cfg.budgetUsd()), cfg.listener());
    AtomicReference<Usage> spent = new AtomicReference<>();
    AssetCache.Cached<Story> c = cache.story(key, () -> {
      if (cfg.moderator() != null) {
        moderate(cfg.moderator(), request);
      }
      boolean billed = cfg.prices().price(writer.name(), writer.model()).isPresent();
      Usage expected = billed
          ? Usage.tokens(request.idea().length() / 4 + 400, request.targetWords() * 2L)
          : Usage.NONE;
      Metering.Metered<GeneratedStory> m = metering.call(writer, "writing a story",
          expected, () -> withRetries(cfg.retry(), () -> writer.write(request)),
          GeneratedStory::usage);
      spent.set(m.usage());
      return m.value().story();
    });
    Manifest.WrittenFrom from = new Manifest.WrittenFrom(request.idea(), request.genre(),
        request.targetWords(), request.audience(), request.language().toLanguageTag(),
        new Manifest.ProviderInfo(writer.name(), writer.model()), c.use(), spent.get());
    WrittenStory written = new WrittenStory(c.value(), from);
    index(storage, written);
    return written;
  }

  /** The index entry of a text: {@code cache/written/hh/<sha256 of the text>.json}. */
  static String indexKey(String text) {
    String sha = AssetCache.sha256(text.getBytes(StandardCharsets.UTF_8));
    return "cache/written/" + sha.substring(0, 2) + "/" + sha + ".json";
  }

  private static void index(Storage storage, WrittenStory written) {
    byte[] json;
    try {
      json = Json.MAPPER.writeValueAsBytes(written.writtenFrom());
    } catch (IOException e) {
      throw new NonRetriableException("could not encode where the story came from", e);
    }
    // The story as a value, and as the story file reads it back (title line included). The same
    // text written again from other options replaces the entry: the latest write wins.
    for (String text : List.of(written.story().text(), written.fileText())) {
      storage.put(indexKey(text), json, "application/json");
    }
  }

  /**
   * Where a story came from, when it was written into this storage.
   *
   * @param storage the job's storage
   * @param story the job's story
   * @return the entry, or empty for a story a person wrote (or one written elsewhere)
   */
  public static Optional<Manifest.WrittenFrom> lookup(Storage storage, Story story) {
    String k = indexKey(story.text());
    try {
      if (storage.head(k).isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(Json.MAPPER.readValue(storage.read(k), Manifest.WrittenFrom.class));
    } catch (IOException | RuntimeException e) {
      LOG.warn("the note of where the story came from ({}) cannot be read ({}); the manifest"
          + " leaves it out", k, e.getMessage());
      return Optional.empty();
    }
  }

  private static void moderate(Moderator moderator, WriteRequest request) {
    List<String> texts = new ArrayList<>();
    texts.add(request.idea());
    String rest = String.join(" ", request.genre(), request.genreGuidance(), request.audience())
        .strip();
    if (!rest.isEmpty()) {
      texts.add(rest);
    }
    List<List<String>> verdicts = moderator.moderate(texts);
    if (verdicts.size() != texts.size()) {
      throw new NonRetriableException("Moderation by " + moderator.name() + " returned "
          + verdicts.size() + " verdicts for " + texts.size() + " texts.");
    }
    for (int i = 0; i < verdicts.size(); i++) {
      if (!verdicts.get(i).isEmpty()) {
        throw new ContentRefusedException("Moderation by " + moderator.name() + " ("
            + moderator.model() + ") flagged the " + (i == 0 ? "idea" : "genre or audience")
            + " for " + String.join(", ", verdicts.get(i)) + ". Nothing was written or paid"
            + " for. Change the idea, or turn moderation off.", moderator.name(), 0);
      }
    }
  }

  private static <T> T withRetries(RetryPolicy retry, java.util.function.Supplier<T> call) {
    for (int attempt = 1; ; attempt++) {
      try {
        return call.get();
      } catch (RetriableException e) {
        if (attempt >= retry.maxAttempts()) {
          throw e;
        }
        LOG.info("writing failed (attempt {} of {}): {}; trying again", attempt,
            retry.maxAttempts(), e.getMessage());
        HttpTransport.sleep(retry.delayAfter(attempt, e.retryAfter()));
      }
    }
  }
}
