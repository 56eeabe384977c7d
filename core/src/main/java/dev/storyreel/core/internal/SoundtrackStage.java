package dev.storyreel.core.internal;

import dev.storyreel.core.Manifest;
import dev.storyreel.core.Mood;
import dev.storyreel.core.Segment;
import dev.storyreel.core.SoundCue;
import dev.storyreel.core.Storyboard;
import dev.storyreel.core.TaskKind;
import dev.storyreel.core.Usage;
import dev.storyreel.core.WordTiming;
import dev.storyreel.core.internal.TaskGraph.TaskKey;
import dev.storyreel.core.internal.TimelineStage.Layout;
import dev.storyreel.core.spi.GeneratedAudio;
import dev.storyreel.core.spi.MusicRequest;
import dev.storyreel.core.spi.PendingWork;
import dev.storyreel.core.spi.SoundEffectRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The soundtrack: the music beds under the narration (one per stretch of segments that
 * share a mood, crossfading where the mood changes) and the sound effects at their words, each
 * made by its provider, cached and metered like every other asset. Input: the storyboard and
 * the layout (the beds' lengths and the effects' times come from the narration). Output: {@link
 * Soundtrack}, references to what is stored.
 */
final class SoundtrackStage {
  /** How long two beds of different moods overlap and crossfade at their boundary. */
  static final Duration CROSSFADE = Duration.ofSeconds(2);
  /** How long the music fades in at the start of the video. */
  static final Duration FADE_IN = Duration.ofMillis(1500);
  /** How long the music fades out at the end of the video. */
  static final Duration FADE_OUT = Duration.ofSeconds(2);

  /**
   * A music bed placed on the timeline.
   *
   * @param mood its mood
   * @param start where it starts
   * @param end where it ends
   * @param fadeIn its fade in
   * @param fadeOut its fade out
   * @param audio the stored WAV
   * @param usage what making it spent in this run
   */
  record Bed(Mood mood, Duration start, Duration end, Duration fadeIn, Duration fadeOut,
      AssetCache.StoredAudio audio, Usage usage) {}

  /**
   * An effect placed at its word.
   *
   * @param segment the segment
   * @param cue the planner's cue
   * @param at its word's start
   * @param audio the stored WAV
   */
  record Placed(int segment, SoundCue cue, Duration at, AssetCache.StoredAudio audio) {}

  /**
   * The soundtrack's assets.
   *
   * @param beds the music beds, in time order (empty without music)
   * @param effects the effects placed, in time order
   * @param unresolved the cues left without audio, with the reason
   */
  record Soundtrack(List<Bed> beds, List<Placed> effects, List<Manifest.UnresolvedCue> unresolved) {}

  /** A stretch of consecutive segments of one mood. */
  private record Run(Mood mood, Duration start, Duration end) {}

