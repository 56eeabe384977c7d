package dev.storyreel.spring;

import dev.storyreel.core.Mood;
import dev.storyreel.core.StoryReel;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code storyreel.*} properties that {@link StoryReelAutoConfiguration} builds its {@link
 * StoryReel} bean from. Every property is optional; an unset one keeps {@link StoryReel.Builder}'s
 * default. Values are checked when the bean is built, and a bad one fails the application's
 * start with a message that names the property.
 *
 * <pre>{@code
 * storyreel.format=landscape
 * storyreel.music=none
 * storyreel.loudness-lufs=-16
 * storyreel.settings.music.path=/srv/beds/calm.wav
 * storyreel.preset=horror
 * storyreel.require-approval=true
 * storyreel.writer=openai
 * }</pre>
 *
 * <p>A mutable JavaBean, as Spring's binder and the configuration processor expect; not
 * thread-safe, and read only while the context starts.
 */
@ConfigurationProperties(prefix = StoryReelProperties.PREFIX)
public class StoryReelProperties {

  /** The prefix of every property: {@value}. */
  public static final String PREFIX = "storyreel";

  /** Frame size: portrait (1080x1920), landscape (1920x1080), square (1080x1080) or WIDTHxHEIGHT with even sides, for example 720x1280. */
  private String format = "portrait";

  /** Frames per second, 1..120; unset keeps the format's 30 fps. */
  private Integer fps;

  /** Voice name passed to the speech provider; unset uses the provider's default voice. */
  private String voice;

  /** Story-wide visual style added to every image prompt; empty lets the planner choose. */
  private String style = "";

  /** Registered name of the story planner, for example rules; unset picks the best non-paid one found. */
  private String planner;

  /** Registered name of the image provider, for example procedural or openai (paid); unset picks the best non-paid one found. */
  private String images;

  /** Registered name of the speech provider, for example freetts or openai (paid); unset picks the best non-paid one found. */
  private String speech;

  /** Registered name of the renderer, for example ffmpeg; unset picks the best one found. A Renderer bean in the context wins over this. */
  private String renderer;

  /** Registered name of the music provider: procedural, file (with settings.music.path), replicate (paid) or none; unset uses procedural when it is on the class path. */
  private String music;

  /** Registered name of the sound-effect provider, for example folder (with settings.sfx.path), or none; unset resolves no sound cues. */
  private String effects;

  /** Registered name of a moderator, for example openai; unset turns moderation off. */
  private String moderator;

  /** The story's mood when the planner gives none; unset uses calm. */
  private Mood mood;

  /** Integrated loudness the final mix is normalised to, in LUFS, -70..-5. */
  private double loudnessLufs = -14;

  /** True-peak ceiling of the final mix, in dBTP, -9..0. */
  private double truePeakDbtp = -1;

  /** Whether narration.wav, music.wav and effects.wav are written beside the video. */
  private boolean stems = false;

  /** The music's level in the mix before ducking, in dB, -60..0. */
  private double musicGainDb = -6; // StoryReel.DEFAULT_MUSIC_GAIN_DB, as a literal for the IDE metadata

  /** Most one job may spend, in US dollars, >= 0, estimated from the price table before each paid call; unset means no limit. */
  private BigDecimal budgetUsd;

  /** Base seed for image generation; segment i uses seed + i. */
  private long seed = 1;

  /** Folder for temporary files (the video being encoded); unset uses java.io.tmpdir. */
  private Path workDir;

  /** Whether assets already in a job's asset cache (cache/ in its storage) are reused. */
  private boolean cache = true;

  /** Whether a job may replace a finished output made from other inputs. */
  private boolean overwrite = false;

  /** Longest story accepted, in characters (UTF-16 units), 1..10000000. */
  private int maxStoryChars = 50000; // StoryReel.DEFAULT_MAX_STORY_CHARS, literal for the metadata

  /** Longest word accepted, in Unicode code points, 1..10000000. */
  private int maxWordChars = 64; // StoryReel.DEFAULT_MAX_WORD_CHARS, literal for the metadata

