package dev.storyreel.offline;

import dev.storyreel.core.Mood;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import javax.sound.midi.InvalidMidiDataException;
import javax.sound.midi.MidiEvent;
import javax.sound.midi.Sequence;
import javax.sound.midi.ShortMessage;
import javax.sound.midi.Track;

/**
 * The score of a procedural music bed: a General MIDI {@link Sequence} of a chord progression for
 * one mood, repeated with variations until it is at least as long as asked. What is played is a
 * function of (mood, seed) only; the duration only decides where it stops.
 *
 * <p>Each mood has its own tempo, chord length, instruments, textures and a few progressions
 * (written as Roman numerals relative to the key: upper case major, lower case minor, {@code b}
 * a semitone lower, {@code sus2}/{@code sus4} suspended); the seed picks the progression, the key
 * (within a few semitones of the mood's), the voicings and the melodic and rhythmic details:
 *
 * <ul>
 *   <li>dread: 60 bpm, a chord every 8 beats, a sweep pad over a low contrabass drone, with rare
 *       high bells a semitone off the chord;
 *   <li>calm: 70 bpm, a chord every 4 beats, a warm pad, soft bass roots and an electric-piano
 *       arpeggio, one note a beat;
 *   <li>tension: 100 bpm, a chord every 4 beats, strings over eighth-note synth-bass pulses and
 *       a tremolo-strings line;
 *   <li>wonder: 66 bpm, a chord every 4 beats, a new-age pad, a harp arpeggio over two octaves in
 *       half beats and a sparse celesta melody;
 *   <li>sorrow: 55 bpm, a chord every 8 beats, a string pad over a low drone and a slow cello
 *       melody of long notes.
 * </ul>
 *
 * <p>Time is in ticks of {@value #RESOLUTION} per quarter note at MIDI's default 120 bpm, so
 * {@value #TICKS_PER_SECOND} ticks a second; no tempo event is written. The sequence holds only
 * note events (a few per second), never audio. Immutable once built; not thread-safe while
 * being built.
 */
final class MusicScore {
  /** Ticks per quarter note. */
  static final int RESOLUTION = 480;
  /** Ticks a second at the default tempo of 120 bpm. */
  static final int TICKS_PER_SECOND = 2 * RESOLUTION;

  private static final int PAD = 0;
  private static final int BASS = 1;
  private static final int MOTION = 2;
  private static final int LEAD = 3;

  private static final int[] MAJOR = {0, 2, 4, 5, 7, 9, 11};
  private static final int[] MINOR = {0, 2, 3, 5, 7, 8, 10};
  private static final String[] NUMERALS = {"vii", "iii", "vi", "iv", "ii", "v", "i"};
  private static final int[] NUMERAL_DEGREES = {7, 3, 6, 4, 2, 5, 1};
  private static final String[] KEY_NAMES =
      {"C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"};

  /** What plays besides the pad. */
  private enum Texture {
    DRONE, BASS_ROOTS, PULSE, ARPEGGIO, BELLS, MELODY
  }

  /**
   * A mood's sound.
   *
   * @param beatSeconds length of a beat
   * @param beatsPerChord how long each chord lasts
   * @param minor whether the numerals are read in the minor scale
   * @param tonic MIDI note of the key's tonic in the pad's octave, before the seed moves it
   * @param programs General MIDI programs (0-based) for the pad, bass, motion and lead channels
   * @param textures what plays besides the pad
   * @param progressions the progressions the seed chooses from
   */
  private record Style(double beatSeconds, int beatsPerChord, boolean minor, int tonic,
      int[] programs, List<Texture> textures, List<String> progressions) {}

  private static final Map<Mood, Style> STYLES = new EnumMap<>(Mood.class);

