package dev.storyreel.core;

import java.util.Locale;

/** Media types of the files StoryReel writes, by file extension. */
final class MediaTypes {
  private MediaTypes() {}

  static String fromName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (n.endsWith(".mp4")) {
      return "video/mp4";
    } else if (n.endsWith(".png")) {
      return "image/png";
    } else if (n.endsWith(".jpg") || n.endsWith(".jpeg")) {
      return "image/jpeg";
    } else if (n.endsWith(".webp")) {
      return "image/webp";
    } else if (n.endsWith(".wav")) {
      return "audio/wav";
    } else if (n.endsWith(".srt")) {
      return "application/x-subrip";
    } else if (n.endsWith(".vtt")) {
      return "text/vtt";
    } else if (n.endsWith(".json")) {
      return "application/json";
    }
    return "application/octet-stream";
  }
}
