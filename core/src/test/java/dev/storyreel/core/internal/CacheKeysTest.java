package dev.storyreel.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storyreel.core.CaptionCue;
import dev.storyreel.core.Story;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.WordTiming;
import dev.storyreel.core.spi.ImageRequest;
import dev.storyreel.core.spi.SpeechRequest;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CacheKeysTest {
  private static final VideoFormat F = new VideoFormat(180, 320, 10);
  private static final String SHA_A = "a".repeat(64);
  private static final String SHA_B = "b".repeat(64);

  @Test
  void equalInputsGiveEqualKeysOfSha256Shape() {
    ImageRequest r = new ImageRequest(0, "a lighthouse", 180, 320, 7);
    assertThat(CacheKeys.image("p/m", r)).isEqualTo(CacheKeys.image("p/m", r))
        .matches("[0-9a-f]{64}");
    // the segment index is for messages only
    assertThat(CacheKeys.image("p/m", new ImageRequest(5, "a lighthouse", 180, 320, 7)))
        .isEqualTo(CacheKeys.image("p/m", r));
  }

  @Test
  void neighbourTextIsPartOfANarrationKeyOnlyWhenItIsThere() {
    SpeechRequest plain = new SpeechRequest(0, "Mara knocked.", null);
    assertThat(CacheKeys.narration("p/m", plain))
        .isEqualTo(CacheKeys.narration("p/m", new SpeechRequest(0, "Mara knocked.", null, null,
            null)));
    Set<String> keys = new HashSet<>(List.of(
        CacheKeys.narration("p/m", plain),
        CacheKeys.narration("p/m", new SpeechRequest(0, "Mara knocked.", null, "Before.", null)),
        CacheKeys.narration("p/m", new SpeechRequest(0, "Mara knocked.", null, null, "Before.")),
        CacheKeys.narration("p/m", new SpeechRequest(0, "Mara knocked.", null, "Other.", null))));
    assertThat(keys).hasSize(4);
  }

  @Test
  void changingAnyImageInputChangesTheKey() {
    ImageRequest r = new ImageRequest(0, "a lighthouse", 180, 320, 7);
    Set<String> keys = new HashSet<>(List.of(
        CacheKeys.image("p/m", r),
        CacheKeys.image("p/m2", r),
        CacheKeys.image("p/m", new ImageRequest(0, "a lighthouse.", 180, 320, 7)),
        CacheKeys.image("p/m", new ImageRequest(0, "a lighthouse", 181, 320, 7)),
        CacheKeys.image("p/m", new ImageRequest(0, "a lighthouse", 180, 321, 7)),
        CacheKeys.image("p/m", new ImageRequest(0, "a lighthouse", 180, 320, 8))));
    assertThat(keys).hasSize(6);
  }

  @Test
  void changingAnyClipInputChangesTheKey() {
    String a = "a".repeat(64);
    String b = "b".repeat(64);
    Set<String> keys = new HashSet<>(List.of(
        CacheKeys.clip("p/m", a, b, "a door", "", 180, 320, 7),
        CacheKeys.clip("p/m2", a, b, "a door", "", 180, 320, 7),
        CacheKeys.clip("p/m", b, b, "a door", "", 180, 320, 7),
        CacheKeys.clip("p/m", a, a, "a door", "", 180, 320, 7),
        CacheKeys.clip("p/m", a, b, "a door.", "", 180, 320, 7),
        CacheKeys.clip("p/m", a, b, "a door", "push in", 180, 320, 7),
        CacheKeys.clip("p/m", a, b, "a door", "", 181, 320, 7),
        CacheKeys.clip("p/m", a, b, "a door", "", 180, 321, 7),
        CacheKeys.clip("p/m", a, b, "a door", "", 180, 320, 8)));
    assertThat(keys).hasSize(9);
    assertThat(CacheKeys.clip("p/m", a, b, "a door", "", 180, 320, 7))
        .isEqualTo(CacheKeys.clip("p/m", a, b, "a door", "", 180, 320, 7)).matches("[0-9a-f]{64}");
  }

  @Test
  void changingAnySpeechOrTimingInputChangesTheKey() {
    SpeechRequest r = new SpeechRequest(0, "Hello there.", "kevin16");
    Set<String> keys = new HashSet<>(List.of(
        CacheKeys.narration("freetts/kevin16", r),
        CacheKeys.narration("freetts/other", r),
        CacheKeys.narration("freetts/kevin16", new SpeechRequest(0, "Hello there!", "kevin16")),
        CacheKeys.narration("freetts/kevin16", new SpeechRequest(0, "Hello there.", null)),
        CacheKeys.timings("estimate", "Hello there.", SHA_A),
        CacheKeys.timings("estimate2", "Hello there.", SHA_A),
        CacheKeys.timings("estimate", "Hello there!", SHA_A),
        CacheKeys.timings("estimate", "Hello there.", SHA_B)));
    assertThat(keys).hasSize(8);
    assertThat(CacheKeys.narration("freetts/kevin16", r))
        .isEqualTo(CacheKeys.narration("freetts/kevin16", new SpeechRequest(3, "Hello there.", "kevin16")));
  }

  @Test
  void fieldsCannotRunIntoEachOther() {
    // "ab" + "c" and "a" + "bc" must differ: every value is length-prefixed.
    Story s = new Story("ab", "c");
    Story t = new Story("a", "bc");
    assertThat(CacheKeys.storyboard("p", s, F, "")).isNotEqualTo(CacheKeys.storyboard("p", t, F, ""));
  }

  @Test
  void changingAnyStoryboardOrJobInputChangesTheKey() {
    Story s = new Story("T", "Once.");
    Set<String> boards = new HashSet<>(List.of(
        CacheKeys.storyboard("p", s, F, ""),
        CacheKeys.storyboard("q", s, F, ""),
        CacheKeys.storyboard("p", new Story("T2", "Once."), F, ""),
        CacheKeys.storyboard("p", new Story("T", "Twice."), F, ""),
        CacheKeys.storyboard("p", s, new VideoFormat(180, 320, 11), ""),
        CacheKeys.storyboard("p", s, F, "noir")));
    assertThat(boards).hasSize(6);
    List<String> fp = List.of("a", "b", "c", "d", "e");
    Set<String> jobs = new HashSet<>(List.of(
        CacheKeys.job(s, F, "", null, 1, fp),
        CacheKeys.job(s, F, "", "v", 1, fp),
        CacheKeys.job(s, F, "", null, 2, fp),
        CacheKeys.job(s, F, "x", null, 1, fp),
        CacheKeys.job(s, F, "", null, 1, List.of("a", "b", "c", "d", "f"))));
    assertThat(jobs).hasSize(5);
  }

  @Test
  void changingAnyVideoInputChangesTheKey() {
    WordTiming w = new WordTiming("Hi.", Duration.ZERO, Duration.ofMillis(200));
    List<CaptionCue> cues = List.of(new CaptionCue(0, Duration.ZERO, Duration.ofMillis(300), List.of(w)));
    List<CacheKeys.VideoSegment> segs = List.of(new CacheKeys.VideoSegment(SHA_A, SHA_B, 0, 300_000_000));
    String base = CacheKeys.video("ffmpeg/x264", F, segs, cues);
    assertThat(CacheKeys.video("ffmpeg/x264", F, segs, cues)).isEqualTo(base);
    Set<String> keys = new HashSet<>(List.of(
        base,
        CacheKeys.video("ffmpeg/openh264", F, segs, cues),
        CacheKeys.video("ffmpeg/x264", new VideoFormat(320, 180, 10), segs, cues),
        CacheKeys.video("ffmpeg/x264", F,
            List.of(new CacheKeys.VideoSegment(SHA_B, SHA_B, 0, 300_000_000)), cues),
        CacheKeys.video("ffmpeg/x264", F,
            List.of(new CacheKeys.VideoSegment(SHA_A, SHA_A, 0, 300_000_000)), cues),
        CacheKeys.video("ffmpeg/x264", F, segs, List.of()),
        CacheKeys.video("ffmpeg/x264", F, segs, List.of(new CaptionCue(0, Duration.ZERO,
            Duration.ofMillis(300), List.of(new WordTiming("Hi!", Duration.ZERO,
                Duration.ofMillis(200))))))));
    assertThat(keys).hasSize(7);
  }
}