  /** Thrown inside an effect's cache lookup when the provider has nothing for the cue. */
  private static final class NoMatch extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NoMatch() {
      super(null, null, false, false);
    }
  }

  private final JobContext job;

  SoundtrackStage(JobContext job) {
    this.job = job;
  }

  /**
   * Checks, before any asset of the job is paid for, that the music and effect providers can
   * serve this storyboard (the user's files exist, decode, and cover its moods).
   *
   * @param board the storyboard
   * @throws dev.storyreel.core.InvalidInputException if they cannot
   */
  void preflight(Storyboard board) {
    var cfg = job.cfg;
    if (cfg.music() != null) {
      Mood fallback = cfg.mood() != null ? cfg.mood() : Mood.DEFAULT;
      java.util.Set<Mood> moods = java.util.EnumSet.noneOf(Mood.class);
      for (int i = 0; i < board.segments().size(); i++) {
        moods.add(board.moodOf(i, fallback));
      }
      cfg.music().preflight(moods);
    }
    if (cfg.effects() != null) {
      cfg.effects().preflight();
    }
  }

  /**
   * The soundtrack's tasks in a job graph ({@code music-NNN}, one per stretch of one mood, and
   * {@code sfx-NNN-CC}, one per sound cue), each depending on the layout only, and how their
   * results become the {@link Soundtrack}.
   *
   * @param beds the music beds' tasks, in time order
   * @param effects the effects' tasks, one per cue in storyboard order (empty without an
   *     effect provider)
   */
  record Tasks(List<TaskKey<Bed>> beds, List<TaskKey<Optional<Placed>>> effects) {
    /** @return every task, for a task that depends on the whole soundtrack */
    List<TaskKey<?>> all() {
      List<TaskKey<?>> all = new ArrayList<>(beds);
      all.addAll(effects);
      return all;
    }
  }

  /**
   * Adds the soundtrack's tasks to a job graph, with the music and effect providers' limits.
   *
   * @param g the job's graph
   * @param board the storyboard (moods and cues)
   * @param layoutKey the task that lays the segments out; every soundtrack task depends on it
   * @return the tasks, for {@link #collect}
   */
  Tasks addTo(TaskGraph.Builder g, Storyboard board, TaskKey<Layout> layoutKey) {
    var cfg = job.cfg;
    List<TaskKey<Bed>> bedKeys = new ArrayList<>();
    if (cfg.music() != null) {
      g.resourceLimit(cfg.music().resource(), job.limit(cfg.music()));
      int count = runCount(board);
      for (int k = 0; k < count; k++) {
        int index = k;
        bedKeys.add(g.add(String.format("music-%03d", k), cfg.music().resource(),
            TaskGraph.Meta.of(TaskKind.MUSIC), List.of(layoutKey),
            ctx -> bed(index, count, ctx.get(layoutKey), board)));
      }
    }
    List<TaskKey<Optional<Placed>>> effectKeys = new ArrayList<>();
    if (cfg.effects() != null) {
      g.resourceLimit(cfg.effects().resource(), job.limit(cfg.effects()));
      for (Segment seg : board.segments()) {
        for (int c = 0; c < seg.soundCues().size(); c++) {
          SoundCue cue = seg.soundCues().get(c);
          long seed = cfg.seed() + 1000L * seg.index() + c;
          effectKeys.add(g.add(String.format("sfx-%03d-%02d", seg.index(), c),
              cfg.effects().resource(), TaskGraph.Meta.of(TaskKind.EFFECT, seg.index()),
              List.of(layoutKey),
              ctx -> {
                List<WordTiming> words = ctx.get(layoutKey).words().get(seg.index());
                if (cue.wordIndex() >= words.size()) {
                  return Optional.<Placed>empty(); // listed as unresolved by collect
                }
                return makeEffect(seg.index(), cue, words.get(cue.wordIndex()).start(), seed);
              }));
        }
      }
    }
    return new Tasks(bedKeys, effectKeys);
  }

  /**
   * The soundtrack from its tasks' results; records a warning for each cue left without audio.
   *
   * @param tasks the tasks {@link #addTo} added
   * @param ctx the context of a task that depends on all of them
   * @param board the storyboard
   * @param layout where each segment and word sits
   * @return the soundtrack's stored assets
   */
  Soundtrack collect(Tasks tasks, TaskGraph.TaskContext ctx, Storyboard board, Layout layout) {
    var cfg = job.cfg;
    List<Bed> beds = new ArrayList<>();
    for (TaskKey<Bed> k : tasks.beds()) {
      beds.add(ctx.get(k));
    }
    List<Manifest.UnresolvedCue> unresolved = new ArrayList<>();
    for (Segment seg : board.segments()) {
      List<WordTiming> words = layout.words().get(seg.index());
      for (SoundCue cue : seg.soundCues()) {
        if (cue.wordIndex() >= words.size()) {
          unresolved.add(new Manifest.UnresolvedCue(seg.index(), cue.description(),
              cue.wordIndex(), "segment " + seg.index() + " has only " + words.size()
                  + " words"));
        } else if (cfg.effects() == null) {
          unresolved.add(new Manifest.UnresolvedCue(seg.index(), cue.description(),
              cue.wordIndex(), "no sound-effect provider (CLI: --sfx DIR)"));
        }
      }
    }
    List<Placed> placed = new ArrayList<>();
    int e = 0;
    for (Segment seg : board.segments()) {
      for (SoundCue cue : seg.soundCues()) {
        if (cfg.effects() == null) {
          continue;
        }
        Optional<Placed> p = ctx.get(tasks.effects().get(e++));
        boolean asked = cue.wordIndex() < layout.words().get(seg.index()).size();
        if (!asked) {
          continue;
        }
        if (p.isPresent()) {
          placed.add(p.get());
        } else {
          unresolved.add(new Manifest.UnresolvedCue(seg.index(), cue.description(),
              cue.wordIndex(), cfg.effects().name() + " has nothing matching it"));
        }
      }
    }
    placed.sort((a, b) -> a.at().compareTo(b.at()));
    for (Manifest.UnresolvedCue u : unresolved) {
      job.warn("Sound cue '" + u.description() + "' at word " + u.word() + " of segment "
          + u.segment() + " has no effect: " + u.reason() + ".");
    }
    return new Soundtrack(beds, placed, unresolved);
  }

  /** How many music beds the storyboard gets: one per stretch of one mood. */
  private int runCount(Storyboard board) {
    Mood fallback = job.cfg.mood() != null ? job.cfg.mood() : Mood.DEFAULT;
    int n = 0;
    Mood last = null;
    for (int i = 0; i < board.segments().size(); i++) {
      Mood m = board.moodOf(i, fallback);
      if (m != last) {
        n++;
        last = m;
      }
    }
    return n;
  }

  /** Music bed {@code k} of {@code count}, placed over its stretch, made or found. */
  private Bed bed(int k, int count, Layout layout, Storyboard board) {
    var cfg = job.cfg;
    List<Run> runs = runs(board, layout);
    if (runs.size() != count) {
      throw new IllegalStateException("expected " + count + " mood stretches, found "
          + runs.size());
    }
    Run r = runs.get(k);
    Duration total = layout.duration();
    boolean firstRun = k == 0;
    boolean lastRun = k == count - 1;
    Duration half = CROSSFADE.dividedBy(2);
    Duration start = firstRun ? Duration.ZERO : max(Duration.ZERO, r.start().minus(half));
    Duration end = lastRun ? total : min(total, r.end().plus(half));
    Duration len = end.minus(start);
    Duration fadeIn = min(firstRun ? FADE_IN : CROSSFADE, len.dividedBy(3));
    Duration fadeOut = min(lastRun ? FADE_OUT : CROSSFADE, len.dividedBy(3));
    return makeBed(k, r.mood(), start, end, fadeIn, fadeOut, cfg.seed() + k,
        board.visualStyle());
  }

  /** The stretches of consecutive segments that share a mood. */
  private List<Run> runs(Storyboard board, Layout layout) {
    Mood fallback = job.cfg.mood() != null ? job.cfg.mood() : Mood.DEFAULT;
    List<Run> out = new ArrayList<>();
    for (int i = 0; i < board.segments().size(); i++) {
      Mood m = board.moodOf(i, fallback);
      Duration s = layout.starts().get(i);
      Duration e = layout.ends().get(i);
      if (!out.isEmpty() && out.get(out.size() - 1).mood() == m) {
        Run last = out.remove(out.size() - 1);
        out.add(new Run(m, last.start(), e));
      } else {
        out.add(new Run(m, s, e));
      }
    }
    return out;
  }

  /**
   * @param style the story's style (the storyboard's visual style: the job's, else the
   *     preset's, else the planner's), for the music prompt and key; blank for none
   */
  private Bed makeBed(int index, Mood mood, Duration start, Duration end, Duration fadeIn,
      Duration fadeOut, long seed, String style) {
    var cfg = job.cfg;
    Duration len = end.minus(start);
    String key = CacheKeys.music(cfg.music().fingerprint(), mood.id(), len.toNanos(), seed,
        style);
    AtomicReference<Usage> spent = new AtomicReference<>(Usage.NONE);
    PendingWork pending = job.cache.pending("music", key);
    AssetCache.StoredAudio stored = job.cache.audio("music", key, () -> {
      Metering.Metered<AssetCache.MadeAudio> m = job.metering.call(cfg.music(),
          "music bed " + index + " (" + mood.id() + ")", Usage.audio(len),
          () -> {
            Path out = tempFile("music-" + index + "-");
            GeneratedAudio a = cfg.music().compose(new MusicRequest(mood, len, seed, out, style),
                pending);
            return new AssetCache.MadeAudio(out, a.duration(), a.source(), a.usage());
          },
          AssetCache.MadeAudio::usage);
      spent.set(m.usage());
      return m.value();
    });
    if (!stored.use().hit()) {
      pending.clear(); // stored: nothing is left to resume
    }
    job.reportCache(stored.use(), TaskKind.MUSIC, OptionalInt.empty());
    return new Bed(mood, start, end, fadeIn, fadeOut, stored, spent.get());
  }

  private Optional<Placed> makeEffect(int segment, SoundCue cue, Duration at, long seed) {
    var cfg = job.cfg;
    String key = CacheKeys.effect(cfg.effects().fingerprint(), cue.description(), seed);
    try {
      AssetCache.StoredAudio stored = job.cache.audio("effect", key, () -> {
        Path out = tempFile("sfx-" + segment + "-");
        Metering.Metered<Optional<GeneratedAudio>> m = job.metering.call(cfg.effects(),
            "sound effect '" + cue.description() + "' in segment " + segment, Usage.NONE,
            () -> cfg.effects().resolve(new SoundEffectRequest(segment, cue, seed, out)),
            o -> o.map(GeneratedAudio::usage).orElse(Usage.NONE));
        GeneratedAudio a = m.value().orElseThrow(NoMatch::new);
        return new AssetCache.MadeAudio(out, a.duration(), a.source(), a.usage());
      });
      job.reportCache(stored.use(), TaskKind.EFFECT, OptionalInt.of(segment));
      return Optional.of(new Placed(segment, cue, at, stored));
    } catch (NoMatch e) {
      return Optional.empty();
    }
  }

  private Path tempFile(String prefix) {
    try {
      Files.createDirectories(job.tempDir);
      return Files.createTempFile(job.tempDir, prefix, ".wav");
    } catch (IOException e) {
      throw new UncheckedIOException("making a file in the job's temporary folder "
          + job.tempDir, e);
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
