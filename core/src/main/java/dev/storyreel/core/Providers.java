package dev.storyreel.core;

import dev.storyreel.core.spi.ProviderFactory;
import dev.storyreel.core.spi.ProviderSettings;
import dev.storyreel.core.spi.SettingSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds providers on the classpath through {@link ServiceLoader} and {@link ProviderFactory}.
 *
 * <p>An explicit name wins. Without a name, the {@linkplain ProviderFactory#isAvailable()
 * available} factory with the highest {@linkplain ProviderFactory#priority() priority} among those
 * that are not {@linkplain ProviderFactory#isPaid() paid} is used: a provider that bills an
 * account (OpenAI, Replicate) is used only when named, whatever API keys the environment holds, so
 * that adding a provider module or exporting a key never makes a run cost money unasked. If the
 * only available providers of a kind are paid, the error names them and says how to name one.
 * A name that is not on the classpath, or two factories with the same name for the same kind,
 * are {@link ConfigurationException}s that list what was found and which Maven module to add.
 * A factory that fails to load is logged and skipped, so one broken plugin cannot hide the
 * others.
 *
 * <p>Thread-safe; every call scans the class loader afresh.
 */
public final class Providers {
  private static final Logger LOG = LoggerFactory.getLogger(Providers.class);

  private static final String OFFLINE_MODULE = "dev.storyreel:storyreel-providers-offline";
  private static final String FFMPEG_MODULE = "dev.storyreel:storyreel-render-ffmpeg";

  /** Provider names StoryReel publishes, and the module that brings each. */
  private static final Map<String, String> KNOWN_MODULES =
      Map.of(
          "openai", "dev.storyreel:storyreel-providers-openai",
          "replicate", "dev.storyreel:storyreel-providers-replicate",
          "s3", "dev.storyreel:storyreel-storage-s3",
          "ffmpeg", FFMPEG_MODULE,
          "rules", OFFLINE_MODULE,
          "procedural", OFFLINE_MODULE,
          "freetts", OFFLINE_MODULE);

  /**
   * The module that brings the default provider of a kind, by the kind's simple name: the one to
   * name when no provider of that kind is found at all.
   */
  private static final Map<String, String> DEFAULT_MODULES =
      Map.of(
          "StoryPlanner", OFFLINE_MODULE,
          "ImageProvider", OFFLINE_MODULE,
          "SpeechProvider", OFFLINE_MODULE,
          "MusicProvider", OFFLINE_MODULE,
          "Renderer", FFMPEG_MODULE);

  /** The builder option (and CLI flag) that names a provider of each kind. */
  private static final Map<String, String> BUILDER_OPTIONS =
      Map.of(
          "StoryPlanner", "planner",
          "ImageProvider", "images",
          "SpeechProvider", "speech",
          "Aligner", "aligner",
          "Renderer", "renderer",
          "Moderator", "moderator",
          "StoryWriter", "writer");

  private Providers() {}

  /**
   * All factories of a kind found on the context class loader (or this class's loader).
   *
   * @param type the kind, for example {@code SpeechProvider.class}
   * @param <T> the kind
   * @return the factories, highest priority first; never {@code null}
   */
  public static <T> List<ProviderFactory<T>> factories(Class<T> type) {
    Objects.requireNonNull(type, "type");
    ClassLoader cl = Thread.currentThread().getContextClassLoader();
    if (cl == null) {
      cl = Providers.class.getClassLoader();
    }
    List<ProviderFactory<T>> out = new ArrayList<>();
    @SuppressWarnings("rawtypes")
    Iterator<ProviderFactory> it = ServiceLoader.load(ProviderFactory.class, cl).iterator();
    while (true) {
      ProviderFactory<?> f;
      try {
        if (!it.hasNext()) {
          break;
        }
        f = it.next();
      } catch (ServiceConfigurationError e) {
        LOG.warn("skipping a provider factory that failed to load", e);
        continue;
      }
      try {
        if (type.equals(f.type())) {
          @SuppressWarnings("unchecked")
          ProviderFactory<T> typed = (ProviderFactory<T>) f;
          out.add(typed);
        }
      } catch (RuntimeException | LinkageError e) {
        LOG.warn("skipping provider factory {}", f.getClass(), e);
      }
    }
    out.sort(Comparator.comparingInt((ProviderFactory<T> f) -> safePriority(f)).reversed());
    return out;
  }

  /**
   * The settings that the factories of a kind declare ({@link ProviderFactory#settings()}), by
   * factory name. A factory whose {@code settings()} throws is logged and listed with none.
   *
   * @param type the kind, for example {@code ImageProvider.class}
   * @param <T> the kind
   * @return factory name to the settings it declares (empty for a factory that declares none),
   *     in priority order; never {@code null}
   */
  public static <T> Map<String, List<SettingSpec>> settings(Class<T> type) {
    Map<String, List<SettingSpec>> out = new LinkedHashMap<>();
    for (ProviderFactory<T> f : factories(type)) {
      List<SettingSpec> specs;
      try {
        specs = List.copyOf(f.settings());
      } catch (RuntimeException | LinkageError e) {
        LOG.warn("settings() threw in {}", f.getClass(), e);
        specs = List.of();
      }
      out.merge(f.name(), specs, (a, b) -> {
        List<SettingSpec> both = new ArrayList<>(a);
        both.addAll(b);
        return both;
      });
    }
    return out;
  }

  /**
   * Creates a provider of a kind.
   *
   * @param type the kind, for example {@code ImageProvider.class}
   * @param name the provider's name, case-insensitive, or {@code null} for the best available
   *     one that is not {@linkplain ProviderFactory#isPaid() paid}
   * @param settings handed to the factory; never {@code null}
   * @param <T> the kind
   * @return a new provider
   * @throws ConfigurationException if no factory has that name, several do, or (without a name)
   *     none is available; the message lists the factories found and the module to add (for
   *     the planner, images, speech and music with no provider at all: {@code
   *     dev.storyreel:storyreel-providers-offline}; for the renderer: {@code
   *     dev.storyreel:storyreel-render-ffmpeg}). Without a name, also if only paid factories are
   *     available: the message names them and says how to name one
   */
  public static <T> T create(Class<T> type, String name, ProviderSettings settings) {
    Objects.requireNonNull(settings, "settings");
    List<ProviderFactory<T>> all = factories(type);
    String kind = type.getSimpleName();
    if (name == null || name.isBlank()) {
      List<String> paid = new ArrayList<>();
      for (ProviderFactory<T> f : all) {
        if (!safeAvailable(f)) {
          continue;
        }
        if (safePaid(f)) {
          paid.add(f.name());
          continue;
        }
        return f.create(settings);
      }
      if (!paid.isEmpty()) {
        String option = BUILDER_OPTIONS.getOrDefault(kind, "the builder's option for it");
        String first = paid.get(0);
        throw new ConfigurationException(
            "No free " + kind + " is available, and a paid one is used only when it is named,"
                + " so that an API key in the environment never spends money unasked. Available"
                + " paid: " + String.join(", ", paid) + ". Name it to use it"
                + (BUILDER_OPTIONS.containsKey(kind)
                    ? " (StoryReel.builder()." + option + "(\"" + first + "\"), or --" + option
                        + " " + first + " on the command line)"
                    : "")
                + ", or add a free provider module to the classpath.");
      }
      String module = DEFAULT_MODULES.get(kind);
      throw new ConfigurationException(
          "No " + kind + " is available. Found: " + describe(all) + ". "
              + (module != null
                  ? "Add the Maven dependency " + module + " (the default " + kind
                      + "), another provider module, or pass one to the builder."
                  : "Add a provider module to the classpath or pass one to the builder."));
    }
    String wanted = name.strip().toLowerCase(Locale.ROOT);
    List<ProviderFactory<T>> named =
        all.stream().filter(f -> wanted.equals(f.name())).collect(Collectors.toList());
    if (named.isEmpty()) {
      String module = KNOWN_MODULES.get(wanted);
      throw new ConfigurationException(
          "No " + kind + " named '" + wanted + "' on the classpath. Found: " + describe(all) + ". "
              + (module != null
                  ? "Add the Maven dependency " + module + "."
                  : "Check the name, or add the module that provides it."));
    }
    if (named.size() > 1) {
      throw new ConfigurationException(
          "Several " + kind + " factories are named '" + wanted + "': "
              + named.stream().map(f -> f.getClass().getName()).collect(Collectors.joining(", "))
              + ". Remove the duplicate jar from the classpath.");
    }
    return named.get(0).create(settings);
  }

  private static String describe(List<? extends ProviderFactory<?>> all) {
    if (all.isEmpty()) {
      return "none";
    }
    return all.stream()
        .map(f -> f.name() + (safeAvailable(f) ? "" : " (unavailable)")
            + (safePaid(f) ? " (paid)" : ""))
        .collect(Collectors.joining(", "));
  }

  private static boolean safeAvailable(ProviderFactory<?> f) {
    try {
      return f.isAvailable();
    } catch (RuntimeException | LinkageError e) {
      LOG.warn("isAvailable() threw in {}", f.getClass(), e);
      return false;
    }
  }

  /** A factory whose {@code isPaid()} throws is taken as paid: never chosen unnamed. */
  private static boolean safePaid(ProviderFactory<?> f) {
    try {
      return f.isPaid();
    } catch (RuntimeException | LinkageError e) {
      LOG.warn("isPaid() threw in {}", f.getClass(), e);
      return true;
    }
  }

  private static int safePriority(ProviderFactory<?> f) {
    try {
      return f.priority();
    } catch (RuntimeException e) {
      return 0;
    }
  }
}
