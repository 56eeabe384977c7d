package dev.storyreel.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.storyreel.core.StoryReel;
import java.nio.file.Files;
import java.time.Instant;

/** The JSON a client sees of a job ({@code GET /jobs/{id}}, the list, webhook payloads). */
final class JobViews {
  private JobViews() {}

  static ObjectNode view(JobStore.JobRow row, JobService service) {
    JobRequest req = JobService.request(row);
    ObjectNode n = Json.object();
    String base = "/jobs/" + row.id();
    n.put("id", row.id());
    n.put("state", row.state());
    n.put("title", req.story() == null || req.story().title() == null ? ""
        : req.story().title());
    n.put("createdAt", Instant.ofEpochMilli(row.createdAt()).toString());
    n.put("updatedAt", Instant.ofEpochMilli(row.updatedAt()).toString());
    if (row.finishedAt() != null) {
      n.put("finishedAt", Instant.ofEpochMilli(row.finishedAt()).toString());
    }
    n.put("requireApproval", req.requiresApproval());
    n.put("approved", row.approved());
    n.put("runs", row.runCount());
    Progress p = Progress.fromJson(row.progressJson());
    p.stage(row.state());
    JsonNode progress = p.toJson();
    n.put("costUsd", progress.path("costUsd").asText("0"));
    if (row.error() != null) {
      n.put("error", row.error());
    }
    n.set("errors", progress.path("errors"));
    ObjectNode pr = (ObjectNode) progress.deepCopy();
    pr.remove("errors");
    pr.remove("costUsd");
    n.set("progress", pr);
    ObjectNode links = n.putObject("links");
    links.put("self", base);
    links.put("events", base + "/events");
    if (Files.isRegularFile(service.jobDir(row.id()).resolve("plan.json"))) {
      links.put("plan", base + "/plan");
      links.put("estimate", base + "/plan/estimate");
      if (Files.isRegularFile(service.jobDir(row.id()).resolve("sheet.png"))) {
        links.put("sheet", base + "/plan/sheet.png");
      }
    }
    if (row.state().equals("AWAITING_APPROVAL")) {
      links.put("approve", base + "/approve");
      links.put("reject", base + "/reject");
    }
    if (row.state().equals("COMPLETED")) {
      ObjectNode outputs = n.putObject("outputs");
      for (String key : StoryReel.OUTPUT_KEYS) {
        outputs.put(key, service.storage().presign(row.id(), key).map(Object::toString)
            .orElse(base + "/outputs/" + key));
      }
    }
    return n;
  }
}
