package dev.storyreel.core.internal;

import dev.storyreel.core.AssetRef;
import dev.storyreel.core.Captions;
import dev.storyreel.core.internal.AssetStage.Assets;
import dev.storyreel.core.internal.TimelineStage.Layout;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The publishing stage: the outputs under their names (the video, its thumbnail and the stems
 * are the cache's blobs, linked or copied server-side, so each is stored once), the captions,
 * and the removal of assets an earlier, replaced story left. The manifest is written last, by
 * the pipeline.
 */
final class PublishStage {
  private static final Logger LOG = LoggerFactory.getLogger(PublishStage.class);

  /**
   * What was published.
   *
   * @param video {@code video.mp4}
   * @param srt {@code captions.srt}
   * @param vtt {@code captions.vtt}
   * @param thumbnail {@code thumbnail.jpg}
   */
  record Outputs(AssetRef video, AssetRef srt, AssetRef vtt, AssetRef thumbnail) {}

  private final JobContext job;

  PublishStage(JobContext job) {
    this.job = job;
  }

  /**
   * @param assets the stored assets, to keep
   * @param layout the captions' cues
   * @param videoKey the rendered video's cache key
   * @param stems whether the stems are published
   * @param published receives the stems published, by name
   * @return the outputs
   */
  Outputs run(Assets assets, Layout layout, String videoKey, boolean stems,
      Map<String, AssetRef> published) {
    var storage = job.storage;
    removeStaleAssets(assets);
    AssetRef video = storage.copy(job.cache.blob("video", videoKey, "video"), "video.mp4");
    AssetRef srt = storage.put("captions.srt",
        Captions.toSrt(layout.cues()).getBytes(StandardCharsets.UTF_8), "application/x-subrip");
    AssetRef vtt = storage.put("captions.vtt",
        Captions.toVtt(layout.cues()).getBytes(StandardCharsets.UTF_8), "text/vtt");
    AssetRef thumb = storage.copy(job.cache.blob("video", videoKey, "thumbnail"),
        "thumbnail.jpg");
    Map<String, AssetRef> blobs = new LinkedHashMap<>(job.cache.blobs("video", videoKey));
    for (Map.Entry<String, AssetRef> e : blobs.entrySet()) {
      if (e.getKey().startsWith(AssetCache.STEM)) {
        String name = e.getKey().substring(AssetCache.STEM.length());
        if (stems) {
          published.put(name, storage.copy(e.getValue(), name));
        }
      }
    }
    return new Outputs(video, srt, vtt, thumb);
  }

  /**
   * Deletes the per-segment files under {@code assets/} that this job did not make: those of
   * segments a replaced story (written over with {@code overwrite(true)}) had and this one has
   * not. The cache keeps its entries, so nothing paid for is lost.
   */
  private void removeStaleAssets(Assets assets) {
    Set<String> keep = new HashSet<>();
    assets.images().forEach(a -> keep.add(a.ref().key()));
    assets.speech().forEach(a -> keep.add(a.ref().key()));
    assets.clips().values().forEach(a -> keep.add(a.ref().key()));
    for (String key : job.storage.list("assets/")) {
      if (!keep.contains(key) && key.matches("assets/segment-\\d{3,}\\.[a-z0-9]+")) {
        LOG.info("removing {}, left by an earlier story", key);
        job.storage.delete(key);
      }
    }
  }
}
