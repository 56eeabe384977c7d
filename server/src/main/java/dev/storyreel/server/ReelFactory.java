package dev.storyreel.server;

import dev.storyreel.core.StoryReel;

/**
 * Makes the {@link StoryReel.Builder} a job runs with, from its request. The server then adds
 * its own listener and the approval setting. Called on a worker thread, once per run; must be
 * thread-safe.
 */
@FunctionalInterface
public interface ReelFactory {

  /**
   * @param request the job's validated request
   * @return a builder with the job's format and providers; never {@code null}
   * @throws dev.storyreel.core.StoryReelException if a provider cannot be found or configured
   */
  StoryReel.Builder builder(JobRequest request);

  /**
   * The default: the request's format, voice, style, budget, music and providers by name, and
   * otherwise the library's defaults (the offline providers).
   *
   * @return the factory
   */
  static ReelFactory standard() {
    return request -> {
      JobRequest.Options o = request.opts();
      JobRequest.Providers p = request.providerNames();
      StoryReel.Builder b = StoryReel.builder().format(request.toFormat());
      if (o.voice() != null) {
        b.voice(o.voice());
      }
      if (o.style() != null) {
        b.visualStyle(o.style());
      }
      if (o.music() != null) {
        b.music(o.music());
      }
      if (o.budgetUsd() != null) {
        b.budgetUsd(o.budgetUsd());
      }
      if (p.planner() != null) {
        b.planner(p.planner());
      }
      if (p.images() != null) {
        b.images(p.images());
      }
      if (p.speech() != null) {
        b.speech(p.speech());
      }
      if (p.aligner() != null) {
        b.aligner(p.aligner());
      }
      return b;
    };
  }
}
