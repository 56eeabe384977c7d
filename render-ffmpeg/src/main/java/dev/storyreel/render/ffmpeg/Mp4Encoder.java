package dev.storyreel.render.ffmpeg;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;

/**
 * Encodes yuv420p frames and interleaved float PCM into an MP4 (H.264 and AAC) with FFmpeg's
 * send/receive API, the render's one encoder. It replaces javacv's {@code FFmpegFrameRecorder} on
 * the render path because the recorder allocates Java wrappers for every video frame (about 700
 * bytes) and every AAC packet; over an hour-long render that garbage alone grew the heap by tens
 * of megabytes (issue 14, {@code docs/performance.md}). Here the frames, the packet and the
 * time-base views are made once in {@link #start()} and reused, so steady state allocates nothing
 * on the Java heap.
 *
 * <p>Video: frames are {@code width x height} pixels, yuv420p without row padding ({@code W*H}
 * bytes of Y, then {@code W/2 * H/2} of U and of V), with pts counted in frames at {@code 1/fps}.
 * For an encoder that takes NV12 (QSV), the chroma is interleaved here. Audio: interleaved 32-bit
 * float little-endian samples at the configured sample rate and channel count, encoded with
 * FFmpeg's native AAC encoder (planar float, 1024 samples a frame) with pts counted in samples.
 * Packets go through {@code av_interleaved_write_frame}, so audio may be written ahead of video.
 *
 * <p>Lifecycle: {@link #start()}, then any mix of {@link #writeVideo} and {@link #writeAudio},
 * then {@link #finish()} (flushes both encoders and writes the trailer, with {@code +faststart}
 * the index moves to the front). {@link #close()} frees everything and may be called at any time,
 * more than once; a file closed before {@code finish} is incomplete and the caller deletes it.
 * Not thread-safe: one thread drives an encoder.
 */
final class Mp4Encoder implements AutoCloseable {

  /** A failure reported by FFmpeg while opening, encoding or writing. */
  static final class EncoderException extends IOException {
    private static final long serialVersionUID = 1L;

    EncoderException(String message) {
      super(message);
    }
  }

  /**
   * What to encode.
   *
   * @param widthPx frame width, pixels, even
   * @param heightPx frame height, pixels, even
   * @param fps frames per second, positive
   * @param encoder FFmpeg's name of the H.264 encoder ({@code libx264}, {@code h264_nvenc}, ...)
   * @param pixelFormat the encoder's input pixel format: {@code AV_PIX_FMT_YUV420P} or
   *     {@code AV_PIX_FMT_NV12}
   * @param profile an {@code AV_PROFILE_H264_*} value, or {@code -1} for the encoder's default
   * @param gopFrames frames between key frames, positive
   * @param videoBitRate bits per second, or 0 when the options set a CRF
   * @param videoOptions the encoder's private options ({@code preset}, {@code crf}); never
   *     {@code null}
   * @param sampleRateHz audio sample rate, Hz
   * @param channels audio channels (2: the mix is stereo)
   * @param audioBitRate AAC bits per second
   */
  record Config(int widthPx, int heightPx, int fps, String encoder, int pixelFormat, int profile,
      int gopFrames, long videoBitRate, Map<String, String> videoOptions, int sampleRateHz,
      int channels, long audioBitRate) {
    Config {
      Objects.requireNonNull(encoder, "encoder");
      videoOptions = Map.copyOf(videoOptions);
      if (widthPx <= 0 || heightPx <= 0 || widthPx % 2 != 0 || heightPx % 2 != 0) {
        throw new IllegalArgumentException("frame size must be even and positive, got "
            + widthPx + "x" + heightPx);
      }
      if (pixelFormat != avutil.AV_PIX_FMT_YUV420P && pixelFormat != avutil.AV_PIX_FMT_NV12) {
        throw new IllegalArgumentException("pixel format must be yuv420p or nv12, got "
            + pixelFormat);
      }
    }
  }

  private final Config config;
  private final String url;
  private final Path output;
  /** Failure wordings naming the file, made once: the steady state builds no strings. */
  private final String writeFailure;

