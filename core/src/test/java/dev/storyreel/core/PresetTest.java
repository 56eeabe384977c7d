package dev.storyreel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Genre presets: shipped as data, validated, applied, and overridden by explicit settings. */
class PresetTest {

  @ParameterizedTest
  @ValueSource(strings = {"horror", "mystery", "bedtime", "documentary", "motivational"})
  void everyShippedPresetLoadsWithEveryPart(String name) {
    Preset p = Preset.named(name.toUpperCase(java.util.Locale.ROOT));
    assertThat(p.id()).isEqualTo(name);
    assertThat(p.visualStyle()).isNotBlank();
    assertThat(p.voices()).containsKey("openai");
    assertThat(p.speakingInstructions()).isNotBlank();
    assertThat(p.mood()).isNotNull();
    assertThat(p.effectDensity()).isNotNull();
    assertThat(p.captions()).isNotNull();
    assertThat(p.pacing()).isNotNull();
    assertThat(p.writing()).isNotBlank();
    assertThat(Preset.SHIPPED).contains(name);
  }

  @Test
  void horrorIsDreadWithManyEffectsAndRedHighlights() {
    Preset h = Preset.named("horror");
    assertThat(h.mood()).isEqualTo(Mood.DREAD);
    assertThat(h.effectDensity().maxPerSegment()).isEqualTo(3);
    CaptionStyle c = h.captionStyle(CaptionStyle.CLASSIC);
    assertThat(c.highlightRgb()).isEqualTo(0xD32F2F);
    assertThat(c.sizePermilleOfHeight()).isEqualTo(CaptionStyle.BOLD.sizePermilleOfHeight());
    assertThat(h.providerSettings()).containsEntry("rules.mood", "dread")
        .containsEntry("rules.minSegmentSeconds", "6.0")
        .containsKey("openai.speech.instructions");
  }

  @Test
  void anUnknownNameListsTheKnownOnes() {
    Throwable t = catchThrowable(() -> Preset.resolve("horor"));
    assertThat(t).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("Unknown preset 'horor'")
        .hasMessageContaining("bedtime, documentary, horror, motivational, mystery");
  }

  @Test
  void aUserFileIsReadAndBadFilesSayWhatIsWrong(@TempDir Path dir) throws Exception {
    Path good = dir.resolve("noir.json");
    Files.writeString(good, "{\"id\": \"noir\", \"visualStyle\": \"black and white\","
        + " \"mood\": \"Tension\", \"effectDensity\": \"low\","
        + " \"captions\": {\"textRgb\": \"#eeeeee\"}}");
    Preset p = Preset.resolve(good.toString());
    assertThat(p.id()).isEqualTo("noir");
    assertThat(p.mood()).isEqualTo(Mood.TENSION);
    assertThat(p.voices()).isEmpty();
    assertThat(p.pacing()).isNull();
    assertThat(p.captionStyle(CaptionStyle.CLASSIC).textRgb()).isEqualTo(0xEEEEEE);

    assertThat(bad(dir, "{\"id\": \"x\", \"moood\": \"dread\"}"))
        .hasMessageContaining("unknown field 'moood'").hasMessageContaining("Known fields");
    assertThat(bad(dir, "{\"id\": \"x\", \"mood\": \"scary\"}"))
        .hasMessageContaining("scary").hasMessageContaining("dread");
    assertThat(bad(dir, "{\"id\": \"x\", \"captions\": {\"textRgb\": \"red\"}}"))
        .hasMessageContaining("captions.textRgb must be a colour as \"#RRGGBB\"");
    assertThat(bad(dir, "{\"id\": \"x\", \"pacing\": {\"minSegmentSeconds\": 20,"
        + " \"maxSegmentSeconds\": 5}}")).hasMessageContaining("minSegmentSeconds");
    assertThat(bad(dir, "{\"visualStyle\": \"x\"}")).hasMessageContaining("has no id");
    assertThat(bad(dir, "{\"id\": \"x\", \"effectDensity\": \"lots\"}"))
        .hasMessageContaining("none, low, medium or high");
    assertThat(bad(dir, "not json")).hasMessageContaining("is not a valid preset");
    assertThat(catchThrowable(() -> Preset.resolve(dir.resolve("missing.json").toString())))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("does not exist");
  }

