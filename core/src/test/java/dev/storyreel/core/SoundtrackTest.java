package dev.storyreel.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storyreel.core.spi.AudioReport;
import dev.storyreel.core.spi.GeneratedAudio;
import dev.storyreel.core.spi.MusicProvider;
import dev.storyreel.core.spi.MusicRequest;
import dev.storyreel.core.spi.RenderResult;
import dev.storyreel.core.spi.SoundEffectProvider;
import dev.storyreel.core.spi.SoundEffectRequest;
import dev.storyreel.core.spi.StoryPlanner;
import dev.storyreel.core.timeline.EffectCue;
import dev.storyreel.core.timeline.MixSettings;
import dev.storyreel.core.timeline.MusicClip;
import dev.storyreel.core.timeline.Timeline;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The soundtrack on the timeline: a bed per stretch of one mood, crossfading where the mood
 * changes, effects at their words, unresolved cues listed, everything cached, stems published,
 * and every output stored once.
 */
@Timeout(60)
class SoundtrackTest {
  @TempDir Path dir;

  /** Three segments: calm, calm, dread; a door at word 2 of segment 0, thunder at word 1 of 2. */
  static final class MoodyPlanner implements StoryPlanner {
    @Override
    public String name() {
      return "moody";
    }

    @Override
    public String model() {
      return "v1";
    }

    @Override
    public Storyboard plan(Story story, VideoFormat format, String visualStyle) {
      return new Storyboard(List.of(
          new Segment(0, "The old door opened slowly and the cold wind of the night came into the hall.", "a door", null,
              List.of(new SoundCue("a door creaks", 2))),
          new Segment(1, "Nobody was there in the dark hall and nobody answered her call at all.", "an empty hall", null, List.of()),
          new Segment(2, "Then thunder rolled over the hill and the rain came down hard on the roof of the old house"
                  + " for a long time until morning came at last to the town.", "a storm", Mood.DREAD,
              List.of(new SoundCue("thunder", 1), new SoundCue("a violin", 99)))),
          "", Usage.NONE, Mood.CALM);
    }
  }

  /** Writes a quiet tone WAV of the asked length; counts calls. */
  static final class ToneMusic implements MusicProvider {
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public String name() {
      return "tone-music";
    }

    @Override
    public String model() {
      return "v1";
    }

    @Override
    public GeneratedAudio compose(MusicRequest r) {
      calls.incrementAndGet();
      int frames = (int) (r.duration().toNanos() * 8000 / 1_000_000_000L);
      byte[] pcm = new byte[frames * 2];
      for (int i = 0; i < frames; i++) {
        short v = (short) (2000 * Math.sin(i * 0.05 * (1 + r.mood().ordinal())));
        pcm[2 * i] = (byte) v;
        pcm[2 * i + 1] = (byte) (v >> 8);
      }
      try {
        Files.write(r.output(), new PcmAudio(pcm, 8000, 1).toWav());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new GeneratedAudio(r.duration(), "tone " + r.mood().id(), Usage.NONE);
    }
  }

  /** Knows only doors. */
  static final class DoorEffects implements SoundEffectProvider {
    @Override
    public String name() {
      return "doors";
    }

    @Override
    public String model() {
      return "v1";
    }

    @Override
    public Optional<GeneratedAudio> resolve(SoundEffectRequest r) {
      if (!r.cue().description().contains("door")) {
        return Optional.empty();
      }
      try {
        Files.write(r.output(), new PcmAudio(new byte[1600], 8000, 1).toWav());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return Optional.of(new GeneratedAudio(Duration.ofMillis(100), "door.wav", Usage.NONE));
    }
  }

  /** Writes a stem beside the video when asked, like a real renderer. */
  static final class StemRender extends Fakes.Render {
    @Override
    public RenderResult render(Timeline t, Path output, ProgressListener l) {
      RenderResult r = super.render(t, output, l);
      Map<String, Path> stems = Map.of();
      if (t.mix().stems()) {
        Path music = output.resolveSibling("music.wav");
        try {
          Files.write(music, new PcmAudio(new byte[800], 8000, 1).toWav());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        stems = Map.of("music.wav", music);
      }
      return new RenderResult(r.frameCount(), r.duration(), r.videoCodec(), r.encoder(),
          r.audioCodec(), r.thumbnail(), new AudioReport(-14.2, -1.3, stems));
    }
  }

  ToneMusic music = new ToneMusic();
  StemRender renderer = new StemRender();