  private AVFormatContext oc;
  private AVCodecContext video;
  private AVCodecContext audio;
  private AVStream videoStream;
  private AVStream audioStream;
  private AVFrame picture;
  private AVFrame samples;
  private AVPacket packet;
  private boolean headerWritten;
  private boolean finished;

  // Views made once in start(): reading them allocates nothing.
  private AVRational videoCodecTb;
  private AVRational videoStreamTb;
  private AVRational audioCodecTb;
  private AVRational audioStreamTb;
  private LongPointer pictureData;
  private LongPointer samplesData;
  private final BytePointer[] planes = new BytePointer[3];
  private final long[] planeAddress = new long[3];
  private FloatPointer[] channelPlanes;
  private long[] channelAddress;

  private byte[] nv12Chroma;
  private float[][] pending;
  private int pendingFrames;
  private int audioFrameSize;
  /** AVERROR(EAGAIN), read once the natives are loaded (its value depends on the platform). */
  private int eagain;
  private long videoPts;
  private long audioPts;

  /**
   * @param output the MP4 to write; its folder must exist; an existing file is replaced
   * @param config the streams' settings
   */
  Mp4Encoder(Path output, Config config) {
    this.output = Objects.requireNonNull(output, "output");
    this.config = Objects.requireNonNull(config, "config");
    // "file:" so that a name with a colon is never read as another protocol.
    this.url = "file:" + output.toAbsolutePath();
    this.writeFailure = "could not write to " + output;
  }

  /**
   * Opens both encoders and the muxer and writes the MP4 header.
   *
   * @throws EncoderException if an encoder is missing or refuses the settings, or the file cannot
   *     be opened; the message carries FFmpeg's reason. The caller still calls {@link #close()}.
   */
  void start() throws EncoderException {
    if (oc != null) {
      throw new IllegalStateException("already started");
    }
    FfmpegNatives.requireLoaded();
    eagain = avutil.AVERROR_EAGAIN();
    oc = new AVFormatContext(null);
    check(avformat.avformat_alloc_output_context2(oc, null, "mp4", url),
        "could not make the MP4 muxer");
    boolean globalHeader = (oc.oformat().flags() & avformat.AVFMT_GLOBALHEADER) != 0;
    openVideo(globalHeader);
    openAudio(globalHeader);

    AVIOContext pb = new AVIOContext(null);
    check(avformat.avio_open(pb, url, avformat.AVIO_FLAG_WRITE), "could not open " + output);
    oc.pb(pb);
    AVDictionary muxerOptions = new AVDictionary(null);
    avutil.av_dict_set(muxerOptions, "movflags", "+faststart", 0);
    int r = avformat.avformat_write_header(oc, muxerOptions);
    avutil.av_dict_free(muxerOptions);
    check(r, "could not write the MP4 header");
    headerWritten = true;
    // The muxer chose the streams' time bases in avformat_write_header.
    videoStreamTb = videoStream.time_base();
    audioStreamTb = audioStream.time_base();
    packet = avcodec.av_packet_alloc();
    if (packet == null) {
      throw new EncoderException("av_packet_alloc failed (out of memory)");
    }
  }

