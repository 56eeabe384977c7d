package dev.storyreel.samples;

import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.InvalidInputException;
import dev.storyreel.core.LocalStorage;
import dev.storyreel.core.Preset;
import dev.storyreel.core.StoryReel;
import dev.storyreel.core.StoryReelException;
import dev.storyreel.core.Usage;
import dev.storyreel.core.Words;
import dev.storyreel.core.WrittenStory;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.WriteRequest;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code storyreel write "IDEA" [--genre NAME|FILE] [--words N | --seconds N] [--writer openai]
 * [-o DIR] [--render] [-- RENDER OPTIONS]}: writes a story from an idea with a writer ({@link
 * StoryReel#write}) into {@code DIR/story.txt} (title, blank line, prose: the format {@code
 * render} reads), and with {@code --render} renders it into the same folder, passing on the
 * genre, the settings, the OpenAI base URL, the moderator, the budget and everything after
 * {@code --}.
 *
 * <p>The written story is kept in {@code DIR/cache/}: the same idea and options again cost
 * nothing. Exit codes: 0 done, 1 the writer or the render failed, 2 bad input or configuration
 * (no writer named, an unknown preset, ...), 130 cancelled; with {@code --render}, the render's
 * exit code.
 */
@Command(
    name = "write",
    mixinStandardHelpOptions = true,
    description = {"Write a story from an IDEA with a language model (there is no offline"
        + " writer) into DIR/story.txt, and with --render go straight on to render it into DIR.",
        "The story is kept in DIR's cache: running the same command again pays nothing."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:written (and rendered)",
        "1:the writer (or the render) failed",
        "2:bad input or configuration, nothing paid for",
        "130:cancelled (Ctrl-C)"},
    footerHeading = "%nExamples:%n",
    footer = {
        "  storyreel write \"a lighthouse keeper hears knocking from below\" --genre horror \\",
        "      --words 400 --writer openai -o out/lighthouse --render",
        "  storyreel write \"a fox learns to share\" --genre bedtime --writer openai \\",
        "      --openai-base-url http://localhost:11434/v1 --set openai.model.writer=llama3.1",
        "  storyreel write \"IDEA\" --writer openai --render -- --format landscape --music none"})
