package dev.storyreel.core.internal;

import dev.storyreel.core.AssetRef;
import dev.storyreel.core.CaptionCue;
import dev.storyreel.core.Captions;
import dev.storyreel.core.LocalStorage;
import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.PcmAudio;
import dev.storyreel.core.StoryReelException;
import dev.storyreel.core.Storyboard;
import dev.storyreel.core.WordTiming;
import dev.storyreel.core.Words;
import dev.storyreel.core.http.ImageChecks;
import dev.storyreel.core.internal.AssetStage.Assets;
import dev.storyreel.core.internal.AssetStage.SpeechAsset;
import dev.storyreel.core.internal.SoundtrackStage.Bed;
import dev.storyreel.core.internal.SoundtrackStage.Placed;
import dev.storyreel.core.internal.SoundtrackStage.Soundtrack;
import dev.storyreel.core.spi.ImageSource;
import dev.storyreel.core.spi.VideoSource;
import dev.storyreel.core.timeline.AudioSource;
import dev.storyreel.core.timeline.ClipFit;
import dev.storyreel.core.timeline.EffectCue;
import dev.storyreel.core.timeline.MusicClip;
import dev.storyreel.core.timeline.MusicTrack;
import dev.storyreel.core.timeline.NarrationClip;
import dev.storyreel.core.timeline.NarrationTrack;
import dev.storyreel.core.timeline.Timeline;
import dev.storyreel.core.timeline.VisualClip;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * The timeline stage: lays the stored assets out in time (each segment exactly as long as its own
 * narration, boundaries from absolute sample counts so nothing drifts), makes the caption cues,
 * and assembles the {@link Timeline} the renderer renders, with the soundtrack on it. Pictures and
 * audio are on the timeline by reference: they are read back from storage when the renderer
 * reaches them.
 */
final class TimelineStage {
  /** The level of a sound effect in the mix, relative to its file, in dB. */
  static final double EFFECT_GAIN_DB = -3;

  /**
   * Where each segment sits, before the soundtrack is known.
   *
   * @param starts each segment's start
   * @param ends each segment's end
   * @param words each segment's word timings on the video's clock
   * @param cues the caption cues
   * @param visual the visual track
   * @param narration the narration track
   */
  record Layout(List<Duration> starts, List<Duration> ends, List<List<WordTiming>> words,
      List<CaptionCue> cues, List<VisualClip> visual, NarrationTrack narration) {

    /** @return the video's duration */
    Duration duration() {
      return narration.duration();
    }

    /** @return every word on the video's clock, in order */
    List<WordTiming> allWords() {
      List<WordTiming> all = new ArrayList<>();
      words.forEach(all::addAll);
      return all;
    }
  }

  private final JobContext job;

  TimelineStage(JobContext job) {
    this.job = job;
  }

  /**
   * @param board the storyboard
   * @param assets the stored assets
   * @return where everything sits
   */
  Layout layout(Storyboard board, Assets assets) {
    return layout(board, assets.speech(), i -> assets.images().get(i) == null
        ? () -> {
          throw new IllegalStateException("segment " + i + " has no still: it shows the"
              + " background video");
        }
        : storedImage(i, assets.images().get(i).ref()));
  }

