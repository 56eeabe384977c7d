package dev.storyreel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CaptionStyleAndLimitsTest {
  private static Duration ms(long m) {
    return Duration.ofMillis(m);
  }

  private static List<WordTiming> words(String... ws) {
    List<WordTiming> out = new ArrayList<>();
    long t = 0;
    for (String w : ws) {
      out.add(new WordTiming(w, ms(t), ms(t + 300)));
      t += 350; // 50 ms gaps: no pause breaks
    }
    return out;
  }

  private static List<String> texts(CaptionCue c) {
    return c.words().stream().map(WordTiming::word).toList();
  }

  @Test
  void maxWordsPerCueSplitsCues() {
    List<WordTiming> ws = words("one", "two", "three", "four", "five", "six", "seven");
    List<Captions.Span> spans = List.of(new Captions.Span(ms(0), ms(3000), ws));

    List<CaptionCue> unlimited = Captions.cues(spans, new Captions.CueLimits(40, 2, 0));
    List<CaptionCue> three = Captions.cues(spans, new Captions.CueLimits(40, 2, 3));

    assertThat(unlimited).hasSize(1);
    assertThat(three).extracting(CaptionStyleAndLimitsTest::texts).containsExactly(
        List.of("one", "two", "three"), List.of("four", "five", "six"), List.of("seven"));
    assertThat(three.get(1).start()).isEqualTo(ws.get(3).start());
    assertThat(three.get(2).end()).isEqualTo(ms(3000));
  }

  @Test
  void maxLinesPerCueShrinksTheCharacterBudget() {
    // 4 words of 5 letters: 23 characters with spaces.
    List<WordTiming> ws = words("aaaaa", "bbbbb", "ccccc", "ddddd");
    List<Captions.Span> spans = List.of(new Captions.Span(ms(0), ms(2000), ws));

    assertThat(Captions.cues(spans, new Captions.CueLimits(12, 2, 0))).hasSize(1);
    assertThat(Captions.cues(spans, new Captions.CueLimits(12, 1, 0)))
        .extracting(CaptionStyleAndLimitsTest::texts)
        .containsExactly(List.of("aaaaa", "bbbbb"), List.of("ccccc", "ddddd"));
  }

  @Test
  void classicLimitsGiveTheSameCuesAsTheCharacterLimit() {
    List<WordTiming> ws = words("The", "ferry", "left", "the", "harbour", "at", "nine", "and",
        "nobody", "on", "board", "knew", "where", "it", "would", "land");
    List<Captions.Span> spans = List.of(new Captions.Span(ms(0), ms(6000), ws));
    VideoFormat portrait = new VideoFormat(1080, 1920, 30);

    assertThat(Captions.cues(spans, Captions.CueLimits.of(portrait, CaptionStyle.CLASSIC)))
        .isEqualTo(Captions.cues(spans, Captions.maxCharsPerCue(portrait)));
    assertThat(Captions.cues(spans, Captions.CueLimits.of(portrait, CaptionStyle.BOLD)))
        .allSatisfy(c -> assertThat(c.words()).hasSizeLessThanOrEqualTo(4));
  }

  @Test
  void chineseTextIsSegmentedIntoSeveralWordsAndCuesWithMonotonicTimes() {
    // One timed "word" holding a whole Chinese sentence, as an aligner without CJK support gives.
    String sentence = "我们今天下午一起去公园散步，然后在湖边的咖啡馆喝茶聊天，一直到太阳下山";
    WordTiming whole = new WordTiming(sentence, ms(200), ms(6200));
    List<Captions.Span> spans = List.of(new Captions.Span(ms(0), ms(6500), List.of(whole)));

    List<CaptionCue> cues = Captions.cues(spans, new Captions.CueLimits(16, 2, 0));

    List<WordTiming> all = cues.stream().flatMap(c -> c.words().stream()).toList();
    assertThat(all.size()).isGreaterThan(8);
    assertThat(String.join("", all.stream().map(WordTiming::word).toList()))
        .isEqualTo(sentence);
    assertThat(all.get(0).start()).isEqualTo(ms(200));
    assertThat(all.get(all.size() - 1).end()).isEqualTo(ms(6200));
    for (int i = 1; i < all.size(); i++) {
      assertThat(all.get(i).start()).isEqualTo(all.get(i - 1).end());
      assertThat(all.get(i).end()).isGreaterThan(all.get(i).start());
    }
    // 37 letters at 2 each do not fit 32: the sentence wraps into several cues.
    assertThat(cues.size()).isGreaterThan(1);
    for (int i = 1; i < cues.size(); i++) {
      assertThat(cues.get(i).start()).isGreaterThan(cues.get(i - 1).start());
    }
    // No word starts with the comma: punctuation stays with the word before.
    assertThat(all).noneMatch(w -> w.word().startsWith("，"));
    // SubRip text joins Chinese words without spaces.
    assertThat(Captions.toSrt(cues)).doesNotContain("们 ").contains("我们今天");
  }

  @Test
  void japaneseAndThaiAreSegmentedButEnglishWordsAreLeftWhole() {
    assertThat(Captions.split(new WordTiming("東京の天気は晴れです", ms(0), ms(1000))))
        .hasSizeGreaterThan(2);
    assertThat(Captions.split(new WordTiming("สวัสดีครับยินดีต้อนรับ", ms(0), ms(1000))))
        .hasSizeGreaterThan(1);
    List<WordTiming> english = words("Don't", "stop,", "please.");
    List<CaptionCue> cues = Captions.cues(
        List.of(new Captions.Span(ms(0), ms(1500), english)), new Captions.CueLimits(20, 2, 0));
    assertThat(cues.stream().flatMap(c -> c.words().stream()).map(WordTiming::word))
        .containsExactly("Don't", "stop,", "please.");
    assertThat(Captions.spaceBetween("stop,", "please.")).isTrue();
    assertThat(Captions.spaceBetween("我们", "今天")).isFalse();
  }

  @Test
  void presetsAndValidation() {
    assertThat(CaptionStyle.preset("Classic")).isEqualTo(CaptionStyle.CLASSIC);
    assertThat(CaptionStyle.builder().build()).isEqualTo(CaptionStyle.CLASSIC);
    assertThat(CaptionStyle.preset("minimal").box()).isTrue();
    assertThat(CaptionStyle.preset("karaoke").highlightSpoken()).isTrue();
    assertThat(CaptionStyle.BOLD.fingerprint()).isNotEqualTo(CaptionStyle.CLASSIC.fingerprint());
    assertThat(CaptionStyle.CLASSIC.toBuilder().position(CaptionStyle.Position.TOP).build()
        .fingerprint()).isNotEqualTo(CaptionStyle.CLASSIC.fingerprint());
    assertThat(CaptionStyle.builder().font("/fonts/Noto.ttf").build().fontIsFile()).isTrue();
    assertThatThrownBy(() -> CaptionStyle.preset("fancy"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fancy")
        .hasMessageContaining("karaoke");
    assertThatThrownBy(() -> CaptionStyle.builder().maxLinesPerCue(0).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was 0");
    assertThatThrownBy(() -> CaptionStyle.builder().textRgb(0x12345678).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("12345678");
    assertThatThrownBy(() -> CaptionStyle.builder().sizePx(900).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("900");
    assertThatThrownBy(() -> new Captions.CueLimits(20, 5, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("5");
  }
}
