package dev.storyreel.samples;

import dev.storyreel.core.Providers;
import dev.storyreel.core.StoryReelException;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.SpeechProvider;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code storyreel voices [--speech NAME]}: the voices of a speech provider ({@link
 * SpeechProvider#voices()}) and its language ({@link SpeechProvider#language()}). Creating the
 * provider reads its key from the environment but makes no call. Exit 0, or 2 when the provider
 * is unknown or cannot be created.
 */
@Command(
    name = "voices",
    mixinStandardHelpOptions = true,
    description = "List the voices of a speech provider, for render --voice NAME.")
final class VoicesCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--speech", paramLabel = "NAME", defaultValue = "freetts",
      description = "Speech provider: freetts (offline), openai or elevenlabs (lists the"
          + " account's voices: each name, then its id). Default: ${DEFAULT-VALUE}.")
  String speech;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "A provider setting, as for render. Repeatable.")
  Map<String, String> settings = new java.util.LinkedHashMap<>();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    SpeechProvider p;
    try {
      p = Providers.create(SpeechProvider.class, speech, new ProviderSettings(settings));
    } catch (StoryReelException | IllegalArgumentException e) {
      err.println("storyreel: " + StoryReelCli.userMessage(e));
      err.flush();
      return StoryReelCli.EXIT_BAD_INPUT;
    }
    try {
      List<String> voices;
      try {
        voices = p.voices(); // elevenlabs lists the account's voices over the network
      } catch (StoryReelException e) {
        err.println("storyreel: " + StoryReelCli.userMessage(e));
        err.flush();
        return StoryReelCli.EXIT_BAD_INPUT;
      }
      out.println("Speech provider " + speech.strip() + ", language "
          + p.language().toLanguageTag() + ":");
      if (voices.isEmpty()) {
        out.println("  (it lists no voices; it uses its default voice)");
      }
      for (String v : voices) {
        out.println("  " + v);
      }
      out.println("Use one with: storyreel render STORY --speech " + speech.strip()
          + " --voice NAME");
      out.flush();
      return 0;
    } finally {
      if (p instanceof AutoCloseable c) {
        try {
          c.close();
        } catch (Exception e) {
          // nothing to keep: the list was printed
        }
      }
    }
  }
}