  /**
   * @param board the storyboard
   * @param speech every segment's stored narration, in segment order
   * @param pictures each segment's picture source, by segment index: the layout needs no
   *     picture, so a source may block until its picture is stored (a streaming render)
   * @return where everything sits
   */
  Layout layout(Storyboard board, List<SpeechAsset> speech, IntFunction<ImageSource> pictures) {
    SpeechAsset first = speech.get(0);
    int rate = first.sampleRateHz();
    int channels = first.channels();
    List<Duration> starts = new ArrayList<>();
    List<Duration> ends = new ArrayList<>();
    List<List<WordTiming>> words = new ArrayList<>();
    List<VisualClip> visual = new ArrayList<>();
    List<NarrationClip> voice = new ArrayList<>();
    List<Captions.Span> spans = new ArrayList<>();
    long frames = 0;
    for (int i = 0; i < board.segments().size(); i++) {
      SpeechAsset sa = speech.get(i);
      AudioSource clip;
      long clipFrames;
      if (sa.sampleRateHz() == rate && sa.channels() == channels) {
        clip = storedAudio(i, sa.ref());
        clipFrames = sa.frameCount();
      } else {
        // Rare (a provider whose clips differ in format): convert this one clip once.
        PcmAudio a = Audio.convert(readWav(i, sa.ref()), rate, channels);
        clip = AudioSource.of(writeTemp(i, a));
        clipFrames = a.frameCount();
      }
      // Boundaries come from absolute sample counts, so nothing drifts over a long story.
      Duration start = Duration.ofNanos(frames * 1_000_000_000L / rate);
      frames += clipFrames;
      Duration end = Duration.ofNanos(frames * 1_000_000_000L / rate);
      List<WordTiming> shifted = new ArrayList<>();
      for (WordTiming w : sa.words()) {
        WordTiming s = w.shift(start);
        // Resampling can shorten a clip by a sample; keep every word inside its segment.
        if (s.end().compareTo(end) > 0) {
          s = new WordTiming(s.word(), s.start().compareTo(end) > 0 ? end : s.start(), end);
        }
        shifted.add(s);
      }
      starts.add(start);
      ends.add(end);
      words.add(shifted);
      visual.add(new VisualClip(i, pictures.apply(i), start, end));
      voice.add(new NarrationClip(i, clip, start, end, shifted));
      boolean[] lineEnds = Words.lineEnds(board.segments().get(i).narration());
      Set<Integer> breaks = new HashSet<>();
      for (int w = 0; w < lineEnds.length; w++) {
        if (lineEnds[w]) {
          breaks.add(w);
        }
      }
      spans.add(new Captions.Span(start, end, shifted, breaks));
    }
    List<CaptionCue> cues = Captions.cues(spans,
        Captions.CueLimits.of(job.cfg.format(), job.cfg.renderer().captionStyle()));
    return new Layout(starts, ends, words, cues, visual,
        new NarrationTrack(rate, channels, voice));
  }

  /**
   * @param layout where everything sits
   * @param soundtrack the music beds and effects
   * @return the timeline to render
   */
  Timeline assemble(Layout layout, Soundtrack soundtrack) {
    var cfg = job.cfg;
    List<MusicClip> music = new ArrayList<>();
    for (Bed b : soundtrack.beds()) {
      tile(b, music);
    }
    MusicTrack track = music.isEmpty() ? MusicTrack.NONE
        : new MusicTrack(music, cfg.musicGainDb(), cfg.ducking().envelope(layout.allWords()));
    List<EffectCue> effects = new ArrayList<>();
    for (Placed p : soundtrack.effects()) {
      effects.add(new EffectCue(p.segment(), p.cue().description(),
          storedAudio(p.segment(), p.audio().ref()), p.at(), EFFECT_GAIN_DB));
    }
    return withMotion(new Timeline(cfg.format(), layout.visual(), layout.narration(), track,
        effects, layout.cues(), List.of(), cfg.mix()));
  }

  /**
   * Puts the job's background video and overlays on the timeline (issue 10): with a
   * background, every segment shows it instead of a still, except those with a clip or the
   * user's own still or clip; the title card, end card and watermark are placed on the video's
   * length.
   */
  private Timeline withMotion(Timeline t) {
    MotionSettings motion = job.cfg.motion();
    if (motion.isEmpty()) {
      return t;
    }
    Timeline out = t;
    if (motion.background() != null) {
      List<VisualClip> visual = new ArrayList<>();
      for (VisualClip v : t.visual()) {
        // A segment that gets a clip (made from its still) or shows the user's own media keeps
        // its picture; the others show the background.
        int i = v.segment();
        boolean own = v.isClip() || job.media.clips().contains(i) || job.media.hasMedia(i);
        visual.add(own ? v : VisualClip.background(i, v.start(), v.end()));
      }
      out = out.withBackground(motion.background()).withVisual(visual);
    }
    return out.withOverlays(motion.overlays(out.duration()));
  }