  /** Genre preset: horror, mystery, bedtime, documentary, motivational, or the path of a preset JSON file; its visual style, voice, music mood, pacing and the rest apply unless set explicitly (storyreel.style, storyreel.voice, storyreel.mood, a setting). Unset: none. */
  private String preset;

  /** Whether a submitted job plans, publishes its plan and estimate, and waits in AWAITING_APPROVAL for Job.approve() before spending anything beyond planning. */
  private boolean requireApproval = false;

  /** Registered name of the story writer for StoryReel.write (ideas to stories), for example openai (paid); unset means none (there is no offline writer). A StoryWriter bean in the context wins over this. */
  private String writer;

  /** Provider settings handed to every provider factory, for example music.path or openai.model. Keys as the providers document them. */
  private Map<String, String> settings = new LinkedHashMap<>();

  /** @return the frame size name or WIDTHxHEIGHT; never {@code null} once bound */
  public String getFormat() {
    return format;
  }

  /** @param format portrait, landscape, square or WIDTHxHEIGHT */
  public void setFormat(String format) {
    this.format = format;
  }

  /** @return frames per second, or {@code null} for the format's 30 */
  public Integer getFps() {
    return fps;
  }

  /** @param fps frames per second, 1..120, or {@code null} */
  public void setFps(Integer fps) {
    this.fps = fps;
  }

  /** @return the voice name, or {@code null} for the provider's default */
  public String getVoice() {
    return voice;
  }

  /** @param voice the voice name, or {@code null} */
  public void setVoice(String voice) {
    this.voice = voice;
  }

  /** @return the visual style; empty lets the planner choose */
  public String getStyle() {
    return style;
  }

  /** @param style the visual style */
  public void setStyle(String style) {
    this.style = style;
  }

  /** @return the planner's registered name, or {@code null} for discovery */
  public String getPlanner() {
    return planner;
  }

  /** @param planner the planner's registered name, or {@code null} */
  public void setPlanner(String planner) {
    this.planner = planner;
  }

  /** @return the image provider's registered name, or {@code null} for discovery */
  public String getImages() {
    return images;
  }

  /** @param images the image provider's registered name, or {@code null} */
  public void setImages(String images) {
    this.images = images;
  }

  /** @return the speech provider's registered name, or {@code null} for discovery */
  public String getSpeech() {
    return speech;
  }

  /** @param speech the speech provider's registered name, or {@code null} */
  public void setSpeech(String speech) {
    this.speech = speech;
  }

  /** @return the renderer's registered name, or {@code null} for discovery */
  public String getRenderer() {
    return renderer;
  }

  /** @param renderer the renderer's registered name, or {@code null} */
  public void setRenderer(String renderer) {
    this.renderer = renderer;
  }

  /** @return the music provider's registered name, {@code none}, or {@code null} for the default */
  public String getMusic() {
    return music;
  }

  /** @param music the music provider's registered name, {@code none}, or {@code null} */
  public void setMusic(String music) {
    this.music = music;
  }

  /** @return the sound-effect provider's registered name, {@code none}, or {@code null} */
  public String getEffects() {
    return effects;
  }

  /** @param effects the sound-effect provider's registered name, {@code none}, or {@code null} */
  public void setEffects(String effects) {
    this.effects = effects;
  }

  /** @return the moderator's registered name, or {@code null} for no moderation */
  public String getModerator() {
    return moderator;
  }

  /** @param moderator the moderator's registered name, or {@code null} */
  public void setModerator(String moderator) {
    this.moderator = moderator;
  }

  /** @return the default mood, or {@code null} for {@link Mood#DEFAULT} */
  public Mood getMood() {
    return mood;
  }

  /** @param mood the default mood (bound case-insensitively, for example {@code dread}), or {@code null} */
  public void setMood(Mood mood) {
    this.mood = mood;
  }

  /** @return the loudness target in LUFS */
  public double getLoudnessLufs() {
    return loudnessLufs;
  }