  private static Throwable bad(Path dir, String json) throws Exception {
    Path f = Files.createTempFile(dir, "bad", ".json");
    Files.writeString(f, json);
    Throwable t = catchThrowable(() -> Preset.read(f));
    assertThat(t).isInstanceOf(InvalidInputException.class).hasMessageContaining(f.toString());
    return t;
  }

  /** A planner that records the style it was given and places four cues in every segment. */
  static final class CuePlanner extends Fakes.Sentences {
    final AtomicReference<String> style = new AtomicReference<>();

    @Override
    public Storyboard plan(Story story, VideoFormat format, String visualStyle) {
      style.set(visualStyle);
      Storyboard b = super.plan(story, format, visualStyle);
      List<Segment> out = new ArrayList<>();
      for (Segment s : b.segments()) {
        out.add(new Segment(s.index(), s.narration(), s.imagePrompt(), null, List.of(
            new SoundCue("a", 0), new SoundCue("b", 0), new SoundCue("c", 0),
            new SoundCue("d", 0))));
      }
      return new Storyboard(out, b.visualStyle(), b.usage(), null);
    }
  }

  static final Preset TEST = new Preset("test-genre", "", "charcoal drawing",
      Map.of("fake-speech", "deep"), null, Mood.SORROW, Preset.EffectDensity.LOW, null, null,
      null);

  Manifest render(Path dir, StoryReel.Builder b) throws Exception {
    Path out = dir.resolve("out-" + System.nanoTime());
    b.format(new VideoFormat(180, 320, 10)).images(new Fakes.Images())
        .speech(new Fakes.Speech(true)).renderer(new Fakes.Render())
        .music(new SoundtrackTest.ToneMusic()).workDir(dir.resolve("work")).build()
        .render(new Story("T", "The fog came in. The bell rang twice."), out);
    try (InputStream in = Files.newInputStream(out.resolve("manifest.json"))) {
      return Manifest.read(in);
    }
  }

  @Test
  void aPresetSetsStyleVoiceMoodAndEffectDensity(@TempDir Path dir) throws Exception {
    CuePlanner planner = new CuePlanner();
    Manifest m = render(dir, StoryReel.builder().planner(planner).preset(TEST));
    assertThat(planner.style.get()).isEqualTo("charcoal drawing");
    assertThat(m.visualStyle()).isEqualTo("charcoal drawing");
    assertThat(m.segments()).allSatisfy(s -> assertThat(s.voice()).isEqualTo("deep"));
    assertThat(m.soundtrack().beds()).allSatisfy(b -> assertThat(b.mood()).isEqualTo("sorrow"));
    // LOW: one cue a segment kept (no effects provider: each is listed as unresolved).
    assertThat(m.soundtrack().unresolved()).hasSize(m.segments().size());
    assertThat(m.planner().provider()).isEqualTo("fake-sentences");
  }

  @Test
  void explicitSettingsWinOverThePreset(@TempDir Path dir) throws Exception {
    CuePlanner planner = new CuePlanner();
    Manifest m = render(dir, StoryReel.builder().planner(planner).preset(TEST)
        .visualStyle("oil painting").voice("bright").mood(Mood.WONDER));
    assertThat(planner.style.get()).isEqualTo("oil painting");
    assertThat(m.segments()).allSatisfy(s -> assertThat(s.voice()).isEqualTo("bright"));
    assertThat(m.soundtrack().beds()).allSatisfy(b -> assertThat(b.mood()).isEqualTo("wonder"));
  }

  @Test
  void withoutAPresetNothingChanges(@TempDir Path dir) throws Exception {
    CuePlanner planner = new CuePlanner();
    Manifest m = render(dir, StoryReel.builder().planner(planner));
    assertThat(planner.style.get()).isEmpty();
    assertThat(m.soundtrack().unresolved()).hasSize(4 * m.segments().size());
    assertThat(m.segments()).allSatisfy(s -> assertThat(s.voice()).isNull());
  }
}
