package dev.storyreel.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.storyreel.core.ProgressEvent;
import dev.storyreel.core.Redactor;
import java.util.OptionalInt;

/**
 * Turns a {@link ProgressEvent} into the JSON the events stream and the store carry: {@code
 * {"type": "TaskStarted", ...}}. Causes become their redacted messages, never class names or
 * stack traces; a plan becomes its size and estimate (the plan itself is at {@code
 * /jobs/{id}/plan}).
 */
final class EventJson {
  private EventJson() {}

  static String type(ProgressEvent e) {
    return e.getClass().getSimpleName();
  }

  static ObjectNode toJson(ProgressEvent e) {
    ObjectNode n = Json.object();
    n.put("type", type(e));
    if (e instanceof ProgressEvent.TaskStarted t) {
      n.put("task", t.taskId()).put("kind", t.kind().name()).put("attempt", t.attempt());
      segment(n, t.segment());
    } else if (e instanceof ProgressEvent.TaskSucceeded t) {
      n.put("task", t.taskId()).put("kind", t.kind().name()).put("attempt", t.attempt())
          .put("elapsedMillis", t.elapsed().toMillis());
      segment(n, t.segment());
    } else if (e instanceof ProgressEvent.TaskRetrying t) {
      n.put("task", t.taskId()).put("kind", t.kind().name())
          .put("failedAttempt", t.failedAttempt()).put("delayMillis", t.delay().toMillis())
          .put("message", message(t.cause()));
      segment(n, t.segment());
    } else if (e instanceof ProgressEvent.TaskFailed t) {
      n.put("task", t.taskId()).put("kind", t.kind().name()).put("attempt", t.attempt())
          .put("message", message(t.cause()));
      segment(n, t.segment());
    } else if (e instanceof ProgressEvent.CacheHit c) {
      n.put("kind", c.kind().name());
      segment(n, c.segment());
    } else if (e instanceof ProgressEvent.Warning w) {
      n.put("message", Redactor.redact(w.message()));
    } else if (e instanceof ProgressEvent.JobStateChanged s) {
      n.put("state", s.state().name());
    } else if (e instanceof ProgressEvent.StoryboardPlanned s) {
      n.put("segments", s.segmentCount());
    } else if (e instanceof ProgressEvent.PlanReady p) {
      n.put("segments", p.plan().shots().size())
          .put("estimateUsd", p.plan().estimate().totalUsd().toPlainString());
    } else if (e instanceof ProgressEvent.UsageRecorded u) {
      n.put("provider", u.provider()).put("model", u.model())
          .put("costUsd", u.usage().estimatedCostUsd().toPlainString());
    } else if (e instanceof ProgressEvent.FramesRendered f) {
      n.put("framesDone", f.framesDone()).put("framesTotal", f.framesTotal());
    } else if (e instanceof ProgressEvent.SegmentStatus s) {
      n.put("segment", s.segment()).put("phase", s.phase().name());
    }
    return n;
  }

  private static void segment(ObjectNode n, OptionalInt segment) {
    if (segment.isPresent()) {
      n.put("segment", segment.getAsInt());
    }
  }

  /** @return a cause's message for a client: redacted, without a class name */
  static String message(Throwable t) {
    String m = t.getMessage();
    if (m == null || m.isBlank()) {
      m = t.getCause() != null && t.getCause().getMessage() != null
          ? t.getCause().getMessage() : "the task failed without a message";
    }
    return Redactor.redact(m);
  }
}
