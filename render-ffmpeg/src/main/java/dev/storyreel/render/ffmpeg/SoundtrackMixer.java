package dev.storyreel.render.ffmpeg;

import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.spi.VideoInfo;
import dev.storyreel.core.timeline.BackgroundVideo;
import dev.storyreel.core.timeline.EffectCue;
import dev.storyreel.core.timeline.GainPoint;
import dev.storyreel.core.timeline.MixSettings;
import dev.storyreel.core.timeline.MusicClip;
import dev.storyreel.core.timeline.MusicTrack;
import dev.storyreel.core.timeline.NarrationClip;
import dev.storyreel.core.timeline.Timeline;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;

/**
 * Mixes a {@link Timeline}'s soundtrack to one stereo track at the encoder's rate, normalised to
 * the timeline's {@link MixSettings}, streaming every source and writing the result to a scratch
 * file beside the video, so that memory does not grow with the story's length.
 *
 * <p>Pass 1 (mix and measure), a block of 100 ms at a time:
 *
 * <ul>
 *   <li>narration: the clips back to back, each placed at its own start (rounded to the nearest
 *       sample at the mix rate, so nothing drifts) and exactly as long as its interval (cut, or
 *       padded with silence); a clip's source is opened when the mix reaches it and closed when
 *       it ends, so one narration stream is open at a time;
 *   <li>music: each clip from its start, with a linear fade in and out (the curve of FFmpeg's
 *       {@code afade} default), overlapping clips summed (which crossfades them), at the track's
 *       {@link MusicTrack#gainDb()} and multiplied by its ducking envelope ({@link
 *       MusicTrack#envelopeDbAt}), evaluated at every sample; opened at its start, closed at its
 *       end;
 *   <li>effects: each from its {@link EffectCue#at()} to the end of its own audio at its gain;
 *   <li>all summed in float (no clipping yet), written to {@code <output>.mix-raw.f32} and fed to
 *       FFmpeg's {@code ebur128} meter (EBU R128 integrated loudness, true peak).
 * </ul>
 *
 * <p>Pass 2 (normalise): FFmpeg's {@code volume} by {@code target - measured} LU, then {@code
 * alimiter} (latency-compensated, no auto level) at {@value #LIMITER_MARGIN_DB} dB under the
 * true-peak ceiling, which leaves room for inter-sample peaks and the AAC encoder's overshoot,
 * then {@code ebur128} again: its figures are those reported. The result goes to {@code
 * <output>.mix.f32} (interleaved stereo float, little-endian) and the raw mix is deleted. A
 * silent mix is left as it is.
 *
 * <p>With {@link MixSettings#stems()}, pass 1 also writes {@code narration.wav}, {@code music.wav}
 * (after ducking) and {@code effects.wav} beside the output: 16-bit stereo at the mix rate, at
 * their levels in the mix before normalisation.
 *
 * <p>Memory: a few blocks of {@code 2 * rate / 10} floats, one decoded chunk per open source, and
 * the filter graphs. Not thread-safe; one mixer per render.
 */
final class SoundtrackMixer {

  /** How far under the true-peak ceiling the limiter holds sample peaks, in dB: {@value}. */
  static final double LIMITER_MARGIN_DB = 1.5;

  /** Largest gain pass 2 applies, in dB: {@value} (a nearly silent voice is not blown up). */
  static final double MAX_GAIN_DB = 40;

  /** Integrated loudness at or below which a mix counts as silent, in LUFS. */
  private static final double SILENT_LUFS = -69.5;

  /** File names of the stems. */
  static final String NARRATION_STEM = "narration.wav";

  /** File name of the music stem. */
  static final String MUSIC_STEM = "music.wav";

  /** File name of the effects stem. */
  static final String EFFECTS_STEM = "effects.wav";

  /**
   * The mixed soundtrack, ready to encode.
   *
   * @param file interleaved stereo float32 little-endian samples at {@code rateHz}
   * @param frames sample frames in it
   * @param rateHz its rate, Hz
   * @param integratedLufs its integrated loudness, LUFS
   * @param truePeakDbtp its true peak, dBTP
   * @param stems the stems written, by file name; empty if none were asked for
   */
  record Soundtrack(Path file, long frames, int rateHz, double integratedLufs,
      double truePeakDbtp, Map<String, Path> stems) {}

