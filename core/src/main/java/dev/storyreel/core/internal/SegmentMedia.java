package dev.storyreel.core.internal;

import dev.storyreel.core.ConfigurationException;
import dev.storyreel.core.InvalidInputException;
import dev.storyreel.core.Plan;
import dev.storyreel.core.http.ClipChecks;
import dev.storyreel.core.http.ImageChecks;
import dev.storyreel.core.http.SafeDownload;
import dev.storyreel.core.spi.Renderer;
import dev.storyreel.core.spi.VideoInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Which segments of one job move: the segments whose clip the clip provider makes (from the
 * job's {@link ClipSettings#selection()} and a plan's {@code clip} shots), and the segments that
 * show the user's own clip or still ({@link Plan.Shot#media()}), which make no image or clip
 * call. Resolved and checked before anything is paid for. Immutable and thread-safe.
 *
 * @param clips the segments whose clip the provider makes, from 0; never one with media
 * @param media the user's files by segment
 * @param videos the segments whose media is a video (the others' is a still)
 */
record SegmentMedia(SortedSet<Integer> clips, Map<Integer, Path> media, Set<Integer> videos) {
  /** No clip and no media. */
  static final SegmentMedia NONE = new SegmentMedia(new TreeSet<>(), Map.of(), Set.of());

  SegmentMedia {
    clips = Collections.unmodifiableSortedSet(new TreeSet<>(clips));
    media = Map.copyOf(media);
    videos = Set.copyOf(videos);
  }

  /**
   * Resolves a job's motion without reading any file.
   *
   * @param cfg the job's settings
   * @param plan the plan given to the job, or {@code null}
   * @param segmentCount how many segments the storyboard has
   * @return the motion; media not yet checked ({@link #checked})
   * @throws InvalidInputException if a clip index is not a segment
   * @throws ConfigurationException if clips are asked for and no clip provider is set
   */
  static SegmentMedia resolve(Pipeline.Config cfg, @Nullable Plan plan, int segmentCount) {
    ClipSettings s = cfg.clips() == null ? ClipSettings.NONE : cfg.clips();
    Set<Integer> fromPlan = new TreeSet<>();
    Map<Integer, Path> media = new LinkedHashMap<>();
    if (plan != null) {
      for (Plan.Shot shot : plan.shots()) {
        if (shot.media() != null) {
          media.put(shot.index(), shot.media());
        } else if (shot.clip()) {
          fromPlan.add(shot.index());
        }
      }
    }
    TreeSet<Integer> clips = new TreeSet<>(s.selection().resolve(segmentCount, fromPlan));
    clips.removeAll(media.keySet());
    if (!clips.isEmpty() && s.provider() == null) {
      throw new ConfigurationException("Clips are asked for segment" + (clips.size() == 1 ? " "
          : "s ") + clips + ", but no clip provider is set. Name one (StoryReel.builder()"
          + ".clipProvider(\"replicate\"); the CLI uses replicate with --clips), or turn the"
          + " plan's clips off.");
    }
    return new SegmentMedia(clips, media, Set.of());
  }

  /**
   * Checks every user file: it exists and is readable, and decodes: a PNG or JPEG through
   * {@link ImageChecks}, anything else as a video through the renderer's {@link
   * Renderer#probeVideo} (pixel and duration caps of {@link ClipChecks} applied).
   *
   * @param renderer the job's renderer
   * @return this motion with the video segments known
   * @throws InvalidInputException naming the segment, the file and what is wrong with it
   */
  SegmentMedia checked(Renderer renderer) {
    Set<Integer> vids = new TreeSet<>();
    for (Map.Entry<Integer, Path> e : media.entrySet()) {
      if (isVideo(e.getKey(), e.getValue(), renderer)) {
        vids.add(e.getKey());
      }
    }
    return new SegmentMedia(clips, media, vids);
  }

  /** @return whether segment {@code i}'s file is a video (checked) rather than a still */
  private static boolean isVideo(int i, Path file, Renderer renderer) {
    String field = "segments[" + i + "].media";
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new InvalidInputException(field + ": " + file + (Files.exists(file)
          ? " is not a readable file" : " does not exist") + ". Give the path of a video (MP4,"
          + " MOV, WebM) or a still (PNG, JPEG), relative to the plan's folder.");
    }
    byte[] head;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(16);
    } catch (IOException e) {
      throw new InvalidInputException(field + ": " + file + " cannot be read: " + e.getMessage()
          + ".", e);
    }
    if (SafeDownload.sniffImage(head) != null) {
      try {
        ImageChecks.decode("media", Files.readAllBytes(file), ImageChecks.DEFAULT_MAX_PIXELS,
            field);
      } catch (IOException | RuntimeException e) {
        throw new InvalidInputException(field + ": the still " + file + " does not decode ("
            + e.getMessage() + "). Give a PNG or JPEG that opens in an image viewer.", e);
      }
      return false;
    }
    VideoInfo info;
    try {
      info = renderer.probeVideo(file);
    } catch (UnsupportedOperationException e) {
      throw new InvalidInputException(field + ": " + file + " is not a PNG or JPEG, and the"
          + " renderer " + renderer.name() + " cannot decode video. " + e.getMessage(), e);
    } catch (InvalidInputException e) {
      throw new InvalidInputException(field + ": " + e.getMessage(), e);
    }
    try {
      ClipChecks.checkProbed("media", info, ClipChecks.DEFAULT_MAX_PIXELS,
          Duration.ofMinutes(10), field);
    } catch (RuntimeException e) {
      throw new InvalidInputException(e.getMessage(), e);
    }
    return true;
  }

  /** @return whether segment {@code i} shows the user's own file */
  boolean hasMedia(int i) {
    return media.containsKey(i);
  }
}
