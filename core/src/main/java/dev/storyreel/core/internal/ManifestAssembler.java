package dev.storyreel.core.internal;

import dev.storyreel.core.AssetRef;
import dev.storyreel.core.Manifest;
import dev.storyreel.core.Segment;
import dev.storyreel.core.Storyboard;
import dev.storyreel.core.Usage;
import dev.storyreel.core.WordTiming;
import dev.storyreel.core.internal.AssetStage.Assets;
import dev.storyreel.core.internal.AssetStage.SpeechAsset;
import dev.storyreel.core.internal.SoundtrackStage.Bed;
import dev.storyreel.core.internal.SoundtrackStage.Placed;
import dev.storyreel.core.internal.SoundtrackStage.Soundtrack;
import dev.storyreel.core.internal.TimelineStage.Layout;
import dev.storyreel.core.spi.RenderResult;
import dev.storyreel.core.timeline.Timeline;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;

/**
 * Builds {@code manifest.json} from what the stages made: one place for what a manifest says.
 * Stateless.
 */
final class ManifestAssembler {
  static final String VERSION = "storyreel 0.1.0";

  /**
   * Everything the manifest is made from.
   *
   * @param plan the planning stage's result
   * @param assets the stored assets
   * @param layout where everything sits
   * @param soundtrack the music and effects
   * @param timeline the rendered timeline
   * @param rendered what the renderer reported
   * @param videoUse the video's cache use
   * @param outputs the published outputs
   * @param stems the published stems, by name
   * @param stages the stage timings
   */
  record Inputs(PlanStage.Planned plan, Assets assets, Layout layout, Soundtrack soundtrack,
      Timeline timeline, RenderResult rendered, Manifest.CacheUse videoUse,
      PublishStage.Outputs outputs, Map<String, AssetRef> stems, Manifest.StageTimings stages) {}

  private ManifestAssembler() {}

  static Manifest assemble(JobContext job, Inputs in) {
    var cfg = job.cfg;
    Storyboard board = in.plan().board();
    List<Manifest.SegmentEntry> entries = new ArrayList<>();
    Manifest.ProviderInfo imageInfo = JobContext.info(cfg.images());
    Manifest.ProviderInfo speechInfo = JobContext.info(cfg.speech());
    Usage total = in.plan().usage();
    for (Segment seg : board.segments()) {
      int i = seg.index();
      List<Manifest.WordEntry> we = new ArrayList<>();
      for (WordTiming w : in.layout().words().get(i)) {
        we.add(new Manifest.WordEntry(w.word(), w.start().toMillis(), w.end().toMillis()));
      }
      SpeechAsset sa = in.assets().speech().get(i);
      var img = in.assets().images().get(i);
      AssetStage.ClipAsset clip = in.assets().clips().get(i);
      boolean userStill = clip == null && job.media.hasMedia(i);
      boolean userClip = clip != null && clip.use() == null;
      Manifest.ClipEntry clipEntry = null;
      if (clip != null) {
        var v = in.timeline().visual().get(i);
        clipEntry = new Manifest.ClipEntry(clip.ref(), clip.source(),
            userClip ? null : JobContext.info(cfg.clips().provider()), v.fit().id(),
            clip.info().duration().toMillis(), clip.info().widthPx(), clip.info().heightPx(),
            clip.use(), clip.usage().isEmpty() ? null : clip.usage());
        total = total.plus(clip.usage());
      }
      entries.add(new Manifest.SegmentEntry(
          i, seg.narration(), seg.imagePrompt(),
          in.layout().starts().get(i).toMillis(), in.layout().ends().get(i).toMillis(),
          in.timeline().startFrame(i), in.timeline().endFrame(i),
          // The user's own clip has no still; the user's own still was made by no provider;
          // a segment over the background video has no still at all (issue 10): img is null.
          userClip || img == null ? null : img.ref(),
          userClip || userStill || img == null ? null : imageInfo, img == null ? 0 : img.seed(),
          sa.ref(), speechInfo, cfg.voice(), sa.aligned() ? JobContext.info(cfg.aligner()) : null,
          we, userClip || userStill || img == null ? null : img.use(), sa.use(), sa.timingsUse(),
          img == null ? Usage.NONE : img.usage(), sa.usage(), sa.alignerUsage(), clipEntry));
      total = total.plus(img == null ? Usage.NONE : img.usage()).plus(sa.usage())
          .plus(sa.alignerUsage() == null ? Usage.NONE : sa.alignerUsage());
    }
    List<Manifest.MusicBedEntry> beds = new ArrayList<>();
    for (Bed b : in.soundtrack().beds()) {
      beds.add(new Manifest.MusicBedEntry(b.mood().id(), b.start().toMillis(), b.end().toMillis(),
          b.audio().source(), b.audio().ref(), b.audio().use(),
          b.usage().isEmpty() ? null : b.usage()));
      total = total.plus(b.usage());
    }
    List<Manifest.EffectEntry> effects = new ArrayList<>();
    for (Placed p : in.soundtrack().effects()) {
      effects.add(new Manifest.EffectEntry(p.segment(), p.cue().description(),
          p.cue().wordIndex(), p.at().toMillis(), p.audio().source(), p.audio().ref(),
          p.audio().use()));
    }
    var report = in.rendered().audio();
    Manifest.SoundtrackEntry soundtrack = new Manifest.SoundtrackEntry(
        JobContext.info(cfg.music()), beds, cfg.musicGainDb(),
        cfg.music() == null ? 0 : cfg.ducking().depthDb(), JobContext.info(cfg.effects()),
        effects, in.soundtrack().unresolved(), cfg.mix().loudnessLufs(),
        cfg.mix().truePeakDbtp(),
        Double.isFinite(report.integratedLufs()) ? report.integratedLufs() : null,
        Double.isFinite(report.truePeakDbtp()) ? report.truePeakDbtp() : null, in.stems());
    PublishStage.Outputs out = in.outputs();
    // No invented usage: a planner that reported nothing and is not billed spent nothing.
    Usage planUsage = in.plan().usage().isEmpty() ? null : in.plan().usage();
    return new Manifest(Manifest.SCHEMA_VERSION,
        VERSION, job.story.title(), Instant.now().toString(), cfg.format(), board.visualStyle(),
        JobContext.info(cfg.planner()), entries,
        new Manifest.VideoEntry(out.video(), in.rendered().frameCount(),
            in.timeline().duration().toMillis(), in.rendered().videoCodec(),
            in.rendered().encoder(), in.rendered().audioCodec(), cfg.renderer().name()),
        new Manifest.CaptionsEntry(out.srt(), out.vtt(), in.layout().cues().size()),
        out.thumbnail(), in.stages(), cfg.inputKey(), in.plan().use(), in.videoUse(),
        planUsage, JobContext.info(cfg.moderator()), total, cfg.budgetUsd(), soundtrack,
        renderOptions(cfg), job.warnings(),
        WriteStage.lookup(job.storage, job.story).orElse(null));
  }

  /** The renderer's options, then the background's and the overlays' (issue 10), if any. */
  private static Map<String, String> renderOptions(Pipeline.Config cfg) {
    if (cfg.motion().isEmpty()) {
      return cfg.renderer().options();
    }
    Map<String, String> m = new LinkedHashMap<>(cfg.renderer().options());
    m.putAll(cfg.motion().describe());
    return m;
  }
}