final class WriteCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "IDEA",
      description = "What the story is about, in a sentence or a few.")
  String idea;

  @Parameters(index = "1..*", arity = "0..*", paramLabel = "RENDER-OPTION",
      description = "After --: options passed on to render (with --render), for example"
          + " -- --format landscape --music none.")
  List<String> renderArgs = new ArrayList<>();

  @Option(names = "--genre", paramLabel = "NAME|FILE",
      description = "A genre preset (" + Preset.SHIPPED_NAMES + ") or a preset file (.json):"
          + " the writer gets the genre and how it should read; --render also gets its look and"
          + " sound.")
  String genre;

  @Option(names = "--words", paramLabel = "N",
      description = "About how many words, " + WriteRequest.MIN_WORDS + ".."
          + WriteRequest.MAX_WORDS + ". Default: " + WriteRequest.DEFAULT_WORDS + ".")
  Integer words;

  @Option(names = "--seconds", paramLabel = "N",
      description = "About how long the narration should be, in seconds, instead of --words ("
          + WriteRequest.WORDS_PER_MINUTE + " words a minute).")
  Integer seconds;

  @Option(names = "--audience", paramLabel = "TEXT",
      description = "Who the story is for, for example 'children of six'.")
  String audience;

  @Option(names = "--language", paramLabel = "TAG", defaultValue = "en",
      description = "The language to write in, as a BCP 47 tag (en, de, pt-BR). Default:"
          + " ${DEFAULT-VALUE}.")
  String language;

  @Option(names = "--writer", paramLabel = "NAME",
      description = "The writer: openai (paid; or any OpenAI-compatible server with"
          + " --openai-base-url). Required: there is no offline writer.")
  String writer;

  @Option(names = {"-o", "--output"}, paramLabel = "DIR", defaultValue = "out/story",
      description = "Where story.txt (and with --render the video) goes. Default:"
          + " ${DEFAULT-VALUE}.")
  Path output;

  @Option(names = "--render", description = "Render the story into DIR once it is written.")
  boolean render;

  @Option(names = "--moderator", paramLabel = "NAME",
      description = "Check the idea before the writer is paid (and, with --render, the"
          + " story's texts before any paid asset), for example openai. Default: off.")
  String moderator;

  @Option(names = "--openai-base-url", paramLabel = "URL",
      description = "OpenAI or a compatible server, for example http://localhost:11434/v1."
          + " Key: OPENAI_API_KEY, or several rotated: OPENAI_API_KEYS=k1,k2.")
  String openaiBaseUrl;

  @Option(names = "--budget-usd", paramLabel = "N",
      converter = StoryReelCli.DecimalConverter.class,
      description = "Stop before writing would cost more than N US dollars (estimated); with"
          + " --render the render gets the same limit.")
  BigDecimal budgetUsd;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "A provider setting, for example openai.model.writer=gpt-4o or"
          + " openai.apiKeys=k1,k2. Repeatable; passed on to render.")
  Map<String, String> settings = new LinkedHashMap<>();

  @Option(names = "--no-cache",
      description = "Write again instead of reusing a story already written for this idea.")
  boolean noCache;

  @Option(names = "--force",
      description = "Replace a DIR/story.txt that holds another story (and, with --render, a"
          + " finished video of other inputs).")
  boolean force;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      if (!render && !renderArgs.isEmpty()) {
        throw new InvalidInputException("Options after -- go to render; add --render, or leave"
            + " them out (" + String.join(" ", renderArgs) + ").");
      }
      if (budgetUsd != null && budgetUsd.signum() < 0) {
        throw new InvalidInputException("--budget-usd must be 0 or more, was " + budgetUsd
            + ".");
      }
      Preset preset = genre == null ? null : Preset.resolve(genre);
      WriteRequest request = request(preset);
      // Checked as render checks them (keys declared, values in range) before anything is paid.
      StoryReelCli.Render check = new StoryReelCli.Render();
      check.settings = new LinkedHashMap<>(settings);
      check.openaiBaseUrl = openaiBaseUrl;
      Map<String, String> ps = check.checkedSettings();
      if (Files.exists(output) && !Files.isDirectory(output)) {
        throw new InvalidInputException("-o " + output + " is a file, not a folder. Give the"
            + " folder the story should go to.");
      }
      StoryReel.Builder b = StoryReel.builder().providerSettings(new ProviderSettings(ps))
          .moderator(moderator).budgetUsd(budgetUsd).cache(!noCache).preset(preset);
      if (writer != null) {
        b.writer(writer);
      }
      StoryReel reel;
      try {
        reel = b.build();
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException(StoryReelCli.userMessage(e));
      }
      if (reel.writer().isEmpty()) {
        // The library's message names the builder call; the CLI names the flag.
        throw new ConfigurationException("No story writer is named, and there is no offline"
            + " writer: a story is written by a language model. Add --writer openai (key:"
            + " OPENAI_API_KEY), or --writer openai --openai-base-url URL for a local"
            + " OpenAI-compatible server. Or write the story yourself and use storyreel render.");
      }
      Path storyFile = output.resolve("story.txt");
      WrittenStory w;
      try {
        w = reel.write(request, new LocalStorage(output));
      } catch (InvalidInputException | ConfigurationException e) {
        throw e;
      } catch (CancellationException e) {
        err.println("storyreel: cancelled");
        return StoryReelCli.EXIT_CANCELLED;
      } catch (StoryReelException e) {
        err.println("storyreel: writing failed: " + StoryReelCli.userMessage(e));
        return StoryReelCli.EXIT_FAILED;
      }
      String text = w.fileText();
      if (Files.isRegularFile(storyFile) && !force
          && !Files.readString(storyFile, StandardCharsets.UTF_8).equals(text)) {
        err.println("storyreel: " + storyFile + " holds another story and was kept. The new"
            + " story is in " + output + "'s cache: run the same command with --force to"
            + " replace the file (nothing is paid again), or choose another -o.");
        return StoryReelCli.EXIT_BAD_INPUT;
      }
      writeAtomically(storyFile, text);
      Usage u = w.writtenFrom().usage();
      out.println("Wrote \"" + w.story().title() + "\" (" + Words.split(w.story().text()).size()
          + " words) to " + storyFile + (w.writtenFrom().cache().hit()
              ? ", from the cache (nothing paid)"
              : u != null && u.estimatedCostUsd().signum() > 0
                  ? ", estimated cost $" + u.estimatedCostUsd().toPlainString() : "")
          + ".");
      out.flush();
      if (!render) {
        out.println("Render it with: storyreel render " + storyFile + " -o " + output
            + (genre != null ? " --genre " + genre : ""));
        return 0;
      }
      return renderIt(storyFile);
    } catch (InvalidInputException | ConfigurationException e) {
      err.println("storyreel: " + StoryReelCli.userMessage(e));
      return StoryReelCli.EXIT_BAD_INPUT;
    } catch (IOException e) {
      err.println("storyreel: could not write " + output.resolve("story.txt") + ": "
          + StoryReelCli.userMessage(e));
      return StoryReelCli.EXIT_FAILED;
    } finally {
      out.flush();
      err.flush();
    }
  }

  private WriteRequest request(Preset preset) {
    if (words != null && seconds != null) {
      throw new InvalidInputException("Give either --words or --seconds, not both.");
    }
    WriteRequest.Builder r = WriteRequest.builder(idea);
    if (seconds != null) {
      if (seconds < 1) {
        throw new InvalidInputException("--seconds must be 1 or more, was " + seconds + ".");
      }
      r.targetDuration(Duration.ofSeconds(seconds));
    } else if (words != null) {
      r.targetWords(words);
    }
    if (preset != null) {
      r.genre(preset.id()).genreGuidance(preset.writing() == null ? "" : preset.writing());
    }
    if (audience != null) {
      r.audience(audience);
    }
    Locale lang = Locale.forLanguageTag(language.strip());
    if (lang.getLanguage().isEmpty()) {
      throw new InvalidInputException("--language " + language + " is not a language tag; give"
          + " one such as en, de or pt-BR.");
    }
    return r.language(lang).build();
  }

  /** Runs {@code storyreel render} on the written story, with what applies to it. */
  private int renderIt(Path storyFile) {
    List<String> a = new ArrayList<>(List.of("render", storyFile.toString(), "-o",
        output.toString()));
    if (genre != null) {
      a.addAll(List.of("--genre", genre));
    }
    settings.forEach((k, v) -> a.addAll(List.of("--set", k + "=" + v)));
    if (openaiBaseUrl != null) {
      a.addAll(List.of("--openai-base-url", openaiBaseUrl));
    }
    if (moderator != null) {
      a.addAll(List.of("--moderator", moderator));
    }
    if (budgetUsd != null) {
      a.addAll(List.of("--budget-usd", budgetUsd.toPlainString()));
    }
    if (noCache) {
      a.add("--no-cache");
    }
    if (force) {
      a.add("--force");
    }
    a.addAll(renderArgs);
    CommandLine cl = StoryReelCli.commandLine();
    cl.setOut(spec.commandLine().getOut());
    cl.setErr(spec.commandLine().getErr());
    return cl.execute(a.toArray(String[]::new));
  }

  private static void writeAtomically(Path file, String text) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    try {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
