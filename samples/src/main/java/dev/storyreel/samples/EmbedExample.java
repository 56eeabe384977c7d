package dev.storyreel.samples;

import dev.storyreel.core.JobResult;
import dev.storyreel.core.Story;
import dev.storyreel.core.StoryReel;
import dev.storyreel.core.VideoFormat;
import java.nio.file.Path;

/**
 * The README's embedding example, compiled with the project so it cannot go stale.
 *
 * <p>{@code java -cp samples/target/storyreel.jar dev.storyreel.samples.EmbedExample STORY DIR}
 */
public final class EmbedExample {
  private EmbedExample() {}

  /**
   * @param args the story file and the output folder
   */
  public static void main(String[] args) {
    StoryReel reel = StoryReel.builder()
        .format(VideoFormat.portrait())                 // 1080x1920 at 30 fps
        .listener(event -> System.out.println(event))   // progress, from worker threads
        .build();                                       // offline providers, found on the classpath
    JobResult result = reel.render(Story.read(Path.of(args[0])), Path.of(args[1]));
    System.out.println(result.video().uri() + " " + result.videoDuration());
  }
}
