package dev.storyreel.temporal;

import dev.storyreel.core.TaskKind;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The Temporal task queues of StoryReel's work, all named from one prefix, so that a host runs
 * each kind of worker on the machines that suit it and scales each on its own:
 *
 * <ul>
 *   <li>{@code PREFIX} ({@link #workflow()}): the workflows themselves; light, any machine;
 *   <li>{@code PREFIX-planning}: the storyboard (planner, moderator), layout and timeline;
 *   <li>{@code PREFIX-images}: pictures (GPU or image-API bound);
 *   <li>{@code PREFIX-speech}: narrations, word timings, music beds and sound effects (audio
 *       APIs, network bound);
 *   <li>{@code PREFIX-clips}: video clips ({@code clip-NNN}) and any task of a kind not listed
 *       here;
 *   <li>{@code PREFIX-render}: the render and publishing (CPU bound, FFmpeg).
 * </ul>
 *
 * @param prefix the queues' common prefix: letters, digits, {@code . _ -}, 1..100 characters
 */
public record TaskQueues(String prefix) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");

  /**
   * @param prefix see the record's description
   * @throws NullPointerException if {@code prefix} is {@code null}
   * @throws IllegalArgumentException if {@code prefix} is not a valid name (the message shows it)
   */
  public TaskQueues {
    Objects.requireNonNull(prefix, "prefix");
    if (!NAME.matcher(prefix).matches()) {
      throw new IllegalArgumentException("The task queue prefix must be 1..100 letters, digits,"
          + " '.', '_' or '-', was '" + prefix + "'");
    }
  }

  /** @return the queues with prefix {@code storyreel} */
  public static TaskQueues defaults() {
    return new TaskQueues("storyreel");
  }

  /** @return the workflows' queue */
  public String workflow() {
    return prefix;
  }

  /** @return the planning queue (plan, layout, timeline) */
  public String planning() {
    return prefix + "-planning";
  }

  /** @return the pictures' queue */
  public String images() {
    return prefix + "-images";
  }

  /** @return the audio queue (narration, timings, music, effects) */
  public String speech() {
    return prefix + "-speech";
  }

  /** @return the clips' queue (and any other kind of task) */
  public String clips() {
    return prefix + "-clips";
  }

  /** @return the render and publish queue */
  public String render() {
    return prefix + "-render";
  }

  /** @return every activity queue, in the order above (the workflow queue excluded) */
  public List<String> activityQueues() {
    return List.of(planning(), images(), speech(), clips(), render());
  }

  /**
   * @param kind what a task makes; not {@code null}
   * @return the queue its activity is scheduled on
   */
  public String forKind(TaskKind kind) {
    return switch (kind) {
      case STORYBOARD, MODERATION, TIMELINE -> planning();
      case IMAGE -> images();
      case SPEECH, TIMINGS, MUSIC, EFFECT -> speech();
      case RENDER, PUBLISH -> render();
      case CLIP -> clips();
      default -> clips();
    };
  }
}
