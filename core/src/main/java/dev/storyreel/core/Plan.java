package dev.storyreel.core;

import dev.storyreel.core.internal.PlanJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A planned video, to approve before anything is paid for: the storyboard (one {@link Shot} per
 * segment), what making it is expected to cost, and a {@linkplain StoryboardSheet sheet} to look
 * at. Made by {@link StoryReel#plan(Story)}; made into a video by {@link StoryReel#produce(Plan,
 * dev.storyreel.core.spi.Storage)}, which does not call the planner again.
 *
 * <p>A plan can be saved as JSON ({@link #toJson()}, {@link #write(Path)}), edited by a person or
 * a program (an image prompt rewritten, a segment's clip turned off, a mood changed) and read back
 * ({@link #read(Path)}), which checks it again. The JSON holds {@value #FORMAT_VERSION} as {@code
 * formatVersion}; the sheet is not in it (it is a separate PNG).
 *
 * <pre>{@code
 * Plan plan = reel.plan(Story.read(Path.of("story.txt")));
 * System.out.println("$" + plan.estimate().toProduceUsd());
 * plan = plan.withShot(plan.shots().get(2).withImagePrompt("a lighthouse at dusk"));
 * reel.produce(plan, new LocalStorage(Path.of("out"))).result().join();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param story the story planned; the shots' narrations are its words, in order, verbatim
 * @param visualStyle the story-wide style phrase; never {@code null}, may be empty
 * @param mood the story's mood, or {@code null} for the job's
 * @param shots one per segment, indexed 0..n-1 in order; at least one; copied
 * @param estimate what the plan is expected to cost; {@link CostEstimate#EMPTY} when unknown
 * @param sheet the contact sheet, or {@code null} (a plan read from JSON has none: see {@link
 *     StoryReel#sheet(Plan)})
 */
public record Plan(Story story, String visualStyle, @Nullable Mood mood, List<Shot> shots,
    CostEstimate estimate, @Nullable StoryboardSheet sheet) {

  /**
   * The largest plan file {@link #read(Path)} reads, in bytes: 128 MiB, room for a story of
   * {@link Story#MAX_READ_CHARS} characters written out three times (story, narrations,
   * prompts) in UTF-8.
   */
  public static final long MAX_JSON_BYTES = 128L << 20;

  /** The version of the JSON format {@link #toJson()} writes and {@link #read(Path)} reads. */
  public static final int FORMAT_VERSION = 1;

  /**
   * One segment of the plan: what is said, what is drawn, and what is asked for.
   *
   * @param index position, from 0, consecutive
   * @param narration the words spoken, verbatim from the story; never blank
   * @param imagePrompt the prompt the image provider draws from, style included; never blank
   * @param mood this segment's mood, or {@code null} for the plan's
   * @param soundCues sound effects at words of the narration; copied; {@code null} is none
   * @param clip whether a moving clip is asked for this segment rather than a still; default
   *     {@code false}. The job's {@linkplain StoryReel.Builder#clipProvider clip provider} makes
   *     it from the segment's still (paid, cached and in the estimate like images); without a
   *     clip provider such a plan is refused before anything is paid for
   * @param media the user's own clip or still for this segment (a video FFmpeg reads, or a PNG
   *     or JPEG), or {@code null}: such a segment makes no image or clip call. Checked before
   *     anything is paid for (it exists and decodes). In the JSON it is {@code media}, a path
   *     relative to the plan file's folder or absolute
   */
  public record Shot(int index, String narration, String imagePrompt, @Nullable Mood mood,
      List<SoundCue> soundCues, boolean clip, @Nullable Path media) {

    /**
     * @param index position, from 0, consecutive
     * @param narration the words spoken; never blank
     * @param imagePrompt the image prompt; never blank
     * @param mood the segment's mood, or {@code null}
     * @param soundCues sound effects; copied; {@code null} is none
     * @param clip whether a clip is asked for
     * @param media the user's clip or still, or {@code null}
     * @throws NullPointerException if a text is {@code null}
     * @throws IllegalArgumentException if {@code index} is negative or a text is blank
     */
    public Shot {
      // The same rules as Segment's, so a shot always makes a segment.
      Segment s = new Segment(index, narration, imagePrompt, mood, soundCues);
      soundCues = s.soundCues();
    }

    /**
     * A shot without user media.
     *
     * @param index position, from 0, consecutive
     * @param narration the words spoken; never blank
     * @param imagePrompt the image prompt; never blank
     * @param mood the segment's mood, or {@code null}
     * @param soundCues sound effects; copied; {@code null} is none
     * @param clip whether a clip is asked for
     * @throws NullPointerException if a text is {@code null}
     * @throws IllegalArgumentException if {@code index} is negative or a text is blank
     */
    public Shot(int index, String narration, String imagePrompt, @Nullable Mood mood,
        List<SoundCue> soundCues, boolean clip) {
      this(index, narration, imagePrompt, mood, soundCues, clip, null);
    }

    /**
     * @param s a storyboard's segment
     * @return a shot with its fields and no clip
     */
    public static Shot of(Segment s) {
      return new Shot(s.index(), s.narration(), s.imagePrompt(), s.mood(), s.soundCues(), false);
    }

    /** @return the segment this shot makes */
    public Segment segment() {
      return new Segment(index, narration, imagePrompt, mood, soundCues);
    }

    /**
     * @param prompt the new image prompt; never blank
     * @return this shot with that prompt
     */
    public Shot withImagePrompt(String prompt) {
      return new Shot(index, narration, prompt, mood, soundCues, clip, media);
    }

    /**
     * @param wanted whether a clip is asked for
     * @return this shot with that choice
     */
    public Shot withClip(boolean wanted) {
      return new Shot(index, narration, imagePrompt, mood, soundCues, wanted, media);
    }

    /**
     * @param file the user's clip or still for this segment, or {@code null} for none
     * @return this shot with that media
     */
    public Shot withMedia(@Nullable Path file) {
      return new Shot(index, narration, imagePrompt, mood, soundCues, clip, file);
    }
  }

  /**
   * @param story the story planned
   * @param visualStyle the style; never {@code null}
   * @param mood the story's mood, or {@code null}
   * @param shots one per segment, indexed 0..n-1; copied
   * @param estimate the estimate; {@code null} is read as {@link CostEstimate#EMPTY}
   * @param sheet the sheet, or {@code null}
   * @throws NullPointerException if {@code story}, {@code visualStyle}, {@code shots} or a shot is
   *     {@code null}
   * @throws IllegalArgumentException if there is no shot or the indexes are not 0..n-1 in order
   */
  public Plan {
    Objects.requireNonNull(story, "story");
    Objects.requireNonNull(visualStyle, "visualStyle");
    shots = List.copyOf(Objects.requireNonNull(shots, "shots"));
    estimate = estimate == null ? CostEstimate.EMPTY : estimate;
    if (shots.isEmpty()) {
      throw new IllegalArgumentException("a plan needs at least one shot");
    }
    for (int i = 0; i < shots.size(); i++) {
      if (shots.get(i).index() != i) {
        throw new IllegalArgumentException("shot at position " + i + " has index "
            + shots.get(i).index() + "; indexes must be 0..n-1 in order");
      }
    }
  }

  /**
   * A plan of a storyboard, without estimate or sheet.
   *
   * @param story the story planned
   * @param board its storyboard
   * @return the plan, no clip asked for
   */
  public static Plan of(Story story, Storyboard board) {
    List<Shot> shots = new ArrayList<>();
    for (Segment s : board.segments()) {
      shots.add(Shot.of(s));
    }
    return new Plan(story, board.visualStyle(), board.mood(), shots, CostEstimate.EMPTY, null);
  }

  /** @return the storyboard the plan makes (no usage: planning is not paid again) */
  public Storyboard storyboard() {
    return new Storyboard(shots.stream().map(Shot::segment).toList(), visualStyle, Usage.NONE,
        mood);
  }

  /**
   * @param shot a shot with the index of the one to replace
   * @return this plan with that shot replaced; the estimate is kept as it was (see {@link
   *     StoryReel#estimate(Plan, dev.storyreel.core.spi.Storage)})
   * @throws IllegalArgumentException if no shot has its index
   */
  public Plan withShot(Shot shot) {
    Objects.requireNonNull(shot, "shot");
    if (shot.index() >= shots.size()) {
      throw new IllegalArgumentException("no shot " + shot.index() + "; the plan has "
          + shots.size() + " (0.." + (shots.size() - 1) + ")");
    }
    List<Shot> s = new ArrayList<>(shots);
    s.set(shot.index(), shot);
    return new Plan(story, visualStyle, mood, s, estimate, sheet);
  }

  /**
   * @param e the estimate
   * @return this plan with that estimate
   */
  public Plan withEstimate(CostEstimate e) {
    return new Plan(story, visualStyle, mood, shots, e, sheet);
  }

  /**
   * @param s the sheet, or {@code null}
   * @return this plan with that sheet
   */
  public Plan withSheet(@Nullable StoryboardSheet s) {
    return new Plan(story, visualStyle, mood, shots, estimate, s);
  }

  /** @return a short description: title, shot count, estimate (not the story's text) */
  @Override
  public String toString() {
    return "Plan[title=" + story.title() + ", shots=" + shots.size() + ", toProduceUsd="
        + estimate.toProduceUsd().toPlainString() + ", sheet=" + (sheet != null) + "]";
  }

  /** @return the plan as indented UTF-8 JSON (without the sheet) */
  public byte[] toJson() {
    return PlanJson.write(this);
  }

  /**
   * Writes {@link #toJson()} to a file, replacing it.
   *
   * @param file the file, for example {@code out/storyboard.json}; its folder must exist
   * @throws InvalidInputException if it cannot be written, naming it
   */
  public void write(Path file) {
    try {
      Files.write(file, toJson());
    } catch (IOException e) {
      throw new InvalidInputException("The plan cannot be written to " + file + ": "
          + e.getMessage() + ". Choose a folder that can be written.", e);
    }
  }

  /**
   * Reads and checks a plan written by {@link #write(Path)}, perhaps edited since: the format
   * version, every field's type, the indexes (0..n-1 in order), that prompts and narrations are
   * not blank, the moods, the sound cues' word indexes, and that the narrations are still the
   * story's words, in order and verbatim (edit an image prompt freely; to change what is said,
   * change the story and plan again). A segment's {@code media} path is read relative to the
   * file's folder.
   *
   * @param file the JSON file
   * @return the plan, without a sheet
   * @throws InvalidInputException if the file cannot be read or a check fails: the message names
   *     the file, the field (for example {@code segments[2].narration}) and what to do
   */
  public static Plan read(Path file) {
    byte[] json;
    try {
      if (Files.exists(file) && !Files.isRegularFile(file)) {
        throw new InvalidInputException("The plan " + file + " is not a regular file. Give the"
            + " storyboard.json that 'storyreel plan' wrote.");
      }
      if (Files.exists(file) && Files.size(file) > MAX_JSON_BYTES) {
        throw new InvalidInputException("The plan " + file + " is " + Files.size(file)
            + " bytes, over the " + MAX_JSON_BYTES + " a plan of the longest story takes."
            + " Give the storyboard.json that 'storyreel plan' wrote.");
      }
      json = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new InvalidInputException("The plan " + file + " cannot be read ("
          + (Files.exists(file) ? e.getMessage() : "there is no such file")
          + "). Give the storyboard.json that 'storyreel plan' wrote.", e);
    }
    Path folder = file.toAbsolutePath().getParent();
    return PlanJson.read(json, file.toString(), folder);
  }

  /**
   * Reads and checks a plan from JSON, as {@link #read(Path)} does.
   *
   * @param json the JSON, UTF-8
   * @return the plan, without a sheet
   * @throws InvalidInputException if a check fails, naming the field and what to do
   */
  public static Plan fromJson(byte[] json) {
    return PlanJson.read(Objects.requireNonNull(json, "json"), "the plan");
  }
}
