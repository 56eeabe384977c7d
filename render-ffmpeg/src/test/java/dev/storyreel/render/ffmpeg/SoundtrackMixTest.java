package dev.storyreel.render.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.storyreel.core.Mood;
import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.PcmAudio;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.WordTiming;
import dev.storyreel.core.spi.ImageSource;
import dev.storyreel.core.spi.RenderResult;
import dev.storyreel.core.timeline.AudioSource;
import dev.storyreel.core.timeline.Ducking;
import dev.storyreel.core.timeline.EffectCue;
import dev.storyreel.core.timeline.GainPoint;
import dev.storyreel.core.timeline.MixSettings;
import dev.storyreel.core.timeline.MusicClip;
import dev.storyreel.core.timeline.MusicTrack;
import dev.storyreel.core.timeline.NarrationClip;
import dev.storyreel.core.timeline.NarrationTrack;
import dev.storyreel.core.timeline.Timeline;
import dev.storyreel.core.timeline.VisualClip;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The soundtrack: narration, a ducked music bed and an effect, mixed, normalised and encoded;
 * measured back from the MP4 with FFmpeg's ebur128 meter.
 */
class SoundtrackMixTest {

  private static final VideoFormat SMALL = new VideoFormat(64, 112, 10);
  private static final int VOICE_HZ = 24_000;

  @TempDir Path dir;

  /** Words of the narration, on the video's clock: two gaps over 0.8 s (1.8-3.2, 4.3-5.6). */
  private static final long[][] WORDS_MS = {
    {300, 700}, {800, 1200}, {1300, 1800}, {3200, 3600}, {3700, 4300}, {5600, 5900}
  };

  private static final Duration EFFECT_AT = Duration.ofMillis(2500);

  @Test
  void narrationMusicAndAnEffectAreMixedToTheTargetUnderTheCeiling() throws Exception {
    List<WordTiming> words = new ArrayList<>();
    for (long[] w : WORDS_MS) {
      words.add(new WordTiming("w", Duration.ofMillis(w[0]), Duration.ofMillis(w[1])));
    }
    PcmAudio voice = speechLike(6000, words);
    List<NarrationClip> clips = List.of(
        clip(0, slice(voice, 0, 3000), 0, 3000, words.subList(0, 3)),
        clip(1, slice(voice, 3000, 6000), 3000, 6000, words.subList(3, 6)));
    MusicTrack music = new MusicTrack(
        List.of(new MusicClip(AudioSource.of(chord(6000, 44_100)), Mood.CALM, Duration.ZERO,
            Duration.ofMillis(6000), Duration.ofMillis(200), Duration.ofMillis(500))),
        -6, Ducking.DEFAULTS.envelope(words));
    EffectCue bang = new EffectCue(0, "a door slams", AudioSource.of(burst(300, 22_050)),
        EFFECT_AT, -3);
    Timeline t = timeline(clips, music, List.of(bang), new MixSettings(-14, -1, true));
    Path out = dir.resolve("video.mp4");

    RenderResult r = FfmpegRenderer.builder().workers(1).build().render(t, out, null);

    // The report, and the MP4 itself decoded and measured.
    assertThat(r.audio().integratedLufs()).isCloseTo(-14, within(1.0));
    assertThat(r.audio().truePeakDbtp()).isLessThanOrEqualTo(-1.0);
    double[] measured = measure(out);
    assertThat(measured[0]).as("integrated loudness of the MP4").isCloseTo(-14, within(1.0));
    assertThat(measured[1]).as("true peak of the MP4").isLessThanOrEqualTo(-1.0);

    // The video is as long as the narration.
    Fixtures.Probe p = Fixtures.probe(out, false);
    assertThat(p.videoFrames()).isEqualTo(t.frameCount()).isEqualTo(60);
    assertThat(p.audioSeconds()).isCloseTo(6.0, within(0.050));
    assertThat(p.audioChannels()).isEqualTo(2);

    // The stems, beside the video.
    Map<String, Path> stems = r.audio().stems();
    assertThat(stems).containsOnlyKeys("narration.wav", "music.wav", "effects.wav");
    for (Path s : stems.values()) {
      assertThat(s.getParent()).isEqualTo(out.toAbsolutePath().getParent());
      assertThat(s).exists();
    }

    // Ducked while words are spoken, back up in the long gaps.
    PcmAudio musicStem = PcmAudio.fromWav(Files.readAllBytes(stems.get("music.wav")));
    assertThat(musicStem.sampleRateHz()).isEqualTo(48_000);
    assertThat(musicStem.duration()).isEqualTo(Duration.ofSeconds(6));
    double spoken = Double.NEGATIVE_INFINITY;
    for (long[] w : WORDS_MS) {
      spoken = Math.max(spoken, rmsDb(musicStem, w[0], w[1]));
    }
    double gap1 = rmsDb(musicStem, 1800 + 200, 3200 - 200);
    double gap2 = rmsDb(musicStem, 4300 + 200, 5600 - 200);
    assertThat(Math.min(gap1, gap2) - spoken).as("ducking depth, dB").isGreaterThanOrEqualTo(10);

    // The effect starts at its cue.
    PcmAudio fx = PcmAudio.fromWav(Files.readAllBytes(stems.get("effects.wav")));
    double onset = onsetSeconds(fx, 0.01);
    assertThat(onset).isCloseTo(EFFECT_AT.toNanos() / 1e9, within(0.050));

    // The narration stem holds the voice where it was spoken, silence elsewhere.
    PcmAudio narr = PcmAudio.fromWav(Files.readAllBytes(stems.get("narration.wav")));
    assertThat(rmsDb(narr, 3250, 3550)).isGreaterThan(rmsDb(narr, 2000, 3000) + 40);
  }

