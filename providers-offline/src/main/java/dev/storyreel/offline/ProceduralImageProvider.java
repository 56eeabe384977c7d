package dev.storyreel.offline;

import dev.storyreel.core.InvalidInputException;
import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.VideoFormat;
import dev.storyreel.core.spi.GeneratedImage;
import dev.storyreel.core.spi.ImageProvider;
import dev.storyreel.core.spi.ImageRequest;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Offline pictures: an atmospheric landscape composed from the prompt, no model and no network.
 *
 * <p>The scene is a vertical-gradient sky with clouds, an optional sun or moon with a glow, hills
 * in two depths, and, by the prompt's words, building silhouettes ({@code house}, {@code
 * station}, {@code city}, ...; houses get pitched roofs and lit windows at night), conifers
 * ({@code forest}, {@code tree}, ...) and a band of rippled water ({@code sea}, {@code ferry},
 * {@code river}, ...), under layered value-noise fog and a soft vignette. The palette follows the
 * mood words: {@code night}/{@code dark}/{@code storm} give a dark blue night with a moon, {@code
 * sun}/{@code morning}/{@code gold} a warm day with a sun, both together a dusk; otherwise the hue
 * comes from the hash.
 *
 * <p>Deterministic: every choice (hue shifts, horizon, shapes, noise) comes from SHA-256 of the
 * prompt and seed through a SplitMix64 generator and integer-hash value noise, and only {@link
 * StrictMath} is used, so the same {@code (prompt, seed, width, height)} gives byte-identical PNG
 * files on any JVM; another prompt or seed gives another picture. The image has exactly the
 * requested size (the composition scales with it, so any aspect ratio works). It is drawn on an
 * {@code int[]} of pixels; a 1080×1920 picture takes a few hundred milliseconds on one core,
 * most of it PNG compression.
 *
 * <p>Thread-safe and stateless: calls share nothing.
 */
public final class ProceduralImageProvider implements ImageProvider {

  /** The registered name, {@value}. */
  public static final String NAME = "procedural";

  /** The model name written to the manifest, {@value}; change it when the pictures change. */
  public static final String MODEL = "procedural-v1";

  private static final Pattern WORD = Pattern.compile("[a-z]+");

  private static final Set<String> DARK_WORDS =
      Set.of("night", "nights", "dark", "darkness", "darker", "storm", "storms", "stormy",
          "midnight", "moon", "moonlight", "moonlit", "shadow", "shadows", "evening", "gloom",
          "gloomy", "black", "starry", "stars", "nocturnal");
  private static final Set<String> WARM_WORDS =
      Set.of("sun", "suns", "sunny", "sunlight", "sunlit", "sunrise", "sunset", "morning",
          "mornings", "dawn", "gold", "golden", "summer", "noon", "bright", "warm", "daylight",
          "desert", "amber");
  private static final Set<String> STORM_WORDS =
      Set.of("storm", "storms", "stormy", "thunder", "rain", "rainy", "tempest", "gale",
          "lightning", "clouds", "cloudy", "overcast");
  private static final Set<String> WATER_WORDS =
      Set.of("sea", "seas", "ocean", "ferry", "ferries", "water", "waters", "river", "rivers",
          "lake", "lakes", "harbor", "harbour", "bay", "boat", "boats", "ship", "shore", "beach",
          "coast", "waves", "pier", "dock", "canal", "pond");
  private static final Set<String> BUILDING_WORDS =
      Set.of("house", "houses", "home", "station", "stations", "city", "cities", "town", "street",
          "streets", "village", "tower", "towers", "building", "buildings", "castle", "church",
          "factory", "skyline", "apartment", "rooftops", "market", "platform", "cottage");
  private static final Set<String> HOUSE_WORDS =
      Set.of("house", "houses", "home", "village", "cottage", "church", "rooftops");
  private static final Set<String> TREE_WORDS =
      Set.of("forest", "forests", "tree", "trees", "woods", "wood", "jungle", "pine", "pines",
          "grove", "orchard", "park", "garden");

  /** Creates the provider. */
  public ProceduralImageProvider() {}

  /** @return {@value #NAME} */
  @Override
  public String name() {
    return NAME;
  }

  /** @return {@value #MODEL} */
  @Override
  public String model() {
    return MODEL;
  }

