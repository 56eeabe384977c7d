package dev.storyreel.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Control characters never reach a caption: SRT, VTT or the cues the renderer burns in. */
@Timeout(60)
class CaptionControlCharsTest {
  @TempDir Path dir;

  private static final String NUL = "\u0000";
  private static final String BEL = "\u0007";
  private static final String ESC = "\u001B";
  private static final String DEL = "\u007F";
  private static final String CSI = "\u009B"; // C1

  private static Duration ms(long m) {
    return Duration.ofMillis(m);
  }

  private static List<WordTiming> words(String... ws) {
    List<WordTiming> out = new ArrayList<>();
    long t = 0;
    for (String w : ws) {
      out.add(new WordTiming(w, ms(t), ms(t + 300)));
      t += 400;
    }
    return out;
  }

  /** Fails on any C0 control but the line feeds that structure the file, DEL and C1. */
  private static void assertNoControls(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean control = (c < 0x20 && c != '\n') || (c >= 0x7F && c <= 0x9F);
      assertThat(control).as("U+%04X at %d in %s", (int) c, i, text).isFalse();
    }
  }

  @Test
  void controlCharactersAreStrippedFromCuesSrtAndVtt() {
    List<WordTiming> ws = words("Ring" + BEL, "the" + NUL, ESC + "[31mred", "bell" + DEL,
        "now" + CSI + "2J", "a\tb");
    List<CaptionCue> cues =
        Captions.cues(List.of(new Captions.Span(ms(0), ms(3000), ws)), 40);

    assertThat(cues).hasSize(1);
    assertThat(cues.get(0).words()).extracting(WordTiming::word)
        .containsExactly("Ring", "the", "[31mred", "bell", "now2J", "a b");
    assertThat(cues.get(0).words()).extracting(WordTiming::start)
        .containsExactly(ms(0), ms(400), ms(800), ms(1200), ms(1600), ms(2000));
    String srt = Captions.toSrt(cues);
    String vtt = Captions.toVtt(cues);
    assertNoControls(srt);
    assertNoControls(vtt);
    assertThat(srt).contains("Ring the [31mred bell");
    assertThat(vtt).contains("Ring <00:00:00.400>the <00:00:00.800>[31mred");
  }

  @Test
  void aWordOfOnlyControlsIsTimedButShownInNoCueAndKeepsItsLineBreak() {
    // "title" ends a line; a BEL then stands alone before the next line.
    List<WordTiming> ws = words("A", "title", BEL + NUL, "Then", "more");
    List<CaptionCue> cues =
        Captions.cues(List.of(new Captions.Span(ms(0), ms(2500), ws, Set.of(2))), 40);

    assertThat(cues).extracting(CaptionCue::text).containsExactly("A title", "Then more");
    assertThat(cues.get(1).start()).isEqualTo(ms(1200));
  }

  @Test
  void cuesMadeElsewhereAreCleanedWhenWrittenAndEmptyOnesLeftOut() {
    List<CaptionCue> cues = List.of(
        new CaptionCue(0, ms(0), ms(500), words(BEL + ESC)),
        new CaptionCue(1, ms(500), ms(900), words("hi" + NUL, DEL + "there")));

    String srt = Captions.toSrt(cues);
    String vtt = Captions.toVtt(cues);

    assertNoControls(srt);
    assertNoControls(vtt);
    assertThat(srt).isEqualTo("1\n00:00:00,500 --> 00:00:00,900\nhi there\n\n");
    assertThat(vtt).isEqualTo("WEBVTT\n\n00:00:00.500 --> 00:00:00.900\nhi there\n\n");
  }

  @Test
  void printableKeepsSpacesJoinersAndEmojiAndReplacesTabsAndNewlines() {
    String family = "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67";
    assertThat(Captions.printable("a b\u00A0c " + family)).isEqualTo("a b\u00A0c " + family);
    assertThat(Captions.printable("a\tb\r\nc")).isEqualTo("a b  c");
    assertThat(Captions.printable(NUL + BEL + ESC + DEL + CSI + "\u0085")).isEmpty();
  }

  @Test
  void aStoryWithControlCharactersGetsCleanFilesAndCleanBurnedInCues() throws Exception {
    Fakes.Render renderer = new Fakes.Render();
    Path out = dir.resolve("out");
    String text = "The bell" + BEL + " rang" + NUL + " at " + ESC + "[2Jnine" + DEL + ". "
        + BEL + " She went below.";
    StoryReel.builder()
        .format(new VideoFormat(270, 480, 12))
        .images(new Fakes.Images())
        .speech(new Fakes.Speech(true))
        .planner(new Fakes.Sentences())
        .renderer(renderer)
        .workDir(dir.resolve("work"))
        .build()
        .render(new Story("t", text), out);

    assertNoControls(Files.readString(out.resolve("captions.srt")));
    assertNoControls(Files.readString(out.resolve("captions.vtt")));
    StringBuilder burned = new StringBuilder();
    for (CaptionCue c : renderer.last.get().captions()) {
      burned.append(c.text()).append('\n');
    }
    assertNoControls(burned.toString());
    assertThat(burned.toString()).contains("The bell rang at [2Jnine.");
  }
}
