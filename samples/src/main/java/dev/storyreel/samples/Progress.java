package dev.storyreel.samples;

import dev.storyreel.core.JobState;
import dev.storyreel.core.ProgressEvent;
import dev.storyreel.core.ProgressListener;
import dev.storyreel.core.StoryReelException;
import java.io.PrintWriter;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows a job's progress. On a terminal: a "Planning..." line, an Assets bar (one step per image
 * and per narration made; other tasks such as moderation or music do not count), a Frames bar and
 * a "Publishing..." line. Elsewhere (output redirected to a file or a CI log): plain lines, one per
 * state change and one per asset, never a bar. In both modes each {@link
 * ProgressEvent.TaskRetrying} prints a line such as {@code image for segment 3: retrying in 2 s
 * (HTTP 503)}.
 *
 * <p>Thread-safe: events come from the job's worker threads and are handled one at a time.
 */
final class Progress implements ProgressListener, AutoCloseable {
  private final boolean enabled;
  private final boolean terminal;
  private final PrintWriter log;
  private ProgressBar assets;
  private ProgressBar frames;
  private long assetsDone;
  private long assetsTotal;
  private int lastFramesPercent = -1;

  /**
   * @param enabled whether to show anything at all ({@code false}: {@code --no-progress})
   * @param terminal whether the output is a terminal (bars) or not (plain lines)
   * @param log where lines go; never {@code null}
   */
  Progress(boolean enabled, boolean terminal, PrintWriter log) {
    this.enabled = enabled;
    this.terminal = terminal;
    this.log = log;
  }

  @Override
  public synchronized void onEvent(ProgressEvent e) {
    if (!enabled) {
      return;
    }
    if (e instanceof ProgressEvent.JobStateChanged s) {
      onState(s.state());
    } else if (e instanceof ProgressEvent.StoryboardPlanned p) {
      assetsTotal = 2L * p.segmentCount(); // one image and one narration per segment
      assetsDone = 0;
      if (terminal) {
        assets = bar("Assets", assetsTotal);
      } else {
        line("planned " + p.segmentCount() + " segments: " + assetsTotal + " assets to make");
      }
    } else if (e instanceof ProgressEvent.TaskSucceeded t && isAsset(t.taskId())) {
      if (assetsDone < assetsTotal) {
        assetsDone++;
      }
      if (assets != null) {
        assets.stepTo(assetsDone);
      } else if (!terminal) {
        line(describe(t.taskId()) + " done (" + assetsDone + "/" + assetsTotal + ")");
      }
    } else if (e instanceof ProgressEvent.TaskRetrying r) {
      line(retryLine(r));
    } else if (e instanceof ProgressEvent.FramesRendered f) {
      if (terminal) {
        if (frames == null) {
          frames = bar("Frames", f.framesTotal());
        }
        frames.stepTo(f.framesDone());
      } else if (f.framesTotal() > 0) {
        int pct = (int) (100 * f.framesDone() / f.framesTotal());
        if (pct / 25 > lastFramesPercent / 25 || (pct == 100 && lastFramesPercent != 100)) {
          lastFramesPercent = pct;
          line("frames " + f.framesDone() + "/" + f.framesTotal());
        }
      }
    }
  }

  private void onState(JobState state) {
    if (state == JobState.RENDERING || state.isTerminal()) {
      closeAssets();
    }
    if (state == JobState.PUBLISHING || state.isTerminal()) {
      closeFrames();
    }
    switch (state) {
      case PLANNING -> line(terminal ? "Planning..." : "planning");
      case GENERATING_ASSETS -> { if (!terminal) { line("making assets"); } }
      case RENDERING -> { if (!terminal) { line("rendering"); } }
      case PUBLISHING -> line(terminal ? "Publishing..." : "publishing");
      default -> { if (!terminal) { line(state.name().toLowerCase(Locale.ROOT)); } }
    }
  }

  /** Whether a task makes one of the assets the Assets bar counts: an image or a narration. */
  static boolean isAsset(String taskId) {
    return taskId.startsWith("image-") || taskId.startsWith("speech-");
  }

  /**
   * A task id for a person: {@code image-003} is "image for segment 3", {@code speech-003}
   * "narration for segment 3", {@code music-001} "music part 1"; others are shown as they are.
   *
   * @param taskId the task's id; never {@code null}
   * @return the description; never {@code null}
   */
  static String describe(String taskId) {
    int dash = taskId.indexOf('-');
    if (dash > 0) {
      String kind = taskId.substring(0, dash);
      String rest = taskId.substring(dash + 1);
      String n = rest.replaceFirst("^0+(?=\\d)", "");
      if (rest.matches("\\d+")) {
        return switch (kind) {
          case "image" -> "image for segment " + n;
          case "speech" -> "narration for segment " + n;
          case "music" -> "music part " + n;
          default -> taskId;
        };
      }
    }
    return taskId;
  }

  /**
   * The line for a retry, for example {@code image for segment 3: retrying in 2 s (HTTP 503)}.
   *
   * @param r the event; never {@code null}
   * @return the line, no credential and no Java class name in it
   */
  static String retryLine(ProgressEvent.TaskRetrying r) {
    long ms = r.delay().toMillis();
    String in = ms % 1000 == 0 ? (ms / 1000) + " s"
        : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    String why;
    if (r.cause() instanceof StoryReelException s && s.httpStatus().isPresent()) {
      why = "HTTP " + s.httpStatus().getAsInt();
    } else {
      why = StoryReelCli.userMessage(r.cause());
      if (why.length() > 80) {
        why = why.substring(0, 77) + "...";
      }
    }
    return describe(r.taskId()) + ": retrying in " + in + " (" + why + ")";
  }

  private void line(String s) {
    if (assets != null || frames != null) {
      // a bar owns the line: print above it
      log.println();
    }
    log.println(s);
    log.flush();
  }

  private static ProgressBar bar(String name, long max) {
    return new ProgressBarBuilder()
        .setTaskName(name)
        .setInitialMax(max)
        .setStyle(ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(500)
        .build();
  }

  /** @return how many assets were counted so far, never more than planned */
  synchronized long assetsDone() {
    return assetsDone;
  }

  private void closeAssets() {
    if (assets != null) {
      assets.close();
      assets = null;
    }
  }

  private void closeFrames() {
    if (frames != null) {
      frames.close();
      frames = null;
    }
  }

  @Override
  public synchronized void close() {
    closeAssets();
    closeFrames();
  }
}
