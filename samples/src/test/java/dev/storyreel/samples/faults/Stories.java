package dev.storyreel.samples.faults;

import java.util.List;

/** Twenty small stories, two to four short sentences each, no two sentences alike. */
final class Stories {
  private Stories() {}

  static final List<String> ALL = List.of(
      "The Kettle\n\nThe kettle sang on the stove. Mara poured tea for her brother.",
      "Harbour\n\nGulls circled above the harbour. A trawler came in low with ice on its rails."
          + " The nets were empty.",
      "Orchard\n\nApples dropped in the night wind. By morning the grass was red with them.",
      "The Clock\n\nThe tower clock stopped at noon. Nobody in the village noticed for a week."
          + " Then the baker did.",
      "Lantern Walk\n\nChildren carried paper lanterns down the lane. One lantern caught fire"
          + " and floated away.",
      "Desert Road\n\nThe bus broke down past the dunes. The driver sang while he fixed it."
          + " We clapped when the engine coughed.",
      "Library\n\nA moth lived behind the atlas. It ate only the maps of rivers.",
      "Snowfall\n\nSnow buried the red car overnight. Dad dug it out with a frying pan."
          + " Mum laughed until she cried. The neighbours joined in.",
      "Violin\n\nGrandfather tuned his violin by the window. The cat left the room at once.",
      "Market Day\n\nTomatoes rolled across the square. A boy chased them with a basket."
          + " The farmer gave him a coin.",
      "Lighthouse Keeper\n\nThe keeper painted the stairs blue. He counted every step twice.",
      "The Letter\n\nA letter arrived forty years late. It asked my aunt to a dance."
          + " She went to the hall anyway.",
      "Rain Garden\n\nFrogs sang in the rain garden. Their chorus drowned out the traffic.",
      "Bakery\n\nFlour dusted every shelf of the bakery. The ovens woke before the birds."
          + " Bread cooled on wire racks.",
      "Night Train\n\nThe night train hummed through the valley. A conductor whistled an old"
          + " tune.",
      "Kite\n\nThe green kite tugged at its string. Suddenly the string snapped. It sailed over"
          + " the river and was gone.",
      "Workshop\n\nSawdust drifted in the afternoon light. Uncle Tomas sanded a small chair.",
      "Comet\n\nA comet crossed the August sky. Farmers stopped their tractors to watch."
          + " Dogs howled at it.",
      "Pond\n\nA heron stood still at the pond. Minnows flickered around its legs.",
      "Mountain Hut\n\nWind rattled the shutters of the hut. Climbers played cards by candle"
          + " light. Nobody wanted to sleep. Dawn came slowly.");
}
