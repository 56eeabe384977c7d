package dev.storyreel.render.ffmpeg;

import dev.storyreel.core.PcmAudio;
import dev.storyreel.core.spi.RenderRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;

/**
 * The benchmarks' door into the renderer's package-private parts (this class lives in the
 * benchmarks module, in the renderer's package, on the class path): pre-rendering a request's
 * frames to a raw file and encoding such a file exactly as a render would, for the encode-only
 * floor. Not part of the library's API.
 */
public final class BenchAccess {

  private BenchAccess() {}

  /**
   * Composes every frame of {@code request} as the renderer would (same plan, same captions and
   * transitions) and appends them to {@code yuvFile} as raw yuv420p, {@code W*H*3/2} bytes each.
   *
   * @param renderer the settings to compose with
   * @param request what to compose
   * @param yuvFile the file to write (replaced)
   * @return frames written
   * @throws IOException if the file cannot be written
   */
  public static long prerender(FfmpegRenderer renderer, RenderRequest request, Path yuvFile)
      throws IOException {
    FrameCompositor c = new FrameCompositor(renderer.plan(request));
    int w = request.format().widthPx();
    int h = request.format().heightPx();
    byte[] yuv = new byte[w * h + 2 * (w / 2) * (h / 2)];
    long n = request.frameCount();
    try (OutputStream out = Files.newOutputStream(yuvFile)) {
      for (long k = 0; k < n; k++) {
        c.composeYuv(k, yuv);
        out.write(yuv);
      }
    }
    return n;
  }

  /**
   * Encodes pre-rendered yuv420p frames and the request's narration with the renderer's
   * recorder settings (encoder, preset, CRF or bit rate, GOP, audio), interleaving the audio as a
   * render does: the encode-only floor.
   *
   * @param renderer the settings
   * @param request the request the frames were rendered from (size, fps, audio)
   * @param yuvFile frames written by {@link #prerender}
   * @param output the MP4 to write
   * @return frames encoded
   * @throws Exception if reading or encoding fails
   */
  public static long encodeRaw(
      FfmpegRenderer renderer, RenderRequest request, Path yuvFile, Path output)
      throws Exception {
    int w = request.format().widthPx();
    int h = request.format().heightPx();
    int fps = request.format().fps();
    PcmAudio audio = request.audio();
    short[] pcm = audio.toShorts();
    int ch = audio.channels();
    int rate = audio.sampleRateHz();
    long pcmFrames = audio.frameCount();
    String encoder = renderer.resolveEncoder();
    byte[] yuv = new byte[w * h + 2 * (w / 2) * (h / 2)];
    long frames = 0;
    long sent = 0;
    FFmpegFrameRecorder r = renderer.newRecorder(output, w, h, fps, ch, encoder);
    try (InputStream in = Files.newInputStream(yuvFile);
        YuvFrame frame = new YuvFrame(w, h)) {
      r.start();
      while (in.readNBytes(yuv, 0, yuv.length) == yuv.length) {
        frame.fill(yuv);
        r.record(frame.frame(), avutil.AV_PIX_FMT_YUV420P);
        frames++;
        long upTo = Math.min(pcmFrames, Math.floorDiv(frames * rate, fps));
        if (upTo > sent) {
          r.recordSamples(rate, ch, ShortBuffer.wrap(
              Arrays.copyOfRange(pcm, (int) (sent * ch), (int) (upTo * ch))));
          sent = upTo;
        }
      }
      if (pcmFrames > sent) {
        r.recordSamples(rate, ch, ShortBuffer.wrap(
            Arrays.copyOfRange(pcm, (int) (sent * ch), (int) (pcmFrames * ch))));
      }
      r.stop();
    } finally {
      r.release();
    }
    return frames;
  }
}
