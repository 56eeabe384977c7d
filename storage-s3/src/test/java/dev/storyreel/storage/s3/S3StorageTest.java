package dev.storyreel.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.storyreel.core.AssetRef;
import dev.storyreel.core.AuthenticationException;
import dev.storyreel.core.InvalidInputException;
import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.NotFoundException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;

@Timeout(60)
class S3StorageTest {
  private static final AtomicInteger BUCKETS = new AtomicInteger();
  @TempDir Path dir;
  private S3Storage s3;
  private String bucket;

  @BeforeEach
  void bucket() {
    bucket = "test-" + BUCKETS.incrementAndGet();
    s3 = S3ProxyServer.storage(bucket).prefix("jobs/ferry").build();
  }

  @AfterEach
  void close() {
    s3.close();
  }

  private static String sha(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  @Test
  void putHeadGetListDelete() throws Exception {
    s3.preflight();
    byte[] data = "hello".getBytes(StandardCharsets.UTF_8);
    AssetRef ref = s3.put("assets/a.json", data, "application/json");
    assertThat(ref).isEqualTo(new AssetRef("assets/a.json", "application/json", 5, sha(data)));
    assertThat(s3.head("assets/a.json")).contains(ref);
    assertThat(s3.read("assets/a.json")).isEqualTo(data);
    Path f = Files.writeString(dir.resolve("v.txt"), "video");
    s3.put("video.mp4", f, "video/mp4");
    assertThat(s3.head("video.mp4").orElseThrow().mediaType()).isEqualTo("video/mp4");
    assertThat(s3.list("")).containsExactly("assets/a.json", "video.mp4");
    assertThat(s3.list("assets/")).containsExactly("assets/a.json");
    try (S3Client raw = S3ProxyServer.client()) {
      assertThat(raw.headObject(r -> r.bucket(bucket).key("jobs/ferry/video.mp4")).contentLength())
          .as("keys live under the prefix").isEqualTo(5);
    }
    assertThat(s3.head("missing.txt")).isEmpty();
    s3.delete("assets/a.json");
    s3.delete("assets/a.json");
    assertThat(s3.list("")).containsExactly("video.mp4");
    assertThatThrownBy(() -> s3.open("assets/a.json"))
        .isInstanceOf(NonRetriableException.class).hasMessageContaining("Nothing is stored");
    assertThat(s3.locate("video.mp4")).isEqualTo(URI.create("s3://" + bucket + "/jobs/ferry/video.mp4"));
  }

  @Test
  void largeObjectsGoUpInSeveralPartsAndReadBackWhole() throws Exception {
    S3Storage small = s3.toBuilder().multipartThresholdBytes(6L << 20)
        .partSizeBytes(S3Storage.MIN_PART_SIZE_BYTES).build();
    byte[] big = new byte[(12 << 20) + 123];
    new Random(7).nextBytes(big);
    Path f = Files.write(dir.resolve("big.bin"), big);
    AssetRef fromFile = small.put("big-file.bin", f, "application/octet-stream");
    AssetRef fromBytes = small.put("big-bytes.bin", big, "application/octet-stream");
    assertThat(fromFile.sha256()).isEqualTo(sha(big)).isEqualTo(fromBytes.sha256());
    try (S3Client raw = S3ProxyServer.client()) {
      String etag = raw.headObject(r -> r.bucket(bucket).key("jobs/ferry/big-file.bin")).eTag();
      assertThat(etag).as("a multipart ETag ends in -<parts>").endsWith("-3\"");
      assertThat(raw.listMultipartUploads(r -> r.bucket(bucket)).uploads()).isEmpty();
    }
    assertThat(small.read("big-file.bin")).isEqualTo(big);
    assertThat(small.head("big-bytes.bin").orElseThrow().sizeBytes()).isEqualTo(big.length);
    small.close();
  }

  @Test
  void crc32cChecksumsWorkToo() {
    S3Storage crc = s3.toBuilder().checksumAlgorithm(ChecksumAlgorithm.CRC32_C).build();
    crc.put("c.txt", new byte[] {1, 2, 3}, "text/plain");
    assertThat(crc.read("c.txt")).containsExactly(1, 2, 3);
    crc.close();
  }

  @Test
  void aTamperedObjectFailsItsChecksumOnRead() throws Exception {
    byte[] good = "the real content".getBytes(StandardCharsets.UTF_8);
    s3.put("assets/x.txt", good, "text/plain");
    String goodSha = sha(good);
    try (S3Client raw = S3ProxyServer.client()) {
      raw.putObject(r -> r.bucket(bucket).key("jobs/ferry/assets/x.txt")
              .metadata(Map.of(S3Storage.SHA256_METADATA, goodSha)),
          RequestBody.fromString("the evil content"));
    }
    assertThatThrownBy(() -> s3.read("assets/x.txt"))
        .isInstanceOf(NonRetriableException.class)
        .hasMessageContaining("failed its checksum")
        .hasMessageContaining("jobs/ferry/assets/x.txt");
  }

  @Test
  void presignedUrlsWorkUntilTamperedOrExpired() throws Exception {
    byte[] data = "a video".getBytes(StandardCharsets.UTF_8);
    s3.put("video.mp4", data, "video/mp4");
    HttpClient http = HttpClient.newHttpClient();
    URI url = s3.presign("video.mp4");
    assertThat(url.getQuery()).contains("X-Amz-Signature=").contains("X-Amz-Expires=86400");
    HttpResponse<byte[]> ok = http.send(HttpRequest.newBuilder(url).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo(data);

    String u = url.toString();
    int at = u.indexOf("X-Amz-Signature=") + "X-Amz-Signature=".length();
    char c = u.charAt(at);
    URI tampered = URI.create(u.substring(0, at) + (c == '0' ? '1' : '0') + u.substring(at + 1));
    assertThat(http.send(HttpRequest.newBuilder(tampered).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(403);

    URI shortLived = s3.presign("video.mp4", Duration.ofSeconds(1));
    Thread.sleep(2100);
    assertThat(http.send(HttpRequest.newBuilder(shortLived).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(403);
  }

  @Test
  void aMissingBucketIsAClearNonRetriableError() {
    try (S3Storage none = S3ProxyServer.storage("exists-" + BUCKETS.incrementAndGet()).build()
        .toBuilder().bucket("no-such-bucket").build()) {
      assertThatThrownBy(none::preflight)
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("'no-such-bucket' does not exist")
          .hasMessageContaining("--storage");
      // An empty body: s3proxy answers 404 without reading a body and closes the connection,
      // which can race a non-empty upload into a connection reset (a retriable I/O error, seen
      // once in CI) instead of the 404 that this test is about.
      assertThatThrownBy(() -> none.put("a.txt", new byte[0], "text/plain"))
          .isInstanceOf(NonRetriableException.class)
          .hasMessageContaining("'no-such-bucket' does not exist")
          .isInstanceOfSatisfying(NotFoundException.class, e -> {
            assertThat(e.provider()).contains("s3");
            assertThat(e.httpStatus()).hasValue(404);
          });
    }
  }

  @Test
  void badCredentialsAreAClearNonRetriableErrorWithoutTheSecret() {
    try (S3Storage bad = s3.toBuilder().credentialsProvider(StaticCredentialsProvider.create(
        AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY, "wrong-secret-value"))).build()) {
      assertThatThrownBy(() -> bad.put("a.txt", new byte[1], "text/plain"))
          .isInstanceOf(AuthenticationException.class)
          .hasMessageContaining(bucket)
          .hasMessageContaining("Check the credentials")
          .hasMessageNotContaining("wrong-secret-value");
      assertThatThrownBy(bad::preflight).isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("Check the credentials");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"../x", "/abs", "a\\b", "a/../../b", "ctl\u0001x", ""})
  void badKeysAreRejectedBeforeAnyRequest(String key) {
    assertThatThrownBy(() -> s3.put(key, new byte[1], "text/plain"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("Invalid storage key");
    assertThat(s3.list("")).isEmpty();
  }

  @Test
  void s3UrisParse() {
    S3Storage.Builder b = S3Storage.fromUri("s3://my-bucket/stories/ferry/");
    try (S3Storage s = b.region("eu-west-1").build()) {
      assertThat(s.bucket()).isEqualTo("my-bucket");
      assertThat(s.prefix()).isEqualTo("stories/ferry");
    }
    assertThatThrownBy(() -> S3Storage.fromUri("http://x/y")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> S3Storage.fromUri("s3://Bad_Bucket/y"))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> S3Storage.fromUri("s3://ok-bucket/../y"))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void twoWritersOfOneKeyAtOnceLeaveOneGoodObject() throws Exception {
    byte[] a = new byte[200_000];
    byte[] b = new byte[200_000];
    java.util.Arrays.fill(a, (byte) 'a');
    java.util.Arrays.fill(b, (byte) 'b');
    var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 5; round++) {
        var fa = pool.submit(() -> s3.put("cache/k.bin", a, "application/octet-stream"));
        var fb = pool.submit(() -> s3.put("cache/k.bin", b, "application/octet-stream"));
        fa.get();
        fb.get();
        byte[] got = s3.read("cache/k.bin"); // also checks the stored SHA-256
        assertThat(got).satisfiesAnyOf(g -> assertThat(g).isEqualTo(a),
            g -> assertThat(g).isEqualTo(b));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theS3FactoryIsFoundByName() {
    var settings = dev.storyreel.core.spi.ProviderSettings.EMPTY
        .with("s3.uri", "s3://" + bucket + "/via/factory")
        .with("s3.endpoint", S3ProxyServer.endpoint().toString())
        .with("s3.pathStyle", "true")
        .with("s3.region", "us-east-1");
    var storage = dev.storyreel.core.Providers.create(dev.storyreel.core.spi.Storage.class, "s3",
        settings);
    assertThat(storage).isInstanceOf(S3Storage.class);
    S3Storage s = (S3Storage) storage;
    assertThat(s.bucket()).isEqualTo(bucket);
    assertThat(s.prefix()).isEqualTo("via/factory");
    assertThat(s.presignExpiry()).isEqualTo(Duration.ofHours(24));
    s.close();
    // without a name the local storage (priority 1) still wins over s3 (priority 0)
    assertThat(dev.storyreel.core.Providers.create(dev.storyreel.core.spi.Storage.class, null,
        settings.with("root", dir.toString()))).isInstanceOf(dev.storyreel.core.LocalStorage.class);
  }
}
