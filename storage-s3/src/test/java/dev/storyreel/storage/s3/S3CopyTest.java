package dev.storyreel.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.storyreel.core.AssetRef;
import dev.storyreel.core.InvalidInputException;
import dev.storyreel.core.NonRetriableException;
import dev.storyreel.core.NotFoundException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * {@link S3Storage#copy}: a server-side copy in s3proxy that keeps the content, the content type
 * and the {@code storyreel-sha256} metadata; the headers sent are checked in {@link
 * S3CopyRequestTest}.
 */
@Timeout(60)
class S3CopyTest {
  private static final AtomicInteger BUCKETS = new AtomicInteger();
  private S3Storage s3;
  private String bucket;

  @BeforeEach
  void bucket() {
    bucket = "copy-" + BUCKETS.incrementAndGet();
    s3 = S3ProxyServer.storage(bucket).prefix("jobs/ferry").build();
  }

  @AfterEach
  void close() {
    s3.close();
  }

  private static String sha(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  private HeadObjectResponse rawHead(String objectKey) {
    try (S3Client raw = S3ProxyServer.client()) {
      return raw.headObject(r -> r.bucket(bucket).key(objectKey));
    }
  }

  @Test
  void aCopyReadsBackTheSameBytesWithTheShaMetadataAndContentType() throws Exception {
    byte[] data = "the rendered video".getBytes(StandardCharsets.UTF_8);
    AssetRef blob = s3.put("cache/video/abc/video", data, "video/mp4");

    AssetRef copied = s3.copy(blob, "video.mp4");

    assertThat(copied).isEqualTo(new AssetRef("video.mp4", "video/mp4", data.length, sha(data)));
    HeadObjectResponse h = rawHead("jobs/ferry/video.mp4");
    assertThat(h.metadata()).containsEntry(S3Storage.SHA256_METADATA, sha(data));
    assertThat(h.contentType()).isEqualTo("video/mp4");
    assertThat(h.contentLength()).isEqualTo(data.length);
    // read() checks the stored SHA-256 at the end of the stream
    assertThat(s3.read("video.mp4")).isEqualTo(data);
    assertThat(s3.head("video.mp4")).contains(copied);
    assertThat(s3.read("cache/video/abc/video")).as("the source stays").isEqualTo(data);
  }

  @Test
  void theCopysShaMetadataIsCheckedOnRead() {
    AssetRef blob = s3.put("cache/a.txt", "the real content".getBytes(StandardCharsets.UTF_8),
        "text/plain");
    s3.copy(blob, "a.txt");
    // Replace the copy's content but keep its metadata: the check must notice.
    try (S3Client raw = S3ProxyServer.client()) {
      raw.putObject(r -> r.bucket(bucket).key("jobs/ferry/a.txt")
              .metadata(Map.of(S3Storage.SHA256_METADATA, blob.sha256())),
          RequestBody.fromString("the evil content"));
    }
    assertThatThrownBy(() -> s3.read("a.txt"))
        .isInstanceOf(NonRetriableException.class)
        .hasMessageContaining("failed its checksum");
  }

  @Test
  void copyingAMissingKeyFailsClearlyAndWritesNothing() {
    AssetRef gone = new AssetRef("cache/image/none/image", "image/png", 3,
        "0".repeat(64));

    assertThatThrownBy(() -> s3.copy(gone, "assets/segment-000.png"))
        .isInstanceOfSatisfying(NotFoundException.class, e -> {
          assertThat(e.provider()).contains("s3");
          assertThat(e.httpStatus()).hasValue(404);
        })
        .hasMessageContaining("Nothing is stored under 'cache/image/none/image'")
        .hasMessageContaining("'assets/segment-000.png'")
        .hasMessageContaining("s3://" + bucket + "/jobs/ferry/cache/image/none/image");
    assertThat(s3.list("")).isEmpty();
  }

  @Test
  void aCopyOntoAnExistingKeyReplacesIt() throws Exception {
    s3.put("thumbnail.jpg", "old thumbnail".getBytes(StandardCharsets.UTF_8), "image/jpeg");
    byte[] fresh = "new thumbnail".getBytes(StandardCharsets.UTF_8);
    AssetRef blob = s3.put("cache/video/k/thumbnail", fresh, "image/jpeg");

    s3.copy(blob, "thumbnail.jpg");

    assertThat(s3.read("thumbnail.jpg")).isEqualTo(fresh);
    assertThat(rawHead("jobs/ferry/thumbnail.jpg").metadata())
        .containsEntry(S3Storage.SHA256_METADATA, sha(fresh));
  }

  @Test
  void copyingAKeyOntoItselfKeepsItAndAMissingOneStillFails() {
    byte[] data = {1, 2, 3};
    AssetRef ref = s3.put("same.bin", data, "application/octet-stream");

    assertThat(s3.copy(ref, "same.bin")).isEqualTo(ref);
    assertThat(s3.read("same.bin")).isEqualTo(data);

    s3.delete("same.bin");
    assertThatThrownBy(() -> s3.copy(ref, "same.bin")).isInstanceOf(NotFoundException.class)
        .hasMessageContaining("'same.bin'");
  }

  @Test
  void badTargetKeysAreRejectedBeforeAnyRequest() {
    AssetRef ref = s3.put("ok.bin", new byte[] {1}, "application/octet-stream");
    assertThatThrownBy(() -> s3.copy(ref, "../escape.bin"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("Invalid storage key");
    assertThat(s3.list("")).containsExactly("ok.bin");
  }

  @Test
  void objectsOverTheSingleCopyLimitAreCopiedInPartsAndReadBackWhole() throws Exception {
    S3Storage parts = s3.toBuilder().copyLimits(6L << 20, S3Storage.MIN_PART_SIZE_BYTES).build();
    byte[] big = new byte[(12 << 20) + 123];
    new Random(11).nextBytes(big);
    AssetRef blob = parts.put("cache/big.bin", big, "video/mp4");

    AssetRef copied = parts.copy(blob, "video.mp4");

    assertThat(copied.sha256()).isEqualTo(sha(big));
    HeadObjectResponse h = rawHead("jobs/ferry/video.mp4");
    assertThat(h.eTag()).as("a multipart ETag ends in -<parts>").endsWith("-3\"");
    assertThat(h.metadata()).containsEntry(S3Storage.SHA256_METADATA, sha(big));
    assertThat(h.contentType()).isEqualTo("video/mp4");
    try (S3Client raw = S3ProxyServer.client()) {
      assertThat(raw.listMultipartUploads(r -> r.bucket(bucket)).uploads()).isEmpty();
    }
    assertThat(parts.read("video.mp4")).isEqualTo(big);
    parts.close();
  }

  @Test
  void aMultipartCopyOfAMissingKeyFailsClearlyAndLeavesNoUpload() {
    S3Storage parts = s3.toBuilder().copyLimits(0, S3Storage.MIN_PART_SIZE_BYTES).build();
    AssetRef gone = new AssetRef("cache/gone.bin", "video/mp4", 10, "1".repeat(64));
    assertThatThrownBy(() -> parts.copy(gone, "video.mp4"))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("'cache/gone.bin'");
    try (S3Client raw = S3ProxyServer.client()) {
      assertThat(raw.listMultipartUploads(r -> r.bucket(bucket)).uploads()).isEmpty();
    }
    assertThat(parts.list("")).isEmpty();
    parts.close();
  }
}
