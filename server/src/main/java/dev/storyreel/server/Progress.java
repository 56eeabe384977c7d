package dev.storyreel.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.storyreel.core.ProgressEvent;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A job's progress as {@code GET /jobs/{id}} shows it: the stage, per kind of task how many
 * started, succeeded, failed or came from the cache, per segment its phase, the frames, the cost
 * so far and the errors. Kept as JSON in the job's row so that it survives a restart. Not
 * thread-safe: the caller holds the job's lock.
 */
final class Progress {
  private static final int MAX_ERRORS = 20;

  private String stage = "QUEUED";
  private final Map<String, int[]> tasks = new LinkedHashMap<>();
  private final Map<Integer, String> segments = new TreeMap<>();
  private long framesDone;
  private long framesTotal;
  private int segmentCount = -1;
  private BigDecimal costUsd = BigDecimal.ZERO;
  private final List<String> errors = new ArrayList<>();

  static Progress fromJson(@Nullable String json) {
    Progress p = new Progress();
    if (json == null) {
      return p;
    }
    JsonNode n = Json.read(json);
    p.stage = n.path("stage").asText("QUEUED");
    for (Iterator<Map.Entry<String, JsonNode>> it = n.path("tasks").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> t = it.next();
      p.tasks.put(t.getKey(), new int[] {t.getValue().path("started").asInt(),
          t.getValue().path("succeeded").asInt(), t.getValue().path("failed").asInt(),
          t.getValue().path("cached").asInt(), t.getValue().path("retried").asInt()});
    }
    for (JsonNode s : n.path("segments")) {
      p.segments.put(s.path("index").asInt(), s.path("phase").asText());
    }
    p.framesDone = n.path("frames").path("done").asLong();
    p.framesTotal = n.path("frames").path("total").asLong();
    p.segmentCount = n.path("segmentCount").asInt(-1);
    p.costUsd = new BigDecimal(n.path("costUsd").asText("0"));
    for (JsonNode e : n.path("errors")) {
      p.errors.add(e.asText());
    }
    return p;
  }

  String stage() {
    return stage;
  }

  void stage(String s) {
    stage = s;
  }

  BigDecimal costUsd() {
    return costUsd;
  }

  void error(String message) {
    if (errors.size() < MAX_ERRORS && !errors.contains(message)) {
      errors.add(message);
    }
  }

  private int[] task(String kind) {
    return tasks.computeIfAbsent(kind, k -> new int[5]);
  }

  /** @return whether the event changed what is shown */
  boolean apply(ProgressEvent e) {
    if (e instanceof ProgressEvent.TaskStarted t) {
      task(t.kind().name())[0]++;
    } else if (e instanceof ProgressEvent.TaskSucceeded t) {
      task(t.kind().name())[1]++;
    } else if (e instanceof ProgressEvent.TaskFailed t) {
      task(t.kind().name())[2]++;
      error(EventJson.message(t.cause()));
    } else if (e instanceof ProgressEvent.CacheHit c) {
      task(c.kind().name())[3]++;
    } else if (e instanceof ProgressEvent.TaskRetrying t) {
      task(t.kind().name())[4]++;
    } else if (e instanceof ProgressEvent.JobStateChanged s) {
      stage = s.state().name();
    } else if (e instanceof ProgressEvent.StoryboardPlanned s) {
      segmentCount = s.segmentCount();
    } else if (e instanceof ProgressEvent.UsageRecorded u) {
      costUsd = costUsd.add(u.usage().estimatedCostUsd());
    } else if (e instanceof ProgressEvent.FramesRendered f) {
      framesDone = f.framesDone();
      framesTotal = f.framesTotal();
    } else if (e instanceof ProgressEvent.SegmentStatus s) {
      segments.put(s.segment(), s.phase().name());
    } else {
      return false;
    }
    return true;
  }

  ObjectNode toJson() {
    ObjectNode n = Json.object();
    n.put("stage", stage);
    if (segmentCount >= 0) {
      n.put("segmentCount", segmentCount);
    }
    ObjectNode t = n.putObject("tasks");
    tasks.forEach((k, v) -> t.putObject(k).put("started", v[0]).put("succeeded", v[1])
        .put("failed", v[2]).put("cached", v[3]).put("retried", v[4]));
    ArrayNode s = n.putArray("segments");
    segments.forEach((i, ph) -> s.addObject().put("index", i).put("phase", ph));
    n.putObject("frames").put("done", framesDone).put("total", framesTotal);
    n.put("costUsd", costUsd.toPlainString());
    ArrayNode er = n.putArray("errors");
    errors.forEach(er::add);
    return n;
  }
}
