package dev.storyreel.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.sun.net.httpserver.HttpServer;
import dev.storyreel.core.AuthenticationException;
import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.RateLimitException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Key rotation: rests on 429, death on 401, per-key limits, and keys never shown. */
class KeyPoolTest {
  static final String K1 = "pool-test-credential-one";
  static final String K2 = "pool-test-credential-two";
  static final String K3 = "pool-test-credential-three";
  static final String BROKE = "pool-test-credential-out-of-quota";

  final AtomicLong now = new AtomicLong(1_000_000_000L);

  KeyPool pool(String... keys) {
    return KeyPool.builder("vendor").keys(List.of(keys)).nanoClock(now::get).build();
  }

  @Test
  void keysAreTakenInTurn() {
    KeyPool p = pool(K1, K2, K3);
    int[] got = new int[6];
    for (int i = 0; i < 6; i++) {
      KeyPool.Lease l = p.acquire();
      got[i] = l.position();
      l.release();
    }
    assertThat(got).containsExactly(1, 2, 3, 1, 2, 3);
  }

  @Test
  void aRateLimitedKeyRestsForItsRetryAfterWhileTheOthersCarryTheLoad() {
    KeyPool p = pool(K1, K2);
    KeyPool.Lease first = p.acquire();
    assertThat(first.position()).isEqualTo(1);
    first.rateLimited(Duration.ofSeconds(30));
    for (int i = 0; i < 3; i++) {
      KeyPool.Lease l = p.acquire();
      assertThat(l.position()).isEqualTo(2);
      l.release();
    }
    now.addAndGet(Duration.ofSeconds(31).toNanos());
    KeyPool.Lease a = p.acquire();
    KeyPool.Lease b = p.acquire();
    assertThat(List.of(a.position(), b.position())).containsExactlyInAnyOrder(1, 2);
  }

  @Test
  void withoutRetryAfterTheRestDoublesAndEveryKeyRestingIsRetriableWithTheFirstWakeUp() {
    KeyPool p = pool(K1, K2);
    p.acquire().rateLimited(null); // key 1: 1 s
    p.acquire().rateLimited(Duration.ofSeconds(10)); // key 2: 10 s
    Throwable t = catchThrowable(p::acquire);
    assertThat(t).isInstanceOf(RateLimitException.class);
    assertThat(((RateLimitException) t).retryAfter()).isEqualTo(Duration.ofSeconds(1));
    now.addAndGet(Duration.ofMillis(1001).toNanos());
    KeyPool.Lease l = p.acquire();
    assertThat(l.position()).isEqualTo(1);
    l.rateLimited(null); // second 429 in a row: 2 s
    now.addAndGet(Duration.ofMillis(1500).toNanos());
    assertThat(catchThrowable(p::acquire)).isInstanceOf(RateLimitException.class);
    now.addAndGet(Duration.ofMillis(600).toNanos());
    assertThat(p.acquire().position()).isEqualTo(1);
  }

  @Test
  void aRevokedKeyIsNeverLeasedAgainAndAllRevokedIsAnAuthenticationFailure() {
    KeyPool p = pool(K1, K2);
    p.acquire().revoked();
    assertThat(p.isDead(1)).isTrue();
    for (int i = 0; i < 4; i++) {
      KeyPool.Lease l = p.acquire();
      assertThat(l.position()).isEqualTo(2);
      l.release();
    }
    p.acquire().revoked();
    Throwable t = catchThrowable(p::acquire);
    assertThat(t).isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("every one of the 2 API keys");
    assertThat(t.getMessage()).doesNotContain(K1).doesNotContain(K2);
  }