  static {
    STYLES.put(Mood.DREAD, new Style(1.0, 8, true, 50, new int[] {95, 43, 92, 14},
        List.of(Texture.DRONE, Texture.BELLS),
        List.of("i-VI-III-VII", "i-bII-i-VII", "i-iv-bII-i")));
    STYLES.put(Mood.CALM, new Style(60.0 / 70, 4, false, 60, new int[] {89, 32, 4, 73},
        List.of(Texture.BASS_ROOTS, Texture.ARPEGGIO),
        List.of("I-V-vi-IV", "I-vi-IV-V", "I-IV-vi-V")));
    STYLES.put(Mood.TENSION, new Style(0.6, 4, true, 57, new int[] {49, 38, 44, 44},
        List.of(Texture.PULSE, Texture.MELODY),
        List.of("i-VII-VI-V", "i-bII-i-bII", "isus4-i-VIsus2-V")));
    STYLES.put(Mood.WONDER, new Style(60.0 / 66, 4, false, 62, new int[] {88, 32, 46, 8},
        List.of(Texture.ARPEGGIO, Texture.MELODY),
        List.of("I-II-IV-I", "IV-I-V-vi", "I-V-II-IV")));
    STYLES.put(Mood.SORROW, new Style(60.0 / 55, 8, true, 57, new int[] {48, 89, 42, 42},
        List.of(Texture.DRONE, Texture.MELODY),
        List.of("i-iv-VI-V", "i-VI-iv-V", "i-v-VI-III")));
  }

  /** A chord: its root in semitones above the tonic and its intervals above the root. */
  private record Chord(int rootSemis, int[] intervals) {}

  private final Sequence sequence;
  private final String progression;
  private final String key;

  private MusicScore(Sequence sequence, String progression, String key) {
    this.sequence = sequence;
    this.progression = progression;
    this.key = key;
  }

  /** @return the sequence to render; its events end at or after the requested length */
  Sequence sequence() {
    return sequence;
  }

  /** @return the progression played, for example {@code i-VI-III-VII} */
  String progression() {
    return progression;
  }

  /** @return the key, for example {@code D minor} */
  String key() {
    return key;
  }

