package dev.storyreel.samples;

import dev.storyreel.core.JobState;
import dev.storyreel.core.ProgressEvent;
import dev.storyreel.core.ProgressListener;
import dev.storyreel.core.StoryReelException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
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
 * <p>A streaming render's {@link ProgressEvent.SegmentStatus} events are summed up in one
 * compact line, for example {@code segments: 2 composed, 5 ready, 3 generating, render waiting
 * on 6} (see {@link Segments#summary()}): on a terminal as the open bar's extra message; off a
 * terminal as a line each time the render starts waiting for a picture, and when all, or each
 * further quarter, of the segments are composed.
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
  private final Segments segments = new Segments();
  private int segmentCount;
  private int lastComposedQuarter;

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
      segmentCount = p.segmentCount();
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
    } else if (e instanceof ProgressEvent.SegmentStatus st) {
      onSegment(st);
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

  private void onSegment(ProgressEvent.SegmentStatus st) {
    segments.apply(st);
    String summary = segments.summary();
    if (terminal) {
      ProgressBar open = frames != null ? frames : assets;
      if (open != null) {
        open.setExtraMessage(" " + summary);
      }
      return;
    }
    if (st.phase() == ProgressEvent.SegmentPhase.WAITING && segments.isWaiting(st.segment())) {
      line(summary);
    } else if (st.phase() == ProgressEvent.SegmentPhase.COMPOSED) {
      int total = Math.max(segmentCount, segments.known());
      int quarter = (int) (4L * segments.composed() / total);
      if (quarter > lastComposedQuarter) {
        lastComposedQuarter = quarter;
        line(summary);
      }
    }
  }

  /**
   * Where each segment's picture stands in a streaming render, from its {@link
   * ProgressEvent.SegmentStatus} events, whatever order they come in. Not thread-safe (the
   * {@link Progress} that holds it handles one event at a time).
   */
  static final class Segments {
    private static final int GENERATING = 1;
    private static final int READY = 2;
    private static final int WAITING = 4;
    private static final int COMPOSED = 8;
    /** Segment index to the phases seen, as bits. */
    private final TreeMap<Integer, Integer> seen = new TreeMap<>();

    /** @param st one more event; never {@code null} */
    void apply(ProgressEvent.SegmentStatus st) {
      int bit = switch (st.phase()) {
        case GENERATING -> GENERATING;
        case READY -> READY;
        case WAITING -> WAITING;
        case COMPOSED -> COMPOSED;
      };
      seen.merge(st.segment(), bit, (a, b) -> a | b);
    }

    /** @return how many segments have sent any event */
    int known() {
      return seen.size();
    }

    /** @return how many segments are composed */
    int composed() {
      return (int) seen.values().stream().filter(v -> (v & COMPOSED) != 0).count();
    }

    /**
     * @param segment a segment's index
     * @return whether the render waits for that segment's picture now
     */
    boolean isWaiting(int segment) {
      int v = seen.getOrDefault(segment, 0);
      return (v & WAITING) != 0 && (v & (READY | COMPOSED)) == 0;
    }

    /**
     * The compact line: {@code segments: } then the counts that are not zero, composed, ready
     * (stored, not yet composed) and generating (started, not stored), then {@code render
     * waiting on N} (the segment indexes, from 0, as in the other lines) while the render waits
     * for a picture. For example {@code segments: 5 ready, 3 generating, render waiting on 6}.
     *
     * @return the line; {@code segments: none yet} before any event
     */
    String summary() {
      int composed = 0;
      int ready = 0;
      int generating = 0;
      List<Integer> waiting = new ArrayList<>();
      for (var e : seen.entrySet()) {
        int v = e.getValue();
        if ((v & COMPOSED) != 0) {
          composed++;
        } else if ((v & READY) != 0) {
          ready++;
        } else {
          if ((v & GENERATING) != 0) {
            generating++;
          }
          if ((v & WAITING) != 0) {
            waiting.add(e.getKey());
          }
        }
      }
      List<String> parts = new ArrayList<>();
      if (composed > 0) {
        parts.add(composed + " composed");
      }
      if (ready > 0) {
        parts.add(ready + " ready");
      }
      if (generating > 0) {
        parts.add(generating + " generating");
      }
      if (!waiting.isEmpty()) {
        StringBuilder w = new StringBuilder("render waiting on ");
        for (int i = 0; i < waiting.size(); i++) {
          w.append(i == 0 ? "" : ", ").append(waiting.get(i));
        }
        parts.add(w.toString());
      }
      return "segments: " + (parts.isEmpty() ? "none yet" : String.join(", ", parts));
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
          case "clip" -> "clip for segment " + n;
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