  private StoryReel.Builder reel() {
    return StoryReel.builder()
        .format(new VideoFormat(180, 320, 10))
        .planner(new MoodyPlanner())
        .images(new Fakes.Images())
        .speech(new Fakes.Speech(true))
        .renderer(renderer)
        .music(music)
        .effects(new DoorEffects())
        .workDir(dir.resolve("work"));
  }

  @Test
  void bedsFollowTheMoodsEffectsTheirWordsAndUnresolvedCuesAreListed() throws Exception {
    Path out = dir.resolve("out");
    Manifest m = reel().build().render(new Story("Door", "x"), out).manifest();
    Timeline t = renderer.last.get();
    List<MusicClip> beds = t.music().clips();
    assertThat(beds).hasSize(2);
    assertThat(beds.get(0).mood()).isEqualTo(Mood.CALM);
    assertThat(beds.get(1).mood()).isEqualTo(Mood.DREAD);
    Duration boundary = t.visual().get(2).start();
    // They overlap by the crossfade, centred on the boundary where the mood changes.
    assertThat(beds.get(0).end()).isEqualTo(boundary.plusSeconds(1));
    assertThat(beds.get(1).start()).isEqualTo(boundary.minusSeconds(1));
    assertThat(beds.get(0).fadeOut()).isEqualTo(Duration.ofSeconds(2));
    assertThat(beds.get(1).fadeIn()).isEqualTo(Duration.ofSeconds(2));
    assertThat(beds.get(0).start()).isZero();
    assertThat(beds.get(1).end()).isEqualTo(t.duration());
    assertThat(t.music().envelope()).isNotEmpty();
    assertThat(t.music().envelopeDbAt(t.narration().clips().get(0).words().get(0).start()))
        .isEqualTo(-12);

    List<EffectCue> fx = t.effects();
    assertThat(fx).hasSize(1);
    assertThat(fx.get(0).at()).isEqualTo(t.narration().clips().get(0).words().get(2).start());

    Manifest.SoundtrackEntry s = m.soundtrack();
    assertThat(s.music().provider()).isEqualTo("tone-music");
    assertThat(s.beds()).extracting(Manifest.MusicBedEntry::mood).containsExactly("calm", "dread");
    assertThat(s.effects()).singleElement().satisfies(e -> {
      assertThat(e.description()).isEqualTo("a door creaks");
      assertThat(e.source()).isEqualTo("door.wav");
    });
    assertThat(s.unresolved()).extracting(Manifest.UnresolvedCue::description)
        .containsExactlyInAnyOrder("thunder", "a violin");
    assertThat(s.measuredLufs()).isEqualTo(-14.2);
    assertThat(s.targetLufs()).isEqualTo(-14);

    // Run again: every bed and effect from the cache; the music provider is not called.
    int calls = music.calls.get();
    Manifest again = reel().build().render(new Story("Door", "x"), out).manifest();
    assertThat(music.calls.get()).isEqualTo(calls);
    assertThat(again.soundtrack().beds()).allSatisfy(b -> assertThat(b.cache().hit()).isTrue());
    assertThat(again.withoutRunFacts()).isEqualTo(m.withoutRunFacts());
  }

  @Test
  void withoutMusicTheTimelineHasNoBedsAndTheCuesStillAreListed() throws Exception {
    Manifest m = reel().music("none").effects("none").build()
        .render(new Story("Door", "x"), dir.resolve("out")).manifest();
    assertThat(renderer.last.get().music().isEmpty()).isTrue();
    assertThat(m.soundtrack().beds()).isEmpty();
    assertThat(m.soundtrack().unresolved()).hasSize(3);
    assertThat(music.calls.get()).isZero();
  }

  @Test
  void stemsArePublishedAndEveryOutputIsTheCachesBlobStoredOnce() throws Exception {
    Path out = dir.resolve("out");
    Manifest m = reel().mix(new MixSettings(-14, -1, true)).build()
        .render(new Story("Door", "x"), out).manifest();
    assertThat(out.resolve("music.wav")).isRegularFile();
    assertThat(m.soundtrack().stems()).containsKey("music.wav");
    for (String name : List.of("video.mp4", "thumbnail.jpg", "music.wav",
        "assets/segment-000.png", "assets/segment-000.wav")) {
      Path p = out.resolve(name);
      // A hard link: the output and the cache's blob are one file on disk.
      assertThat((Integer) Files.getAttribute(p, "unix:nlink")).as(name).isGreaterThan(1);
    }
  }
}