  /**
   * Writes the score.
   *
   * @param mood the mood; never {@code null}
   * @param seed any value; the same (mood, seed) always gives the same notes
   * @param seconds how long the score must last at least; positive
   * @return the score
   */
  static MusicScore compose(Mood mood, long seed, double seconds) {
    Style style = STYLES.get(mood);
    // Mix the mood into the seed so that two moods with one seed do not share their choices.
    Random rnd = new Random(seed * 0x9E3779B97F4A7C15L + mood.ordinal() * 0xBF58476D1CE4E5B9L);
    String progressionName = style.progressions().get(rnd.nextInt(style.progressions().size()));
    List<Chord> chords = parse(progressionName, style.minor());
    int tonic = style.tonic() + rnd.nextInt(5) - 2;
    String keyName = KEY_NAMES[Math.floorMod(tonic, 12)] + (style.minor() ? " minor" : " major");
    Writer w = new Writer();
    w.setUp(style.programs());

    double chordSeconds = style.beatSeconds() * style.beatsPerChord();
    int cycle = chords.size();
    boolean arpeggioUpDown = rnd.nextBoolean();
    int melodyNote = tonic + 12;
    for (int c = 0; c * chordSeconds < seconds; c++) {
      double start = c * chordSeconds;
      Chord chord = chords.get(c % cycle);
      int[] pad = voicing(tonic, chord, rnd.nextInt(3));
      double padEnd = start + chordSeconds + 0.15;
      for (int note : pad) {
        w.note(PAD, note, 70 + rnd.nextInt(12), start, padEnd);
      }
      w.note(PAD, tonic - 12 + chord.rootSemis(), 62, start, padEnd);
      for (Texture t : style.textures()) {
        switch (t) {
          case DRONE -> {
            if (c % cycle == 0) {
              double end = start + chordSeconds * cycle + 0.3;
              w.note(BASS, tonic - 24, 84, start, end);
              w.note(BASS, tonic - 17, 64, start, end);
            }
          }
          case BASS_ROOTS -> {
            for (int half = 0; half < 2; half++) {
              double s = start + half * chordSeconds / 2;
              int fifth = half == 1 && rnd.nextBoolean() ? 7 : 0;
              w.note(BASS, tonic - 24 + chord.rootSemis() + fifth, 60 + rnd.nextInt(10),
                  s, s + chordSeconds / 2 - 0.05);
            }
          }
          case PULSE -> {
            double step = style.beatSeconds() / 2;
            int steps = style.beatsPerChord() * 2;
            for (int i = 0; i < steps; i++) {
              double s = start + i * step;
              int velocity = (i % 4 == 0 ? 96 : i % 2 == 0 ? 78 : 64) + rnd.nextInt(8);
              int octave = i % 8 == 7 && rnd.nextBoolean() ? 12 : 0;
              w.note(BASS, tonic - 24 + chord.rootSemis() + octave, velocity, s, s + step * 0.6);
            }
          }
          case ARPEGGIO -> {
            boolean halves = mood == Mood.WONDER;
            double step = halves ? style.beatSeconds() / 2 : style.beatSeconds();
            int steps = (int) Math.round(chordSeconds / step);
            int[] tones = arpeggio(tonic, chord, halves ? 2 : 1);
            for (int i = 0; i < steps; i++) {
              int idx = arpeggioIndex(i, tones.length, arpeggioUpDown);
              double s = start + i * step;
              w.note(MOTION, tones[idx], 58 + rnd.nextInt(14), s, s + step * 1.8);
            }
          }
          case BELLS -> {
            if (rnd.nextInt(3) == 0) {
              double s = start + style.beatSeconds() * (2 + rnd.nextInt(4));
              int tone = tonic + 12 + chord.rootSemis() + chord.intervals()[rnd.nextInt(3)];
              // A semitone off the chord now and then: the unease of the mood.
              w.note(LEAD, tone + (rnd.nextBoolean() ? 1 : 0), 56 + rnd.nextInt(16), s, s + 3.0);
            }
          }
          case MELODY -> {
            int notesPerChord =
                mood == Mood.WONDER ? style.beatsPerChord() : style.beatsPerChord() / 2;
            double step = chordSeconds / notesPerChord;
            int[] tones = arpeggio(tonic + 12, chord, 1);
            for (int i = 0; i < notesPerChord; i++) {
              if (mood == Mood.WONDER && rnd.nextInt(5) >= 2) {
                continue;
              }
              melodyNote = nearest(tones, melodyNote + rnd.nextInt(7) - 3);
              double s = start + i * step;
              double len = mood == Mood.TENSION ? step * 0.95 : step * 1.1;
              w.note(LEAD, melodyNote, 64 + rnd.nextInt(14), s, s + len);
            }
          }
          default -> throw new IllegalStateException(t.toString());
        }
      }
    }
    return new MusicScore(w.sequence, progressionName, keyName);
  }

  /** Close voicing of a chord near the tonic: the lowest {@code inversion} tones an octave up. */
  private static int[] voicing(int tonic, Chord chord, int inversion) {
    int[] iv = chord.intervals();
    int[] notes = new int[iv.length];
    for (int i = 0; i < iv.length; i++) {
      int n = tonic + chord.rootSemis() + iv[i] + (i < inversion ? 12 : 0);
      // Keep the pad in one band so the chords move by small steps.
      while (n > tonic + 14) {
        n -= 12;
      }
      notes[i] = n;
    }
    return notes;
  }

  /** The chord's tones ascending over {@code octaves} octaves from its root above the tonic. */
  private static int[] arpeggio(int tonic, Chord chord, int octaves) {
    int[] iv = chord.intervals();
    int[] out = new int[iv.length * octaves + 1];
    for (int o = 0; o < octaves; o++) {
      for (int i = 0; i < iv.length; i++) {
        out[o * iv.length + i] = tonic + chord.rootSemis() + iv[i] + 12 * o;
      }
    }
    out[out.length - 1] = tonic + chord.rootSemis() + 12 * octaves;
    return out;
  }

