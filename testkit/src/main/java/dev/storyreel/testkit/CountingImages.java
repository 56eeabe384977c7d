package dev.storyreel.testkit;

import dev.storyreel.core.RetriableException;
import dev.storyreel.core.StoryReelException;
import dev.storyreel.core.Usage;
import dev.storyreel.core.spi.GeneratedImage;
import dev.storyreel.core.spi.ImageProvider;
import dev.storyreel.core.spi.ImageRequest;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A "paid" image provider for tests (name {@code counting}, model {@code v1}): another
 * provider's pictures, each answer reported as one image at 0.04 USD, counted per prompt. It can
 * fail the n-th call of each prompt ({@link #failure}) and hold calls back ({@link #holdAfter}),
 * so that a test can see what was paid for, and how often, across retries, crashes and resumes.
 * Thread-safe.
 */
public final class CountingImages implements ImageProvider {
  private final ImageProvider inner;
  /** Answers per prompt. */
  public final Map<String, AtomicInteger> answered = new ConcurrentHashMap<>();
  /** Calls per prompt, failed and held ones included. */
  public final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  /** Answers in all. */
  public final AtomicInteger total = new AtomicInteger();
  /** Calls begun in all. */
  public final AtomicInteger started = new AtomicInteger();
  /**
   * For the n-th call (from 1) of a prompt, the failure to throw, or {@code null} to answer.
   * Default: always answer.
   */
  public volatile IntFunction<StoryReelException> failure = n -> null;
  /**
   * Calls begun after this many wait until their thread is interrupted (then fail as
   * retriable). Default: none waits.
   */
  public volatile int holdAfter = Integer.MAX_VALUE;
  /** Counted down when the first call is held. */
  public final CountDownLatch held = new CountDownLatch(1);

  /** @param inner makes the pictures, for example the {@code procedural} provider */
  public CountingImages(ImageProvider inner) {
    this.inner = Objects.requireNonNull(inner, "inner");
  }

  @Override
  public GeneratedImage generate(ImageRequest request) {
    int n = calls.computeIfAbsent(request.prompt(), k -> new AtomicInteger()).incrementAndGet();
    StoryReelException f = failure.apply(n);
    if (f != null) {
      throw f;
    }
    if (started.getAndIncrement() >= holdAfter) {
      held.countDown();
      try {
        Thread.sleep(Long.MAX_VALUE);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RetriableException("interrupted while waiting for the vendor");
      }
    }
    GeneratedImage g = inner.generate(request);
    answered.computeIfAbsent(request.prompt(), k -> new AtomicInteger()).incrementAndGet();
    total.incrementAndGet();
    return new GeneratedImage(g.bytes(), g.mediaType(), g.widthPx(), g.heightPx(),
        new Usage(0, 0, 0, 1, 0, new BigDecimal("0.04")));
  }

  @Override
  public String name() {
    return "counting";
  }

  @Override
  public String model() {
    return "v1";
  }
}