  private void openVideo(boolean globalHeader) throws EncoderException {
    AVCodec codec = avcodec.avcodec_find_encoder_by_name(config.encoder());
    if (codec == null) {
      throw new EncoderException("this FFmpeg build has no encoder named '" + config.encoder()
          + "'");
    }
    videoStream = avformat.avformat_new_stream(oc, null);
    video = avcodec.avcodec_alloc_context3(codec);
    if (videoStream == null || video == null) {
      throw new EncoderException("could not allocate the video stream (out of memory)");
    }
    int fps = config.fps();
    video.width(config.widthPx());
    video.height(config.heightPx());
    video.pix_fmt(config.pixelFormat());
    video.time_base(avutil.av_make_q(1, fps));
    video.framerate(avutil.av_make_q(fps, 1));
    video.sample_aspect_ratio(avutil.av_make_q(1, 1));
    video.gop_size(config.gopFrames());
    video.bit_rate(config.videoBitRate());
    if (config.profile() >= 0) {
      video.profile(config.profile());
    }
    // The compositor converts with BT.601 coefficients into limited range: say so, so that
    // players do not assume BT.709 for HD sizes.
    video.colorspace(avutil.AVCOL_SPC_SMPTE170M);
    video.color_range(avutil.AVCOL_RANGE_MPEG);
    if (globalHeader) {
      video.flags(video.flags() | avcodec.AV_CODEC_FLAG_GLOBAL_HEADER);
    }
    AVDictionary options = new AVDictionary(null);
    for (Map.Entry<String, String> e : config.videoOptions().entrySet()) {
      avutil.av_dict_set(options, e.getKey(), e.getValue(), 0);
    }
    int r = avcodec.avcodec_open2(video, codec, options);
    avutil.av_dict_free(options);
    check(r, "could not open video encoder " + config.encoder());
    check(avcodec.avcodec_parameters_from_context(videoStream.codecpar(), video),
        "could not describe the video stream");
    videoStream.time_base(video.time_base());
    videoStream.avg_frame_rate(avutil.av_make_q(fps, 1));
    videoCodecTb = video.time_base();

    picture = avutil.av_frame_alloc();
    if (picture == null) {
      throw new EncoderException("av_frame_alloc failed (out of memory)");
    }
    picture.format(config.pixelFormat());
    picture.width(config.widthPx());
    picture.height(config.heightPx());
    // Alignment 1: rows without padding, so a plane is copied in one call.
    check(avutil.av_frame_get_buffer(picture, 1), "could not allocate the picture");
    pictureData = new LongPointer(picture.data());
    if (config.pixelFormat() == avutil.AV_PIX_FMT_NV12) {
      nv12Chroma = new byte[config.widthPx() * (config.heightPx() / 2)];
    }
    mapPictureIfMoved();
  }

  private void openAudio(boolean globalHeader) throws EncoderException {
    AVCodec codec = avcodec.avcodec_find_encoder(avcodec.AV_CODEC_ID_AAC);
    if (codec == null) {
      throw new EncoderException("this FFmpeg build has no AAC encoder");
    }
    audioStream = avformat.avformat_new_stream(oc, null);
    audio = avcodec.avcodec_alloc_context3(codec);
    if (audioStream == null || audio == null) {
      throw new EncoderException("could not allocate the audio stream (out of memory)");
    }
    audio.sample_fmt(avutil.AV_SAMPLE_FMT_FLTP);
    audio.sample_rate(config.sampleRateHz());
    avutil.av_channel_layout_default(audio.ch_layout(), config.channels());
    audio.bit_rate(config.audioBitRate());
    audio.time_base(avutil.av_make_q(1, config.sampleRateHz()));
    if (globalHeader) {
      audio.flags(audio.flags() | avcodec.AV_CODEC_FLAG_GLOBAL_HEADER);
    }
    check(avcodec.avcodec_open2(audio, codec, (AVDictionary) null),
        "could not open the AAC encoder at " + config.sampleRateHz() + " Hz, "
            + config.channels() + " channels, " + config.audioBitRate() + " bit/s");
    check(avcodec.avcodec_parameters_from_context(audioStream.codecpar(), audio),
        "could not describe the audio stream");
    audioStream.time_base(audio.time_base());
    audioCodecTb = audio.time_base();

    audioFrameSize = audio.frame_size() > 0 ? audio.frame_size() : 1024;
    samples = avutil.av_frame_alloc();
    if (samples == null) {
      throw new EncoderException("av_frame_alloc failed (out of memory)");
    }
    samples.format(avutil.AV_SAMPLE_FMT_FLTP);
    samples.nb_samples(audioFrameSize);
    samples.sample_rate(config.sampleRateHz());
    check(avutil.av_channel_layout_copy(samples.ch_layout(), audio.ch_layout()),
        "could not set the audio layout");
    check(avutil.av_frame_get_buffer(samples, 0), "could not allocate the audio frame");
    samplesData = new LongPointer(samples.data());
    channelPlanes = new FloatPointer[config.channels()];
    channelAddress = new long[config.channels()];
    pending = new float[config.channels()][audioFrameSize];
    mapSamplesIfMoved();
  }

