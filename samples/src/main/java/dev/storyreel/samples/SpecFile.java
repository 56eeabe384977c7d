package dev.storyreel.samples;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.storyreel.core.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * A {@code --spec FILE}: JSON or YAML (YAML reads both) holding render options by their long
 * names without the dashes, for example {@code {"format": "landscape", "music": "none", "set":
 * {"openai.model.image": "dall-e-3"}}}. Precedence: the command line, then the spec file, then the
 * defaults; {@code set} maps merge, a key on the command line winning. A flag takes {@code
 * true}/{@code false}; a repeatable option takes a list. Values are converted and checked by
 * picocli exactly as on the command line. Stateless; thread-safe.
 */
final class SpecFile {
  private static final ObjectMapper YAML = new YAMLMapper();

  /** Options a spec file may not hold: they are about this run of the program itself. */
  private static final List<String> NOT_IN_SPEC = List.of("--spec", "--help", "--version");

  private SpecFile() {}

  /**
   * Applies the spec file's options to a parsed command, for each option that the command line
   * did not give.
   *
   * @param file the spec file; never {@code null}
   * @param spec the parsed render command's spec; never {@code null}
   * @param parsed its parse result; never {@code null}
   * @param fresh a new, unparsed instance of the same command, used to convert the file's values
   * @throws InvalidInputException if the file is missing, unreadable, not a JSON/YAML mapping,
   *     names an unknown option (with a suggestion) or holds a value the option refuses
   */
  static void apply(Path file, CommandSpec spec, ParseResult parsed, Object fresh) {
    Map<String, Object> values = read(file);
    List<String> args = new ArrayList<>();
    for (Map.Entry<String, Object> e : values.entrySet()) {
      String key = e.getKey();
      OptionSpec o = spec.findOption("--" + key);
      if (o == null || NOT_IN_SPEC.contains(o.longestName()) || key.startsWith("-")) {
        TreeSet<String> known = new TreeSet<>();
        spec.options().stream().map(OptionSpec::longestName).filter(n -> n.startsWith("--"))
            .filter(n -> !NOT_IN_SPEC.contains(n)).forEach(n -> known.add(n.substring(2)));
        String near = StoryReelCli.Render.closest(key, known);
        throw new InvalidInputException("--spec " + file + ": unknown option '" + key + "'."
            + (near != null ? " Did you mean '" + near + "'?" : "")
            + " A spec file holds render options by their long names, for example format,"
            + " music or set (see storyreel render --help).");
      }
      Object v = e.getValue();
      String name = o.longestName();
      if (v == null) {
        continue;
      }
      if (o.arity().max() == 0) {
        if (!(v instanceof Boolean b)) {
          throw new InvalidInputException("--spec " + file + ": '" + key + "' is a flag; give"
              + " it true or false, not " + v + ".");
        }
        if (b) {
          args.add(name);
        }
      } else if (v instanceof Map<?, ?> m) {
        if (!o.isMultiValue()) {
          throw new InvalidInputException("--spec " + file + ": '" + key + "' takes one value,"
              + " not a mapping.");
        }
        m.forEach((k, x) -> {
          args.add(name);
          args.add(k + "=" + x);
        });
      } else if (v instanceof List<?> l) {
        if (!o.isMultiValue()) {
          throw new InvalidInputException("--spec " + file + ": '" + key + "' takes one value,"
              + " not a list.");
        }
        for (Object x : l) {
          args.add(name);
          args.add(String.valueOf(x));
        }
      } else {
        args.add(name);
        args.add(String.valueOf(v));
      }
    }
    if (!parsed.matchedPositionals().isEmpty()) {
      args.add("--");
      for (String s : parsed.matchedPositionals().get(0).stringValues()) {
        args.add(s);
      }
    }
    ParseResult fromFile;
    try {
      CommandLine scratch = new CommandLine(fresh);
      fromFile = scratch.parseArgs(args.toArray(String[]::new));
    } catch (CommandLine.ParameterException e) {
      throw new InvalidInputException("--spec " + file + ": " + e.getMessage());
    }
    for (OptionSpec so : fromFile.matchedOptions()) {
      OptionSpec mine = spec.findOption(so.longestName());
      if (!parsed.hasMatchedOption(mine)) {
        mine.setValue(so.getValue());
      } else if (mine.getValue() instanceof Map<?, ?> cli && so.getValue() instanceof Map<?, ?> f) {
        Map<Object, Object> merged = new LinkedHashMap<>(f);
        merged.putAll(cli);
        mine.setValue(merged);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new InvalidInputException("--spec " + file + (Files.exists(file)
          ? " is not a regular file." : " does not exist.")
          + " Give a JSON or YAML file such as {\"format\": \"landscape\"}.");
    }
    Object tree;
    try {
      tree = YAML.readValue(file.toFile(), Object.class);
    } catch (JacksonException e) {
      String where = e.getLocation() == null ? ""
          : " (line " + e.getLocation().getLineNr() + ")";
      throw new InvalidInputException("--spec " + file + " is not valid JSON or YAML" + where
          + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new InvalidInputException("--spec " + file + " could not be read: "
          + StoryReelCli.userMessage(e));
    }
    if (tree == null) {
      return Map.of();
    }
    if (!(tree instanceof Map<?, ?>)) {
      throw new InvalidInputException("--spec " + file + " must hold a mapping of option names"
          + " to values, such as {\"format\": \"landscape\"}.");
    }
    return (Map<String, Object>) tree;
  }
}
