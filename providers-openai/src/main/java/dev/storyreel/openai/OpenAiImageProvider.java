package dev.storyreel.openai;

import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.Usage;
import dev.storyreel.core.http.SafeDownload;
import dev.storyreel.core.spi.GeneratedImage;
import dev.storyreel.core.spi.ImageProvider;
import dev.storyreel.core.spi.ImageRequest;
import dev.storyreel.openai.internal.Dto;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.util.Base64;
import java.util.Map;

/**
 * Draws images with {@code POST /v1/images/generations}
 * (https://platform.openai.com/docs/api-reference/images/create): {@code gpt-image-1} (the
 * default; always base64, PNG asked with {@code output_format}) or {@code dall-e-3} ({@code
 * response_format=b64_json}). Sizes are mapped from the requested frame: portrait to {@code
 * 1024x1536} ({@code 1024x1792} for DALL-E 3), landscape to {@code 1536x1024} ({@code
 * 1792x1024}), square to {@code 1024x1024}; the renderer crops to fit. A compatible server that
 * answers with a URL instead is downloaded with {@link SafeDownload}. Every image is checked
 * (signature, pixel cap, full decode) before it is returned.
 *
 * <p>OpenAI has no seed for images: the request's seed is ignored. Thread-safe.
 */
public final class OpenAiImageProvider extends OpenAiCapability implements ImageProvider {
  /** The default model: {@value}. */
  public static final String DEFAULT_MODEL = "gpt-image-1";

  private final String quality;
  private final SafeDownload download = SafeDownload.defaults();

  /**
   * @param config how to reach the API
   * @param model {@code gpt-image-1}, {@code dall-e-3} or a compatible server's model
   * @param quality {@code low|medium|high|auto} (GPT image), {@code standard|hd} (DALL-E 3), or
   *     {@code null} for {@code medium} / {@code standard}
   */
  public OpenAiImageProvider(OpenAiConfig config, String model, String quality) {
    super(config, model);
    this.quality = quality != null ? quality : isDalle() ? "standard" : "medium";
  }

  private boolean isDalle() {
    return model.startsWith("dall-e");
  }

  /** @return model, quality, output format and base URL; never the key */
  @Override
  public String fingerprint() {
    return "openai-images/" + model + "/" + quality + "/png@" + config.endpoint();
  }

  /**
   * @param widthPx wanted width
   * @param heightPx wanted height
   * @return the size string the model supports closest to that shape
   */
  public String sizeFor(int widthPx, int heightPx) {
    double ratio = (double) widthPx / heightPx;
    if (ratio < 0.9) {
      return isDalle() ? "1024x1792" : "1024x1536";
    }
    if (ratio > 1.1) {
      return isDalle() ? "1792x1024" : "1536x1024";
    }
    return "1024x1024";
  }

  /**
   * @throws NonRetriableException for refused prompts (400, content policy), bad keys, or an
   *     answer without a usable image
   * @throws dev.storyreel.core.RetriableException on 429 and 503 only (see {@link
   *     dev.storyreel.core.http.HttpFailures}: a paid call is never repeated after it may have
   *     been billed)
   */
  @Override
  public GeneratedImage generate(ImageRequest request) {
    String ctx = "segment " + request.segmentIndex();
    Dto.ImageRequest body = new Dto.ImageRequest(model, request.prompt(), 1,
        sizeFor(request.widthPx(), request.heightPx()), quality,
        isDalle() ? "b64_json" : null, isDalle() ? null : "png");
    Dto.ImagesResponse r = config.transport().postJson("/images/generations", body,
        Dto.ImagesResponse.class, Map.of(), true, ctx);
    if (r.data() == null || r.data().isEmpty() || r.data().get(0) == null) {
      throw new NonRetriableException("openai POST /images/generations (" + ctx
          + ") answered without an image.");
    }
    Dto.ImageData d = r.data().get(0);
    byte[] bytes;
    String type;
    if (d.b64Json() != null && !d.b64Json().isBlank()) {
      try {
        bytes = Base64.getMimeDecoder().decode(d.b64Json());
      } catch (IllegalArgumentException e) {
        throw new NonRetriableException("openai POST /images/generations (" + ctx
            + ") answered with invalid base64.", e);
      }
      type = SafeDownload.sniffImage(bytes);
      if (type == null) {
        throw new NonRetriableException("openai POST /images/generations (" + ctx
            + ") answered with bytes that are not a PNG, JPEG or WebP image.");
      }
    } else if (d.url() != null && !d.url().isBlank()) {
      SafeDownload.Download dl = download.image("openai", URI.create(d.url()), ctx);
      bytes = dl.bytes();
      type = dl.mediaType();
    } else {
      throw new NonRetriableException("openai POST /images/generations (" + ctx
          + ") answered with neither b64_json nor url.");
    }
    BufferedImage img = SafeDownload.decodeImage("openai", bytes, SafeDownload.DEFAULT_MAX_PIXELS,
        ctx);
    Usage usage = Usage.images(1);
    if (r.usage() != null) {
      usage = usage.plus(Usage.tokens(r.usage().inputTokens(), r.usage().outputTokens()));
    }
    return new GeneratedImage(bytes, type, img.getWidth(), img.getHeight(), usage);
  }

  @Override
  public String toString() {
    return "OpenAiImageProvider[" + model + ", " + quality + ", " + config.endpoint() + "]";
  }
}
