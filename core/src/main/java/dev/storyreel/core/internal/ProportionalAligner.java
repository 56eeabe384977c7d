package dev.storyreel.core.internal;

import dev.storyreel.core.PcmAudio;
import dev.storyreel.core.WordTiming;
import dev.storyreel.core.Words;
import dev.storyreel.core.spi.Aligner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A last-resort aligner for speech providers that return no word timings and no real aligner is
 * configured: it shares the audio's length among the words in proportion to their letter count
 * (plus one for the gap). Its timings are estimates, and the manifest says so ({@code estimate}).
 * Stateless and thread-safe.
 */
public final class ProportionalAligner implements Aligner {
  @Override
  public String name() {
    return "estimate";
  }

  @Override
  public String model() {
    return "proportional-to-letters";
  }

  @Override
  public List<WordTiming> align(int segmentIndex, String text, PcmAudio audio) {
    String[] words = Words.split(text).toArray(new String[0]);
    long[] weight = new long[words.length];
    long total = 0;
    for (int i = 0; i < words.length; i++) {
      weight[i] = 1 + words[i].codePoints().filter(Character::isLetterOrDigit).count();
      total += weight[i];
    }
    long nanos = audio.duration().toNanos();
    List<WordTiming> out = new ArrayList<>(words.length);
    long acc = 0;
    for (int i = 0; i < words.length; i++) {
      long start = nanos * acc / total;
      acc += weight[i];
      long end = nanos * acc / total;
      out.add(new WordTiming(words[i], Duration.ofNanos(start), Duration.ofNanos(end)));
    }
    return out;
  }
}
