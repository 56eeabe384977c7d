package dev.storyreel.core.http;

import dev.storyreel.core.AuthenticationException;
import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.RateLimitException;
import dev.storyreel.core.Redactor;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several API keys of one vendor, used in turn: a key that answers 429 (rate limit or quota)
 * rests for its {@code Retry-After} (or an exponential backoff of 1, 2, 4... s, at most 60 s,
 * when the answer gives none) while the others carry the load; a key that answers 401 is dead
 * for the rest of the run, with one warning naming its position (never its value); each key has
 * its own concurrency limit.
 *
 * <p>Give one to an {@link HttpTransport} ({@link HttpTransport.Builder#keyPool(KeyPool)}); the
 * transport then sends each call with a key leased from the pool and, when that key is rate
 * limited or revoked, sends the same call once more with another key (neither answer is billed).
 * The position of the key that made each call is reported to the job ({@link KeyUse}) and written
 * into the manifest; the keys themselves never appear in logs, messages, events or the manifest
 * (they are registered with {@link Redactor}, and {@link #toString()} shows only counts).
 *
 * <p>Keys come from a builder list, from a comma-separated setting ({@code
 * openai.apiKeys=k1,k2}) or from an environment variable ({@code OPENAI_API_KEYS=k1,k2}): see
 * {@link #parse(String)}. Positions count from 1 in the order given.
 *
 * <p>Thread-safe; one pool is shared by every provider of a vendor configuration for the life of
 * a run (a new configuration starts with every key alive).
 */
public final class KeyPool {
  private static final Logger LOG = LoggerFactory.getLogger(KeyPool.class);

  /** The longest rest a key is given without a {@code Retry-After}: 60 s. */
  static final Duration MAX_BACKOFF = Duration.ofSeconds(60);

  private final String vendor;
  private final List<String> keys;
  private final int maxConcurrencyPerKey;
  private final LongSupplier nanoClock;
  // All guarded by this.
  private final int[] inFlight;
  private final long[] restUntilNanos;
  private final int[] strikes;
  private final boolean[] dead;
  private int next;

  private KeyPool(Builder b) {
    this.vendor = b.vendor;
    this.keys = List.copyOf(b.keys);
    this.maxConcurrencyPerKey = b.maxConcurrencyPerKey;
    this.nanoClock = b.nanoClock;
    int n = keys.size();
    this.inFlight = new int[n];
    this.restUntilNanos = new long[n];
    this.strikes = new int[n];
    this.dead = new boolean[n];
    keys.forEach(Redactor::register);
  }

  /**
   * @param vendor the vendor's name, for messages, for example {@code openai}
   * @return a builder with no keys and no per-key concurrency limit
   */
  public static Builder builder(String vendor) {
    return new Builder(vendor);
  }

  /**
   * @param vendor the vendor's name, for messages
   * @param keys the keys, in order; at least one
   * @return a pool without a per-key concurrency limit
   * @throws ConfigurationException if there is no key, or one is blank or given twice
   */
  public static KeyPool of(String vendor, List<String> keys) {
    return builder(vendor).keys(keys).build();
  }

  /** Pools shared by every configuration of the same vendor, endpoint and keys (see shared). */
  private static final ConcurrentHashMap<String, KeyPool> SHARED = new ConcurrentHashMap<>();

  /**
   * The pool of these keys for this vendor and endpoint, shared by every provider (and every
   * configuration) in this JVM that names the same keys: a key that answered 401 to one provider
   * is not tried by the others, and a resting key rests for all. A revoked key stays dead until
   * the JVM ends (it does not come back); a rest ends with its time.
   *
   * @param vendor the vendor's name, for messages, for example {@code openai}
   * @param endpoint where the keys are sent, for example {@code https://api.openai.com/v1}
   * @param keys the keys in order; at least two (one key needs no pool)
   * @param maxConcurrencyPerKey calls one key carries at once, 1..1024, or 0 for no limit
   * @return the shared pool
   * @throws ConfigurationException as {@link Builder#build()}
   */
  public static KeyPool shared(String vendor, String endpoint, List<String> keys,
      int maxConcurrencyPerKey) {
    Builder b = builder(vendor).keys(keys);
    if (maxConcurrencyPerKey > 0) {
      b.maxConcurrencyPerKey(maxConcurrencyPerKey);
    }
    KeyPool checked = b.build();
    // The map key is a digest: the keys themselves are never held twice or shown.
    String id = vendor + "\n" + endpoint + "\n" + maxConcurrencyPerKey + "\n"
        + digest(String.join("\n", checked.keys));
    return SHARED.computeIfAbsent(id, k -> checked);
  }

  private static String digest(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /**
   * Splits a comma-separated list of keys ({@code k1,k2, k3}); blanks around commas are dropped.
   *
   * @param commaSeparated the list, or {@code null}
   * @return the keys in order; empty for {@code null} or a blank string
   */
  public static List<String> parse(@Nullable String commaSeparated) {
    List<String> out = new ArrayList<>();
    if (commaSeparated == null) {
      return out;
    }
    for (String k : commaSeparated.split(",")) {
      if (!k.isBlank()) {
        out.add(k.strip());
      }
    }
    return out;
  }

  /** @return how many keys the pool holds, at least 1 */
  public int size() {
    return keys.size();
  }

  /**
   * @param position a key's position, from 1
   * @return the key; package-private: only the transport sends it
   */
  String keyAt(int position) {
    return keys.get(position - 1);
  }

  /** @return how many keys have not answered 401 in this run */
  public synchronized int alive() {
    int n = 0;
    for (boolean d : dead) {
      n += d ? 0 : 1;
    }
    return n;
  }

  /**
   * @param position a key's position, from 1
   * @return whether that key answered 401 in this run
   */
  public synchronized boolean isDead(int position) {
    return dead[position - 1];
  }

  /**
   * Leases a key for one call: the next key in turn that is alive, not resting and under its
   * concurrency limit. Waits while every such key is at its limit.
   *
   * @return the lease; release it exactly once ({@link Lease#release()}, {@link
   *     Lease#rateLimited(Duration)} or {@link Lease#revoked()})
   * @throws AuthenticationException if every key answered 401 in this run
   * @throws RateLimitException if every live key is resting; its {@code retryAfter} is when the
   *     first one wakes
   * @throws CancellationException if the thread is interrupted while waiting (the flag is kept)
   */
  public synchronized Lease acquire() {
    while (true) {
      long now = nanoClock.getAsLong();
      int n = keys.size();
      int liveCount = 0;
      long wake = Long.MAX_VALUE;
      int busy = 0;
      for (int k = 0; k < n; k++) {
        int i = (next + k) % n;
        if (dead[i]) {
          continue;
        }
        liveCount++;
        if (restUntilNanos[i] - now > 0) {
          wake = Math.min(wake, restUntilNanos[i] - now);
          continue;
        }
        if (inFlight[i] >= maxConcurrencyPerKey) {
          busy++;
          continue;
        }
        inFlight[i]++;
        next = (i + 1) % n;
        return new Lease(i);
      }
      if (liveCount == 0) {
        throw new AuthenticationException(vendor + ": every one of the " + n + " API keys was"
            + " refused (HTTP 401) in this run. Check the keys (they may be revoked or"
            + " mistyped) and run again.", vendor, 401);
      }
      if (busy == 0) {
        Duration d = Duration.ofNanos(wake);
        throw new RateLimitException(vendor + ": every live API key (" + liveCount + " of " + n
            + ") is rate limited; the first is usable again in about " + seconds(d) + ". Add"
            + " keys, lower the concurrency, or wait.", d, vendor, 429);
      }
      try {
        // A key at its limit frees up on release; a resting one wakes with time: wait for both.
        long waitMillis = wake == Long.MAX_VALUE ? 0 : Math.max(1, wake / 1_000_000);
        wait(waitMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CancellationException("interrupted while waiting for a free " + vendor
            + " API key");
      }
    }
  }

  /**
   * @return whether some key other than those dead or resting could take a call now (perhaps
   *     after waiting for a concurrency slot)
   */
  synchronized boolean hasUsableKey() {
    long now = nanoClock.getAsLong();
    for (int i = 0; i < keys.size(); i++) {
      if (!dead[i] && restUntilNanos[i] - now <= 0) {
        return true;
      }
    }
    return false;
  }

  private static String seconds(Duration d) {
    long s = Math.max(1, (d.toMillis() + 999) / 1000);
    return s + " s";
  }

  @Override
  public synchronized String toString() {
    return "KeyPool[" + vendor + ", " + keys.size() + " keys, " + alive() + " alive]";
  }

  /** One call's use of one key. Not thread-safe: one thread uses it, once. */
  public final class Lease {
    private final int index;
    private boolean done;

    private Lease(int index) {
      this.index = index;
    }

    /** @return the key's position, from 1 in the order given */
    public int position() {
      return index + 1;
    }

    /** @return the key; package-private: only the transport sends it */
    String key() {
      return keys.get(index);
    }

    /** The call is over and the key answered normally (or failed for another reason). */
    public void release() {
      synchronized (KeyPool.this) {
        if (finish()) {
          strikes[index] = 0;
        }
      }
    }

    /**
     * The key answered 429: it rests for {@code retryAfter}, or for a backoff that doubles with
     * each 429 in a row (1 s, 2 s, ... at most 60 s) when {@code null}.
     *
     * @param retryAfter the answer's {@code Retry-After}, or {@code null}
     */
    public void rateLimited(@Nullable Duration retryAfter) {
      synchronized (KeyPool.this) {
        if (!finish()) {
          return;
        }
        Duration rest = retryAfter;
        if (rest == null || rest.isNegative()) {
          rest = Duration.ofSeconds(1L << Math.min(6, strikes[index]));
          if (rest.compareTo(MAX_BACKOFF) > 0) {
            rest = MAX_BACKOFF;
          }
        }
        strikes[index]++;
        restUntilNanos[index] = nanoClock.getAsLong() + rest.toNanos();
        LOG.info("{}: API key {} of {} is rate limited; resting it for {} ms", vendor,
            position(), keys.size(), rest.toMillis());
      }
    }

    /** The key answered 401: it is not used again in this run (one warning, by position). */
    public void revoked() {
      synchronized (KeyPool.this) {
        if (!finish() || dead[index]) {
          return;
        }
        dead[index] = true;
        LOG.warn("{}: API key {} of {} was refused (HTTP 401); it is not used again in this run."
            + " Replace or remove it.", vendor, position(), keys.size());
      }
    }

    /** @return whether this lease was still open; closes it and wakes waiting callers */
    private boolean finish() {
      if (done) {
        return false;
      }
      done = true;
      inFlight[index]--;
      KeyPool.this.notifyAll();
      return true;
    }
  }

  /** Builds a {@link KeyPool}; not thread-safe. */
  public static final class Builder {
    private final String vendor;
    private final List<String> keys = new ArrayList<>();
    private int maxConcurrencyPerKey = Integer.MAX_VALUE;
    private LongSupplier nanoClock = System::nanoTime;

    private Builder(String vendor) {
      this.vendor = Objects.requireNonNull(vendor, "vendor");
    }

    /**
     * @param keys more keys, in order; never {@code null}
     * @return this builder
     */
    public Builder keys(List<String> keys) {
      for (String k : Objects.requireNonNull(keys, "keys")) {
        key(k);
      }
      return this;
    }

    /**
     * @param key one more key; never {@code null}
     * @return this builder
     */
    public Builder key(String key) {
      Objects.requireNonNull(key, "key");
      keys.add(key.strip());
      return this;
    }

    /**
     * @param max how many calls one key may carry at once, 1..1024; default no limit
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxConcurrencyPerKey(int max) {
      if (max < 1 || max > 1024) {
        throw new IllegalArgumentException("maxConcurrencyPerKey must be 1..1024, was " + max);
      }
      this.maxConcurrencyPerKey = max;
      return this;
    }

    /**
     * @param clock a monotonic clock in nanoseconds, for tests; default {@link System#nanoTime()}
     * @return this builder
     */
    public Builder nanoClock(LongSupplier clock) {
      this.nanoClock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * @return the pool
     * @throws ConfigurationException if there is no key, or one is blank or given twice (named
     *     by position, never by value)
     */
    public KeyPool build() {
      if (keys.isEmpty()) {
        throw new ConfigurationException(vendor + ": no API key was given. Give at least one.");
      }
      HashSet<String> seen = new HashSet<>();
      for (int i = 0; i < keys.size(); i++) {
        if (keys.get(i).isEmpty()) {
          throw new ConfigurationException(vendor + ": API key " + (i + 1) + " of "
              + keys.size() + " is blank. Remove the empty entry.");
        }
        if (!seen.add(keys.get(i))) {
          throw new ConfigurationException(vendor + ": API key " + (i + 1) + " of "
              + keys.size() + " is the same as an earlier one. Give each key once.");
        }
      }
      return new KeyPool(this);
    }
  }
}
