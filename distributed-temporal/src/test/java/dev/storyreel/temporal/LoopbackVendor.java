package dev.storyreel.temporal;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake paid provider on loopback: it answers {@code POST /images} and {@code POST /speech}
 * with 200 after an optional delay and counts each distinct request body, so that a test in
 * another JVM can see which assets were paid for, and how often.
 */
final class LoopbackVendor implements AutoCloseable {
  private final HttpServer server;
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

  private LoopbackVendor(HttpServer server) {
    this.server = server;
  }

  /**
   * @param latencyMillis how long each answer takes
   * @return the started server
   */
  static LoopbackVendor start(long latencyMillis) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        64);
    LoopbackVendor v = new LoopbackVendor(s);
    s.createContext("/", exchange -> {
      try (InputStream in = exchange.getRequestBody()) {
        String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        v.calls.computeIfAbsent(exchange.getRequestURI().getPath() + " " + body,
            k -> new AtomicInteger()).incrementAndGet();
      }
      if (latencyMillis > 0) {
        try {
          Thread.sleep(latencyMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      byte[] ok = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, ok.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(ok);
      }
    });
    s.setExecutor(Executors.newCachedThreadPool());
    s.start();
    return v;
  }

  /** @return the base URI, for example {@code http://127.0.0.1:40123} */
  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** @return calls per distinct request ({@code "/images prompt"}), sorted */
  Map<String, Integer> calls() {
    Map<String, Integer> out = new TreeMap<>();
    calls.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