  /**
   * Encodes the next video frame.
   *
   * @param yuv {@code W*H*3/2} bytes of yuv420p without row padding; read, not kept
   * @throws EncoderException if FFmpeg fails to encode or write it
   * @throws IllegalStateException if not started, or already finished
   */
  void writeVideo(byte[] yuv) throws EncoderException {
    requireOpen();
    int w = config.widthPx();
    int h = config.heightPx();
    if (yuv.length < w * h + 2 * (w / 2) * (h / 2)) {
      throw new IllegalArgumentException("a " + w + "x" + h + " yuv420p frame is "
          + (w * h * 3 / 2) + " bytes, got " + yuv.length);
    }
    // A no-op unless the encoder still holds a reference to the last frame's buffer.
    check(avutil.av_frame_make_writable(picture), "could not reuse the picture");
    mapPictureIfMoved();
    copyPlane(0, yuv, 0, w, h);
    int cw = w / 2;
    int ch = h / 2;
    if (nv12Chroma == null) {
      copyPlane(1, yuv, w * h, cw, ch);
      copyPlane(2, yuv, w * h + cw * ch, cw, ch);
    } else {
      int u = w * h;
      int v = u + cw * ch;
      for (int i = 0, o = 0; i < cw * ch; i++, o += 2) {
        nv12Chroma[o] = yuv[u + i];
        nv12Chroma[o + 1] = yuv[v + i];
      }
      copyPlane(1, nv12Chroma, 0, w, ch);
    }
    picture.pts(videoPts++);
    encode(video, picture, videoStream.index(), videoCodecTb, videoStreamTb);
  }

  /** Copies {@code rows} rows of {@code width} bytes into plane {@code p}, honouring its stride. */
  private void copyPlane(int p, byte[] src, int offset, int width, int rows) {
    BytePointer dst = planes[p];
    int stride = picture.linesize(p);
    if (stride == width) {
      dst.position(0).put(src, offset, width * rows);
      return;
    }
    for (int y = 0; y < rows; y++) {
      dst.position((long) y * stride).put(src, offset + y * width, width);
    }
    dst.position(0);
  }

  /**
   * Encodes {@code frames} sample frames of interleaved float PCM, buffering a partial AAC frame
   * until more arrives or {@link #finish()}.
   *
   * @param pcm interleaved 32-bit float samples from its position, {@code frames * channels} of
   *     them; read with its own byte order, and its position is advanced past them
   * @param frames sample frames (one sample per channel each)
   * @throws EncoderException if FFmpeg fails to encode or write them
   * @throws IllegalStateException if not started, or already finished
   */
  void writeAudio(ByteBuffer pcm, int frames) throws EncoderException {
    requireOpen();
    int channels = config.channels();
    for (int i = 0; i < frames; i++) {
      for (int c = 0; c < channels; c++) {
        pending[c][pendingFrames] = pcm.getFloat();
      }
      if (++pendingFrames == audioFrameSize) {
        encodePendingAudio();
      }
    }
  }

  /**
   * Streams {@code frames} sample frames from a raw soundtrack (interleaved 32-bit float,
   * little-endian) through {@link #writeAudio(ByteBuffer, int)}, {@code scratch} at a time.
   *
   * @param pcm the soundtrack, read from its position
   * @param scratch a heap or direct buffer, little-endian, a multiple of {@code 4 * channels}
   *     bytes; its contents are overwritten
   * @param frames sample frames to send
   * @throws IOException if the soundtrack ends early or cannot be read, or FFmpeg fails
   */
  void writeAudio(ReadableByteChannel pcm, ByteBuffer scratch, long frames) throws IOException {
    int frameBytes = 4 * config.channels();
    while (frames > 0) {
      int n = (int) Math.min(frames, scratch.capacity() / frameBytes);
      scratch.clear().limit(frameBytes * n);
      while (scratch.hasRemaining()) {
        if (pcm.read(scratch) < 0) {
          throw new IOException("the mixed soundtrack ended early");
        }
      }
      scratch.flip();
      writeAudio(scratch, n);
      frames -= n;
    }
  }

  private void encodePendingAudio() throws EncoderException {
    check(avutil.av_frame_make_writable(samples), "could not reuse the audio frame");
    mapSamplesIfMoved();
    for (int c = 0; c < pending.length; c++) {
      channelPlanes[c].position(0).put(pending[c], 0, pendingFrames);
    }
    // A last frame shorter than the encoder's frame size is padded by FFmpeg where needed.
    samples.nb_samples(pendingFrames);
    samples.pts(audioPts);
    audioPts += pendingFrames;
    pendingFrames = 0;
    encode(audio, samples, audioStream.index(), audioCodecTb, audioStreamTb);
  }