  private final Timeline timeline;
  private final int rateHz;
  /**
   * Sample frames mixed and filtered at a time: a second. javacv allocates Java wrappers on
   * every push into a filter (about 0.8 KB), which at a tenth of a second made the mix of a
   * 43-minute story allocate 43 MB in those alone and grow G1's young generation before the
   * first frame; the arrays cost about 2 MB at 48 kHz.
   */
  private final int block;

  /**
   * @param timeline what to mix
   * @param rateHz the mix's rate, Hz: the encoder's
   */
  SoundtrackMixer(Timeline timeline, int rateHz) {
    this.timeline = timeline;
    this.rateHz = rateHz;
    this.block = Math.max(1, rateHz);
  }

  /** @return the sample frame at the mix rate nearest to {@code t} */
  long frameAt(Duration t) {
    return Math.floorDiv(t.toNanos() * rateHz + 500_000_000L, 1_000_000_000L);
  }

  /** @return the mix's length in sample frames: the narration's duration at the mix rate */
  long totalFrames() {
    return frameAt(timeline.duration());
  }

  /**
   * Runs both passes.
   *
   * @param output the video being written; the scratch files and stems go in its folder
   * @return the soundtrack
   * @throws NonRetriableException if a source cannot be read or a scratch file written
   * @throws CancellationException if the thread is interrupted
   */
  Soundtrack mix(Path output) {
    Path dir = output.toAbsolutePath().getParent();
    String base = output.getFileName().toString();
    Path raw = dir.resolve(base + ".mix-raw.f32");
    Path done = dir.resolve(base + ".mix.f32");
    try {
      Map<String, Path> stems = new LinkedHashMap<>();
      double measured = mixRaw(raw, dir, stems);
      double gainDb = Double.isNaN(measured) || measured <= SILENT_LUFS ? 0
          : Math.max(-MAX_GAIN_DB, Math.min(MAX_GAIN_DB, timeline.mix().loudnessLufs() - measured));
      double limit = Math.pow(10, (timeline.mix().truePeakDbtp() - LIMITER_MARGIN_DB) / 20);
      String chain = String.format(Locale.ROOT,
          "volume=%.4fdB,alimiter=limit=%.6f:level=0:latency=1", gainDb, limit);
      double[] figures = filterFile(raw, done, chain);
      Files.deleteIfExists(raw);
      long frames = Files.size(done) / 8;
      return new Soundtrack(done, frames, rateHz, figures[0], figures[1], stems);
    } catch (IOException e) {
      throw new NonRetriableException("The ffmpeg renderer could not write the soundtrack's"
          + " scratch files in " + dir + ": " + e.getMessage() + ". Check that the folder is"
          + " writable and the disk has room.", e);
    }
  }

