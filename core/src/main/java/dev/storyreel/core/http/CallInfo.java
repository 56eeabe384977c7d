package dev.storyreel.core.http;

import java.util.Objects;

/**
 * Who calls what, for error messages: {@code "openai POST /v1/audio/speech (segment 3)"}.
 *
 * @param provider the provider's name, for example {@code openai}
 * @param method the HTTP method
 * @param path the endpoint path, without query and never with a credential
 * @param context what the call is for, for example {@code "segment 3"}, or {@code null}
 */
public record CallInfo(String provider, String method, String path, String context) {

  /**
   * @param provider the provider's name, for example {@code openai}
   * @param method the HTTP method
   * @param path the endpoint path, without query and never with a credential
   * @param context what the call is for, for example {@code "segment 3"}, or {@code null}
   * @throws NullPointerException if provider, method or path is {@code null}
   */
  public CallInfo {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
  }

  @Override
  public String toString() {
    return provider + " " + method + " " + path + (context == null ? "" : " (" + context + ")");
  }
}