  /** @param loudnessLufs the loudness target in LUFS, -70..-5 */
  public void setLoudnessLufs(double loudnessLufs) {
    this.loudnessLufs = loudnessLufs;
  }

  /** @return the true-peak ceiling in dBTP */
  public double getTruePeakDbtp() {
    return truePeakDbtp;
  }

  /** @param truePeakDbtp the true-peak ceiling in dBTP, -9..0 */
  public void setTruePeakDbtp(double truePeakDbtp) {
    this.truePeakDbtp = truePeakDbtp;
  }

  /** @return whether stems are written */
  public boolean isStems() {
    return stems;
  }

  /** @param stems whether stems are written */
  public void setStems(boolean stems) {
    this.stems = stems;
  }

  /** @return the music's level before ducking, in dB */
  public double getMusicGainDb() {
    return musicGainDb;
  }

  /** @param musicGainDb the music's level before ducking, in dB, -60..0 */
  public void setMusicGainDb(double musicGainDb) {
    this.musicGainDb = musicGainDb;
  }

  /** @return the per-job budget in US dollars, or {@code null} for none */
  public BigDecimal getBudgetUsd() {
    return budgetUsd;
  }

  /** @param budgetUsd the per-job budget in US dollars, {@code >= 0}, or {@code null} */
  public void setBudgetUsd(BigDecimal budgetUsd) {
    this.budgetUsd = budgetUsd;
  }

  /** @return the base image seed */
  public long getSeed() {
    return seed;
  }

  /** @param seed the base image seed */
  public void setSeed(long seed) {
    this.seed = seed;
  }

  /** @return the folder for temporary files, or {@code null} for {@code java.io.tmpdir} */
  public Path getWorkDir() {
    return workDir;
  }

  /** @param workDir the folder for temporary files, or {@code null} */
  public void setWorkDir(Path workDir) {
    this.workDir = workDir;
  }

  /** @return whether the asset cache is read */
  public boolean isCache() {
    return cache;
  }

  /** @param cache whether the asset cache is read */
  public void setCache(boolean cache) {
    this.cache = cache;
  }

  /** @return whether finished outputs of other inputs may be replaced */
  public boolean isOverwrite() {
    return overwrite;
  }

  /** @param overwrite whether finished outputs of other inputs may be replaced */
  public void setOverwrite(boolean overwrite) {
    this.overwrite = overwrite;
  }

  /** @return the longest story accepted, in characters */
  public int getMaxStoryChars() {
    return maxStoryChars;
  }

  /** @param maxStoryChars the longest story accepted, in characters, 1..10000000 */
  public void setMaxStoryChars(int maxStoryChars) {
    this.maxStoryChars = maxStoryChars;
  }

  /** @return the longest word accepted, in code points */
  public int getMaxWordChars() {
    return maxWordChars;
  }

  /** @param maxWordChars the longest word accepted, in code points, 1..10000000 */
  public void setMaxWordChars(int maxWordChars) {
    this.maxWordChars = maxWordChars;
  }

  /** @return the genre preset's name or file path, or {@code null} for none */
  public String getPreset() {
    return preset;
  }

  /** @param preset a shipped preset's name, a preset JSON file's path, or {@code null} */
  public void setPreset(String preset) {
    this.preset = preset;
  }

  /** @return whether submitted jobs wait for approval before spending */
  public boolean isRequireApproval() {
    return requireApproval;
  }

  /** @param requireApproval whether submitted jobs wait for approval before spending */
  public void setRequireApproval(boolean requireApproval) {
    this.requireApproval = requireApproval;
  }

  /** @return the story writer's registered name, or {@code null} for none */
  public String getWriter() {
    return writer;
  }

  /** @param writer the story writer's registered name, or {@code null} for none */
  public void setWriter(String writer) {
    this.writer = writer;
  }

  /** @return the provider settings, a live mutable map; never {@code null} */
  public Map<String, String> getSettings() {
    return settings;
  }

  /** @param settings the provider settings; {@code null} means none */
  public void setSettings(Map<String, String> settings) {
    this.settings = settings == null ? new LinkedHashMap<>() : settings;
  }
}
