package dev.storyreel.core;

import java.nio.file.Path;

/** Core's fakes for tests in other packages of core. */
public final class TestFakes {
  private TestFakes() {}

  /**
   * @param dir a temporary folder for the job's work
   * @return a builder with the fake planner, images, speech and renderer, no music
   */
  public static StoryReel.Builder reel(Path dir) {
    return StoryReel.builder().planner(new Fakes.Sentences()).images(new Fakes.Images())
        .speech(new Fakes.Speech(true)).renderer(new Fakes.Render()).music("none")
        .workDir(dir.resolve("work"));
  }
}
