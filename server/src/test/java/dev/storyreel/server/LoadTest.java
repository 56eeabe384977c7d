package dev.storyreel.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Small jobs (offline providers, 90x160 at 12 fps, one sentence, no music) submitted by 4
 * concurrent clients that then poll them: every job completes, none is lost or run twice. Prints
 * the throughput and the p95 latency of {@code POST /jobs} and {@code GET /jobs/{id}} while the
 * renders run. {@code -Dstoryreel.server.loadJobs=N} (default 50) sets the count. Not a timed
 * test: the figures are printed, never asserted.
 */
class LoadTest {
  @TempDir Path dir;

  @Test
  void fiftySmallJobsFromFourClientsAllCompleteOnce() throws Exception {
    int jobs = Integer.getInteger("storyreel.server.loadJobs", 50);
    int clients = 4;
    try (TestServer s = new TestServer(dir, ReelFactory.standard(), b -> b.workers(2))) {
      List<Long> postNanos = Collections.synchronizedList(new ArrayList<>());
      List<Long> getNanos = Collections.synchronizedList(new ArrayList<>());
      ExecutorService pool = Executors.newFixedThreadPool(clients);
      long start = System.nanoTime();
      List<Future<List<String>>> futures = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int client = c;
        futures.add(pool.submit(() -> {
          List<String> ids = new ArrayList<>();
          for (int i = client; i < jobs; i += clients) {
            String body = "{\"story\":{\"title\":\"Load " + i + "\",\"text\":\"Job " + i
                + " lit the lamp.\"},\"options\":{\"format\":\"90x160\",\"fps\":12,"
                + "\"music\":\"none\"}}";
            long t0 = System.nanoTime();
            HttpResponse<String> r = s.post("/jobs", body);
            postNanos.add(System.nanoTime() - t0);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            ids.add(TestServer.json(r).path("id").asText());
          }
          List<String> pending = new ArrayList<>(ids);
          while (!pending.isEmpty()) {
            for (var it = pending.iterator(); it.hasNext(); ) {
              String id = it.next();
              long t0 = System.nanoTime();
              HttpResponse<String> r = s.get("/jobs/" + id);
              getNanos.add(System.nanoTime() - t0);
              String state = TestServer.json(r).path("state").asText();
              if (JobService.isFinal(state)) {
                assertThat(state).as(r.body()).isEqualTo("COMPLETED");
                it.remove();
              }
            }
            Thread.sleep(250);
          }
          return ids;
        }));
      }
      Set<String> all = new HashSet<>();
      for (Future<List<String>> f : futures) {
        all.addAll(f.get());
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      pool.shutdown();
      assertThat(all).hasSize(jobs);
      // None lost, none run twice: the store lists every job once, each completed after one run.
      Set<String> listed = new HashSet<>();
      String cursor = null;
      do {
        JsonNode page = TestServer.json(s.get("/jobs?limit=100"
            + (cursor == null ? "" : "&cursor=" + cursor)));
        for (JsonNode j : page.path("jobs")) {
          assertThat(listed.add(j.path("id").asText())).isTrue();
          assertThat(j.path("state").asText()).isEqualTo("COMPLETED");
          assertThat(j.path("runs").asInt()).as(j.path("id").asText()).isEqualTo(1);
        }
        cursor = page.path("nextCursor").isNull() ? null : page.path("nextCursor").asText();
      } while (cursor != null);
      assertThat(listed).isEqualTo(all);
      System.out.printf("LoadTest: %d jobs, %d clients, 2 workers: %.1f s, %.2f jobs/s;"
          + " POST /jobs p50 %.1f ms, p95 %.1f ms (n=%d); GET /jobs/{id} p50 %.1f ms, p95 %.1f ms"
          + " (n=%d)%n", jobs, clients, seconds, jobs / seconds, pct(postNanos, 0.5),
          pct(postNanos, 0.95), postNanos.size(), pct(getNanos, 0.5), pct(getNanos, 0.95),
          getNanos.size());
    }
  }

  private static double pct(List<Long> nanos, double q) {
    List<Long> sorted = new ArrayList<>(nanos);
    Collections.sort(sorted);
    return sorted.get(Math.max(0, (int) Math.ceil(sorted.size() * q) - 1)) / 1e6;
  }
}
