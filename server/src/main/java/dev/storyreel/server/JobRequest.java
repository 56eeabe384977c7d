package dev.storyreel.server;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.storyreel.core.InvalidInputException;
import dev.storyreel.core.Story;
import dev.storyreel.core.VideoFormat;
import java.math.BigDecimal;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /jobs}: a story and its options. Validated by {@link #validate}.
 * Immutable and thread-safe.
 *
 * <pre>{@code
 * {"story": {"title": "Alder Street", "text": "The house..."},
 *  "options": {"format": "portrait", "music": "none", "requireApproval": true,
 *              "providers": {"images": "procedural"}, "webhookUrl": "https://hooks.example/x"}}
 * }</pre>
 *
 * @param story the story; required
 * @param options the options; {@code null} means all defaults
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobRequest(StoryInput story, @Nullable Options options) {

  /**
   * @param title the title, may be empty
   * @param text the story's text; required, not blank
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record StoryInput(@Nullable String title, @Nullable String text) {}

  /**
   * Providers by the names their factories register, as on the CLI; {@code null} for the
   * default (the offline set).
   *
   * @param planner the story planner, for example {@code rules} or {@code openai}
   * @param images the image provider, for example {@code procedural}
   * @param speech the speech provider, for example {@code freetts}
   * @param aligner the word aligner
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Providers(@Nullable String planner, @Nullable String images,
      @Nullable String speech, @Nullable String aligner) {}

  /**
   * @param format {@code portrait}, {@code landscape}, {@code square} or {@code WxH}; default
   *     portrait
   * @param fps frames per second, 1..120; default 30
   * @param voice the speech provider's voice; default its own
   * @param style the visual style for the planner; default none
   * @param providers providers by name
   * @param music {@code procedural} (default), {@code none} or a music provider's name
   * @param budgetUsd the most the job may spend, US dollars, {@code >= 0}; default no limit
   * @param requireApproval whether the job waits with its plan for {@code POST
   *     /jobs/{id}/approve}; default false
   * @param webhookUrl where completion, failure and (with requireApproval) approval-needed
   *     events are POSTed, signed; default none
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Options(@Nullable String format, @Nullable Integer fps, @Nullable String voice,
      @Nullable String style, @Nullable Providers providers, @Nullable String music,
      @Nullable BigDecimal budgetUsd, @Nullable Boolean requireApproval,
      @Nullable String webhookUrl) {}

  private static final Options NO_OPTIONS =
      new Options(null, null, null, null, null, null, null, null, null);
  private static final Providers NO_PROVIDERS = new Providers(null, null, null, null);

  /** @return the options, never {@code null} */
  public Options opts() {
    return options == null ? NO_OPTIONS : options;
  }

  /** @return the provider names, never {@code null} */
  public Providers providerNames() {
    Providers p = opts().providers();
    return p == null ? NO_PROVIDERS : p;
  }

  /** @return whether the job waits for approval */
  public boolean requiresApproval() {
    return Boolean.TRUE.equals(opts().requireApproval());
  }

  /**
   * @return the story
   * @throws InvalidInputException if the story is missing or blank
   */
  public Story toStory() {
    if (story == null || story.text() == null || story.text().isBlank()) {
      throw new InvalidInputException("story.text is required: give the story's text as a"
          + " JSON string");
    }
    return new Story(Objects.requireNonNullElse(story.title(), ""), story.text());
  }

  /**
   * @return the video format
   * @throws InvalidInputException if the format or fps is unknown or out of range
   */
  public VideoFormat toFormat() {
    Options o = opts();
    VideoFormat f = o.format() == null ? VideoFormat.portrait() : VideoFormat.parse(o.format());
    return o.fps() == null ? f : f.withFps(o.fps());
  }

  /**
   * Checks everything that can be checked without running the job.
   *
   * @param policy the webhook URL rules
   * @throws InvalidInputException naming the field and what is accepted
   */
  public void validate(WebhookUrlPolicy policy) {
    toStory();
    toFormat();
    Options o = opts();
    if (o.budgetUsd() != null && o.budgetUsd().signum() < 0) {
      throw new InvalidInputException("options.budgetUsd must be >= 0, was " + o.budgetUsd());
    }
    if (o.webhookUrl() != null) {
      policy.check(o.webhookUrl());
    }
    for (String name : new String[] {o.music(), o.voice(), providerNames().planner(),
        providerNames().images(), providerNames().speech(), providerNames().aligner()}) {
      if (name != null && (name.isBlank() || name.length() > 200)) {
        throw new InvalidInputException("a provider, music or voice name must be 1..200"
            + " characters");
      }
    }
  }
}