  @Test
  void aKeyCarriesAtMostItsConcurrencyAndAWaitingCallerGetsTheFreedKey() throws Exception {
    KeyPool p = KeyPool.builder("vendor").keys(List.of(K1, K2)).maxConcurrencyPerKey(1).build();
    KeyPool.Lease a = p.acquire();
    KeyPool.Lease b = p.acquire();
    assertThat(List.of(a.position(), b.position())).containsExactlyInAnyOrder(1, 2);
    AtomicReference<KeyPool.Lease> third = new AtomicReference<>();
    Thread t = new Thread(() -> third.set(p.acquire()));
    t.start();
    while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
      Thread.onSpinWait();
    }
    assertThat(third.get()).as("no key is free: the third call waits").isNull();
    b.release();
    t.join();
    assertThat(third.get().position()).isEqualTo(b.position());
  }

  @Test
  void badKeyListsAreRefusedByPositionNeverByValue() {
    assertThatThrownBy(() -> KeyPool.of("vendor", List.of())).isInstanceOf(
        ConfigurationException.class);
    Throwable dup = catchThrowable(() -> KeyPool.of("vendor", List.of(K1, K2, K1)));
    assertThat(dup).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("API key 3 of 3 is the same as an earlier one");
    assertThat(dup.getMessage()).doesNotContain(K1);
    assertThat(KeyPool.parse(" a, b ,,c ")).containsExactly("a", "b", "c");
    assertThat(KeyPool.parse(null)).isEmpty();
    assertThat(pool(K1, K2).toString()).doesNotContain(K1).doesNotContain(K2);
  }

  @Test
  void sharedPoolsAreOnePerVendorEndpointAndKeys() {
    KeyPool a = KeyPool.shared("vendor", "http://a", List.of(K1, K2), 0);
    assertThat(KeyPool.shared("vendor", "http://a", List.of(K1, K2), 0)).isSameAs(a);
    assertThat(KeyPool.shared("vendor", "http://b", List.of(K1, K2), 0)).isNotSameAs(a);
    assertThat(KeyPool.shared("vendor", "http://a", List.of(K2, K1), 0)).isNotSameAs(a);
  }

  // ------------------------------------------------------------- through the transport

  HttpServer server;
  final List<String> seen = new CopyOnWriteArrayList<>();

  @BeforeEach
  void serve() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/v1/thing", ex -> {
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      seen.add(auth);
      int status;
      String body;
      if (("Bearer " + K1).equals(auth)) {
        status = 429;
        body = "{\"error\":{\"message\":\"Rate limit reached\",\"code\":\"rate_limit_exceeded\"}}";
        ex.getResponseHeaders().add("Retry-After", "20");
      } else if (("Bearer " + BROKE).equals(auth)) {
        status = 429;
        body = "{\"error\":{\"message\":\"You exceeded your current quota\","
            + "\"type\":\"insufficient_quota\",\"code\":\"insufficient_quota\"}}";
      } else if (("Bearer " + K2).equals(auth)) {
        status = 401;
        body = "{\"error\":{\"message\":\"Incorrect API key provided: " + K2 + "\"}}";
      } else {
        status = 200;
        body = "{\"ok\":true}";
      }
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(status, b.length);
      ex.getResponseBody().write(b);
      ex.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  record Ok(boolean ok) {}

  HttpTransport transport(KeyPool p) {
    return HttpTransport.builder("vendor", URI.create("http://127.0.0.1:"
        + server.getAddress().getPort() + "/v1")).keyPool(p).build();
  }

  @Test
  void theTransportMovesACallPastARateLimitedAndARevokedKeyAndRecordsThePosition() {
    KeyPool p = pool(K1, K2, K3);
    HttpTransport t = transport(p);
    KeyUse.begin();
    Ok ok = t.postJson("/thing", Map.of(), Ok.class, Map.of(), true, "test");
    assertThat(ok.ok()).isTrue();
    assertThat(KeyUse.end()).hasValue(3);
    assertThat(seen).containsExactly("Bearer " + K1, "Bearer " + K2, "Bearer " + K3);
    assertThat(p.isDead(2)).isTrue();
    seen.clear();
    for (int i = 0; i < 3; i++) {
      t.postJson("/thing", Map.of(), Ok.class, Map.of(), true, "test");
    }
    assertThat(seen).as("key 1 rests, key 2 is dead").containsOnly("Bearer " + K3);
    assertThat(t.toString()).doesNotContain(K1).doesNotContain(K2).doesNotContain(K3);
  }

  @Test
  void whenOnlyRevokedAndRestingKeysAreLeftTheFailureSaysSoWithoutAKey() {
    KeyPool p = pool(K1, K2);
    Throwable e = catchThrowable(() ->
        transport(p).postJson("/thing", Map.of(), Ok.class, Map.of(), true, "test"));
    assertThat(e).isInstanceOf(RateLimitException.class);
    assertThat(e.getMessage()).doesNotContain(K1).doesNotContain(K2);
    assertThat(seen).hasSize(2);
    // Key 2 is dead, key 1 rests: nothing is sent at all.
    Throwable again = catchThrowable(() ->
        transport(p).postJson("/thing", Map.of(), Ok.class, Map.of(), true, "test"));
    assertThat(again).isInstanceOf(RateLimitException.class)
        .hasMessageContaining("every live API key (1 of 2) is rate limited");
    assertThat(seen).hasSize(2);
  }

  @Test
  void aPinnedTransportUsesOneKeyOnly() {
    KeyPool p = pool(K3, K1);
    transport(p).pinned(1).postJson("/thing", Map.of(), Ok.class, Map.of(), false, "poll");
    transport(p).pinned(1).postJson("/thing", Map.of(), Ok.class, Map.of(), false, "poll");
    assertThat(seen).containsExactly("Bearer " + K3, "Bearer " + K3);
  }

  @Test
  void aKeyOutOfQuotaRestsAndTheCallGoesToTheNext() {
    KeyPool p = pool(BROKE, K3);
    transport(p).postJson("/thing", Map.of(), Ok.class, Map.of(), true, "test");
    transport(p).postJson("/thing", Map.of(), Ok.class, Map.of(), true, "test");
    assertThat(seen).containsExactly("Bearer " + BROKE, "Bearer " + K3, "Bearer " + K3);
    assertThat(p.isDead(1)).isFalse();
  }
}
