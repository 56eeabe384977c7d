package dev.storyreel.core.spi;

/**
 * Makes one kind of provider; found with {@link java.util.ServiceLoader} through {@code
 * META-INF/services/dev.storyreel.core.spi.ProviderFactory}.
 *
 * <p>Contract (as gRPC's {@code ManagedChannelProvider}): loading the class and calling {@link
 * #name()}, {@link #type()}, {@link #priority()}, {@link #isAvailable()} and {@link #isPaid()}
 * never throws and never touches the network. An explicitly named provider wins; otherwise the
 * available one with the highest priority among those that are not {@linkplain #isPaid() paid} is
 * used: a provider that bills an account is used only when named, whatever keys the environment
 * holds. Two factories with the same name and type are a configuration error.
 *
 * @param <T> the kind made: {@link StoryPlanner}, {@link ImageProvider}, {@link SpeechProvider},
 *     {@link Aligner}, {@link Moderator}, {@link Storage} or {@link Renderer}
 */
public interface ProviderFactory<T> {

  /** @return the kind this factory makes */
  Class<T> type();

  /** @return the name users ask for, lower case, for example {@code openai} */
  String name();

  /**
   * @return 0..10, higher wins when no name is given (among factories that are not {@linkplain
   *     #isPaid() paid}); 5 by default. The offline defaults use 1, so that any available free
   *     provider on the classpath (a plugin) is preferred to them.
   */
  default int priority() {
    return 5;
  }

  /**
   * @return whether this factory can make a working provider here and now (for example, its API
   *     key is set); must not throw
   */
  default boolean isAvailable() {
    return true;
  }

  /**
   * Whether the providers this factory makes bill an account (a vendor API with a key: OpenAI,
   * Replicate). A paid factory is never chosen without its name, even when it is {@linkplain
   * #isAvailable() available} and has the highest priority, so that a key that happens to be in
   * the environment never makes a run cost money unasked; it is used only when named ({@code
   * StoryReel.builder().planner("openai")}) or passed as an instance. Like {@link #name()} this
   * never throws and touches no network.
   *
   * @return {@code true} if using the provider may cost money; {@code false} by default (offline
   *     and local providers)
   */
  default boolean isPaid() {
    return false;
  }

  /**
   * The settings this factory reads from {@link ProviderSettings}, so that a caller can reject a
   * misspelt key or a value out of range before anything is created (the CLI's {@code --set}
   * does). Like {@link #name()} this never throws and touches no network. A factory should check
   * the values it reads with these specs in {@link #create(ProviderSettings)} (see {@link
   * SettingSpec#checkAll}), so that a bad value is a {@link
   * dev.storyreel.core.ConfigurationException} naming the key, never a bare {@code
   * NumberFormatException}.
   *
   * @return the settings read, keys unique; empty by default (a factory that reads none, or one
   *     written before this method existed)
   */
  default java.util.List<SettingSpec> settings() {
    return java.util.List.of();
  }

  /**
   * @param settings provider-defined settings; never {@code null}
   * @return a new provider
   * @throws dev.storyreel.core.StoryReelException if the settings are unusable
   */
  T create(ProviderSettings settings);
}
