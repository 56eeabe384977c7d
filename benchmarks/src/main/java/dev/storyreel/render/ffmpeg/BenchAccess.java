package dev.storyreel.render.ffmpeg;

import dev.storyreel.core.PcmAudio;
import dev.storyreel.core.timeline.NarrationClip;
import dev.storyreel.core.timeline.Timeline;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

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
  public static long prerender(FfmpegRenderer renderer, Timeline request, Path yuvFile)
      throws IOException {
    FrameCompositor.Plan plan = renderer.plan(request);
    FrameCompositor c = new FrameCompositor(plan);
    int w = request.format().widthPx();
    int h = request.format().heightPx();
    byte[] yuv = new byte[w * h + 2 * (w / 2) * (h / 2)];
    long n = request.frameCount();
    try (OutputStream out = Files.newOutputStream(yuvFile)) {
      for (long k = 0; k < n; k++) {
        c.composeYuv(k, yuv);
        out.write(yuv);
      }
    } finally {
      plan.close(); // the clip and background decoders
    }
    return n;
  }

  /**
   * The whole narration of a timeline in memory, its clips joined: for benchmark inputs only
   * (a render streams them instead).
   *
   * @param timeline a timeline
   * @return its narration clips' audio, back to back
   * @throws IOException if a clip cannot be read
   */
  public static PcmAudio narration(Timeline timeline) throws IOException {
    PcmAudio all = null;
    for (NarrationClip c : timeline.narration().clips()) {
      PcmAudio part;
      try (InputStream in = c.audio().open()) {
        part = PcmAudio.fromWav(in);
      }
      all = all == null ? part : all.concat(part);
    }
    return all;
  }

  /**
   * Encodes pre-rendered yuv420p frames and the timeline's soundtrack with the renderer's
   * encoder settings (encoder, preset, CRF or bit rate, GOP, audio), mixing the soundtrack first
   * and interleaving it as a render does: the encode-only floor (the mix is done before the
   * first frame and included).
   *
   * @param renderer the settings
   * @param request the timeline the frames were rendered from (size, fps, audio)
   * @param yuvFile frames written by {@link #prerender}
   * @param output the MP4 to write; the mix's scratch file goes beside it and is deleted
   * @return frames encoded
   * @throws Exception if reading or encoding fails
   */
  public static long encodeRaw(
      FfmpegRenderer renderer, Timeline request, Path yuvFile, Path output)
      throws Exception {
    int w = request.format().widthPx();
    int h = request.format().heightPx();
    int fps = request.format().fps();
    int rate = renderer.audioSampleRateHz();
    SoundtrackMixer.Soundtrack mixed = new SoundtrackMixer(request, rate).mix(output);
    long pcmFrames = mixed.frames();
    String encoder = renderer.resolveEncoder();
    byte[] yuv = new byte[w * h + 2 * (w / 2) * (h / 2)];
    long frames = 0;
    long sent = 0;
    ByteBuffer pcm = ByteBuffer.allocate(8 * rate).order(ByteOrder.LITTLE_ENDIAN);
    try (InputStream in = Files.newInputStream(yuvFile);
        FileChannel sound = FileChannel.open(mixed.file());
        Mp4Encoder mp4 = renderer.newEncoder(output, w, h, fps, 2, encoder)) {
      mp4.start();
      while (in.readNBytes(yuv, 0, yuv.length) == yuv.length) {
        mp4.writeVideo(yuv);
        frames++;
        long upTo = Math.min(pcmFrames, Math.floorDiv(frames * rate, fps));
        sent = send(mp4, sound, pcm, sent, upTo);
      }
      send(mp4, sound, pcm, sent, pcmFrames);
      mp4.finish();
    } finally {
      Files.deleteIfExists(mixed.file());
    }
    return frames;
  }

  /** Sends the soundtrack up to sample frame {@code upTo}, as the render does. */
  private static long send(Mp4Encoder mp4, FileChannel sound, ByteBuffer pcm, long sent,
      long upTo) throws IOException {
    if (upTo > sent) {
      mp4.writeAudio(sound, pcm, upTo - sent);
    }
    return Math.max(sent, upTo);
  }


}
