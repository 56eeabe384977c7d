package dev.storyreel.openai;

import java.util.Objects;

/**
 * What every OpenAI provider shares: its registered name ({@code openai}), its model, the
 * connection settings and the per-provider concurrency limit those settings give. Subclasses
 * add the one capability they implement. Immutable and thread-safe.
 */
abstract class OpenAiCapability {
  /** How to reach the API; shared, immutable. */
  final OpenAiConfig config;
  /** The model asked for in every request. */
  final String model;

  /**
   * @param config how to reach the API
   * @param model the model
   * @throws NullPointerException if either is {@code null}
   */
  OpenAiCapability(OpenAiConfig config, String model) {
    this.config = Objects.requireNonNull(config, "config");
    this.model = Objects.requireNonNull(model, "model");
  }

  /** @return {@code openai} */
  public String name() {
    return "openai";
  }

  /** @return the model asked for, for example {@code gpt-image-1} */
  public String model() {
    return model;
  }

  /** @return how many calls may run at once ({@link OpenAiConfig#maxConcurrency()}) */
  public int maxConcurrency() {
    return config.maxConcurrency();
  }
}
