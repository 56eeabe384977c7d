package dev.storyreel.core;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How a failed task is tried again: exponential backoff with jitter, for {@linkplain
 * StoryReelException#isRetriable() retriable} failures only.
 *
 * <p>Attempt {@code n} (from 1) that fails retriably waits {@code min(maxDelay, initialDelay *
 * multiplier^(n-1))}, then a random share of that wait given by {@code jitter} is taken off or
 * added ("equal jitter"), and never less than the provider's {@code Retry-After}. Defaults: 4
 * attempts, 500 ms initial delay, multiplier 2.0, 30 s maximum delay, jitter 0.2.
 *
 * <p>Immutable and thread-safe. {@code RetryPolicy.builder().maxAttempts(6).build()}.
 */
public final class RetryPolicy {
  private final int maxAttempts;
  private final Duration initialDelay;
  private final double multiplier;
  private final Duration maxDelay;
  private final double jitter;

  private RetryPolicy(Builder b) {
    this.maxAttempts = b.maxAttempts;
    this.initialDelay = b.initialDelay;
    this.multiplier = b.multiplier;
    this.maxDelay = b.maxDelay;
    this.jitter = b.jitter;
  }

  /** @return the defaults described above */
  public static RetryPolicy defaults() {
    return builder().build();
  }

  /** @return a policy that never retries: one attempt */
  public static RetryPolicy none() {
    return builder().maxAttempts(1).build();
  }

  /** @return a builder holding the defaults */
  public static Builder builder() {
    return new Builder();
  }

  /** @return a builder holding this policy's values */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.maxAttempts = maxAttempts;
    b.initialDelay = initialDelay;
    b.multiplier = multiplier;
    b.maxDelay = maxDelay;
    b.jitter = jitter;
    return b;
  }

  /** @return total attempts including the first, {@code >= 1} */
  public int maxAttempts() {
    return maxAttempts;
  }

  /** @return the wait before the second attempt, before jitter */
  public Duration initialDelay() {
    return initialDelay;
  }

  /** @return the factor each wait grows by, {@code >= 1.0} */
  public double multiplier() {
    return multiplier;
  }

  /** @return the cap on one wait, before jitter */
  public Duration maxDelay() {
    return maxDelay;
  }

  /** @return the share of a wait that is randomised, 0.0..1.0 */
  public double jitter() {
    return jitter;
  }

  /**
   * The wait before the next attempt.
   *
   * @param failedAttempt the attempt that just failed, from 1
   * @param retryAfter the provider's requested wait, or {@code null}
   * @return the wait; never negative, never below {@code retryAfter}
   */
  public Duration delayAfter(int failedAttempt, Duration retryAfter) {
    double base = initialDelay.toNanos() * Math.pow(multiplier, Math.max(0, failedAttempt - 1));
    base = Math.min(base, maxDelay.toNanos());
    double spread = base * jitter;
    double nanos = base - spread + ThreadLocalRandom.current().nextDouble() * 2 * spread;
    Duration d = Duration.ofNanos((long) Math.max(0, nanos));
    if (retryAfter != null && retryAfter.compareTo(d) > 0) {
      d = retryAfter;
    }
    return d;
  }

  @Override
  public String toString() {
    return "RetryPolicy[maxAttempts=" + maxAttempts + ", initialDelay=" + initialDelay
        + ", multiplier=" + multiplier + ", maxDelay=" + maxDelay + ", jitter=" + jitter + "]";
  }

  /** Builds a {@link RetryPolicy}; not thread-safe. */
  public static final class Builder {
    private int maxAttempts = 4;
    private Duration initialDelay = Duration.ofMillis(500);
    private double multiplier = 2.0;
    private Duration maxDelay = Duration.ofSeconds(30);
    private double jitter = 0.2;

    private Builder() {}

    /**
     * @param n total attempts including the first, 1..100
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxAttempts(int n) {
      if (n < 1 || n > 100) {
        throw new IllegalArgumentException("maxAttempts must be 1..100, was " + n);
      }
      this.maxAttempts = n;
      return this;
    }

    /**
     * @param d wait before the second attempt; zero or positive
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder initialDelay(Duration d) {
      Objects.requireNonNull(d, "initialDelay");
      if (d.isNegative()) {
        throw new IllegalArgumentException("initialDelay must be >= 0, was " + d);
      }
      this.initialDelay = d;
      return this;
    }

    /**
     * @param m growth factor per attempt, 1.0..10.0
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder multiplier(double m) {
      if (!(m >= 1.0 && m <= 10.0)) {
        throw new IllegalArgumentException("multiplier must be 1.0..10.0, was " + m);
      }
      this.multiplier = m;
      return this;
    }

    /**
     * @param d cap on one wait; zero or positive
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder maxDelay(Duration d) {
      Objects.requireNonNull(d, "maxDelay");
      if (d.isNegative()) {
        throw new IllegalArgumentException("maxDelay must be >= 0, was " + d);
      }
      this.maxDelay = d;
      return this;
    }

    /**
     * @param j share of each wait that is randomised, 0.0..1.0 (0 = none)
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder jitter(double j) {
      if (!(j >= 0.0 && j <= 1.0)) {
        throw new IllegalArgumentException("jitter must be 0.0..1.0, was " + j);
      }
      this.jitter = j;
      return this;
    }

    /** @return the policy */
    public RetryPolicy build() {
      return new RetryPolicy(this);
    }
  }
}
