/**
 * The FFmpeg renderer: composes frames in Java (pan-and-zoom, captions) and encodes H.264 + AAC
 * MP4 files with FFmpeg through JavaCV. Entry points: {@link
 * dev.storyreel.render.ffmpeg.FfmpegRenderer} and, for {@link java.util.ServiceLoader}, {@link
 * dev.storyreel.render.ffmpeg.FfmpegRendererFactory}.
 *
 * <h2>FFmpeg natives</h2>
 *
 * <p>This module depends on {@code org.bytedeco:ffmpeg:8.0.1-1.5.13} with the {@code
 * linux-x86_64-gpl} classifier: the GPL build, which has libx264 and libopenh264. The LGPL build
 * (no classifier suffix) has only libopenh264; neither has libass, which is why captions are drawn
 * with Java2D. For other platforms add the matching {@code <platform>-gpl} natives jar.
 *
 * <p>JavaCPP picks natives by the {@code org.bytedeco.javacpp.platform.extension} system
 * property. Left unset, it accepts natives with any extension, so a classpath holding only the
 * {@code -gpl} jar works without it. Before its first native call this package sets the property
 * to {@code -gpl} when the user has not set it and the {@code -gpl} natives for this platform are
 * on the classpath, so that they win even when the LGPL jar is present too. Set the property
 * yourself (for example {@code -Dorg.bytedeco.javacpp.platform.extension=}) to override. It also
 * lowers FFmpeg's global log level from the default {@code info} to {@code error}, unless it was
 * changed already, so that encodes do not print to standard error.
 *
 * <p>H.264 in yuv420p halves the chroma resolution in both directions, hence the even frame sizes
 * {@link dev.storyreel.core.VideoFormat} insists on.
 */
@NullMarked
package dev.storyreel.render.ffmpeg;

import org.jspecify.annotations.NullMarked;