  /** Pass 1; returns the raw mix's integrated loudness. */
  private double mixRaw(Path raw, Path dir, Map<String, Path> stems) throws IOException {
    long total = totalFrames();
    float[] narr = new float[2 * block];
    float[] music = new float[2 * block];
    float[] fx = new float[2 * block];
    float[] tmp = new float[2 * block];
    float[] mix = new float[2 * block];
    ByteBuffer bytes = ByteBuffer.allocate(8 * block).order(ByteOrder.LITTLE_ENDIAN);
    boolean writeStems = timeline.mix().stems();
    Narration narration = new Narration();
    Music beds = new Music();
    Effects effects = new Effects();
    BackgroundAudio background = new BackgroundAudio();
    StemWriter ns = null;
    StemWriter ms = null;
    StemWriter es = null;
    try (FileChannel out = FileChannel.open(raw, StandardOpenOption.CREATE,
            StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        FilterPass meter = new FilterPass("", rateHz, (b, n) -> { })) {
      if (writeStems) {
        ns = stem(dir, NARRATION_STEM, stems);
        ms = stem(dir, MUSIC_STEM, stems);
        es = stem(dir, EFFECTS_STEM, stems);
      }
      for (long p = 0; p < total; p += block) {
        checkInterrupted();
        int n = (int) Math.min(block, total - p);
        Arrays.fill(narr, 0f);
        Arrays.fill(music, 0f);
        Arrays.fill(fx, 0f);
        narration.fill(narr, p, n);
        beds.fill(music, tmp, p, n);
        background.fill(music, tmp, p, n);
        effects.fill(fx, tmp, p, n);
        for (int i = 0; i < 2 * n; i++) {
          mix[i] = narr[i] + music[i] + fx[i];
        }
        bytes.clear();
        bytes.asFloatBuffer().put(mix, 0, 2 * n);
        bytes.limit(8 * n);
        while (bytes.hasRemaining()) {
          out.write(bytes);
        }
        meter.push(mix, n, rateHz);
        if (writeStems) {
          ns.write(narr, n);
          ms.write(music, n);
          es.write(fx, n);
        }
      }
      meter.finish();
      return meter.integratedLufs();
    } finally {
      narration.close();
      beds.close();
      background.close();
      effects.close();
      closeAll(ns, ms, es);
    }
  }

  private StemWriter stem(Path dir, String name, Map<String, Path> stems) throws IOException {
    Path file = dir.resolve(name);
    StemWriter w = new StemWriter(file, rateHz);
    stems.put(name, file);
    return w;
  }

  private static void closeAll(StemWriter... writers) throws IOException {
    IOException first = null;
    for (StemWriter w : writers) {
      if (w == null) {
        continue;
      }
      try {
        w.close();
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /** Pass 2: filters {@code from} into {@code to}; returns {integrated LUFS, true peak dBTP}. */
  private double[] filterFile(Path from, Path to, String chain) throws IOException {
    float[] buf = new float[2 * block];
    ByteBuffer in = ByteBuffer.allocate(8 * block).order(ByteOrder.LITTLE_ENDIAN);
    try (FileChannel src = FileChannel.open(from, StandardOpenOption.READ);
        FileChannel dst = FileChannel.open(to, StandardOpenOption.CREATE,
            StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      // Grown, and kept, when the filter hands over more than a block at once.
      ByteBuffer[] outBytes = {ByteBuffer.allocate(8 * block).order(ByteOrder.LITTLE_ENDIAN)};
      FloatBuffer[] outFloats = {outBytes[0].asFloatBuffer()};
      FilterPass.Sink sink = (samples, frames) -> {
        try {
          ByteBuffer o = outBytes[0];
          if (o.capacity() < 8 * frames) {
            o = ByteBuffer.allocate(8 * frames).order(ByteOrder.LITTLE_ENDIAN);
            outBytes[0] = o;
            outFloats[0] = o.asFloatBuffer();
          }
          outFloats[0].clear();
          outFloats[0].put(samples, 0, 2 * frames);
          o.clear().limit(8 * frames);
          while (o.hasRemaining()) {
            dst.write(o);
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      };
      try (FilterPass pass = new FilterPass(chain, rateHz, sink)) {
        while (true) {
          checkInterrupted();
          in.clear();
          int read = 0;
          while (in.hasRemaining() && (read = src.read(in)) > 0) {
            // fill the block
          }
          in.flip();
          int frames = in.remaining() / 8;
          if (frames == 0) {
            break;
          }
          in.asFloatBuffer().get(buf, 0, 2 * frames);
          pass.push(buf, frames, rateHz);
          if (read < 0) {
            break;
          }
        }
        pass.finish();
        return new double[] {pass.integratedLufs(), pass.truePeakDbtp()};
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
    }
  }

  private static void checkInterrupted() {
    if (Thread.currentThread().isInterrupted()) {
      throw new CancellationException("rendering was interrupted");
    }
  }

  /** The narration clips, one open at a time. */
  private final class Narration {
    private final List<NarrationClip> clips = timeline.narration().clips();
    private int index;
    private AudioReader reader;

    void fill(float[] out, long p, int n) {
      long q = p;
      long end = p + n;
      while (q < end && index < clips.size()) {
        NarrationClip c = clips.get(index);
        long clipEnd = index == clips.size() - 1 ? totalFrames() : frameAt(c.end());
        if (q >= clipEnd) {
          close();
          index++;
          continue;
        }
        if (reader == null) {
          reader = new AudioReader(c.audio(), rateHz, "narration clip " + c.segment());
        }
        int m = (int) (Math.min(end, clipEnd) - q);
        reader.read(out, (int) (q - p), m);
        q += m;
        if (q >= clipEnd) {
          close();
          index++;
        }
      }
    }

    void close() {
      if (reader != null) {
        reader.close();
        reader = null;
      }
    }
  }

  /** The music beds: each open from its start to its end; gain and ducking per sample. */
  private final class Music {
    private final MusicTrack track = timeline.music();
    private final List<MusicClip> clips = track.clips();
    private final List<Bed> active = new ArrayList<>();
    private final Envelope envelope = new Envelope(track.envelope());
    private final double trackGainDb = track.gainDb();
    private int next;

    private final class Bed {
      final MusicClip clip;
      final long start;
      final long end;
      final long fadeIn;
      final long fadeOut;
      final AudioReader reader;

      Bed(MusicClip clip, int position) {
        this.clip = clip;
        this.start = frameAt(clip.start());
        this.end = frameAt(clip.end());
        this.fadeIn = frameAt(clip.fadeIn());
        this.fadeOut = frameAt(clip.fadeOut());
        this.reader = new AudioReader(clip.audio(), rateHz, "music clip " + position + " ("
            + clip.mood().name().toLowerCase(Locale.ROOT) + ")");
      }

      double fade(long frame) {
        double g = 1;
        long local = frame - start;
        if (fadeIn > 0 && local < fadeIn) {
          g = (double) local / fadeIn;
        }
        long left = end - frame;
        if (fadeOut > 0 && left < fadeOut) {
          g *= (double) left / fadeOut;
        }
        return g;
      }
    }

    void fill(float[] out, float[] tmp, long p, int n) {
      long end = p + n;
      while (next < clips.size() && frameAt(clips.get(next).start()) < end) {
        active.add(new Bed(clips.get(next), next));
        next++;
      }
      if (active.isEmpty()) {
        return;
      }
      for (Iterator<Bed> it = active.iterator(); it.hasNext(); ) {
        Bed b = it.next();
        long from = Math.max(p, b.start);
        long to = Math.min(end, b.end);
        if (to > from) {
          int got = b.reader.read(tmp, 0, (int) (to - from));
          int o = (int) (from - p);
          for (int i = 0; i < got; i++) {
            float g = (float) b.fade(from + i);
            out[2 * (o + i)] += g * tmp[2 * i];
            out[2 * (o + i) + 1] += g * tmp[2 * i + 1];
          }
        }
        if (b.end <= end) {
          b.reader.close();
          it.remove();
        }
      }
      for (int i = 0; i < n; i++) {
        long nanos = Math.floorDiv((p + i) * 1_000_000_000L, rateHz);
        float g = (float) Math.pow(10, (trackGainDb + envelope.dbAt(nanos)) / 20);
        out[2 * i] *= g;
        out[2 * i + 1] *= g;
      }
    }

    void close() {
      for (Bed b : active) {
        b.reader.close();
      }
      active.clear();
    }
  }

  /**
   * The background video's own audio, at its {@link BackgroundVideo#gainDb()}, looped as the
   * picture is ({@link MotionLayer#background}): pass {@code k} starts at {@code k * (L - c)}
   * seconds and lasts the video's length {@code L}; where two passes overlap (the loop crossfade
   * {@code c}) the old one fades out as the new one fades in, linearly. Added to the music after
   * the ducking (the background is not ducked) and written to the music stem. Nothing when the
   * timeline has no background, it is muted, or its file has no audio.
   */
  private final class BackgroundAudio {
    private record Pass(long start, AudioReader reader) {}

    private final List<Pass> active = new ArrayList<>();
    private final Path file;
    private final long length;
    private final long period;
    private final long fade;
    private final float gain;
    private long nextStart;

    BackgroundAudio() {
      BackgroundVideo bg = timeline.background();
      Path f = null;
      long len = 0;
      long per = 1;
      long fd = 0;
      if (bg != null && !bg.muted()) {
        Path video = bg.video().file();
        VideoInfo info = VideoProbe.probe(video);
        if (info.hasAudio()) {
          f = video;
          long c = MotionLayer.loopCrossfadeFrames(bg, info.frameCount(), info.fps());
          len = Math.round(info.frameCount() / info.fps() * rateHz);
          fd = Math.round(c / info.fps() * rateHz);
          per = Math.max(1, len - fd);
        }
      }
      this.file = f;
      this.length = len;
      this.period = per;
      this.fade = fd;
      this.gain = bg == null ? 0f : (float) Math.pow(10, bg.gainDb() / 20);
    }

    void fill(float[] out, float[] tmp, long p, int n) {
      if (file == null) {
        return;
      }
      long end = p + n;
      while (nextStart < end) {
        active.add(new Pass(nextStart, new AudioReader(file, rateHz,
            "the background video's audio")));
        nextStart += period;
      }
      for (Iterator<Pass> it = active.iterator(); it.hasNext(); ) {
        Pass a = it.next();
        long from = Math.max(p, a.start());
        long to = Math.min(end, a.start() + length);
        int got = to > from ? a.reader().read(tmp, 0, (int) (to - from)) : 0;
        int o = (int) (from - p);
        for (int i = 0; i < got; i++) {
          long local = from + i - a.start();
          double g = gain;
          if (fade > 0 && a.start() > 0 && local < fade) {
            g *= (double) local / fade;
          }
          if (fade > 0 && length - local <= fade) {
            g *= (double) (length - local) / fade;
          }
          out[2 * (o + i)] += (float) (g * tmp[2 * i]);
          out[2 * (o + i) + 1] += (float) (g * tmp[2 * i + 1]);
        }
        if (a.start() + length <= end || got < to - from) {
          a.reader().close();
          it.remove();
        }
      }
    }

    void close() {
      for (Pass a : active) {
        a.reader().close();
      }
      active.clear();
    }
  }

  /** The effects, each open from its start to the end of its audio. */
  private final class Effects {
    private final List<EffectCue> cues = timeline.effects().stream()
        .sorted(Comparator.comparing(EffectCue::at)).toList();
    private final List<Sound> active = new ArrayList<>();
    private int next;

    private record Sound(EffectCue cue, AudioReader reader, long start) {}

    void fill(float[] out, float[] tmp, long p, int n) {
      long end = p + n;
      while (next < cues.size() && frameAt(cues.get(next).at()) < end) {
        EffectCue c = cues.get(next);
        active.add(new Sound(c, new AudioReader(c.audio(), rateHz, "sound effect '"
            + c.description() + "' of segment " + c.segment()), frameAt(c.at())));
        next++;
      }
      for (Iterator<Sound> it = active.iterator(); it.hasNext(); ) {
        Sound a = it.next();
        EffectCue c = a.cue();
        AudioReader r = a.reader();
        long start = a.start();
        long from = Math.max(p, start);
        int want = (int) (end - from);
        int got = r.read(tmp, 0, want);
        float g = (float) Math.pow(10, c.gainDb() / 20);
        int o = (int) (from - p);
        for (int i = 0; i < 2 * got; i++) {
          out[2 * o + i] += g * tmp[i];
        }
        if (got < want) {
          r.close();
          it.remove();
        }
      }
    }

    void close() {
      for (Sound a : active) {
        a.reader().close();
      }
      active.clear();
    }
  }

  /**
   * {@link MusicTrack#envelopeDbAt} for times that only grow: the same values, found with a
   * cursor instead of a scan, so that evaluating it at every sample costs nothing per point.
   */
  static final class Envelope {
    private final long[] at;
    private final double[] db;
    private int i;

    Envelope(List<GainPoint> points) {
      at = new long[points.size()];
      db = new double[points.size()];
      for (int k = 0; k < at.length; k++) {
        at[k] = points.get(k).at().toNanos();
        db[k] = points.get(k).gainDb();
      }
    }

    /**
     * @param nanos a time no earlier than the previous call's
     * @return the envelope's gain there, dB
     */
    double dbAt(long nanos) {
      int n = at.length;
      if (n == 0) {
        return 0;
      }
      if (nanos <= at[0]) {
        return db[0];
      }
      if (i == 0) {
        i = 1;
      }
      while (i < n && at[i] < nanos) {
        i++;
      }
      if (i == n) {
        return db[n - 1];
      }
      long span = at[i] - at[i - 1];
      if (span == 0) {
        return db[i];
      }
      double f = (double) (nanos - at[i - 1]) / span;
      return db[i - 1] + f * (db[i] - db[i - 1]);
    }
  }
}
