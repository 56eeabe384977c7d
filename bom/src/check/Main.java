// Used by bom/src/check/consumer-check.sh: renders with only the README dependencies on the classpath.
package example;

import dev.storyreel.core.JobResult;
import dev.storyreel.core.Story;
import dev.storyreel.core.StoryReel;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.render.ffmpeg.FfmpegRenderer;
import java.nio.file.Files;
import java.nio.file.Path;

public final class Main {
  public static void main(String[] args) throws Exception {
    FfmpegRenderer renderer = FfmpegRenderer.builder().build();
    System.out.println("ENCODER " + renderer.resolveEncoder());
    StoryReel reel = StoryReel.builder().format(VideoFormat.of(270, 480)).renderer(renderer).build();
    JobResult result = reel.render(
        Story.of("The ferry left at dawn. Nobody on board knew the captain's name."),
        Path.of(args[0]));
    System.out.println("VIDEO " + result.video().uri() + " " + result.videoDuration());
    String manifest = Files.readString(Path.of(args[0], "manifest.json"));
    int i = manifest.indexOf("\"encoder\"");
    System.out.println("MANIFEST " + manifest.substring(i, Math.min(manifest.length(), i + 40)));
  }
}
