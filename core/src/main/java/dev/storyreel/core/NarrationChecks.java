package dev.storyreel.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Checks that a narration a speech provider (or an aligner) produced is plausible for the words
 * it should speak: long enough, not too long, not mostly silence, and with word timings inside
 * the audio. A provider that sends a clip cut to half its length, a clip of silence or timings
 * past the end fails here instead of being cached and reused on every rerun.
 *
 * <p>A failed check is a {@link RetriableException}: the provider produced a bad asset and the
 * same request may well give a good one, so it goes through the usual retry rules ({@link
 * RetryPolicy}). The number of words matching the number of timings is not checked here; the
 * pipeline checks that itself.
 *
 * <p>Stateless and thread-safe. Example: {@code NarrationChecks.check("openai", 3,
 * narration, Words.split(text).size(), NarrationBounds.defaults())}.
 */
public final class NarrationChecks {
  /** Samples quieter than this (about -46 dBFS) count as silence. */
  static final int SILENCE_PEAK = 164;
  /** Silence is measured in windows of this many milliseconds. */
  static final int WINDOW_MILLIS = 10;

  private NarrationChecks() {}

  /**
   * Checks a narration and throws when it is not plausible.
   *
   * @param provider the speech provider's (or aligner's) name, for the message; never {@code
   *     null}
   * @param segment the segment index, for the message
   * @param narration the audio and its word timings (possibly none); never {@code null}
   * @param wordCount how many words the narration should speak, {@code >= 0}
   * @param bounds the plausible range; never {@code null}
   * @throws RetriableException naming the provider, the segment and every problem found
   * @throws IllegalArgumentException if {@code wordCount} is negative
   */
  public static void check(String provider, int segment, Narration narration, int wordCount,
      NarrationBounds bounds) {
    Objects.requireNonNull(narration, "narration");
    check(provider, segment, narration.audio(), wordCount, narration.words(), bounds);
  }

  /**
   * Checks audio and optional word timings and throws when they are not plausible.
   *
   * @param provider the provider's name, for the message; never {@code null}
   * @param segment the segment index, for the message
   * @param audio the narration's audio; never {@code null}
   * @param wordCount how many words it should speak, {@code >= 0}
   * @param timings the word timings, relative to the start of {@code audio}, or empty; never
   *     {@code null}
   * @param bounds the plausible range; never {@code null}
   * @throws RetriableException naming the provider, the segment and every problem found
   * @throws IllegalArgumentException if {@code wordCount} is negative
   */
  public static void check(String provider, int segment, PcmAudio audio, int wordCount,
      List<WordTiming> timings, NarrationBounds bounds) {
    Objects.requireNonNull(provider, "provider");
    List<String> problems = problems(audio, wordCount, timings, bounds);
    if (!problems.isEmpty()) {
      throw new RetriableException("Segment " + segment + ": the narration from " + provider
          + " is not plausible for its " + wordCount + " words: " + String.join("; ", problems)
          + ". A speech provider sometimes returns a cut, padded or damaged clip, so it is asked"
          + " again; if this keeps happening, check the provider or loosen NarrationBounds.");
    }
  }

  /**
   * Lists what is implausible about a narration, without throwing.
   *
   * @param audio the narration's audio; never {@code null}
   * @param wordCount how many words it should speak, {@code >= 0}
   * @param timings the word timings, relative to the start of {@code audio}, or empty; never
   *     {@code null}
   * @param bounds the plausible range; never {@code null}
   * @return one sentence per problem, empty when the narration is plausible; unmodifiable
   * @throws IllegalArgumentException if {@code wordCount} is negative
   */
  public static List<String> problems(PcmAudio audio, int wordCount, List<WordTiming> timings,
      NarrationBounds bounds) {
    Objects.requireNonNull(audio, "audio");
    Objects.requireNonNull(timings, "timings");
    Objects.requireNonNull(bounds, "bounds");
    if (wordCount < 0) {
      throw new IllegalArgumentException("wordCount must be >= 0, was " + wordCount);
    }
    List<String> out = new ArrayList<>();
    Duration len = audio.duration();
    Duration shortest = bounds.shortest(wordCount);
    Duration longest = bounds.longest(wordCount);
    if (len.compareTo(shortest) < 0) {
      out.add("the audio is " + seconds(len) + " long, at least " + seconds(shortest)
          + " expected (" + bounds.minPerWord().toMillis() + " ms a word)");
    } else if (len.compareTo(longest) > 0) {
      out.add("the audio is " + seconds(len) + " long, at most " + seconds(longest)
          + " expected (" + seconds(bounds.maxPerWord()) + " a word + " + seconds(
              bounds.allowance()) + ")");
    }
    boolean silenceChecks = !bounds.maxSilence().isZero();
    if (silenceChecks && wordCount > 0 && audio.frameCount() > 0) {
      Duration silence = longestSilence(audio);
      if (silence.equals(len)) {
        out.add("the audio is silent");
      } else if (silence.compareTo(bounds.maxSilence()) > 0) {
        out.add("it has " + seconds(silence) + " of silence, at most "
            + seconds(bounds.maxSilence()) + " allowed");
      }
    }
    Duration prevStart = Duration.ZERO;
    Duration prevEnd = Duration.ZERO;
    for (int i = 0; i < timings.size(); i++) {
      WordTiming w = timings.get(i);
      if (w.start().compareTo(prevStart) < 0) {
        out.add("word " + (i + 1) + " ('" + w.word() + "') starts at " + seconds(w.start())
            + ", before the word ahead of it (" + seconds(prevStart) + ")");
      }
      if (w.end().compareTo(len) > 0) {
        out.add("word " + (i + 1) + " ('" + w.word() + "') ends at " + seconds(w.end())
            + ", after the end of the audio (" + seconds(len) + ")");
        break;
      }
      Duration gap = w.start().minus(prevEnd);
      if (silenceChecks && gap.compareTo(bounds.maxSilence()) > 0) {
        out.add("there are " + seconds(gap) + " without a word before word " + (i + 1) + " ('"
            + w.word() + "'), at most " + seconds(bounds.maxSilence()) + " allowed");
      }
      prevStart = w.start();
      prevEnd = w.end().compareTo(prevEnd) > 0 ? w.end() : prevEnd;
    }
    return List.copyOf(out);
  }

  /**
   * @param audio the audio
   * @return the longest run of 10 ms windows whose every sample, on every
   *     channel, is quieter than about -46 dBFS; the whole duration when the audio is silent
   */
  static Duration longestSilence(PcmAudio audio) {
    short[] s = audio.toShorts();
    int ch = audio.channels();
    long frames = audio.frameCount();
    long window = Math.max(1, (long) audio.sampleRateHz() * WINDOW_MILLIS / 1000);
    long run = 0;
    long best = 0;
    for (long start = 0; start < frames; start += window) {
      long stop = Math.min(frames, start + window);
      boolean quiet = true;
      for (long i = start * ch; i < stop * ch && quiet; i++) {
        quiet = Math.abs(s[(int) i]) < SILENCE_PEAK;
      }
      run = quiet ? run + (stop - start) : 0;
      best = Math.max(best, run);
    }
    if (best == frames) {
      return audio.duration();
    }
    return Duration.ofNanos(best * 1_000_000_000L / audio.sampleRateHz());
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.3f s", d.toNanos() / 1e9);
  }
}