  /**
   * Puts the segments' moving clips on the visual track: each becomes {@link
   * VisualClip#clip}, keeping its interval (the cut stays on the narration boundary) and its
   * still (the clip was made from it; {@code null} for the user's own clip), fitted by the
   * job's {@code --clip-fit} or else by {@link ClipFit#resolve} of the clip's probed length and
   * the segment's. The other segments keep their stills.
   *
   * @param timeline the assembled timeline
   * @param clips the stored clips, by segment
   * @return the timeline with the clips, or {@code timeline} when there are none
   */
  Timeline withClips(Timeline timeline, Map<Integer, AssetStage.ClipAsset> clips) {
    if (clips.isEmpty()) {
      return timeline;
    }
    ClipFit forced = job.cfg.clips() == null ? null : job.cfg.clips().fit();
    List<VisualClip> visual = new ArrayList<>(timeline.visual());
    for (Map.Entry<Integer, AssetStage.ClipAsset> e : clips.entrySet()) {
      int i = e.getKey();
      AssetStage.ClipAsset c = e.getValue();
      VisualClip v = visual.get(i);
      ClipFit fit = forced != null ? forced
          : ClipFit.resolve(c.info().duration(), v.end().minus(v.start()));
      Path file = c.file();
      visual.set(i, clip(v, () -> {
        if (!Files.isRegularFile(file)) {
          throw new NonRetriableException("Segment " + i + ": its stored clip " + c.ref().key()
              + " is no longer at " + file + "; run the job again.");
        }
        return file;
      }, fit, "user".equals(c.source())));
    }
    return timeline.withVisual(visual);
  }

  /**
   * Puts the segments' moving clips on the visual track before they exist, when every clip's
   * fit is the job's {@code --clip-fit} (no clip's length is needed): each {@link VideoSource}
   * blocks until its clip is stored, as the streamed stills' sources do, so the render streams.
   *
   * @param timeline the assembled timeline
   * @param sources each moving segment's source, blocking until its clip is stored
   * @param userClips the segments that show the user's own clip (they have no still)
   * @param fit the job's fit policy
   * @return the timeline with the clips
   */
  Timeline withStreamedClips(Timeline timeline, Map<Integer, VideoSource> sources,
      java.util.Set<Integer> userClips, ClipFit fit) {
    List<VisualClip> visual = new ArrayList<>(timeline.visual());
    sources.forEach((i, source) ->
        visual.set(i, clip(visual.get(i), source, fit, userClips.contains(i))));
    return timeline.withVisual(visual);
  }

  /** A still's place on the track as a clip: same interval (the cut stays on the boundary). */
  private static VisualClip clip(VisualClip v, VideoSource source, ClipFit fit, boolean user) {
    return VisualClip.clip(v.segment(), source, fit, user ? null : v.image(), v.start(), v.end());
  }

  /**
   * Places a bed on the music track. A bed shorter than its stretch (a music model that makes
   * clips of at most 30 s, say) is looped: copies follow each other, overlapping and
   * crossfading by {@link SoundtrackStage#CROSSFADE}.
   */
  private void tile(Bed b, List<MusicClip> out) {
    AudioSource audio = storedAudio(-1, b.audio().ref());
    Duration d = b.audio().duration();
    Duration xf = SoundtrackStage.CROSSFADE;
    if (d.compareTo(b.end().minus(b.start())) >= 0 || d.compareTo(xf.multipliedBy(3)) < 0) {
      Duration end = d.compareTo(b.end().minus(b.start())) >= 0 ? b.end() : b.start().plus(d);
      Duration len = end.minus(b.start());
      Duration in = b.fadeIn().compareTo(len.dividedBy(3)) <= 0 ? b.fadeIn() : len.dividedBy(3);
      Duration outFade =
          b.fadeOut().compareTo(len.dividedBy(3)) <= 0 ? b.fadeOut() : len.dividedBy(3);
      out.add(new MusicClip(audio, b.mood(), b.start(), end, in, outFade));
      return;
    }
    Duration t = b.start();
    boolean first = true;
    while (t.compareTo(b.end()) < 0) {
      Duration end = t.plus(d).compareTo(b.end()) >= 0 ? b.end() : t.plus(d);
      boolean last = end.equals(b.end());
      Duration len = end.minus(t);
      Duration in = first ? b.fadeIn() : xf;
      Duration outFade = last ? b.fadeOut() : xf;
      if (in.plus(outFade).compareTo(len) > 0) {
        in = len.dividedBy(2);
        outFade = len.dividedBy(2);
      }
      out.add(new MusicClip(audio, b.mood(), t, end, in, outFade));
      if (last) {
        break;
      }
      t = end.minus(xf);
      first = false;
    }
  }

