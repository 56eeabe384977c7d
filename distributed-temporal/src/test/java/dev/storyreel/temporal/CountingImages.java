package dev.storyreel.temporal;

import dev.storyreel.core.Providers;
import dev.storyreel.core.RetriableException;
import dev.storyreel.core.StoryReelException;
import dev.storyreel.core.Usage;
import dev.storyreel.core.spi.GeneratedImage;
import dev.storyreel.core.spi.ImageProvider;
import dev.storyreel.core.spi.ImageRequest;
import dev.storyreel.core.spi.ProviderSettings;
import java.math.BigDecimal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A "paid" image provider for tests: the procedural pictures, counted per prompt, that can fail
 * a prompt's first calls or hold calls back.
 */
final class CountingImages implements ImageProvider {
  private final ImageProvider inner = Providers.create(ImageProvider.class, "procedural",
      ProviderSettings.EMPTY);
  /** Answers per prompt. */
  final Map<String, AtomicInteger> answered = new ConcurrentHashMap<>();
  /** Calls per prompt, failed ones included. */
  final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  final AtomicInteger total = new AtomicInteger();
  /** Calls begun, failed and held ones included. */
  final AtomicInteger started = new AtomicInteger();
  /** For the n-th call (from 1) of a prompt, a failure to throw, or null. */
  volatile Function<Integer, StoryReelException> failure = n -> null;
  /** Calls after this many begun ones wait until interrupted. */
  volatile int holdAfter = Integer.MAX_VALUE;
  final CountDownLatch held = new CountDownLatch(1);

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
