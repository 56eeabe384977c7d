package dev.storyreel.core.spi;

import dev.storyreel.core.PcmAudio;
import dev.storyreel.core.WordTiming;
import java.util.List;

/** Finds when each written word is spoken in a narration whose provider gave no timings. */
public non-sealed interface Aligner extends AssetProvider {

  /**
   * @param segmentIndex the segment, from 0 (for messages)
   * @param text the narration's text as written; never blank
   * @param audio the spoken audio; never {@code null}
   * @return one timing per word of {@code text} as {@link dev.storyreel.core.Words#split} finds
   *     them, in order, inside the audio
   * @throws dev.storyreel.core.StoryReelException if alignment fails
   */
  List<WordTiming> align(int segmentIndex, String text, PcmAudio audio);

  @Override
  default String resource() {
    return "alignment";
  }
}