  /** Stored audio read back from the job's storage on each call. Thread-safe. */
  private AudioSource storedAudio(int segment, AssetRef ref) {
    String key = ref.key();
    // A local storage names the file, so that a renderer may read it natively.
    Path local = job.storage instanceof LocalStorage ls ? Path.of(ls.locate(key)) : null;
    return AudioSource.of(local, () -> {
      try {
        return job.storage.open(key);
      } catch (StoryReelException e) {
        throw new NonRetriableException((segment >= 0 ? "Segment " + segment + ": cannot"
            : "Cannot") + " read the stored audio " + key + ": " + e.getMessage(), e);
      }
    });
  }

  private PcmAudio readWav(int segment, AssetRef ref) {
    try (InputStream in = job.storage.open(ref.key())) {
      return PcmAudio.fromWav(in);
    } catch (IOException e) {
      throw new UncheckedIOException("Segment " + segment + ": reading " + ref.key(), e);
    }
  }

  private Path writeTemp(int segment, PcmAudio a) {
    try {
      Files.createDirectories(job.tempDir);
      Path p = job.tempDir.resolve(String.format("narration-%03d.wav", segment));
      Files.write(p, a.toWav());
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException("writing a converted narration in " + job.tempDir, e);
    }
  }

  /**
   * A segment's picture read back from the job's storage and decoded on each call: nothing is
   * held between calls, so a render keeps only the pictures its renderer is working on.
   * Thread-safe (storages are). A picture in a {@link LocalStorage} is decoded in place from
   * its file, any other is read into memory first; either decodes into the renderer's image
   * where it can ({@link ImageSource#load(java.awt.image.BufferedImage)}). The source names the
   * local file ({@link ImageSource#file()}), so that a renderer may decode it itself.
   *
   * @param segment the segment's index
   * @param ref its stored picture
   * @return a source that reads and decodes the picture on each load
   */
  ImageSource storedImage(int segment, AssetRef ref) {
    String key = ref.key();
    Path local = job.storage instanceof LocalStorage ls ? Path.of(ls.locate(key)) : null;
    return ImageSource.decodingInto(reuse -> {
      Path file = local;
      if (file != null && Files.isRegularFile(file)) {
        // Read in place from the file: no copy of the encoded picture per load (issue 14). A
        // missing one goes through the storage, whose error says what is missing.
        try {
          return ImageChecks.decode("storage", file, ImageChecks.DEFAULT_MAX_PIXELS,
              "segment " + segment, reuse);
        } catch (UncheckedIOException e) {
          throw unreadable(segment, key, e);
        } catch (NonRetriableException e) {
          throw undecodable(segment, key, e);
        }
      }
      byte[] bytes;
      try {
        bytes = job.storage.read(key);
      } catch (UncheckedIOException e) {
        throw unreadable(segment, key, e);
      } catch (StoryReelException e) {
        throw new NonRetriableException(
            "Segment " + segment + ": cannot read its stored image " + key + ": "
                + e.getMessage(), e);
      }
      try {
        return ImageChecks.decode("storage", bytes, ImageChecks.DEFAULT_MAX_PIXELS,
            "segment " + segment, reuse);
      } catch (NonRetriableException e) {
        throw undecodable(segment, key, e);
      }
    }, local);
  }

  private static UncheckedIOException unreadable(int segment, String key,
      UncheckedIOException e) {
    return new UncheckedIOException(
        "Segment " + segment + ": cannot read its stored image " + key, e.getCause());
  }

  private static NonRetriableException undecodable(int segment, String key,
      NonRetriableException e) {
    return new NonRetriableException(
        "Segment " + segment + ": the stored image " + key + " cannot be decoded: "
            + e.getMessage(), e);
  }
}
