package dev.storyreel.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storyreel.core.Manifest;
import dev.storyreel.core.PcmAudio;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Renders a real sample story through the CLI, offline (procedural images, FreeTTS, FFmpeg), at
 * 270x480 and 12 fps, then reads the MP4 back with FFmpeg and checks it against the narration.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndToEndTest {
  private static final int FPS = 12;

  @TempDir static Path dir;
  private Path out;
  private Manifest manifest;
  private String cliOut;

  @BeforeAll
  void render() throws Exception {
    out = dir.resolve("ferry");
    StringWriter sw = new StringWriter();
    CommandLine cl = new CommandLine(new StoryReelCli());
    cl.setOut(new PrintWriter(sw));
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err));
    int code = cl.execute("render", Path.of("stories", "the-last-ferry.txt").toString(),
        "-o", out.toString(), "--format", "270x480", "--fps", String.valueOf(FPS), "--no-progress");
    cliOut = sw.toString();
    assertThat(code).as("exit code; stderr: %s", err).isZero();
    try (InputStream in = Files.newInputStream(out.resolve("manifest.json"))) {
      manifest = Manifest.read(in);
    }
  }

  /** Lengths of the stored per-segment narration clips, in segment order. */
  private List<Duration> narrationLengths() throws Exception {
    List<Duration> out = new ArrayList<>();
    for (Manifest.SegmentEntry s : manifest.segments()) {
      try (InputStream in = Files.newInputStream(this.out.resolve(s.audio().key()))) {
        out.add(PcmAudio.fromWav(in).duration());
      }
    }
    return out;
  }

  private Duration total() throws Exception {
    return narrationLengths().stream().reduce(Duration.ZERO, Duration::plus);
  }

  @Test
  void summaryNamesTheOutputs() {
    assertThat(cliOut).contains("video.mp4", "captions.srt", "captions.vtt", "thumbnail.jpg",
        "manifest.json", "Done in");
    assertThat(out.resolve("thumbnail.jpg")).isRegularFile();
  }

  @Test
  void videoIsH264AndAacWithOneFramePerTickOfTheNarration() throws Exception {
    Duration narration = total();
    try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(out.resolve("video.mp4").toFile())) {
      g.start();
      assertThat(g.getVideoCodec()).isEqualTo(avcodec.AV_CODEC_ID_H264);
      assertThat(g.getAudioCodec()).isEqualTo(avcodec.AV_CODEC_ID_AAC);
      assertThat(g.getImageWidth()).isEqualTo(270);
      assertThat(g.getImageHeight()).isEqualTo(480);
      long frames = 0;
      long audioSamples = 0;
      int rate = g.getSampleRate();
      Frame f;
      while ((f = g.grab()) != null) {
        if (f.image != null) {
          frames++;
        }
        if (f.samples != null) {
          audioSamples += f.samples[0].limit() / (f.samples.length > 1 ? 1 : f.audioChannels);
        }
      }
      double expectedFrames = narration.toNanos() / 1e9 * FPS;
      assertThat((double) frames).isCloseTo(expectedFrames, org.assertj.core.data.Offset.offset(1.0));
      assertThat(manifest.video().frameCount()).isEqualTo(frames);
      double audioSeconds = (double) audioSamples / rate;
      assertThat(audioSeconds).isCloseTo(narration.toNanos() / 1e9,
          org.assertj.core.data.Offset.offset(0.05));
      g.stop();
    }
  }

  @Test
  void segmentCutsAreAtTheNarrationBoundaries() throws Exception {
    List<Duration> lengths = narrationLengths();
    assertThat(manifest.segments()).hasSizeGreaterThan(1);
    Duration start = Duration.ZERO;
    for (int i = 0; i < lengths.size(); i++) {
      Manifest.SegmentEntry s = manifest.segments().get(i);
      Duration end = start.plus(lengths.get(i));
      assertThat(s.startMillis()).isCloseTo(start.toMillis(), org.assertj.core.data.Offset.offset(1L));
      assertThat(s.endMillis()).isCloseTo(end.toMillis(), org.assertj.core.data.Offset.offset(1L));
      // its first frame is the first one shown at or after its narration starts
      assertThat(s.startFrame() * 1000.0 / FPS).isGreaterThanOrEqualTo(s.startMillis() - 1.0);
      assertThat((s.startFrame() - 1) * 1000.0 / FPS).isLessThan(s.startMillis() + 1.0);
      start = end;
    }
  }

  @Test
  void srtParsesAndEndsWithTheAudio() throws Exception {
    String srt = Files.readString(out.resolve("captions.srt"));
    Pattern cue = Pattern.compile(
        "(\\d+)\\n(\\d\\d):(\\d\\d):(\\d\\d),(\\d\\d\\d) --> (\\d\\d):(\\d\\d):(\\d\\d),(\\d\\d\\d)\\n"
            + "((?:.+\\n)+)\\n");
    Matcher m = cue.matcher(srt);
    int n = 0;
    int pos = 0;
    long prevStart = -1;
    long lastEnd = 0;
    while (m.find()) {
      assertThat(m.start()).as("no junk between cues").isEqualTo(pos);
      pos = m.end();
      n++;
      assertThat(Integer.parseInt(m.group(1))).isEqualTo(n);
      long s = ms(m, 2);
      long e = ms(m, 6);
      assertThat(e).isGreaterThan(s);
      assertThat(s).isGreaterThan(prevStart);
      assertThat(m.group(10).lines().count()).isLessThanOrEqualTo(2);
      prevStart = s;
      lastEnd = e;
    }
    assertThat(pos).as("the whole file parses").isEqualTo(srt.length());
    assertThat(n).isEqualTo(manifest.captions().cueCount()).isGreaterThan(3);
    assertThat(lastEnd).isCloseTo(total().toMillis(), org.assertj.core.data.Offset.offset(100L));
  }

  private static long ms(Matcher m, int g) {
    return ((Long.parseLong(m.group(g)) * 60 + Long.parseLong(m.group(g + 1))) * 60
        + Long.parseLong(m.group(g + 2))) * 1000 + Long.parseLong(m.group(g + 3));
  }

  @Test
  void theDefaultMusicIsProceduralAndTheMixIsAtMinus14Lufs() throws Exception {
    Manifest.SoundtrackEntry st = manifest.soundtrack();
    assertThat(st).as("soundtrack entry").isNotNull();
    assertThat(st.music().provider()).isEqualTo("procedural");
    assertThat(st.beds()).isNotEmpty().allSatisfy(b -> {
      assertThat(b.source()).startsWith("procedural (gervill): mood=" + b.mood());
      assertThat(b.cache().hit()).isFalse();
      assertThat(out.resolve(b.audio().key())).isRegularFile();
    });
    assertThat(st.beds().get(0).startMillis()).isZero();
    assertThat(st.beds().get(st.beds().size() - 1).endMillis())
        .isEqualTo(manifest.video().durationMillis());
    assertThat(st.effectsProvider()).as("no --sfx: no effects provider").isNull();
    assertThat(st.musicGainDb()).isEqualTo(-6.0);
    assertThat(st.duckDb()).isEqualTo(12.0);
    assertThat(st.targetLufs()).isEqualTo(-14.0);
    assertThat(st.measuredLufs()).as("loudness the renderer measured")
        .isCloseTo(-14.0, org.assertj.core.data.Offset.offset(1.0));
    assertThat(st.measuredTruePeakDbtp()).isLessThanOrEqualTo(-1.0);
    assertThat(st.stems()).as("no --stems").isEmpty();
    assertThat(out.resolve("music.wav")).doesNotExist();
    double[] m = SoundFixtures.loudness(out.resolve("video.mp4"));
    assertThat(m[0]).as("integrated loudness of the MP4, LUFS")
        .isCloseTo(-14.0, org.assertj.core.data.Offset.offset(1.0));
    assertThat(m[1]).as("true peak of the MP4, dBTP").isLessThanOrEqualTo(-1.0);
  }

  @Test
  void wordTimingsIncreaseAndStayInsideTheirSegment() {
    for (Manifest.SegmentEntry s : manifest.segments()) {
      assertThat(s.words()).hasSize(s.narration().split("\\s+").length);
      long prev = s.startMillis();
      for (Manifest.WordEntry w : s.words()) {
        assertThat(w.startMillis()).isGreaterThanOrEqualTo(prev);
        assertThat(w.endMillis()).isGreaterThanOrEqualTo(w.startMillis());
        assertThat(w.endMillis()).isLessThanOrEqualTo(s.endMillis());
        prev = w.startMillis();
      }
      assertThat(s.speechProvider().provider()).isEqualTo("freetts");
      assertThat(s.alignerProvider()).as("timings come from the synthesizer").isNull();
    }
  }
}
