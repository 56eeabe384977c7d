package dev.storyreel.core.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * A {@code multipart/form-data} body (RFC 7578), for uploads such as OpenAI's transcriptions.
 * Not thread-safe; build one per request.
 */
public final class Multipart {
  private final String boundary = "storyreel-" + UUID.randomUUID();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** Starts an empty body. */
  public Multipart() {}

  /**
   * @param name the field name; ASCII without quotes
   * @param value its text value, UTF-8
   * @return this body
   */
  public Multipart field(String name, String value) {
    head("Content-Disposition: form-data; name=\"" + name + "\"\r\n\r\n");
    write(value.getBytes(StandardCharsets.UTF_8));
    write("\r\n".getBytes(StandardCharsets.US_ASCII));
    return this;
  }

  /**
   * @param name the field name
   * @param fileName the file name sent
   * @param mediaType the file's media type
   * @param bytes its content
   * @return this body
   */
  public Multipart file(String name, String fileName, String mediaType, byte[] bytes) {
    head("Content-Disposition: form-data; name=\"" + name + "\"; filename=\"" + fileName
        + "\"\r\nContent-Type: " + mediaType + "\r\n\r\n");
    write(bytes);
    write("\r\n".getBytes(StandardCharsets.US_ASCII));
    return this;
  }

  /** @return the {@code Content-Type} header value, with the boundary */
  public String contentType() {
    return "multipart/form-data; boundary=" + boundary;
  }

  /** @return the whole body, closing boundary included */
  public byte[] toBytes() {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    all.writeBytes(out.toByteArray());
    all.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    return all.toByteArray();
  }

  private void head(String h) {
    write(("--" + boundary + "\r\n" + h).getBytes(StandardCharsets.UTF_8));
  }

  private void write(byte[] b) {
    out.writeBytes(b);
  }
}
