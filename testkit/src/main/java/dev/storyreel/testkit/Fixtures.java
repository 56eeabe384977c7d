package dev.storyreel.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.storyreel.core.PcmAudio;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import javax.imageio.ImageIO;

/** Test data and the contract check of every request a WireMock server received. */
public final class Fixtures {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Fixtures() {}

  /**
   * @param w width
   * @param h height
   * @return a PNG of that size
   */
  public static byte[] png(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(new Color(40, 90, 160));
    g.fillRect(0, 0, w, h);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * @param millis length
   * @param rateHz sample rate
   * @return a mono tone of that length
   */
  public static PcmAudio tone(long millis, int rateHz) {
    int n = (int) (millis * rateHz / 1000);
    ByteBuffer b = ByteBuffer.allocate(2 * n).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      b.putShort((short) (3000 * Math.sin(2 * Math.PI * 220 * i / rateHz)));
    }
    return new PcmAudio(b.array(), rateHz, 1);
  }

  /**
   * Validates every request body the server received against the vendor's contract: JSON bodies
   * against the operation's {@code application/json} schema, multipart forms (transcriptions)
   * field by field against the {@code multipart/form-data} schema.
   *
   * @param server the server
   * @param document {@link ContractValidator#OPENAI} or {@link ContractValidator#REPLICATE}
   * @param prefix the base path to strip, for example {@code /v1}
   * @return how many bodies were validated
   * @throws AssertionError on the first violation
   */
  public static int validateAll(WireMockServer server, String document, String prefix) {
    int n = 0;
    for (ServeEvent e : server.getAllServeEvents()) {
      var r = e.getRequest();
      if (!"POST".equals(r.getMethod().getName()) || r.getUrl().endsWith("/cancel")
          || !r.getUrl().startsWith(prefix + "/")) {
        continue;
      }
      String path = r.getUrl().substring(prefix.length());
      int q = path.indexOf('?');
      if (q >= 0) {
        path = path.substring(0, q);
      }
      String opPath = path.startsWith("/models/") ? "/models/{model_owner}/{model_name}/predictions"
          : path;
      String ct = r.getHeader("Content-Type");
      if (ct != null && ct.startsWith("multipart/form-data")) {
        ObjectNode form = JSON.createObjectNode();
        for (Request.Part p : r.getParts()) {
          String name = p.getName();
          if (name.endsWith("[]")) {
            form.withArray(name.substring(0, name.length() - 2)).add(p.getBody().asString());
          } else if (p.getFileName() != null) {
            form.put(name, "binary");
          } else {
            form.put(name, p.getBody().asString());
          }
        }
        ContractValidator.validate(document,
            ContractValidator.postBody(opPath, "multipart/form-data"), form);
      } else {
        ContractValidator.validate(document,
            ContractValidator.postBody(opPath, "application/json"), r.getBody());
      }
      n++;
    }
    return n;
  }
}