  @Test
  void narrationAloneIsStillNormalisedEvenWhenQuiet() throws Exception {
    PcmAudio quiet = tone(3000, VOICE_HZ, 0.02);
    Timeline t = timeline(List.of(clip(0, quiet, 0, 3000, List.of())), MusicTrack.NONE,
        List.of(), MixSettings.DEFAULTS);
    Path out = dir.resolve("quiet.mp4");

    RenderResult r = FfmpegRenderer.builder().workers(1).build().render(t, out, null);

    assertThat(r.audio().integratedLufs()).isCloseTo(-14, within(1.0));
    assertThat(r.audio().stems()).isEmpty();
    double[] measured = measure(out);
    assertThat(measured[0]).isCloseTo(-14, within(1.0));
    assertThat(measured[1]).isLessThanOrEqualTo(-1.0);
    try (var files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .as("scratch files are removed").containsExactly("quiet.mp4");
    }
  }

  @Test
  void aLowerTargetAndCeilingAreHonoured() throws Exception {
    Timeline base = Fixtures.request(SMALL, 16_000, 1, false);
    Timeline t = new Timeline(base.format(), base.visual(), base.narration(), base.music(),
        base.effects(), base.captions(), base.overlays(), new MixSettings(-23, -3, false));
    Path out = dir.resolve("broadcast.mp4");

    RenderResult r = FfmpegRenderer.builder().workers(1).build().render(t, out, null);

    double[] measured = measure(out);
    assertThat(r.audio().integratedLufs()).isCloseTo(-23, within(1.0));
    assertThat(measured[0]).isCloseTo(-23, within(1.0));
    assertThat(measured[1]).isLessThanOrEqualTo(-3.0);
  }

  @Test
  void narrationClipsAreOpenedOneAtATimeInOrderAndClosedAfterUse() throws Exception {
    // 60 references to the same 250 ms WAV: a 15 s story that must never hold them all.
    byte[] wav = tone(250, VOICE_HZ, 0.2).toWav();
    List<String> log = new CopyOnWriteArrayList<>();
    AtomicInteger open = new AtomicInteger();
    AtomicInteger maxOpen = new AtomicInteger();
    List<NarrationClip> clips = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      int n = i;
      AudioSource counted = () -> {
        log.add("open " + n);
        maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
        return new FilterInputStream(new ByteArrayInputStream(wav)) {
          private boolean closed;

          @Override
          public void close() throws IOException {
            if (closed) {
              return; // Closeable: closing again has no effect
            }
            closed = true;
            log.add("close " + n);
            open.decrementAndGet();
            super.close();
          }
        };
      };
      clips.add(new NarrationClip(i, counted, Duration.ofMillis(250L * i),
          Duration.ofMillis(250L * (i + 1)), List.of()));
    }
    Timeline t = timeline(clips, MusicTrack.NONE, List.of(), MixSettings.DEFAULTS);

