package dev.storyreel.samples;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Groups {@code storyreel render --help}'s options under headings (Output, Story, Providers,
 * Soundtrack, Rendering, Budget, Other) without moving the option fields into {@code @ArgGroup}
 * classes: the fields stay in one place, and an option added later that is not listed here is
 * shown under Other. Used as the render command's {@code modelTransformer}. Stateless and
 * thread-safe.
 */
final class HelpLayout implements CommandLine.IModelTransformer {

  /** Heading to the long option names under it, in the order shown. */
  static final Map<String, List<String>> GROUPS = new LinkedHashMap<>();

  static {
    GROUPS.put("Output", List.of("--output", "--storage", "--s3-endpoint", "--s3-path-style",
        "--s3-region", "--force", "--no-cache", "--stems"));
    GROUPS.put("Story", List.of("--storyboard", "--max-chars", "--style", "--seed", "--mood",
        "--voice"));
    GROUPS.put("Providers", List.of("--planner", "--images", "--speech", "--aligner",
        "--moderator", "--openai-base-url", "--replicate-base-url", "--set"));
    GROUPS.put("Soundtrack", List.of("--music", "--music-gain", "--duck-db", "--sfx",
        "--loudness", "--true-peak"));
    GROUPS.put("Rendering", List.of("--format", "--fps", "--workers", "--codec", "--preset",
        "--crf", "--bitrate", "--gop", "--transition", "--transition-ms"));
    GROUPS.put("Captions", List.of("--caption-style", "--caption-font", "--caption-size",
        "--caption-position", "--captions"));
    GROUPS.put("Background and overlays", List.of("--background", "--background-blur",
        "--background-dim", "--background-gain", "--title", "--end-card", "--watermark",
        "--watermark-corner", "--watermark-opacity"));
    GROUPS.put("Budget", List.of("--budget-usd", "--price-table"));
  }

  @Override
  public CommandSpec transform(CommandSpec spec) {
    Map<String, CommandLine.IHelpSectionRenderer> sections =
        new LinkedHashMap<>(spec.usageMessage().sectionMap());
    sections.put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST_HEADING, h -> "");
    sections.put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST,
        HelpLayout::optionList);
    spec.usageMessage().sectionMap(sections);
    return spec;
  }

  /** The option list, group by group; options in no group come last, under Other. */
  static String optionList(Help help) {
    CommandSpec spec = help.commandSpec();
    Set<OptionSpec> shown = new LinkedHashSet<>();
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, List<String>> g : GROUPS.entrySet()) {
      List<OptionSpec> opts = new ArrayList<>();
      for (String name : g.getValue()) {
        OptionSpec o = spec.findOption(name);
        if (o != null && !o.hidden() && shown.add(o)) {
          opts.add(o);
        }
      }
      section(help, sb, g.getKey(), opts);
    }
    List<OptionSpec> rest = new ArrayList<>();
    for (OptionSpec o : spec.options()) {
      if (!o.hidden() && !shown.contains(o)) {
        rest.add(o);
      }
    }
    section(help, sb, "Other", rest);
    return sb.toString();
  }

  private static void section(Help help, StringBuilder sb, String heading, List<OptionSpec> opts) {
    if (opts.isEmpty()) {
      return;
    }
    sb.append(System.lineSeparator()).append(heading).append(':').append(System.lineSeparator());
    Help.Layout layout = help.createDefaultLayout();
    Help.IParamLabelRenderer labels = help.createDefaultParamLabelRenderer();
    for (OptionSpec o : opts) {
      layout.addOption(o, labels);
    }
    sb.append(layout);
  }
}
