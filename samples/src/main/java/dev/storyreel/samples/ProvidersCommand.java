package dev.storyreel.samples;

import dev.storyreel.core.Providers;
import dev.storyreel.core.spi.Aligner;
import dev.storyreel.core.spi.ImageProvider;
import dev.storyreel.core.spi.Moderator;
import dev.storyreel.core.spi.MusicProvider;
import dev.storyreel.core.spi.ProviderFactory;
import dev.storyreel.core.spi.Renderer;
import dev.storyreel.core.spi.SoundEffectProvider;
import dev.storyreel.core.spi.SpeechProvider;
import dev.storyreel.core.spi.Storage;
import dev.storyreel.core.spi.StoryPlanner;
import dev.storyreel.core.spi.StoryWriter;
import java.io.PrintWriter;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.jar.JarFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code storyreel providers}: a table of every provider factory on the class path (found through
 * {@link java.util.ServiceLoader}), with its kind, the module it comes from, whether it can work
 * here and now and whether it bills an account. Touches no network (the {@link ProviderFactory}
 * contract). Not thread-safe; picocli makes one instance per run.
 */
@Command(
    name = "providers",
    mixinStandardHelpOptions = true,
    description = "List the provider factories found on the class path: kind, module, whether"
        + " each is available here and now (and why not), and whether it is paid.")
final class ProvidersCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** The kinds, by the name {@code providers} shows, in the order a job uses them. */
  static final Map<String, Class<?>> KINDS = new LinkedHashMap<>();

  static {
    KINDS.put("planner", StoryPlanner.class);
    KINDS.put("images", ImageProvider.class);
    KINDS.put("speech", SpeechProvider.class);
    KINDS.put("aligner", Aligner.class);
    KINDS.put("moderator", Moderator.class);
    KINDS.put("writer", StoryWriter.class);
    KINDS.put("music", MusicProvider.class);
    KINDS.put("sfx", SoundEffectProvider.class);
    KINDS.put("renderer", Renderer.class);
    KINDS.put("storage", Storage.class);
  }

  /** What unavailable factories of StoryReel's own modules need, by provider name. */
  private static final Map<String, String> NEEDS = Map.of(
      "openai", "no key: set OPENAI_API_KEY (or --openai-base-url to a local server)",
      "replicate", "no key: set REPLICATE_API_TOKEN",
      "elevenlabs", "no key: set ELEVENLABS_API_KEY");

  /**
   * One row of the table.
   *
   * @param name the provider's name, as {@code --images NAME} takes it; never {@code null}
   * @param kind the kind, a key of {@link #KINDS}; never {@code null}
   * @param module the module name (JPMS name, else the jar's {@code Automatic-Module-Name}, else
   *     the jar or folder name); never {@code null}
   * @param available whether {@link ProviderFactory#isAvailable()} said yes
   * @param why why it is not available, empty when it is; never {@code null}
   * @param paid {@link ProviderFactory#isPaid()}
   */
  record Row(String name, String kind, String module, boolean available, String why,
      boolean paid) {}

  /**
   * Every factory found, kind by kind in the order of {@link #KINDS}, highest priority first.
   *
   * @return the rows; never {@code null}
   */
  static List<Row> rows() {
    List<Row> rows = new ArrayList<>();
    for (Map.Entry<String, Class<?>> k : KINDS.entrySet()) {
      for (ProviderFactory<?> f : Providers.factories(k.getValue())) {
        boolean available = safe(f::isAvailable, false);
        boolean paid = safe(f::isPaid, true);
        String name = safe(f::name, f.getClass().getSimpleName());
        String why = available ? ""
            : NEEDS.getOrDefault(name, "its factory says it cannot work here (a key or a"
                + " setting is missing; see its documentation)");
        rows.add(new Row(name, k.getKey(), module(f.getClass()), available, why, paid));
      }
    }
    return rows;
  }

  private static <T> T safe(java.util.function.Supplier<T> s, T fallback) {
    try {
      return s.get();
    } catch (RuntimeException e) {
      return fallback;
    }
  }

  /**
   * The module a class comes from: its JPMS module name, else its jar's {@code
   * Automatic-Module-Name}, else the jar's file name, else (classes in a build folder) the
   * project folder's name.
   */
  static String module(Class<?> c) {
    if (c.getModule().isNamed()) {
      return c.getModule().getName();
    }
    try {
      URL loc = c.getProtectionDomain().getCodeSource().getLocation();
      Path p = Path.of(loc.toURI());
      if (Files.isRegularFile(p)) {
        try (JarFile jar = new JarFile(p.toFile())) {
          String name = jar.getManifest() == null ? null
              : jar.getManifest().getMainAttributes().getValue("Automatic-Module-Name");
          return name != null ? name : p.getFileName().toString();
        }
      }
      // target/classes of a module in a build: name the module's folder
      Path project = p.getParent() != null && p.getParent().getParent() != null
          ? p.getParent().getParent() : p;
      return project.getFileName() + " (classes folder)";
    } catch (Exception | LinkageError e) {
      return "unknown";
    }
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    List<Row> rows = rows();
    List<String[]> cells = new ArrayList<>();
    cells.add(new String[] {"NAME", "KIND", "MODULE", "AVAILABLE", "PAID"});
    for (Row r : rows) {
      cells.add(new String[] {r.name(), r.kind(), r.module(),
          r.available() ? "yes" : "no: " + r.why(), r.paid() ? "paid" : "free"});
    }
    Table.print(out, cells);
    out.println();
    out.println(rows.size() + " providers. Paid ones are used only when named (for example"
        + " --images openai).");
    out.flush();
    return 0;
  }

  /** A plain text table, columns padded to their widest cell; the last column is not padded. */
  static final class Table {
    private Table() {}

    static void print(PrintWriter out, List<String[]> rows) {
      int cols = rows.get(0).length;
      int[] width = new int[cols];
      for (String[] r : rows) {
        for (int i = 0; i < cols; i++) {
          width[i] = Math.max(width[i], r[i].length());
        }
      }
      for (String[] r : rows) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cols; i++) {
          b.append(i == cols - 1 ? r[i] : String.format(Locale.ROOT, "%-" + width[i] + "s  ", r[i]));
        }
        out.println(b.toString().stripTrailing());
      }
    }
  }
}