  /**
   * Draws the picture for a prompt.
   *
   * @param request the prompt, seed and size in pixels; never {@code null}
   * @return a PNG ({@code image/png}) of exactly {@code request.widthPx() × request.heightPx()}
   *     pixels, 8-bit RGB
   * @throws NullPointerException if {@code request} is {@code null}
   * @throws InvalidInputException if a side is over {@value VideoFormat#MAX_SIDE_PX} pixels
   * @throws NonRetriableException if PNG encoding fails
   */
  @Override
  public GeneratedImage generate(ImageRequest request) {
    Objects.requireNonNull(request, "request");
    int w = request.widthPx();
    int h = request.heightPx();
    if (w > VideoFormat.MAX_SIDE_PX || h > VideoFormat.MAX_SIDE_PX) {
      throw new InvalidInputException(
          "segment " + request.segmentIndex() + ": image size " + w + "x" + h + " is over "
              + VideoFormat.MAX_SIDE_PX + " pixels a side");
    }
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
    render(request.prompt(), request.seed(), w, h, pixels);
    return new GeneratedImage(encodePng(image, request.segmentIndex()), "image/png", w, h);
  }

  /**
   * Renders the scene into {@code pixels} (row-major, {@code 0xRRGGBB}).
   *
   * @param prompt the prompt
   * @param seed the seed
   * @param w width in pixels, at least 1
   * @param h height in pixels, at least 1
   * @param pixels {@code w * h} pixels, overwritten
   */
  static void render(String prompt, long seed, int w, int h, int[] pixels) {
    Scene s = new Scene(prompt, seed, w, h);
    s.draw(pixels);
  }

