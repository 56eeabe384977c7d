package dev.storyreel.core.http;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.awt.image.SampleModel;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;

/**
 * Decoding into a caller's {@link BufferedImage#TYPE_3BYTE_BGR} image without allocating the
 * picture again.
 *
 * <p>Why not {@link ImageReadParam#setDestination} with that image as it is: ImageIO's PNG reader
 * decodes each row in R, G, B byte order and copies it into the destination with {@code
 * Raster.setRect}. Into a {@code TYPE_3BYTE_BGR} raster (bytes B, G, R) the layouts differ, and
 * {@code setRect} then fetches every row through a new array: about the picture's size in
 * garbage per decode. Into a raster whose bytes are R, G, B it copies each row with {@code
 * System.arraycopy}. So the picture is decoded into an R, G, B view over the very bytes of
 * {@code reuse}, then the first and third byte of each pixel are swapped in place (one pass
 * over 6 MB at 1080x1920), which leaves {@code reuse} holding the picture as {@code
 * TYPE_3BYTE_BGR}. The pixels equal those of a plain {@code reader.read(0)}.
 *
 * <p>Not thread-safe per image: one decode at a time may use a given {@code reuse}.
 */
final class DecodeInto {

  private static final int[] RGB_ORDER = {0, 1, 2};
  private static final ColorModel RGB =
      new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
          Transparency.OPAQUE, DataBuffer.TYPE_BYTE);

  private DecodeInto() {}

  /**
   * Reads image 0 of {@code reader}, into {@code reuse} when it fits.
   *
   * @param reader a reader with its input set, image 0's header read
   * @param info what the header says
   * @param reuse a {@code TYPE_3BYTE_BGR} image to decode into, or {@code null}
   * @return {@code reuse} holding the picture, or a new image ({@code reuse} untouched); {@code
   *     null} if the reader returned none
   * @throws IOException as {@link ImageReader#read(int)}
   */
  static BufferedImage read(ImageReader reader, ImageChecks.ImageInfo info, BufferedImage reuse)
      throws IOException {
    if (reuse == null || reuse.getType() != BufferedImage.TYPE_3BYTE_BGR
        || reuse.getWidth() != info.widthPx() || reuse.getHeight() != info.heightPx()
        || !offersRgbBytes(reader)) {
      return reader.read(0);
    }
    int w = reuse.getWidth();
    int h = reuse.getHeight();
    DataBufferByte bytes = (DataBufferByte) reuse.getRaster().getDataBuffer();
    WritableRaster view =
        Raster.createInterleavedRaster(bytes, w, h, 3 * w, 3, RGB_ORDER, null);
    ImageReadParam param = reader.getDefaultReadParam();
    param.setDestination(new BufferedImage(RGB, view, false, null));
    reader.read(0, param);
    byte[] px = bytes.getData();
    for (int i = 0; i + 2 < px.length; i += 3) {
      byte r = px[i];
      px[i] = px[i + 2];
      px[i + 2] = r;
    }
    return reuse;
  }

  /** @return whether the reader can decode image 0 as 8-bit R, G, B bytes without alpha */
  private static boolean offersRgbBytes(ImageReader reader) throws IOException {
    Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
    while (types.hasNext()) {
      ImageTypeSpecifier t = types.next();
      SampleModel sm = t.getSampleModel();
      ColorModel cm = t.getColorModel();
      if (sm instanceof PixelInterleavedSampleModel p && p.getDataType() == DataBuffer.TYPE_BYTE
          && p.getNumBands() == 3 && p.getPixelStride() == 3
          && Arrays.equals(p.getBandOffsets(), RGB_ORDER) && !cm.hasAlpha()
          && cm.getColorSpace().getType() == ColorSpace.TYPE_RGB) {
        return true;
      }
    }
    return false;
  }
}
