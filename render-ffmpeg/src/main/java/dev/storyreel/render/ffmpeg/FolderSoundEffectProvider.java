package dev.storyreel.render.ffmpeg;

import dev.storyreel.core.InvalidInputException;
import dev.storyreel.core.Usage;
import dev.storyreel.core.spi.GeneratedAudio;
import dev.storyreel.core.spi.SoundEffectProvider;
import dev.storyreel.core.spi.SoundEffectRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A {@link SoundEffectProvider} named {@value #NAME} that resolves cues to the user's own effect
 * files, matched by the words of their names.
 *
 * <p><b>Files.</b> The folder's audio files (by extension: mp3, m4a, aac, mp4, ogg, oga, opus,
 * flac, wav, wave, aif, aiff, caf, wma, mka, webm; not its sub-folders, not hidden files) are
 * read when the provider is built and each checked to decode, so a corrupt, truncated or
 * non-audio file is an {@link InvalidInputException} before anything is paid for.
 *
 * <p><b>The matching rule.</b> The cue's description and each file name (without extension) are
 * split into words (runs of letters and digits, case ignored); words made only of digits (take
 * numbers such as {@code -2}) and a few English function words ({@code a, an, the, of, and, in,
 * on, at, to, with, from, into, its, is, are, some}) are dropped; every word is reduced to a stem
 * by a small suffix rule ({@code -ies} to {@code -y}; a plural {@code -s} or {@code -es}; then
 * {@code -ing} or {@code -ed}; then a final {@code e}; then a doubled final consonant), so
 * "creaks", "creaking" and "creaked" all match {@code creak}. A file matches when at least one of
 * its stems is among the description's. The best match has the most stems in common; between
 * equals, the one with the smallest share of its stems left unmatched ("a door creaks" prefers
 * {@code door-creak.wav} to {@code door.wav}, and {@code door.wav} to {@code door-knock.wav});
 * files still equal are chosen among by the request's seed, deterministically. "a door creaks"
 * matches {@code door-creak.wav}, {@code Creaking_Door_2.flac} and {@code door.wav}; "thunder in
 * the distance" matches {@code thunder.ogg}, not {@code door-creak.wav}. No match: {@link
 * #resolve} returns empty and the cue is listed as unresolved.
 *
 * <p><b>Output.</b> The whole file, decoded and resampled to 48 kHz stereo 16-bit by the grabber (a
 * mono file goes to both channels at libswresample's centre mix level, -3 dB),
 * streamed chunk by chunk into a WAV file at {@code request.output()}.
 *
 * <p>Example: {@code SoundEffectProvider sfx = FolderSoundEffectProvider.builder()
 * .folder(Path.of("sfx")).build();}
 *
 * <p>Immutable and thread-safe: every call opens its own decoder.
 */
public final class FolderSoundEffectProvider implements SoundEffectProvider {

  /** The provider's name, {@value}. */
  public static final String NAME = "folder";

  /** The setting naming the folder, {@value}. */
  public static final String PATH_SETTING = "sfx.path";

  static final String WHAT = "Sound-effect file";

  private static final Set<String> STOP_WORDS = Set.of("a", "an", "the", "of", "and", "in", "on",
      "at", "to", "with", "from", "into", "its", "is", "are", "some");

  private final Path folder;
  private final List<Path> files;
  private final Map<Path, Set<String>> stems;

  private FolderSoundEffectProvider(Path folder, List<Path> files) {
    this.folder = folder;
    this.files = List.copyOf(files);
    Map<Path, Set<String>> s = new TreeMap<>();
    for (Path f : files) {
      s.put(f, stems(AudioFiles.words(f.getFileName().toString())));
    }
    this.stems = Map.copyOf(s);
  }

  /** @return a builder; {@link Builder#folder} is required */
  public static Builder builder() {
    return new Builder();
  }

  /** @return {@value #NAME} */
  @Override
  public String name() {
    return NAME;
  }

  /** @return {@code "user-files"}: the effects are the user's, FFmpeg only converts them */
  @Override
  public String model() {
    return "user-files";
  }

  /** @return 2: decoding is CPU-bound */
  @Override
  public int maxConcurrency() {
    return 2;
  }

  /**
   * @return the name and each file's name, size and SHA-256 (so that adding, replacing or
   *     editing a file gives new cache keys); never the folder's absolute path
   * @throws InvalidInputException if a file can no longer be read
   */
  @Override
  public String fingerprint() {
    return NAME + "/" + model() + "/" + AudioFiles.fingerprint(files);
  }

  /**
   * Checks again that every effect file still decodes.
   *
   * @throws InvalidInputException naming the first file that does not
   */
  @Override
  public void preflight() {
    for (Path f : files) {
      AudioFiles.probe(f, WHAT);
    }
  }

  /**
   * Writes the best-matching file (see the class comment) as 48 kHz stereo 16-bit WAV.
   *
   * @param request the cue; never {@code null}
   * @return what was written, its source {@code file:} and the file's name; empty when no file's
   *     name shares a word with the cue's description (nothing is written then)
   * @throws InvalidInputException if the matched file no longer decodes
   * @throws dev.storyreel.core.NonRetriableException if the WAV file cannot be written
   */
  @Override
  public Optional<GeneratedAudio> resolve(SoundEffectRequest request) {
    Objects.requireNonNull(request, "request");
    Optional<Path> match = match(request.cue().description(), request.seed());
    if (match.isEmpty()) {
      return Optional.empty();
    }
    Path file = match.get();
    long frames = AudioFiles.decodeToWav(file, request.output(), WHAT);
    return Optional.of(new GeneratedAudio(AudioFiles.duration(frames),
        "file:" + file.getFileName(), Usage.NONE));
  }

  /**
   * @param description a cue's description
   * @param seed the seed that breaks ties
   * @return the best-matching file, if any matches
   */
  Optional<Path> match(String description, long seed) {
    Set<String> wanted = stems(AudioFiles.splitWords(description));
    List<Path> best = new ArrayList<>();
    int bestCommon = 0;
    double bestShare = 0;
    for (Path f : files) {
      Set<String> have = stems.get(f);
      int common = 0;
      for (String s : have) {
        if (wanted.contains(s)) {
          common++;
        }
      }
      if (common == 0) {
        continue;
      }
      double share = common / (double) have.size();
      if (common > bestCommon || (common == bestCommon && share > bestShare)) {
        best.clear();
        bestCommon = common;
        bestShare = share;
      }
      if (common == bestCommon && share == bestShare) {
        best.add(f);
      }
    }
    if (best.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(best.get(new SplittableRandom(seed).nextInt(best.size())));
  }

  /**
   * @param words words as {@link AudioFiles#splitWords} gives them
   * @return their stems, without numbers and function words
   */
  static Set<String> stems(List<String> words) {
    Set<String> out = new LinkedHashSet<>();
    for (String w : words) {
      if (w.chars().allMatch(Character::isDigit) || STOP_WORDS.contains(w)) {
        continue;
      }
      out.add(stem(w));
    }
    return out;
  }

  /**
   * @param word a lower-case word
   * @return its stem under the rule in the class comment, for example {@code creak} for {@code
   *     creaking}
   */
  static String stem(String word) {
    String w = word.toLowerCase(Locale.ROOT);
    if (w.endsWith("ies") && w.length() > 4) {
      w = w.substring(0, w.length() - 3) + "y";
    } else if (w.endsWith("sses") || w.endsWith("shes") || w.endsWith("ches")
        || w.endsWith("xes")) {
      w = w.substring(0, w.length() - 2);
    } else if (w.endsWith("s") && !w.endsWith("ss") && !w.endsWith("us") && w.length() > 3) {
      w = w.substring(0, w.length() - 1);
    }
    if (w.endsWith("ing") && w.length() > 5) {
      w = w.substring(0, w.length() - 3);
    } else if (w.endsWith("ed") && w.length() > 4) {
      w = w.substring(0, w.length() - 2);
    }
    if (w.endsWith("e") && w.length() > 3) {
      w = w.substring(0, w.length() - 1);
    }
    int n = w.length();
    if (n > 3 && w.charAt(n - 1) == w.charAt(n - 2) && "aeiou".indexOf(w.charAt(n - 1)) < 0
        && Character.isLetter(w.charAt(n - 1))) {
      w = w.substring(0, n - 1);
    }
    return w;
  }

  /** Builds a {@link FolderSoundEffectProvider}; not thread-safe. {@link #build()} checks files. */
  public static final class Builder {
    private Path folder;

    private Builder() {}

    /**
     * @param folder the folder of effect files; required
     * @return this builder
     */
    public Builder folder(Path folder) {
      this.folder = Objects.requireNonNull(folder, "folder");
      return this;
    }

    /**
     * Lists the folder and checks that every audio file in it decodes.
     *
     * @return the provider
     * @throws IllegalStateException if no folder was given
     * @throws InvalidInputException if the folder does not exist, is not a folder, cannot be
     *     read or holds no audio file, or a file in it is not decodable audio (the message names
     *     the file and what is wrong)
     * @throws dev.storyreel.core.ConfigurationException if FFmpeg's natives cannot be loaded
     */
    public FolderSoundEffectProvider build() {
      if (folder == null) {
        throw new IllegalStateException("folder is required");
      }
      List<Path> files = AudioFiles.listAudio(folder, PATH_SETTING);
      if (files.isEmpty()) {
        throw new InvalidInputException(PATH_SETTING + "=" + folder + " holds no audio file"
            + " (looked for " + String.join(", ", AudioFiles.EXTENSIONS.stream().sorted()
                .toList()) + "). Add effect files named by what is heard, for example"
            + " door-creak.wav.");
      }
      for (Path f : files) {
        AudioFiles.probe(f, WHAT);
      }
      return new FolderSoundEffectProvider(folder, files);
    }
  }

  @Override
  public String toString() {
    return "FolderSoundEffectProvider[" + folder + ", " + files.size() + " file(s)]";
  }
}