  /**
   * Encodes what is buffered, drains both encoders and writes the MP4 trailer (with
   * {@code +faststart}, the index is moved to the front of the file), then closes the file.
   *
   * @throws EncoderException if FFmpeg fails to encode or write, for example when the disk is full
   * @throws IllegalStateException if not started, or already finished
   */
  void finish() throws EncoderException {
    requireOpen();
    if (pendingFrames > 0) {
      encodePendingAudio();
    }
    encode(video, null, videoStream.index(), videoCodecTb, videoStreamTb);
    encode(audio, null, audioStream.index(), audioCodecTb, audioStreamTb);
    check(avformat.av_interleaved_write_frame(oc, null), "could not write the last packets");
    check(avformat.av_write_trailer(oc), "could not write the MP4 index");
    finished = true;
    check(closeFile(), "could not close " + output);
  }

  /** @return video frames written so far */
  long videoFrames() {
    return videoPts;
  }

  /** @return audio sample frames written so far, buffered ones included */
  long audioFrames() {
    return audioPts + pendingFrames;
  }

  private void encode(AVCodecContext ctx, AVFrame frame, int stream, AVRational codecTb,
      AVRational streamTb) throws EncoderException {
    check(avcodec.avcodec_send_frame(ctx, frame), "the encoder refused a frame");
    while (true) {
      int r = avcodec.avcodec_receive_packet(ctx, packet);
      if (r == eagain || r == avutil.AVERROR_EOF) {
        return;
      }
      check(r, "the encoder failed");
      packet.stream_index(stream);
      avcodec.av_packet_rescale_ts(packet, codecTb, streamTb);
      // Takes the packet's reference (the packet is left blank for the next receive).
      check(avformat.av_interleaved_write_frame(oc, packet), writeFailure);
    }
  }

  private void mapPictureIfMoved() {
    for (int p = 0; p < (nv12Chroma == null ? 3 : 2); p++) {
      long address = pictureData.get(p);
      if (planes[p] == null || address != planeAddress[p]) {
        int rows = p == 0 ? config.heightPx() : config.heightPx() / 2;
        planes[p] = picture.data(p).capacity((long) picture.linesize(p) * rows);
        planeAddress[p] = address;
      }
    }
  }

  private void mapSamplesIfMoved() {
    for (int c = 0; c < channelPlanes.length; c++) {
      long address = samplesData.get(c);
      if (channelPlanes[c] == null || address != channelAddress[c]) {
        channelPlanes[c] = new FloatPointer(samples.data(c)).capacity(audioFrameSize);
        channelAddress[c] = address;
      }
    }
  }

  private void requireOpen() {
    if (packet == null) {
      throw new IllegalStateException("the encoder is not started");
    }
    if (finished) {
      throw new IllegalStateException("the encoder is finished");
    }
  }

  private static void check(int r, String what) throws EncoderException {
    if (r < 0) {
      throw new EncoderException(what + ": " + FfmpegNatives.errorText(r) + " (error " + r + ")");
    }
  }

  /** Frees the encoders, frames and muxer, and closes the file if {@link #finish()} did not. */
  @Override
  public void close() {
    if (packet != null) {
      avcodec.av_packet_free(packet);
      packet = null;
    }
    if (picture != null) {
      avutil.av_frame_free(picture);
      picture = null;
    }
    if (samples != null) {
      avutil.av_frame_free(samples);
      samples = null;
    }
    if (video != null) {
      avcodec.avcodec_free_context(video);
      video = null;
    }
    if (audio != null) {
      avcodec.avcodec_free_context(audio);
      audio = null;
    }
    if (oc != null) {
      if (!oc.isNull()) {
        closeFile();
        avformat.avformat_free_context(oc);
      }
      oc = null;
    }
  }

  /** Closes the file once; the muxer's pointer to it is cleared so it is never closed twice. */
  private int closeFile() {
    AVIOContext pb = oc.pb();
    if (pb == null || pb.isNull()) {
      return 0;
    }
    oc.pb(null);
    return avformat.avio_closep(pb);
  }
}