  private static byte[] encodePng(BufferedImage image, int segmentIndex) {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
    ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
    try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
      writer.setOutput(stream);
      ImageWriteParam param = writer.getDefaultWriteParam();
      if (param.canWriteCompressed()) {
        // Quality 0.75 is deflate level 2 in the JDK's PNG writer: about 3x faster than the
        // default level for a file a few percent larger.
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.75f);
      }
      writer.write(null, new IIOImage(image, null, null), param);
    } catch (IOException e) {
      throw new NonRetriableException(
          "segment " + segmentIndex + ": could not encode the procedural image as PNG", e);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }

  // ---------------------------------------------------------------------------------------------

  /** A deterministic pseudo-random sequence: SplitMix64 (Steele, Lea, Flood 2014). */
  private static final class SplitMix {
    private long state;

    SplitMix(long seed) {
      state = seed;
    }

    long nextLong() {
      long z = (state += 0x9E3779B97F4A7C15L);
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      return z ^ (z >>> 31);
    }

    /** @return a value in [0, 1) */
    double next() {
      return (nextLong() >>> 11) * 0x1.0p-53;
    }

    double range(double lo, double hi) {
      return lo + (hi - lo) * next();
    }

    int nextInt() {
      return (int) nextLong();
    }
  }

  /** Seeded 2-D value noise on an integer lattice, smoothstep-interpolated, values in [0, 1). */
  private static float lattice(int x, int y, int seed) {
    int h = seed ^ (x * 0x27D4EB2D) ^ (y * 0x165667B1);
    h = (h ^ (h >>> 15)) * 0x2C1B3C6D;
    h = (h ^ (h >>> 12)) * 0x297A2D39;
    h ^= h >>> 15;
    return (h >>> 8) * (1f / (1 << 24));
  }

  private static float noise(float x, float y, int seed) {
    int xi = (int) Math.floor(x);
    int yi = (int) Math.floor(y);
    float fx = x - xi;
    float fy = y - yi;
    fx = fx * fx * (3 - 2 * fx);
    fy = fy * fy * (3 - 2 * fy);
    float a = lattice(xi, yi, seed);
    float b = lattice(xi + 1, yi, seed);
    float c = lattice(xi, yi + 1, seed);
    float d = lattice(xi + 1, yi + 1, seed);
    float top = a + (b - a) * fx;
    float bottom = c + (d - c) * fx;
    return top + (bottom - top) * fy;
  }

  /** Fractal sum of {@code octaves} noise layers, each twice the frequency and half the weight. */
  private static float fbm(float x, float y, int seed, int octaves) {
    float sum = 0;
    float amp = 0.5f;
    float norm = 0;
    for (int o = 0; o < octaves; o++) {
      sum += amp * noise(x, y, seed + o * 0x3C6EF372);
      norm += amp;
      amp *= 0.5f;
      x *= 2.03f;
      y *= 2.03f;
    }
    return sum / norm;
  }

  /** Noise sampled on a coarse grid (one sample per {@code STEP} pixels), read bilinearly. */
  private static final class CoarseNoise {
    private static final int STEP = 4;
    private final float[] grid;
    private final int gw;

    CoarseNoise(int w, int h, float scaleX, float scaleY, int seed, int octaves) {
      gw = w / STEP + 2;
      int gh = h / STEP + 2;
      grid = new float[gw * gh];
      for (int j = 0; j < gh; j++) {
        for (int i = 0; i < gw; i++) {
          grid[j * gw + i] = fbm(i * STEP / scaleX, j * STEP / scaleY, seed, octaves);
        }
      }
    }

    float at(int x, int y) {
      float gx = x * (1f / STEP);
      float gy = y * (1f / STEP);
      int i = (int) gx;
      int j = (int) gy;
      float fx = gx - i;
      float fy = gy - j;
      int k = j * gw + i;
      float top = grid[k] + (grid[k + 1] - grid[k]) * fx;
      float bottom = grid[k + gw] + (grid[k + gw + 1] - grid[k + gw]) * fx;
      return top + (bottom - top) * fy;
    }
  }

  /** @return RGB in [0, 1] for hue in degrees, saturation and lightness in [0, 1] */
  private static float[] hsl(double hue, double sat, double light) {
    double hh = ((hue % 360) + 360) % 360 / 60.0;
    double c = (1 - Math.abs(2 * light - 1)) * sat;
    double x = c * (1 - Math.abs(hh % 2 - 1));
    double m = light - c / 2;
    double r;
    double g;
    double b;
    switch ((int) hh) {
      case 0 -> { r = c; g = x; b = 0; }
      case 1 -> { r = x; g = c; b = 0; }
      case 2 -> { r = 0; g = c; b = x; }
      case 3 -> { r = 0; g = x; b = c; }
      case 4 -> { r = x; g = 0; b = c; }
      default -> { r = c; g = 0; b = x; }
    }
    return new float[] {(float) (r + m), (float) (g + m), (float) (b + m)};
  }

  private static float[] mix(float[] a, float[] b, double t) {
    float f = (float) t;
    return new float[] {a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f};
  }

  private static float smooth(float e0, float e1, float x) {
    float t = Math.max(0f, Math.min(1f, (x - e0) / (e1 - e0)));
    return t * t * (3 - 2 * t);
  }

  private static int pack(float r, float g, float b) {
    int ri = Math.max(0, Math.min(255, (int) (r * 255f + 0.5f)));
    int gi = Math.max(0, Math.min(255, (int) (g * 255f + 0.5f)));
    int bi = Math.max(0, Math.min(255, (int) (b * 255f + 0.5f)));
    return (ri << 16) | (gi << 8) | bi;
  }

  /** Everything decided about one picture before drawing it. */
  private static final class Scene {
    enum Mood { NIGHT, DAY, DUSK, NEUTRAL }

    final int w;
    final int h;
    final SplitMix rnd;
    final int noiseSeed;
    final Mood mood;
    final boolean storm;
    final boolean water;
    final boolean buildings;
    final boolean houses;
    final boolean trees;

    final float[] skyTop;
    final float[] skyHorizon;
    final float[] fog;
    final float[] farHill;
    final float[] nearHill;
    final float[] ground;
    final float[] groundFar;
    final float[] waterDeep;
    final float[] silhouette;
    final float[] cloud;
    final float[] disc;
    final float[] window;
    final int horizon;
    final float cloudCover;
    final float cloudiness;
    final float fogStrength;
    final boolean celestial;
    final float discX;
    final float discY;
    final float discR;
    final float glowStrength;

    Scene(String prompt, long seed, int w, int h) {
      this.w = w;
      this.h = h;
      byte[] digest = sha256(prompt + "\u0000" + seed);
      long s = 0;
      for (int i = 0; i < 8; i++) {
        s = (s << 8) | (digest[i] & 0xFF);
      }
      rnd = new SplitMix(s);
      noiseSeed = rnd.nextInt();

      int dark = 0;
      int warm = 0;
      boolean st = false;
      boolean wa = false;
      boolean bu = false;
      boolean ho = false;
      boolean tr = false;
      Matcher m = WORD.matcher(prompt.toLowerCase(Locale.ROOT));
      while (m.find()) {
        String word = m.group();
        dark += DARK_WORDS.contains(word) ? 1 : 0;
        warm += WARM_WORDS.contains(word) ? 1 : 0;
        st |= STORM_WORDS.contains(word);
        wa |= WATER_WORDS.contains(word);
        bu |= BUILDING_WORDS.contains(word);
        ho |= HOUSE_WORDS.contains(word);
        tr |= TREE_WORDS.contains(word);
      }
      mood = dark > warm ? Mood.NIGHT : warm > dark ? Mood.DAY : dark > 0 ? Mood.DUSK : Mood.NEUTRAL;
      storm = st;
      water = wa;
      buildings = bu;
      houses = ho;
      trees = tr;

      double hue = rnd.range(0, 360);
      double j = rnd.range(-1, 1);
      double j2 = rnd.range(-1, 1);
      switch (mood) {
        case NIGHT -> {
          skyTop = hsl(225 + 15 * j, 0.55, 0.06);
          skyHorizon = hsl(235 + 20 * j2, 0.40, 0.26);
          fog = hsl(220, 0.25, 0.32);
          farHill = hsl(228, 0.30, 0.15);
          nearHill = hsl(228, 0.30, 0.08);
          groundFar = hsl(225, 0.25, 0.09);
          ground = hsl(225, 0.30, 0.04);
          waterDeep = hsl(220, 0.45, 0.06);
          silhouette = hsl(230, 0.25, 0.05);
          cloud = hsl(225, 0.15, storm ? 0.12 : 0.16);
          disc = hsl(50, 0.25, 0.92);
          window = hsl(42, 0.90, 0.65);
        }
        case DAY -> {
          skyTop = hsl(205 + 12 * j, 0.60, 0.58);
          skyHorizon = hsl(42 + 10 * j2, 0.85, 0.80);
          fog = hsl(40, 0.60, 0.85);
          farHill = hsl(30 + 10 * j, 0.30, 0.62);
          nearHill = hsl(25 + 10 * j, 0.35, 0.45);
          groundFar = hsl(38 + 10 * j2, 0.45, 0.55);
          ground = hsl(30 + 10 * j2, 0.40, 0.33);
          waterDeep = hsl(200 + 10 * j, 0.55, 0.35);
          silhouette = hsl(25, 0.30, 0.28);
          cloud = hsl(35, storm ? 0.10 : 0.50, storm ? 0.55 : 0.93);
          disc = hsl(50, 1.0, 0.93);
          window = hsl(45, 0.60, 0.75);
        }
        case DUSK -> {
          skyTop = hsl(262 + 12 * j, 0.45, 0.22);
          skyHorizon = hsl(22 + 10 * j2, 0.85, 0.60);
          fog = hsl(300, 0.25, 0.50);
          farHill = hsl(280, 0.25, 0.30);
          nearHill = hsl(270, 0.25, 0.18);
          groundFar = hsl(265, 0.20, 0.18);
          ground = hsl(260, 0.25, 0.09);
          waterDeep = hsl(250, 0.40, 0.14);
          silhouette = hsl(265, 0.25, 0.10);
          cloud = hsl(330, 0.35, storm ? 0.25 : 0.55);
          disc = hsl(30, 1.0, 0.75);
          window = hsl(40, 0.90, 0.65);
        }
        default -> {
          skyTop = hsl(hue, 0.35, 0.45);
          skyHorizon = hsl(hue + 30, 0.30, 0.76);
          fog = hsl(hue + 20, 0.15, 0.80);
          farHill = hsl(hue + 60, 0.20, 0.55);
          nearHill = hsl(hue + 80, 0.25, 0.38);
          groundFar = hsl(hue + 90, 0.25, 0.42);
          ground = hsl(hue + 100, 0.25, 0.24);
          waterDeep = hsl(hue + 180, 0.35, 0.28);
          silhouette = hsl(hue + 40, 0.20, 0.22);
          cloud = hsl(hue, 0.10, storm ? 0.45 : 0.88);
          disc = hsl(hue + 40, 0.40, 0.92);
          window = hsl(45, 0.60, 0.75);
        }
      }
      if (storm) {
        for (float[] c : new float[][] {skyTop, skyHorizon}) {
          for (int i = 0; i < 3; i++) {
            c[i] *= 0.75f;
          }
        }
      }
      horizon = (int) (h * rnd.range(0.56, 0.68));
      cloudiness = storm ? 0.95f : (float) rnd.range(0.25, 0.6);
      cloudCover = storm ? 0.35f : (float) rnd.range(0.45, 0.6);
      fogStrength = (float) rnd.range(0.35, 0.6) * (storm ? 1.3f : 1f);
      celestial = mood != Mood.NEUTRAL || rnd.next() < 0.5; // storm clouds may hide it
      int minSide = Math.min(w, h);
      discX = (float) (w * rnd.range(0.2, 0.8));
      discY =
          (float)
              (mood == Mood.DUSK
                  ? horizon - minSide * rnd.range(0.02, 0.10)
                  : horizon * rnd.range(0.2, 0.55));
      discR = (float) (minSide * (mood == Mood.NIGHT ? rnd.range(0.04, 0.06) : rnd.range(0.06, 0.09)));
      glowStrength = mood == Mood.NIGHT ? 0.25f : 0.55f;
    }

    void draw(int[] px) {
      int minSide = Math.min(w, h);
      float fogScale = minSide * 0.45f;
      CoarseNoise fogNoise = new CoarseNoise(w, h, fogScale * 1.8f, fogScale * 0.6f, noiseSeed, 4);
      CoarseNoise cloudNoise =
          new CoarseNoise(w, h, minSide * 0.55f, minSide * 0.16f, noiseSeed ^ 0x5bd1e995, 4);

      // Per-column skylines, back to front. Rows at or below these values are covered.
      float[] far = new float[w];
      float[] near = new float[w];
      int seedHills = rnd.nextInt();
      float farAmp = (float) (h * rnd.range(0.06, 0.14));
      float nearAmp = (float) (h * rnd.range(0.03, 0.08));
      for (int x = 0; x < w; x++) {
        far[x] = horizon - farAmp * (0.3f + fbm(x / (minSide * 0.55f), 0.5f, seedHills, 3));
        near[x] = horizon - nearAmp * (0.2f + fbm(x / (minSide * 0.25f), 7.5f, seedHills + 1, 3));
      }
      // Two rows of buildings: a taller, hazier one behind a nearer one.
      int[] backTop = new int[w];
      int[] backId = new int[w];
      int[] backLeft = new int[w];
      int[] buildTop = new int[w];
      int[] buildId = new int[w];
      int[] buildLeft = new int[w];
      for (int[] a : new int[][] {backTop, buildTop}) {
        java.util.Arrays.fill(a, Integer.MAX_VALUE);
      }
      java.util.Arrays.fill(backId, -1);
      java.util.Arrays.fill(buildId, -1);
      if (buildings) {
        placeBuildings(backTop, backId, backLeft, houses ? 1.2 : 1.35, 1000);
        placeBuildings(buildTop, buildId, buildLeft, 1.0, 0);
      }
      float[] backSilhouette = mix(silhouette, fog, 0.4);
      float[] backWindow = mix(window, fog, 0.3);
      int treeBase = water ? horizon : horizon + (int) (h * 0.03);
      int[] treeTop = new int[w];
      java.util.Arrays.fill(treeTop, Integer.MAX_VALUE);
      if (trees) {
        placeTrees(treeTop, treeBase);
      }

      // Sky colour per row.
      float[] rowR = new float[h];
      float[] rowG = new float[h];
      float[] rowB = new float[h];
      for (int y = 0; y < h; y++) {
        float t = (float) StrictMath.pow(Math.min(1.0, y / (double) Math.max(1, horizon)), 1.6);
        rowR[y] = skyTop[0] + (skyHorizon[0] - skyTop[0]) * t;
        rowG[y] = skyTop[1] + (skyHorizon[1] - skyTop[1]) * t;
        rowB[y] = skyTop[2] + (skyHorizon[2] - skyTop[2]) * t;
      }
      float[] vigX = new float[w];
      float[] vigY = new float[h];
      for (int x = 0; x < w; x++) {
        float d = (x - w * 0.5f) / (w * 0.5f);
        vigX[x] = d * d;
      }
      for (int y = 0; y < h; y++) {
        float d = (y - h * 0.5f) / (h * 0.5f);
        vigY[y] = d * d;
      }
      float glowR = discR * (mood == Mood.NIGHT ? 3f : 5f);
      int rippleSeed = noiseSeed ^ 0x68E31DA4;
      float waterSpan = Math.max(1, h - horizon);
      int starSeed = noiseSeed ^ 0x1B873593;

      for (int y = 0; y < h; y++) {
        float fogBand = (y - horizon) / (h * 0.18f);
        float fogDensity =
            fogStrength * (0.25f + 0.75f / (1f + fogBand * fogBand)) * (y > horizon ? 0.7f : 1f);
        float vy = vigY[y];
        int row = y * w;
        for (int x = 0; x < w; x++) {
          float r;
          float g;
          float b;
          if (y < horizon) {
            r = rowR[y];
            g = rowG[y];
            b = rowB[y];
            if (mood == Mood.NIGHT && !storm && y < horizon * 0.7f) {
              float star = lattice(x, y, starSeed);
              if (star > 0.9993f) {
                float k = (star - 0.9993f) / 0.0007f * 0.7f;
                r += k;
                g += k;
                b += k;
              }
            }
            if (celestial) {
              float dx = x - discX;
              float dy = y - discY;
              float d = (float) Math.sqrt(dx * dx + dy * dy);
              if (d < discR + 1) {
                float a = Math.min(1f, discR + 0.5f - d + 0.5f);
                if (a > 0) {
                  r += (disc[0] - r) * a;
                  g += (disc[1] - g) * a;
                  b += (disc[2] - b) * a;
                }
              }
              if (d > discR - 1 && d < glowR * 4) {
                float q = Math.max(0f, d - discR) / glowR;
                float k = glowStrength / (1f + 6f * q * q);
                r += (disc[0] - r) * k;
                g += (disc[1] - g) * k;
                b += (disc[2] - b) * k;
              }
            }
            float cn = cloudNoise.at(x, y);
            float c = smooth(cloudCover, cloudCover + 0.25f, cn) * cloudiness
                * (1f - 0.5f * y / (float) horizon);
            if (c > 0) {
              float shade = 0.85f + 0.3f * (cn - cloudCover);
              r += (cloud[0] * shade - r) * c;
              g += (cloud[1] * shade - g) * c;
              b += (cloud[2] * shade - b) * c;
            }
            if (y >= far[x]) {
              float k = 0.55f;
              r = farHill[0] + (fog[0] - farHill[0]) * k * 0.5f;
              g = farHill[1] + (fog[1] - farHill[1]) * k * 0.5f;
              b = farHill[2] + (fog[2] - farHill[2]) * k * 0.5f;
            }
            if (y >= near[x]) {
              r = nearHill[0];
              g = nearHill[1];
              b = nearHill[2];
            }
          } else if (water) {
            float t = (y - horizon) / waterSpan;
            float depth = (float) StrictMath.pow(t, 0.6);
            r = skyHorizon[0] * 0.8f + (waterDeep[0] - skyHorizon[0] * 0.8f) * depth;
            g = skyHorizon[1] * 0.8f + (waterDeep[1] - skyHorizon[1] * 0.8f) * depth;
            b = skyHorizon[2] * 0.8f + (waterDeep[2] - skyHorizon[2] * 0.8f) * depth;
            float ripple =
                noise(x / (minSide * 0.12f), (y - horizon) / (minSide * (0.004f + 0.03f * t)),
                    rippleSeed);
            float k = 0.75f + 0.5f * ripple;
            if (celestial) {
              float dx = Math.abs(x - discX) / (discR * (1.5f + 3f * t));
              float path = glowStrength * 1.4f / (1f + dx * dx) * ripple * ripple;
              r += (disc[0] - r) * Math.min(1f, path);
              g += (disc[1] - g) * Math.min(1f, path);
              b += (disc[2] - b) * Math.min(1f, path);
            }
            r *= k;
            g *= k;
            b *= k;
          } else {
            float t = (y - horizon) / waterSpan;
            float tex = 0.85f + 0.3f * fogNoise.at(x, (y * 3) % h);
            r = (groundFar[0] + (ground[0] - groundFar[0]) * t) * tex;
            g = (groundFar[1] + (ground[1] - groundFar[1]) * t) * tex;
            b = (groundFar[2] + (ground[2] - groundFar[2]) * t) * tex;
          }
          if (y >= backTop[x] && y < horizon) {
            boolean lit = isLitWindow(x, y, backTop[x], backId[x], backLeft[x]);
            float[] c = lit ? backWindow : backSilhouette;
            r = c[0];
            g = c[1];
            b = c[2];
          }
          if (y >= buildTop[x] && y < horizon) {
            r = silhouette[0];
            g = silhouette[1];
            b = silhouette[2];
            if (isLitWindow(x, y, buildTop[x], buildId[x], buildLeft[x])) {
              r = window[0];
              g = window[1];
              b = window[2];
            }
          }
          if (y >= treeTop[x] && y < treeBase) {
            float shade = 0.8f + 0.2f * (y - treeTop[x]) / (float) Math.max(1, treeBase - treeTop[x]);
            r = nearHill[0] * 0.55f * shade;
            g = nearHill[1] * 0.65f * shade;
            b = nearHill[2] * 0.55f * shade;
          }
          float f = fogDensity * smooth(0.3f, 0.85f, fogNoise.at(x, y));
          r += (fog[0] - r) * f;
          g += (fog[1] - g) * f;
          b += (fog[2] - b) * f;
          float v = 1f - 0.38f * smooth(0.25f, 1.6f, vigX[x] + vy);
          px[row + x] = pack(r * v, g * v, b * v);
        }
      }
    }

    private void placeBuildings(int[] top, int[] id, int[] left, double scale, int firstId) {
      int x = (int) (-w * rnd.range(0, 0.05));
      int n = firstId;
      boolean city = !houses;
      while (x < w) {
        int bw = (int) Math.max(3, w * (city ? rnd.range(0.05, 0.13) : rnd.range(0.10, 0.20)));
        boolean skip = rnd.next() < (city ? 0.15 : 0.45);
        if (!skip) {
          double tall = city ? rnd.range(0.06, 0.26) : rnd.range(0.04, 0.08);
          int bh = (int) Math.max(2, h * tall * scale);
          int roof = houses ? (int) (bw * rnd.range(0.25, 0.45)) : 0;
          int base = horizon - bh;
          for (int c = Math.max(0, x); c < Math.min(w, x + bw); c++) {
            float u = Math.abs((c - x) - bw / 2f) / (bw / 2f);
            int t = base - (int) (roof * (1 - u));
            if (t < top[c]) {
              top[c] = t;
              id[c] = n;
              left[c] = x;
            }
          }
          n++;
        }
        x += bw + (int) (w * rnd.range(0, city ? 0.02 : 0.08));
      }
    }

    private boolean isLitWindow(int x, int y, int top, int id, int left) {
      if (id < 0 || (mood != Mood.NIGHT && mood != Mood.DUSK)) {
        return false;
      }
      int cell = Math.max(4, Math.min(w, h) / 45);
      int dx = x - left;
      int dy = y - top - cell;
      if (dx < cell / 2 || dy < 0) {
        return false;
      }
      if (dx % cell >= cell / 2 || dy % (cell * 3 / 2) >= cell * 3 / 4) {
        return false;
      }
      return lattice(dx / cell + 31 * id, dy / (cell * 3 / 2), noiseSeed ^ 0x7F4A7C15) > 0.6f;
    }

    private void placeTrees(int[] top, int base) {
      int count = (int) (w / (Math.min(w, h) * rnd.range(0.03, 0.06)));
      for (int i = 0; i < count; i++) {
        float cx = (float) (w * rnd.next());
        float th = (float) (h * rnd.range(0.05, 0.16));
        float hw = th * (float) rnd.range(0.22, 0.32);
        for (int c = Math.max(0, (int) (cx - hw)); c < Math.min(w, (int) (cx + hw) + 1); c++) {
          float u = Math.abs(c - cx) / hw;
          if (u > 1) {
            continue;
          }
          // A conifer: a triangle with a slightly ragged edge.
          float ragged = 0.06f * lattice(c, i, noiseSeed ^ 0x2545F491);
          int t = base - (int) (th * (1 - u) * (1 - ragged));
          top[c] = Math.min(top[c], t);
        }
      }
    }
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