    FfmpegRenderer.builder().workers(1).build().render(t, dir.resolve("long.mp4"), null);

    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      expected.add("open " + i);
      expected.add("close " + i);
    }
    assertThat(log).containsExactlyElementsOf(expected);
    assertThat(maxOpen.get()).isEqualTo(1);
    assertThat(open.get()).isZero();
  }

  @Test
  void aNarrationClipThatIsNotAudioFailsNamingTheClip() {
    List<NarrationClip> clips = List.of(
        clip(0, tone(500, VOICE_HZ, 0.2), 0, 500, List.of()),
        new NarrationClip(1, () -> new ByteArrayInputStream(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}),
            Duration.ofMillis(500), Duration.ofMillis(1000), List.of()));
    Timeline t = timeline(clips, MusicTrack.NONE, List.of(), MixSettings.DEFAULTS);

    assertThatThrownBy(() -> FfmpegRenderer.builder().workers(1).build()
            .render(t, dir.resolve("bad.mp4"), null))
        .isInstanceOf(NonRetriableException.class)
        .hasMessageContaining("narration clip 1")
        .hasMessageContaining("WAV");
  }

  @Test
  void theEnvelopeCursorAgreesWithTheTrack() {
    List<WordTiming> words = new ArrayList<>();
    for (long[] w : WORDS_MS) {
      words.add(new WordTiming("w", Duration.ofMillis(w[0]), Duration.ofMillis(w[1])));
    }
    List<GainPoint> env = Ducking.DEFAULTS.envelope(words);
    MusicTrack track = new MusicTrack(List.of(), -6, env);
    SoundtrackMixer.Envelope cursor = new SoundtrackMixer.Envelope(env);
    for (long ms = 0; ms <= 7000; ms += 5) {
      Duration d = Duration.ofMillis(ms);
      assertThat(cursor.dbAt(d.toNanos())).as("at %d ms", ms)
          .isCloseTo(track.envelopeDbAt(d), within(1e-9));
    }
    assertThat(new SoundtrackMixer.Envelope(List.of()).dbAt(1_000_000)).isZero();
  }

  @Test
  void theFingerprintNamesTheMix() {
    assertThat(FfmpegRenderer.builder().build().fingerprint()).contains("mix=stereo-ebur128");
  }

  // ---- helpers ----

  private static Timeline timeline(List<NarrationClip> clips, MusicTrack music,
      List<EffectCue> effects, MixSettings mix) {
    List<VisualClip> visual = new ArrayList<>();
    for (NarrationClip c : clips) {
      visual.add(new VisualClip(c.segment(), ImageSource.of(Fixtures.solid(
          Fixtures.COLOURS[c.segment() % 3], 80, 120)), c.start(), c.end()));
    }
    return new Timeline(SMALL, visual, new NarrationTrack(VOICE_HZ, 1, clips), music, effects,
        List.of(), List.of(), mix);
  }

  private static NarrationClip clip(int i, PcmAudio a, long fromMs, long toMs,
      List<WordTiming> words) {
    return new NarrationClip(i, AudioSource.of(a), Duration.ofMillis(fromMs),
        Duration.ofMillis(toMs), words);
  }

  private static PcmAudio slice(PcmAudio a, long fromMs, long toMs) {
    int bpf = 2 * a.channels();
    int from = (int) (fromMs * a.sampleRateHz() / 1000) * bpf;
    int to = (int) (toMs * a.sampleRateHz() / 1000) * bpf;
    return new PcmAudio(java.util.Arrays.copyOfRange(a.samples(), from, to), a.sampleRateHz(),
        a.channels());
  }

  /** Mono noise bursts, amplitude 0.25, during the words; silence between. */
  private static PcmAudio speechLike(long ms, List<WordTiming> words) {
    int n = (int) (ms * VOICE_HZ / 1000);
    short[] s = new short[n];
    Random rnd = new Random(7);
    for (WordTiming w : words) {
      int from = (int) (w.start().toNanos() * VOICE_HZ / 1_000_000_000L);
      int to = (int) (w.end().toNanos() * VOICE_HZ / 1_000_000_000L);
      for (int i = from; i < to; i++) {
        double env = Math.sin(Math.PI * (i - from) / (to - from));
        s[i] = (short) (Short.MAX_VALUE * 0.25 * env * Math.max(-1, Math.min(1,
            rnd.nextGaussian() / 3)));
      }
    }
    return mono(s, VOICE_HZ);
  }

  private static PcmAudio tone(long ms, int rate, double amplitude) {
    int n = (int) (ms * rate / 1000);
    short[] s = new short[n];
    for (int i = 0; i < n; i++) {
      s[i] = (short) (Short.MAX_VALUE * amplitude * Math.sin(2 * Math.PI * 330 * i / rate));
    }
    return mono(s, rate);
  }

  /** A stereo chord (220 + 330 Hz), amplitude 0.3. */
  private static PcmAudio chord(long ms, int rate) {
    int n = (int) (ms * rate / 1000);
    ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      double v = 0.15 * Math.sin(2 * Math.PI * 220 * i / rate)
          + 0.15 * Math.sin(2 * Math.PI * 330 * i / rate);
      b.putShort((short) (Short.MAX_VALUE * v)).putShort((short) (Short.MAX_VALUE * v));
    }
    return new PcmAudio(b.array(), rate, 2);
  }

  /** A 1 kHz burst at amplitude 0.5 from its very first sample. */
  private static PcmAudio burst(long ms, int rate) {
    int n = (int) (ms * rate / 1000);
    short[] s = new short[n];
    for (int i = 0; i < n; i++) {
      s[i] = (short) (Short.MAX_VALUE * 0.5 * Math.sin(2 * Math.PI * 1000 * (i + 0.25 * rate
          / 1000.0) / rate));
    }
    return mono(s, rate);
  }

  private static PcmAudio mono(short[] s, int rate) {
    ByteBuffer b = ByteBuffer.allocate(2 * s.length).order(ByteOrder.LITTLE_ENDIAN);
    for (short v : s) {
      b.putShort(v);
    }
    return new PcmAudio(b.array(), rate, 1);
  }

  /** RMS of all channels between two times, in dBFS. */
  private static double rmsDb(PcmAudio a, long fromMs, long toMs) {
    short[] s = a.toShorts();
    int ch = a.channels();
    int from = (int) (fromMs * a.sampleRateHz() / 1000) * ch;
    int to = (int) (toMs * a.sampleRateHz() / 1000) * ch;
    double sum = 0;
    for (int i = from; i < to; i++) {
      double v = s[i] / 32768.0;
      sum += v * v;
    }
    return 10 * Math.log10(sum / (to - from) + 1e-20);
  }

  /** The first moment any channel exceeds {@code threshold} in absolute value, seconds. */
  private static double onsetSeconds(PcmAudio a, double threshold) {
    short[] s = a.toShorts();
    for (int i = 0; i < s.length; i++) {
      if (Math.abs(s[i] / 32768.0) > threshold) {
        return (double) (i / a.channels()) / a.sampleRateHz();
      }
    }
    return Double.NaN;
  }

  /** Decodes an MP4's audio and measures it: {integrated LUFS, true peak dBTP}. */
  static double[] measure(Path mp4) throws Exception {
    try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(mp4.toFile())) {
      g.setSampleFormat(avutil.AV_SAMPLE_FMT_FLT);
      g.setSampleRate(48_000);
      g.setAudioChannels(2);
      g.start();
      try (FilterPass meter = new FilterPass("", 48_000, (b, n) -> { })) {
        Frame f;
        while ((f = g.grabSamples()) != null) {
          java.nio.FloatBuffer fb = (java.nio.FloatBuffer) f.samples[0];
          float[] chunk = new float[fb.remaining()];
          fb.get(chunk);
          meter.push(chunk, chunk.length / 2, 48_000);
        }
        meter.finish();
        g.stop();
        return new double[] {meter.integratedLufs(), meter.truePeakDbtp()};
      }
    }
  }
}
