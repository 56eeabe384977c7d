package dev.storyreel.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storyreel.core.internal.CacheKeys;
import dev.storyreel.core.spi.GeneratedAudio;
import dev.storyreel.core.spi.MusicProvider;
import dev.storyreel.core.spi.MusicRequest;
import dev.storyreel.core.spi.StoryPlanner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The story's style reaches the music provider: {@link MusicRequest#style()} carries the
 * storyboard's visual style (the job's, else the preset's), and it is part of the music bed's
 * cache key only when it is not blank.
 */
@Timeout(60)
class MusicStyleTest {
  @TempDir Path dir;

  /** {@link SoundtrackTest.MoodyPlanner}'s segments, with the style it is asked for. */
  static final class StyledPlanner implements StoryPlanner {
    @Override
    public String name() {
      return "styled";
    }

    @Override
    public String model() {
      return "v1";
    }

    @Override
    public Storyboard plan(Story story, VideoFormat format, String visualStyle) {
      Storyboard b = new SoundtrackTest.MoodyPlanner().plan(story, format, visualStyle);
      return new Storyboard(b.segments(), visualStyle, b.usage(), b.mood());
    }
  }

  /** Records each request, then writes a tone. */
  static final class RecordingMusic implements MusicProvider {
    final SoundtrackTest.ToneMusic tone = new SoundtrackTest.ToneMusic();
    final List<MusicRequest> seen = new CopyOnWriteArrayList<>();

    @Override
    public String name() {
      return "recording-music";
    }

    @Override
    public String model() {
      return "v1";
    }

    @Override
    public GeneratedAudio compose(MusicRequest r) {
      seen.add(r);
      return tone.compose(r);
    }
  }

  final RecordingMusic music = new RecordingMusic();

  StoryReel.Builder reel() {
    return StoryReel.builder()
        .format(new VideoFormat(180, 320, 10))
        .planner(new StyledPlanner())
        .images(new Fakes.Images())
        .speech(new Fakes.Speech(true))
        .renderer(new Fakes.Render())
        .music(music)
        .workDir(dir.resolve("work"));
  }

  @Test
  void aRequestKeepsTheOldConstructorAndStripsOrDropsItsStyle() {
    Path out = dir.resolve("a.wav");
    assertThat(new MusicRequest(Mood.CALM, Duration.ofSeconds(3), 1, out).style()).isNull();
    assertThat(new MusicRequest(Mood.CALM, Duration.ofSeconds(3), 1, out, "  ").style())
        .isNull();
    assertThat(new MusicRequest(Mood.CALM, Duration.ofSeconds(3), 1, out, " noir ").style())
        .isEqualTo("noir");
    assertThat(new MusicRequest(Mood.CALM, Duration.ofSeconds(3), 1, out, null))
        .isEqualTo(new MusicRequest(Mood.CALM, Duration.ofSeconds(3), 1, out));
  }

  @Test
  void theStyleIsInTheMusicKeyOnlyWhenNotBlank() {
    String plain = CacheKeys.music("fp", "calm", 5, 7);
    assertThat(CacheKeys.music("fp", "calm", 5, 7, null)).isEqualTo(plain);
    assertThat(CacheKeys.music("fp", "calm", 5, 7, " ")).isEqualTo(plain);
    assertThat(CacheKeys.music("fp", "calm", 5, 7, "noir")).isNotEqualTo(plain)
        .isEqualTo(CacheKeys.music("fp", "calm", 5, 7, " noir "))
        .isNotEqualTo(CacheKeys.music("fp", "calm", 5, 7, "pastel"));
  }

  @Test
  void everyBedIsAskedInTheJobsStyleAndAnotherStyleMakesNewBeds() {
    Path out = dir.resolve("out");
    reel().visualStyle("1950s radio drama").build().render(new Story("Door", "x"), out);
    assertThat(music.seen).hasSize(2)
        .allSatisfy(r -> assertThat(r.style()).isEqualTo("1950s radio drama"));

    music.seen.clear();
    reel().visualStyle("1950s radio drama").build().render(new Story("Door", "x"), out);
    assertThat(music.seen).as("the same style: both beds from the cache").isEmpty();

    reel().visualStyle("bright pastel cartoon").build().render(new Story("Door", "x"),
        dir.resolve("out2"));
    assertThat(music.seen).hasSize(2)
        .allSatisfy(r -> assertThat(r.style()).isEqualTo("bright pastel cartoon"));
  }

  @Test
  void withoutAJobStyleThePresetsStyleIsUsedAndWithNeitherThereIsNone() {
    Preset horror = Preset.named("horror");
    reel().preset(horror).build().render(new Story("Door", "x"), dir.resolve("out"));
    assertThat(music.seen).isNotEmpty()
        .allSatisfy(r -> assertThat(r.style()).isEqualTo(horror.visualStyle()));

    music.seen.clear();
    reel().build().render(new Story("Door", "x"), dir.resolve("plain"));
    assertThat(music.seen).isNotEmpty().allSatisfy(r -> assertThat(r.style()).isNull());
  }
}