  private static int arpeggioIndex(int i, int n, boolean upDown) {
    if (!upDown) {
      return i % n;
    }
    int period = 2 * (n - 1);
    int p = i % period;
    return p < n ? p : period - p;
  }

  private static int nearest(int[] tones, int target) {
    int best = tones[0];
    for (int t : tones) {
      for (int shift = -12; shift <= 12; shift += 12) {
        if (Math.abs(t + shift - target) < Math.abs(best - target)) {
          best = t + shift;
        }
      }
    }
    return best;
  }

  /** Parses {@code i-VI-III-VII} in a major or minor key. */
  private static List<Chord> parse(String progression, boolean minor) {
    List<Chord> out = new ArrayList<>();
    for (String token : progression.split("-")) {
      String t = token;
      int shift = 0;
      if (t.startsWith("b")) {
        shift = -1;
        t = t.substring(1);
      }
      int[] intervals = null;
      if (t.endsWith("sus2")) {
        intervals = new int[] {0, 2, 7};
        t = t.substring(0, t.length() - 4);
      } else if (t.endsWith("sus4")) {
        intervals = new int[] {0, 5, 7};
        t = t.substring(0, t.length() - 4);
      }
      String lower = t.toLowerCase(Locale.ROOT);
      int degree = 0;
      for (int i = 0; i < NUMERALS.length; i++) {
        if (lower.equals(NUMERALS[i])) {
          degree = NUMERAL_DEGREES[i];
        }
      }
      if (degree == 0) {
        throw new IllegalArgumentException("not a numeral: " + token);
      }
      boolean major = !t.equals(lower);
      if (intervals == null) {
        intervals = major ? new int[] {0, 4, 7} : new int[] {0, 3, 7};
      }
      int root = (minor ? MINOR : MAJOR)[degree - 1] + shift;
      out.add(new Chord(root, intervals));
    }
    return out;
  }

  /** Adds events to one track. */
  private static final class Writer {
    final Sequence sequence;
    final Track track;

    Writer() {
      try {
        sequence = new Sequence(Sequence.PPQ, RESOLUTION);
      } catch (InvalidMidiDataException e) {
        throw new IllegalStateException(e);
      }
      track = sequence.createTrack();
    }

    void setUp(int[] programs) {
      int[] volumes = {96, 90, 80, 84};
      int[] pans = {64, 58, 40, 88};
      for (int ch = 0; ch < programs.length; ch++) {
        add(ShortMessage.PROGRAM_CHANGE, ch, programs[ch], 0, 0);
        add(ShortMessage.CONTROL_CHANGE, ch, 7, volumes[ch], 0);
        add(ShortMessage.CONTROL_CHANGE, ch, 10, pans[ch], 0);
        add(ShortMessage.CONTROL_CHANGE, ch, 91, 90, 0); // reverb send
        add(ShortMessage.CONTROL_CHANGE, ch, 93, 30, 0); // chorus send
      }
    }

    void note(int channel, int midiNote, int velocity, double startSeconds, double endSeconds) {
      int n = Math.max(0, Math.min(127, midiNote));
      int v = Math.max(1, Math.min(127, velocity));
      long on = ticks(startSeconds);
      long off = Math.max(on + 1, ticks(endSeconds));
      add(ShortMessage.NOTE_ON, channel, n, v, on);
      add(ShortMessage.NOTE_OFF, channel, n, 0, off);
    }

    private void add(int command, int channel, int data1, int data2, long tick) {
      try {
        track.add(new MidiEvent(new ShortMessage(command, channel, data1, data2), tick));
      } catch (InvalidMidiDataException e) {
        throw new IllegalStateException(e);
      }
    }

    private static long ticks(double seconds) {
      return Math.round(seconds * TICKS_PER_SECOND);
    }
  }
}
